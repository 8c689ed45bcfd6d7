"""``python -m verifier``: the same as the ``verifier`` command."""

from verifier.cli import cli

if __name__ == "__main__":
    cli(prog_name="verifier")
