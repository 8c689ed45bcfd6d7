"""Errors the library raises; the CLI and the UI show ``str(error)`` as one line."""


class VerifierError(Exception):
    """Base class: the message says what is wrong and what to do about it."""


class InputError(VerifierError):
    """A file or value given by the user cannot be used (empty, binary, malformed...)."""


class SettingsError(VerifierError):
    """A setting (environment variable or option) has a value that cannot be used."""


class SchemaError(VerifierError):
    """The database has no verifier schema yet, an older one, or one this version does not know."""


class ConflictError(VerifierError):
    """Someone else changed what the user was looking at after it was read: read it again,
    then decide."""


class ModelError(VerifierError):
    """The embedding model is missing, or its weights are not the expected file."""


def first_line(error: BaseException) -> str:
    """The first line of an error's message (its type's name when it has none): what a
    warning about a third-party failure quotes."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
