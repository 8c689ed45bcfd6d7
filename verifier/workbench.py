"""The open workbench: the parts one data folder is made of, built once and handed out.

A :class:`Workbench` only assembles: settings, the database, the embedder, the corpus
(database + index, kept consistent), the retriever and the stance model chosen by the
settings, and the desk's memory of reviewed claims. The steps that use them live in their own
modules and take just the parts they need; :mod:`verifier.pipeline` chains them.
:class:`Records` is the settings and the database alone, for the steps that only read or
write records (listing sources, exporting reports): it loads no model, so they start at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from index import IndexStoreError, PassageIndex
from verifier.claim_memory import ClaimMemory
from verifier.config import Settings
from verifier.corpus import Corpus
from verifier.db.session import Database, open_database
from verifier.embed import Embedder, make_embedder
from verifier.retrieve import Retriever, make_retriever
from verifier.stance import StanceModel, make_stance_model

log = logging.getLogger(__name__)


@dataclass
class Records:
    """The data folder's settings and database, with no model loaded.

    Use :func:`open_records`; close with :meth:`close` or a ``with`` block. A
    :class:`Workbench` is also a ``Records``, so a step that takes one takes the other.
    """

    settings: Settings
    db: Database

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass
class Workbench(Records):
    """Database, corpus, embedder, retriever and stance model for one data folder.

    Use :meth:`open`; close with :meth:`close` or a ``with`` block. One workbench may be
    shared by threads (the app shares one between its sessions): the database hands out a
    session per call, and the corpus gives readers immutable index snapshots.
    """

    embedder: Embedder
    corpus: Corpus
    retriever: Retriever
    stance: StanceModel
    memory: ClaimMemory

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        upgrade: bool = False,
        repair: bool = True,
        embedder: Embedder | None = None,
        keep_index_backend: bool = True,
    ) -> Workbench:
        """Open the workbench described by ``settings``.

        Args:
            settings: configuration; from the environment when ``None``.
            upgrade: bring the database schema to the newest migration first (as ``verifier
                init`` and the app do); otherwise a database not at it is refused.
            repair: bring the index in line with the database if they drifted apart.
            embedder: share an already-loaded embedder (tests, benchmarks); otherwise the
                one ``settings.backend`` chooses (:func:`verifier.embed.make_embedder`).
            keep_index_backend: with ``backend="auto"``, keep the backend the index was built
                with (``verifier index rebuild`` passes ``False`` to move to the preferred one).

        Raises:
            SchemaError: the database has no verifier schema, or not the current one.
            VerifierError: the database cannot be reached, or the index cannot be read.
        """
        settings = settings or Settings.from_env()
        db = open_database(settings.database_url, upgrade_schema=upgrade)
        try:
            if embedder is None:
                built_with = _index_model(settings) if keep_index_backend else None
                embedder = make_embedder(settings, built_with)
            corpus = Corpus(db, embedder, settings.index_dir, settings.passage_chars)
            bench = cls(
                settings=settings,
                db=db,
                embedder=embedder,
                corpus=corpus,
                retriever=make_retriever(
                    settings.retriever, corpus, settings.hybrid_weight, settings.title_boost
                ),
                stance=make_stance_model(settings.stance_model, settings.backend),
                memory=ClaimMemory(embedder),
            )
            if repair:
                drift = corpus.repair()
                if drift:
                    log.warning("repaired index: %s", drift.describe())
        except BaseException:
            db.close()
            raise
        return bench

    def __enter__(self) -> Workbench:
        return self


def open_records(settings: Settings | None = None) -> Records:
    """The database described by ``settings`` (from the environment when ``None``), without
    the index or any model.

    Raises:
        SchemaError: the database has no verifier schema, or not the current one.
        VerifierError: the database cannot be reached.
    """
    settings = settings or Settings.from_env()
    return Records(settings, open_database(settings.database_url))


def _index_model(settings: Settings) -> str | None:
    """The embedder name in the index's manifest (``None``: no index, or an unreadable one,
    which the corpus reports when it reads the index)."""
    try:
        manifest = PassageIndex.read_manifest(settings.index_dir)
    except IndexStoreError:
        return None
    model = (manifest or {}).get("model")
    return model if isinstance(model, str) else None
