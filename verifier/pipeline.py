"""The pipeline: the one place that chains the steps. The CLI, the app and the Python API call it.

* :func:`ingest` and :func:`remove_sources`: files -> source documents -> corpus (database,
  then index), and the claims whose evidence changed matched again (:func:`rematch`);
  :func:`ingest_pages`: web pages, all fetched first (:func:`fetch_sources`), kept as files;
  :func:`label_outlet` (:func:`unlabel_outlet`, :func:`list_outlet_labels`,
  :func:`outlet_label_changes`): the desk's labels for outlets, and their history;
* :func:`extract_article` (and ``_file``), :func:`check_article`: article -> claims (stored)
  -> matches; :func:`store_claim_list` (and :func:`store_claims_file`): a desk's list of
  claims -> claims (stored as one article); :func:`add_claim`, :func:`edit_claim`,
  :func:`drop_claim`: a reviewer's changes to an article's claims, each kept
  (:func:`claim_changes`);
* :func:`match_claims` and :func:`score_claims`: claims -> embeddings -> retriever ->
  stance model -> suggestions (stored for stored claims);
* :func:`score_file` and :func:`score_upload`: a claims file -> :func:`score_claims` ->
  report records -> an output file, or a download (:func:`scored_download`); the scored
  claims can then be stored for review as they were scored (:func:`add_scored_for_review`);
* :func:`review_claim`, :func:`import_reviews` and :func:`import_review_upload`: reviewers'
  verdicts, with their history (:func:`accept_suggestions`: in bulk, above a confidence);
  :func:`assign_claims`: who is to check which claims;
* :func:`export_report` (and :func:`export_files` for downloads): report records -> a table,
  an HTML or Markdown report, or ClaimReview JSON-LD; :func:`export_history`: every verdict
  change (or hand-over) of the claims picked; :func:`new_evidence_count`: reviewed claims
  with evidence newer than their verdict;
* :func:`load_sample` and :func:`load_sample_if_empty`: the sample corpus, on first start.

Work on many claims is done in chunks, one transaction each, so memory stays bounded and a
long run does not hold one transaction open.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.exc import DBAPIError

from verifier import notices
from verifier.accounts import require_editor
from verifier.articles import (
    MAX_ARTICLE_CHARS,
    ArticleMeta,
    ClaimChangeView,
    StoredArticle,
    article_text,
    check_article_text,
    read_article,
    set_appearances,
    store_article,
)
from verifier.articles import add_claim as add_claim_words
from verifier.articles import claim_changes as article_claim_changes
from verifier.articles import drop_claim as drop_claim_row
from verifier.articles import edit_claim as edit_claim_text
from verifier.assignments import assign
from verifier.cache import DbVectorCache
from verifier.checkworthy_model import (
    TrainingReport,
    forget_model,
    read_labelled,
    store_model,
    stored_model,
)
from verifier.checkworthy_model import features as checkworthiness_features
from verifier.checkworthy_model import train as train_model
from verifier.claim_lists import Appearance, appearances
from verifier.claim_memory import PastCheck
from verifier.claims import extract_claims, listed_claims
from verifier.config import Settings
from verifier.db.session import database_failure as explain_failure
from verifier.documents import IngestReport, find_documents, passage_spans
from verifier.errors import InputError, VerifierError
from verifier.export import (
    DOCUMENT_FORMATS,
    FORMATS,
    REPORT_FIELDS,
    REPORT_FORMATS,
    REPORT_SCHEMA,
    TRAILS,
    ClaimRecord,
    Publisher,
    ReportFilter,
    ReportSummary,
    Skipped,
    Trail,
    check_output,
    history_count,
    history_records,
    history_totals,
    output_format,
    report_records,
    report_summary,
    spreadsheet_columns,
    spreadsheet_row,
    write_claim_reviews,
    write_document,
    write_history,
    write_records,
)
from verifier.fetch import fetch_article, fetch_source
from verifier.labels import Label
from verifier.language import detect_language
from verifier.match import (
    ScoredClaim,
    claim_ids,
    claim_texts,
    claims_reached,
    clear_suggestions,
    newest_passage_id,
    score_texts,
    store_suggestions,
)
from verifier.new_evidence import count_claims_with_new_evidence
from verifier.outlets import (
    OutletLabelChangeView,
    OutletLabelView,
    clear_label,
    label_changes,
    outlet_labels,
    set_label,
)
from verifier.queue import QueueFilter, queue_ids
from verifier.readers import ENCODING_OPTION, read_claims, read_reviews
from verifier.retrieve import Evidence
from verifier.review import Change, ImportReport, record_review, record_reviews
from verifier.review import accept_suggestions as accept_bulk
from verifier.sample import is_empty, sample_dir
from verifier.signoffs import sign_off
from verifier.sources import COLUMN_OPTION, read_sources
from verifier.text import normalise
from verifier.uploads import keep_uploads, staged_uploads
from verifier.workbench import Records, Workbench

#: Called with (claims done so far, claims in all).
Progress = Callable[[int, int], None]

_CHUNK = 1024  # claims per transaction
#: Claims per transaction where a person watches the progress (the app): about 12 s a chunk
#: with the trained model on the sample corpus, for no cost told apart from noise against
#: 1,024 at once (benchmarks/bench_progress.py; docs/benchmarks.md).
PROGRESS_CHUNK = 64


def ingest(
    bench: Workbench,
    paths: Iterable[Path],
    progress: Progress | None = None,
    column: str = "text",
    *,
    matching: Progress | None = None,
    encoding: str | None = None,
    **defaults: str | None,
) -> IngestReport:
    """Check every file under ``paths`` first, then read them again to store and index them;
    then match again the claims whose evidence changed: a source's text replaced, or a new
    passage that would now be among a matched claim's evidence (:func:`claims_reached`).

    The first pass reads and parses every file but keeps nothing, so a bad file stops the
    run before anything is written; the second streams documents to the corpus, which stores
    them a batch at a time. Memory holds one file and one batch, whatever the input's size.

    Args:
        bench: the open workbench.
        paths: files and folders.
        progress: called with (passages embedded so far, passages in the files); passages
            already stored are not embedded again, so the count may end short of the total.
        column: the CSV column or JSONL field that holds a row's text.
        matching: called with (claims matched again, claims to match again) as the claims
            whose evidence changed are matched again, in smaller chunks (:func:`rematch`).
        encoding: how to read text files that are not UTF-8; the settings' when ``None``.
        defaults: ``outlet``, ``url``, ``title``, ``date`` for documents that lack them.

    Raises:
        InputError: a file cannot be used; nothing has been written.
    """
    paths = list(paths)
    max_bytes, encoding = bench.settings.max_file_bytes, encoding or bench.settings.encoding
    with notices.gathered() as heard:
        # The check pass also counts the passages for the progress total (split only when
        # someone watches: the split is done again when the documents are stored).
        total = sum(
            len(passage_spans(doc.text, bench.corpus.passage_chars)) if progress else 0
            for doc in read_sources(paths, max_bytes, encoding, column, **defaults)
        )
        done = 0

        def embedded(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, total)

        docs = read_sources(paths, max_bytes, encoding, column, **defaults)
        with bench.db.session() as session:
            newest = newest_passage_id(session)
        report = bench.corpus.add(docs, embedded)
    if report.passages:
        report.affected |= claims_reached_since(bench, newest)
    report.rematched = rematch(bench, report.affected, matching)
    report.warnings = heard.lines()
    return report


def ingest_uploads(
    bench: Workbench,
    files: Sequence[tuple[str, bytes]],
    progress: Progress | None = None,
    column: str = "text",
    column_field: str = COLUMN_OPTION,
    paths: Sequence[Path] = (),
    *,
    matching: Progress | None = None,
    encoding: str | None = None,
    encoding_field: str = ENCODING_OPTION,
    **defaults: str | None,
) -> IngestReport:
    """:func:`ingest` files uploaded in the app, given as (name, content): they are checked
    in a staging folder, then kept under ``uploads/sources/`` in the data folder (their
    names are their uris: uploading a file again updates that source). ``paths`` (files and
    folders on disk, as :func:`ingest` takes them) are checked first and ingested in the same
    run: one report, one matching again of the claims whose evidence changed.

    ``column``, ``matching``, ``encoding`` and ``defaults`` are as for :func:`ingest`;
    ``column_field`` and ``encoding_field`` are what the app calls the column's and the
    encoding's fields, named in the error when a table lacks the column or a file's encoding
    is unclear.

    Raises:
        InputError: a file cannot be used (an upload named as uploaded); nothing is kept or
            written.
    """
    settings = bench.settings
    folder = settings.home / "uploads" / "sources"
    size, encoding = settings.max_file_bytes, encoding or settings.encoding
    with notices.gathered() as heard:
        for _ in read_sources(paths, size, encoding, column, **defaults) if paths else ():
            pass
        with staged_uploads(folder, files) as staged:
            try:
                for _ in read_sources(staged, size, encoding, column, column_field, **defaults):
                    pass
            except InputError as error:
                raise _as_uploaded(error, staged[0].parent, encoding_field) from None
            kept = keep_uploads(staged, folder)
        report = ingest(
            bench,
            [*paths, *kept],
            progress,
            column,
            matching=matching,
            encoding=encoding,
            **defaults,
        )
    # Each file is read twice (checked, then stored): its warnings are said once, naming it
    # as uploaded.
    report.warnings = heard.lines([staged[0].parent, folder])
    return report


def fetch_sources(bench: Records, urls: Iterable[str]) -> list[tuple[str, bytes]]:
    """The pages at ``urls`` (each once, in order) as source files to ingest with
    :func:`ingest_uploads`: every page is fetched, within the time and size limits, before
    any is kept (:func:`verifier.fetch.fetch_source`).

    Raises:
        InputError: no address, or a page that cannot be fetched or read (the line names
            its address); nothing is kept.
    """
    settings = bench.settings
    addresses = list(dict.fromkeys(url.strip() for url in urls if url.strip()))
    if not addresses:
        raise InputError("give the web address of a page to add as a source")
    return [
        fetch_source(
            url,
            settings.max_file_bytes,
            settings.encoding,
            private=settings.fetches_private,
        )
        for url in addresses
    ]


def ingest_pages(
    bench: Workbench,
    urls: Iterable[str],
    progress: Progress | None = None,
    outlet: str | None = None,
    date: str | None = None,
    matching: Progress | None = None,
) -> IngestReport:
    """Add the web pages at ``urls`` as sources: fetched first (:func:`fetch_sources`), then
    kept as text files with their title, outlet, url and date under ``uploads/sources/`` and
    ingested (:func:`ingest_uploads`); fetching an address again updates its source.
    ``outlet`` and ``date`` fill in what a page does not say; ``matching`` is as for
    :func:`ingest`.

    Raises:
        InputError: as :func:`fetch_sources`; nothing is kept or written.
    """
    pages = fetch_sources(bench, urls)
    return ingest_uploads(bench, pages, progress, matching=matching, outlet=outlet, date=date)


@dataclass(frozen=True)
class SourceRemoval:
    """What :func:`remove_sources` did."""

    documents: int
    passages: int
    rematched: int

    def summary(self) -> str:
        line = f"{self.documents} document(s) removed ({self.passages} passage(s))"
        if self.rematched:
            line += f"; {self.rematched} claim(s) that cited them matched again"
        return line


def remove_sources(
    bench: Workbench, keys: Iterable[str], matching: Progress | None = None
) -> SourceRemoval:
    """Remove the source documents ``keys`` name (a uri, a web URL, or a file or folder
    path: :func:`verifier.documents.find_documents`), then match again the claims whose
    evidence they were part of (``matching`` as for :func:`ingest`). Verdicts keep quoting
    the passages they cited.

    Raises:
        InputError: a key names no source; nothing is removed.
    """
    keys = [key for key in keys if key.strip()]
    if not keys:
        raise InputError("name the sources to remove (a path, a URL or a uri)")
    with bench.db.session() as session:
        found = find_documents(session, keys)
    unknown = [key for key, uris in found.items() if not uris]
    if unknown:
        raise InputError(
            f"no source has the path, URL or uri {unknown[0]!r}"
            + (f" (nor {len(unknown) - 1} more)" if len(unknown) > 1 else "")
            + "; `verifier sources --search WORDS` lists them; nothing was removed"
        )
    deleted = bench.corpus.remove({uri for uris in found.values() for uri in uris})
    rematched = rematch(bench, deleted.claims, matching)
    return SourceRemoval(deleted.documents, len(deleted.passages), rematched)


def claims_reached_since(bench: Workbench, newest: int) -> set[int]:
    """The matched claims whose evidence a passage stored after passage ``newest`` would
    now enter (:func:`verifier.match.claims_reached`), at the depth matching reads."""
    depth = max(bench.settings.top_k, bench.stance.depth)
    with bench.db.session() as session:
        return claims_reached(session, bench.embedder, bench.retriever, depth, newest)


def rematch(bench: Workbench, claim_ids: Iterable[int], progress: Progress | None = None) -> int:
    """Match these claims again after their evidence changed (or, with no source left,
    forget their suggestions). Returns how many were matched or cleared. ``progress`` is
    told (claims matched, claims to match) after every :data:`PROGRESS_CHUNK` claims."""
    ids = sorted(set(claim_ids))
    if not ids:
        return 0
    if bench.corpus.is_empty():
        with bench.db.writing() as session:
            clear_suggestions(session, ids)
        return len(ids)
    if progress:
        progress(0, len(ids))
    chunk = PROGRESS_CHUNK if progress else _CHUNK
    return len(match_claims(bench, ids=ids, chunk=chunk, progress=progress))


def extract_article(
    bench: Workbench,
    text: str,
    title: str | None = None,
    uri: str | None = None,
    threshold: float | None = None,
    meta: ArticleMeta | None = None,
    allow_empty: bool = False,
) -> StoredArticle:
    """Find the check-worthy claims of ``text`` (in the language it is written in) and
    store the article with them.

    Args:
        threshold: check-worthiness from which a sentence is a claim; settings' when ``None``.
        meta: the article's url, outlet, author, date and fact-check url, for reports.
        allow_empty: store the article even when no sentence reaches the threshold (for
            claims picked by hand).

    Raises:
        InputError: the text is empty or too long, or holds no claim (and was not stored
            before) while ``allow_empty`` is false.
    """
    check_article_text(text)
    language = detect_language(text)
    found = extract_claims(
        text,
        bench.settings.min_checkworthiness if threshold is None else threshold,
        language,
        scorer=_checkworthiness_scorer(bench),
    )
    with bench.db.writing() as session:
        return store_article(
            session,
            text,
            found,
            title=title,
            uri=uri,
            meta=meta,
            language=language,
            allow_empty=allow_empty,
        )


def _checkworthiness_scorer(bench: Workbench) -> Callable[[list[str]], Sequence[float]] | None:
    """The desk's trained check-worthiness model as a scorer, or ``None`` (the heuristic)."""
    with bench.db.session() as session:
        model = stored_model(session, bench.embedder)
    if model is None:
        return None

    def score(texts: list[str]) -> Sequence[float]:
        with bench.db.session() as session:
            vectors = bench.embedder.embed(texts, cache=DbVectorCache(session))
        return list(model.score(checkworthiness_features(texts, vectors), texts))

    return score


def train_checkworthiness(
    bench: Workbench, path: Path, encoding: str | None = None
) -> TrainingReport:
    """Train the desk's check-worthiness model on a labelled file
    (:func:`verifier.checkworthy_model.read_labelled`) and keep it; extraction uses it from
    then on, for English articles. ``encoding`` reads a text file that is not UTF-8 (the
    settings' when ``None``).

    Raises:
        InputError: the file cannot be used (see :func:`read_labelled`).
    """
    labelled = read_labelled(
        path, bench.settings.max_file_bytes, encoding or bench.settings.encoding
    )
    model, report = train_model(labelled, bench.embedder)
    with bench.db.writing() as session:
        store_model(session, model)
    return report


def train_checkworthiness_upload(
    bench: Workbench,
    name: str,
    data: bytes,
    by: str,
    encoding: str | None = None,
    encoding_field: str = ENCODING_OPTION,
) -> TrainingReport:
    """:func:`train_checkworthiness` on a file uploaded in the app (read from a staging
    folder, removed afterwards; a refusal names the file as uploaded, and the app's
    ``encoding_field`` where its encoding is unclear), by ``by``: with accounts in use, an
    editor (the model changes extraction for the whole desk).

    Raises:
        InputError: ``by`` is no editor, or the file cannot be used; the model is unchanged.
    """
    with bench.db.session() as session:
        require_editor(session, by, "training the desk's check-worthiness model")
    with _staged(bench, name, data, encoding_field) as staged:
        return train_checkworthiness(bench, staged, encoding)


def forget_checkworthiness(bench: Records, by: str | None = None) -> bool:
    """Drop the desk's check-worthiness model (back to the heuristic); whether there was one.
    Given ``by`` (the app's reviewer), with accounts in use it must be an editor.

    Raises:
        InputError: ``by`` is no editor.
    """
    with bench.db.writing() as session:
        if by is not None:
            require_editor(session, by, "dropping the desk's check-worthiness model")
        return forget_model(session)


def checkworthiness_model(bench: Workbench) -> dict[str, object] | None:
    """What the desk's check-worthiness model was trained on, how it measured and what it
    scores with, or ``None`` when extraction uses the heuristic."""
    with bench.db.session() as session:
        model = stored_model(session, bench.embedder)
    if model is None:
        return None
    scorer = (
        "embeddings and words"
        if model.words is not None
        else "embeddings only (trained before the word model; train it again to add it)"
    )
    return dict(model.trained) | {"scorer": scorer}


def extract_article_file(
    bench: Workbench, path: Path, threshold: float | None = None, meta: ArticleMeta | None = None
) -> StoredArticle:
    """:func:`extract_article` on an article file (.txt, .md or .html), titled by its headline,
    with the url, outlet and date its front matter (or page metadata) gives.

    Raises:
        InputError: the file cannot be used, or holds no claim.
    """
    title, text, found = read_article(path, bench.settings.max_file_bytes, bench.settings.encoding)
    meta = (meta or ArticleMeta()).over(found)  # what the caller gives wins over the file
    return extract_article(
        bench, text, title=title, uri=str(path.resolve()), threshold=threshold, meta=meta
    )


def store_claim_list(
    bench: Workbench,
    texts: Sequence[str],
    title: str,
    uri: str | None = None,
    seen_at: Sequence[Appearance] | None = None,
) -> StoredArticle:
    """Store a list of claims for review as one article titled ``title``
    (:func:`verifier.claims.listed_claims`: one claim per line, every line a claim, a
    repeated claim once); they join the review queue once matched (:func:`match_claims`).
    Storing the same list again keeps it, its claims and their reviews.

    Args:
        seen_at: where each text was seen, by who and when, kept with its claim for
            reports and ClaimReview; a repeated claim keeps the first one given.

    Raises:
        InputError: the list holds no claims, or more text than an article may (nothing is
            stored).
    """
    seen: dict[str, Appearance] = {}
    for text, appearance in zip(texts, seen_at or ()):
        if appearance:
            seen.setdefault(normalise(text), appearance)
    language = detect_language("\n".join(texts))
    text, found = listed_claims(texts, language, _checkworthiness_scorer(bench))
    if not found:
        raise InputError("the list holds no claims")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"the {len(found):,} claims come to {len(text):,} characters, more than the "
            f"{MAX_ARTICLE_CHARS:,} one list may hold: split the file and add each part"
        )
    with bench.db.writing() as session:
        saved = store_article(session, text, found, title=title, uri=uri, language=language)
        set_appearances(
            session,
            {c.id: seen[normalise(c.text)] for c in saved.claims if normalise(c.text) in seen},
        )
    return saved


def store_claims_file(
    bench: Workbench, path: Path, column: str = "claim", title: str | None = None
) -> StoredArticle:
    """:func:`store_claim_list` for the claims of a ``.txt``/``.csv``/``.jsonl``/``.xlsx`` file
    (:func:`verifier.readers.read_claims`), titled by its name unless ``title`` is given,
    each with where it was seen when the file has ``url``, ``author`` or ``date`` columns
    (:func:`verifier.claim_lists.appearances`).

    Raises:
        InputError: the file cannot be used, or its list cannot be stored.
    """
    settings = bench.settings
    rows = read_claims(path, settings.max_file_bytes, settings.encoding, column)
    seen = appearances(path, rows.extras, rows.rows)
    return store_claim_list(bench, rows.texts, title or path.name, str(path.resolve()), seen)


def fetch_article_page(bench: Workbench, url: str) -> tuple[str, str, ArticleMeta]:
    """``(title, text, details)`` of the article at a web address, fetched within the
    time and size limits (:func:`verifier.fetch.fetch_article`), for the reviewer to check
    before extracting its claims.

    Raises:
        InputError: the address cannot be used, fetched or read.
    """
    settings = bench.settings
    return fetch_article(
        url, settings.max_file_bytes, settings.encoding, private=settings.fetches_private
    )


@dataclass(frozen=True)
class ArticleCheck:
    """An article as stored, and its claims matched against the sources."""

    article: StoredArticle
    results: list[ScoredClaim]


def check_article(
    bench: Workbench,
    text: str,
    title: str | None = None,
    uri: str | None = None,
    threshold: float | None = None,
    top_k: int | None = None,
    meta: ArticleMeta | None = None,
    allow_empty: bool = False,
    progress: Progress | None = None,
) -> ArticleCheck:
    """Extract and store the article's claims (:func:`extract_article`), then match them.

    Args:
        progress: called with (claims matched, claims in all) as matching goes.

    Raises:
        InputError: as :func:`extract_article`.
        VerifierError: no sources are indexed yet (the article is stored all the same).
    """
    article = extract_article(
        bench, text, title=title, uri=uri, threshold=threshold, meta=meta, allow_empty=allow_empty
    )
    if not article.claims:
        return ArticleCheck(article, [])
    chunk = 64 if progress else _CHUNK  # smaller steps when someone watches them
    results = match_claims(
        bench, article_id=article.id, top_k=top_k, chunk=chunk, progress=progress
    )
    return ArticleCheck(article, results)


def extract_again(
    bench: Workbench, article_id: int, threshold: float, progress: Progress | None = None
) -> int:
    """Extract a stored article's claims again at ``threshold``, adding those not held yet
    (none is removed), and match the new ones. Returns how many were added.

    Raises:
        InputError: no such article.
    """
    with bench.db.session() as session:
        text = article_text(session, article_id)
        before = set(claim_ids(session, article_id=article_id))
    article = extract_article(bench, text, threshold=threshold, allow_empty=True)
    added = [claim.id for claim in article.claims if claim.id not in before]
    if added and not bench.corpus.is_empty():
        match_claims(bench, ids=added, chunk=64 if progress else _CHUNK, progress=progress)
    return len(added)


class ArticleUpload(NamedTuple):
    """An article file uploaded in the app, as read (:func:`read_article_upload`)."""

    title: str
    text: str
    meta: ArticleMeta
    warnings: list[str]  # what reading it warned of: read by OCR, not in UTF-8


def read_article_upload(
    bench: Workbench,
    name: str,
    data: bytes,
    encoding: str | None = None,
    encoding_field: str = ENCODING_OPTION,
) -> ArticleUpload:
    """An article file uploaded in the app (:data:`~verifier.articles.ARTICLE_KINDS`), read as
    :func:`extract_article_file` reads one (a text file that is not UTF-8 in ``encoding``,
    else the settings'), with what reading it warned of.

    Raises:
        InputError: the file cannot be used (named as uploaded).
    """
    settings = bench.settings
    with _staged(bench, name, data, encoding_field) as path, notices.gathered() as heard:
        read = read_article(path, settings.max_file_bytes, encoding or settings.encoding)
    return ArticleUpload(*read, heard.lines([path.parent]))


def add_claim(bench: Workbench, article_id: int, words: str, by: str) -> int:
    """Make words of a stored article a claim, picked by hand by ``by``, and match it (when
    sources are indexed). Returns its id. Kept as a claim change (:func:`claim_changes`).

    Raises:
        InputError: as :func:`verifier.articles.add_claim`.
    """
    with bench.db.writing() as session:
        claim_id = add_claim_words(session, article_id, words, by)
    if not bench.corpus.is_empty():
        match_claims(bench, ids=[claim_id])
    return claim_id


def edit_claim(bench: Workbench, claim_id: int, text: str, by: str) -> None:
    """Change a claim's words as ``by`` (not once a reviewer has decided it), then match it
    again. Kept as a claim change.

    Raises:
        InputError: as :func:`verifier.articles.edit_claim`.
    """
    with bench.db.writing() as session:
        edit_claim_text(session, claim_id, text, by)
    rematch(bench, [claim_id])


def drop_claim(bench: Workbench, claim_id: int, by: str) -> None:
    """Remove a claim that is not one, as ``by`` (not once a reviewer has decided it). Its
    words are kept as a claim change.

    Raises:
        InputError: as :func:`verifier.articles.drop_claim`.
    """
    with bench.db.writing() as session:
        drop_claim_row(session, claim_id, by)


def label_outlet(bench: Records, outlet: str, label: str, note: str | None, by: str) -> None:
    """Give ``outlet`` the desk's label (replacing its label), as ``by``
    (:func:`verifier.outlets.set_label`)."""
    with bench.db.writing() as session:
        set_label(session, outlet, label, note, by)


def unlabel_outlet(bench: Records, outlet: str, by: str) -> None:
    """Take ``outlet``'s label away, as ``by`` (:func:`verifier.outlets.clear_label`)."""
    with bench.db.writing() as session:
        clear_label(session, outlet, by)


def list_outlet_labels(bench: Records) -> list[OutletLabelView]:
    """Every outlet label, by outlet."""
    with bench.db.session() as session:
        return outlet_labels(session)


def outlet_label_changes(bench: Records, outlet: str | None = None) -> list[OutletLabelChangeView]:
    """Every change of the outlet labels (of ``outlet`` alone, when given), newest first:
    who set, changed or cleared which label, and when."""
    with bench.db.session() as session:
        return label_changes(session, outlet)


def claim_changes(bench: Records, article_id: int) -> list[ClaimChangeView]:
    """Who added, edited or dropped which of an article's claims, and when, newest first."""
    with bench.db.session() as session:
        return article_claim_changes(session, article_id)


def _score(
    bench: Workbench, texts: Sequence[str], k: int, stored_ids: Sequence[int] | None = None
) -> list[ScoredClaim]:
    """Score ``texts`` in a read-only transaction, then write the new cached vectors (and,
    for stored claims, their matches and suggestions) in a short write transaction: the
    embedding and the search never hold the database's write lock."""
    with bench.db.session() as session:
        cache = DbVectorCache(session, hold=True)
        scored = score_texts(
            session,
            texts,
            bench.embedder,
            bench.retriever,
            bench.stance,
            k,
            cache=cache,
            memory=bench.memory,
            claim_ids=stored_ids,
        )
    if stored_ids is not None:
        scored = [replace(r, claim_id=claim_id) for claim_id, r in zip(stored_ids, scored)]
    if cache.held or stored_ids:
        with bench.db.writing() as session:
            cache.write(session)
            if stored_ids:
                store_suggestions(session, scored)
    return scored


def _require_sources(bench: Workbench) -> None:
    if bench.corpus.is_empty():
        raise VerifierError("no sources are indexed yet; run `verifier ingest PATH` first")


def match_claims(
    bench: Workbench,
    ids: Sequence[int] | None = None,
    article_id: int | None = None,
    top_k: int | None = None,
    chunk: int = _CHUNK,
    progress: Progress | None = None,
) -> list[ScoredClaim]:
    """Match stored claims and store their evidence and suggested verdicts.

    Args:
        ids: the claims to match; all stored claims when ``None``.
        article_id: only this article's claims.
        top_k: evidence passages per claim; settings' when ``None``.
        progress: called with (claims done, claims in all) after each chunk.

    Earlier matches of those claims are replaced; the suggested verdict is updated while a
    reviewer's label, note and evidence stay untouched.

    Raises:
        VerifierError: no sources are indexed yet.
    """
    _require_sources(bench)
    k = top_k or bench.settings.top_k
    with bench.db.session() as session:
        wanted = claim_ids(session, ids, article_id)
    results: list[ScoredClaim] = []
    for start in range(0, len(wanted), chunk):
        with bench.db.session() as session:
            rows = claim_texts(session, wanted[start : start + chunk])
        results.extend(_score(bench, [text for _, text in rows], k, [cid for cid, _ in rows]))
        if progress:
            progress(len(results), len(wanted))
    return results


def score_claims(
    bench: Workbench,
    texts: Sequence[str],
    top_k: int | None = None,
    progress: Progress | None = None,
    chunk: int = _CHUNK,
) -> list[ScoredClaim]:
    """Evidence and a suggested verdict for each claim text (in input order); nothing stored
    but the embedding cache.

    Args:
        texts: claim texts; a repeated claim is embedded once.
        top_k: evidence passages per claim; settings' when ``None``.
        progress: called with (claims done, claims in all) before the first chunk and
            after each.

    Raises:
        VerifierError: no sources are indexed yet.
    """
    _require_sources(bench)
    k = top_k or bench.settings.top_k
    results: list[ScoredClaim] = []
    if progress:
        progress(0, len(texts))
    for start in range(0, len(texts), chunk):
        results.extend(_score(bench, texts[start : start + chunk], k))
        if progress:
            progress(len(results), len(texts))
    return results


@dataclass(frozen=True)
class ScoredClaims:
    """The claims of a file as scored (:func:`score_claims_file`), in input order, with each
    row's other fields and its row in the file, how many claims repeated, and the file's
    name as the user gave it (named in errors)."""

    results: list[ScoredClaim]
    extras: list[dict[str, object]]
    rows: list[int]
    duplicates: int
    source: str
    #: What reading the file noted (not in UTF-8, only one sheet read), for the app.
    warnings: tuple[str, ...] = ()

    @property
    def labels(self) -> dict[Label, int]:
        """How many claims got each suggested verdict."""
        return dict(Counter(result.suggestion.label for result in self.results))

    def counts(self) -> str:
        """``"3 supported, 1 disputed, 0 unverified"``."""
        return _label_counts(self.labels)

    def records(self) -> list[dict[str, object]]:
        """The report records (:class:`~verifier.export.ClaimRecord`), made when asked for:
        held by the app between pages, the results are the smaller form."""
        return [
            ClaimRecord.from_scored(result, extra, row).to_dict()
            for result, extra, row in zip(self.results, self.extras, self.rows)
        ]


@dataclass(frozen=True)
class ScoreFileReport:
    """What :func:`score_file` wrote."""

    out: Path
    scored: int
    duplicates: int
    labels: dict[Label, int]

    def summary(self) -> str:
        return f"scored {self.scored} claim(s) -> {self.out} ({_label_counts(self.labels)})"


def _label_counts(labels: dict[Label, int]) -> str:
    return ", ".join(f"{labels.get(label, 0)} {label}" for label in Label)


def score_claims_file(
    bench: Workbench,
    claims: Path,
    top_k: int | None = None,
    progress: Progress | None = None,
    column: str = "claim",
    column_field: str = "--column",
    most: int | None = None,
    chunk: int = _CHUNK,
    encoding: str | None = None,
) -> ScoredClaims:
    """Score every claim in a ``.txt``/``.csv``/``.jsonl``/``.xlsx`` file
    (:func:`verifier.readers.read_claims`; a text file that is not UTF-8 read in
    ``encoding``, else the settings'), keeping each input row's other fields and its
    ``row`` (line, or workbook row) for its report record (:meth:`ScoredClaims.records`);
    ``progress`` is told after every ``chunk`` claims.

    Raises:
        InputError: the claims file cannot be used, or holds more than ``most`` claims
            (checked before any claim is scored).
        VerifierError: no sources are indexed yet.
    """
    settings = bench.settings
    rows = read_claims(
        claims, settings.max_file_bytes, encoding or settings.encoding, column, column_field
    )
    if most is not None and len(rows.texts) > most:
        raise InputError(
            f"{claims}: holds {len(rows.texts):,} claims, more than the {most:,} the app scores "
            f"at once; split the file, or run `verifier score {claims.name} --out scored.csv`"
        )
    results = score_claims(bench, rows.texts, top_k, progress, chunk)
    return ScoredClaims(results, rows.extras, rows.rows, rows.duplicates, claims.name)


def write_scored(records: Sequence[dict[str, object]], out: Path) -> None:
    """Write scored claims' records to ``out`` in the format its suffix names (CSV and Excel
    with the best match spelled out and the evidence as JSON); whole or not at all."""
    write_records(records, out, columns=spreadsheet_columns(records), flatten=spreadsheet_row)


def score_file(
    bench: Workbench,
    claims: Path,
    out: Path,
    top_k: int | None = None,
    progress: Progress | None = None,
    column: str = "claim",
) -> ScoreFileReport:
    """:func:`score_claims_file`, then the records written to ``out`` (a suffix of
    :data:`~verifier.export.formats.OUTPUT_SUFFIXES`) by :func:`write_scored`.

    Raises:
        InputError: the claims file or the output path cannot be used (checked before any
            claim is scored).
        VerifierError: no sources are indexed yet.
    """
    check_output(out)
    scored = score_claims_file(bench, claims, top_k, progress, column)
    write_scored(scored.records(), out)
    return ScoreFileReport(out, len(scored.results), scored.duplicates, scored.labels)


def score_upload(
    bench: Workbench,
    name: str,
    data: bytes,
    top_k: int | None = None,
    progress: Progress | None = None,
    column: str = "claim",
    column_field: str = "--column",
    most: int | None = None,
    encoding: str | None = None,
    encoding_field: str = ENCODING_OPTION,
) -> ScoredClaims:
    """:func:`score_claims_file` for a file uploaded in the app, given as its name and
    content (read from a staging folder, removed afterwards; a refusal names it as
    uploaded, and the app's ``encoding_field`` where its encoding is unclear); nothing is
    stored but the embedding cache. ``progress`` is told every :data:`PROGRESS_CHUNK`
    claims, so that the page moves every few seconds.

    Raises:
        InputError: the file cannot be used (named as uploaded).
        VerifierError: no sources are indexed yet.
    """
    with _staged(bench, name, data, encoding_field) as staged, notices.gathered() as heard:
        scored = score_claims_file(
            bench, staged, top_k, progress, column, column_field, most, PROGRESS_CHUNK, encoding
        )
    return replace(scored, warnings=tuple(heard.lines([staged.parent])))


def scored_download(scored: ScoredClaims, fmt: str) -> bytes:
    """Scored claims as the content of a file in ``fmt`` (a key of
    :data:`~verifier.export.formats.FORMATS`), made by :func:`write_scored`."""
    with tempfile.TemporaryDirectory(prefix="verifier-scored-") as folder:
        out = Path(folder) / f"scored{FORMATS[fmt]}"
        write_scored(scored.records(), out)
        return out.read_bytes()


def add_scored_for_review(bench: Workbench, scored: ScoredClaims, title: str) -> StoredArticle:
    """Save scored claims for review as one list (:func:`store_claim_list`), each with the
    evidence and suggestion it was scored with (stored as :func:`match_claims` stores them,
    without reading the claims again) and where it was seen (the file's ``url``, ``author``
    and ``date`` columns). A
    claim picked by hand in the stored list before keeps its own matches.

    Raises:
        InputError: a ``url`` that is not a web address, a ``date`` that is not a date, or
            as :func:`store_claim_list`; nothing is stored.
    """
    seen = appearances(scored.source, scored.extras, scored.rows)
    texts = [result.claim for result in scored.results]
    saved = store_claim_list(bench, texts, title, seen_at=seen)
    by_text: dict[str, ScoredClaim] = {}
    for result in scored.results:
        by_text.setdefault(normalise(result.claim), result)
    found = [
        replace(by_text[normalise(claim.text)], claim_id=claim.id)
        for claim in saved.claims
        if normalise(claim.text) in by_text
    ]
    with bench.db.writing() as session:
        store_suggestions(session, found)
    return saved


def _as_uploaded(
    error: InputError, folder: str | Path, encoding_field: str = ENCODING_OPTION
) -> InputError:
    """``error`` with the staging ``folder`` taken out of its message, so that it names the
    file as the user uploaded it, and the app's ``encoding_field`` where it asks for the
    file's encoding with the command line's option."""
    message = str(error).replace(f"{folder}{os.sep}", "")
    return InputError(message.replace(ENCODING_OPTION, encoding_field))


@contextmanager
def _staged(
    bench: Records, name: str, data: bytes, encoding_field: str = ENCODING_OPTION
) -> Iterator[Path]:
    """The upload ``name`` (its ``data``) in a staging folder while the block runs; an
    :class:`InputError` raised in the block names it as uploaded (:func:`_as_uploaded`)."""
    with staged_uploads(bench.settings.home / "uploads", [(name, data)]) as [staged]:
        try:
            yield staged
        except InputError as error:
            raise _as_uploaded(error, staged.parent, encoding_field) from None


@dataclass(frozen=True)
class SampleLoad:
    """What loading the sample corpus did."""

    report: IngestReport
    article_id: int
    claims: int


def load_sample(bench: Workbench) -> SampleLoad:
    """Ingest the sample sources, then extract and match the sample article's claims."""
    folder = sample_dir(bench.settings)
    report = ingest(bench, [folder / "sources"])
    title, text, meta = read_article(folder / "article.md", bench.settings.max_file_bytes)
    checked = check_article(bench, text, title=title, uri=str(folder / "article.md"), meta=meta)
    return SampleLoad(report, checked.article.id, len(checked.results))


def load_sample_if_empty(bench: Workbench) -> SampleLoad | None:
    """Load the sample on first start: when nothing is stored yet. ``None`` otherwise."""
    with bench.db.session() as session:
        empty = is_empty(session)
    return load_sample(bench) if empty else None


@dataclass(frozen=True)
class ExportReport:
    """What :func:`export_report` wrote (and, for ClaimReview, left out)."""

    out: Path
    format: str
    records: int
    also: tuple[Path, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    counted: str = "claim(s)"

    def summary(self) -> str:
        line = f"exported {self.records} {self.counted} as {self.format} -> {self.out}"
        if self.also:
            line += f" (and {', '.join(str(path) for path in self.also)})"
        if self.skipped:
            line += f"; left out {len(self.skipped)}: " + "; ".join(
                skipped.describe() for skipped in self.skipped[:5]
            )
            if len(self.skipped) > 5:
                line += f"; and {len(self.skipped) - 5} more"
        return line


def claimreview_publisher(
    settings: Settings,
    name: str | None = None,
    url: str | None = None,
    factcheck_url: str | None = None,
) -> Publisher:
    """The publisher of ClaimReview exports: the values given, else the settings'.

    Raises:
        InputError: no publisher name (ClaimReview names the organisation publishing it).
        SettingsError: a URL or URL template that cannot be used.
    """
    name = (name or settings.publisher_name or "").strip()
    if not name:
        raise InputError(
            "ClaimReview needs the name of the organisation publishing the fact-checks: "
            "set VERIFIER_PUBLISHER_NAME (or give --publisher)"
        )
    checked = replace(  # a copy of the settings: the URLs given are checked as theirs are
        settings,
        publisher_url=url or settings.publisher_url,
        factcheck_url=factcheck_url or settings.factcheck_url,
    )
    return Publisher(name, checked.publisher_url, checked.factcheck_url, checked.rating_scale)


def export_report(
    bench: Records,
    selection: ReportFilter,
    out: Path,
    fmt: str | None = None,
    *,
    publisher: Publisher | None = None,
    title: str = "Verdict report",
) -> ExportReport:
    """Write the verdict report of the claims ``selection`` picks to ``out``, in ``fmt`` (or
    the format its extension names), streamed and atomically (a temporary file renamed into
    place). ClaimReview also writes its ``<script>`` snippets beside ``out``.

    Raises:
        InputError: the format or path cannot be used, ClaimReview without a ``publisher``,
            no claim matches, or (ClaimReview) none can be published; nothing is written.
    """
    fmt = output_format(out, fmt)
    if fmt == "claimreview" and publisher is None:
        publisher = claimreview_publisher(bench.settings)
    with bench.db.session() as session:
        records = report_records(session, selection)
        first = next(records, None)
        if first is None:
            scope = "reviewed claims" if selection.reviewed_only else "claims"
            raise InputError(f"no {scope} match these filters; nothing written to {out}")
        records = chain([first], records)
        if fmt in FORMATS:
            written = write_records(records, out, columns=REPORT_FIELDS, schema=REPORT_SCHEMA)
            return ExportReport(out, fmt, written)
        if fmt in DOCUMENT_FORMATS:
            summary = report_summary(session, selection)
            return ExportReport(out, fmt, write_document(records, summary, out, fmt, title=title))
        assert publisher is not None
        result = write_claim_reviews(records, out, publisher)
        return ExportReport(
            out, fmt, result.written, also=(result.snippets,), skipped=tuple(result.skipped)
        )


def export_history(
    bench: Records,
    selection: ReportFilter,
    out: Path,
    fmt: str | None = None,
    *,
    trail: str = "verdicts",
    title: str | None = None,
) -> ExportReport:
    """Write every change in ``trail`` of the claims ``selection`` picks to ``out``,
    streamed and atomically: as a table (csv, xlsx, jsonl or parquet), one row per change;
    or as a readable HTML or Markdown document (headed ``title``, by default the trail's
    name), each claim with its changes in words. The trails
    (:data:`~verifier.export.TRAILS`): ``verdicts``, the audit trail of verdicts (who, when,
    from what, to what, note, evidence, sign-off); ``assignments``, every hand-over of a
    claim to check (who gave it from whom to whom, when).

    Raises:
        InputError: the format or path cannot be used (ClaimReview is no history format),
            no such trail, or no claim matches, or the claims matched have no such history
            yet; nothing is written.
    """
    chosen = _trail(trail)
    fmt = output_format(out, fmt)
    if fmt not in FORMATS and fmt not in DOCUMENT_FORMATS:
        written_as = ", ".join([*FORMATS, *DOCUMENT_FORMATS])
        raise InputError(f"the {chosen.name} is written as {written_as}, not {fmt}")
    with bench.db.session() as session:
        document = fmt in DOCUMENT_FORMATS
        rows = history_records(session, selection, chosen, quoted=document)
        first = next(rows, None)
        if first is None:
            scope = "reviewed claims" if selection.reviewed_only else "claims"
            article = "an" if chosen.name.startswith(tuple("aeiou")) else "a"
            raise InputError(
                f"no {scope} with {article} {chosen.name} match these filters; "
                f"nothing written to {out}"
            )
        if document:
            totals = history_totals(session, selection, chosen)
            heading = title or chosen.name.capitalize()
            written = write_history(chain([first], rows), totals, out, fmt, title=heading)
        else:
            written = write_records(
                chain([first], rows), out, columns=chosen.fields, schema=chosen.schema
            )
        return ExportReport(out, fmt, written, counted="history entries")


def count_history(bench: Records, selection: ReportFilter, trail: str = "verdicts") -> int:
    """How many changes in ``trail`` (as :func:`export_history`) the claims picked have."""
    with bench.db.session() as session:
        return history_count(session, selection, _trail(trail))


def _trail(name: str) -> Trail:
    try:
        return TRAILS[name]
    except KeyError:
        raise InputError(f"no history called {name!r}: choose one of {', '.join(TRAILS)}") from None


def new_evidence_count(bench: Records) -> int:
    """How many reviewed claims have evidence from sources added or changed since their
    verdict (:mod:`verifier.new_evidence`): worth saying after matching claims again."""
    with bench.db.session() as session:
        return count_claims_with_new_evidence(session)


def summarise_report(bench: Records, selection: ReportFilter) -> ReportSummary:
    """The summary a report of ``selection`` opens with (counts, agreement)."""
    with bench.db.session() as session:
        return report_summary(session, selection)


def preview_report(
    bench: Records, selection: ReportFilter, limit: int = 100
) -> list[dict[str, object]]:
    """The first ``limit`` report records of ``selection`` (for a preview table)."""
    with bench.db.session() as session:
        return list(islice(report_records(session, selection), limit))


def export_files(
    bench: Records,
    selection: ReportFilter,
    fmt: str,
    *,
    publisher: Publisher | None = None,
    name: str = "verdict-report",
    history: str | None = None,
) -> tuple[ExportReport, dict[str, bytes]]:
    """The report in ``fmt`` (with ``history``, that history of its claims: ``verdicts`` or
    ``assignments``) as file name -> content (for downloads), made by :func:`export_report`
    (:func:`export_history`) in a temporary folder; with what it wrote and left out.

    Raises:
        InputError: as :func:`export_report` (:func:`export_history`).
    """
    with tempfile.TemporaryDirectory(prefix="verifier-export-") as folder:
        out = Path(folder) / f"{name}{REPORT_FORMATS[fmt]}"
        if history:
            done = export_history(bench, selection, out, fmt, trail=history)
        else:
            done = export_report(bench, selection, out, fmt, publisher=publisher)
        return done, {path.name: path.read_bytes() for path in (done.out, *done.also)}


def review_claim(
    bench: Records,
    claim_id: int,
    verdict: Label | str,
    reviewer: str,
    note: str | None = None,
    evidence: Sequence[int] = (),
    seen: int | None = None,
) -> Change:
    """Record a reviewer's verdict on a claim, with its history entry (as the app does).
    Given ``seen``, the number of history entries the reviewer had in view, a verdict
    changed by someone else meanwhile is not silently replaced
    (:func:`verifier.review.record_review`).

    Raises:
        InputError: no reviewer, an unknown label, claim or passage.
        ConflictError: the verdict changed after the reviewer read it.
    """
    with bench.db.writing() as session:
        return record_review(session, claim_id, reviewer, verdict, note, evidence, seen)


def accept_suggestions(
    bench: Records, claims: Sequence[int] | QueueFilter, reviewer: str, min_confidence: float
) -> list[Change]:
    """Accept the suggested verdict of every claim given (by id, or all a queue filter
    keeps) that no reviewer has decided and whose suggestion is at least ``min_confidence``
    confident, as ``reviewer``'s, in one transaction
    (:func:`verifier.review.accept_suggestions`).

    Raises:
        InputError: no reviewer, a threshold outside 0-1, or an unusable reviewer name.
    """
    with bench.db.writing() as session:
        ids = queue_ids(session, claims) if isinstance(claims, QueueFilter) else claims
        return accept_bulk(session, ids, reviewer, min_confidence)


def assign_claims(
    bench: Records, claims: Sequence[int] | QueueFilter, to: str | None, by: str
) -> int:
    """Give the claims (by id, or every claim a queue filter keeps, read in the same
    transaction) to reviewer ``to`` to check (``None``: to no one), all or none
    (:func:`verifier.assignments.assign`); how many changed hands.

    Raises:
        InputError: no ``by`` name, no claims, an unknown claim, or an unusable ``to``.
    """
    with bench.db.writing() as session:
        ids = queue_ids(session, claims) if isinstance(claims, QueueFilter) else claims
        return assign(session, ids, to, by)


def sign_off_claims(bench: Records, claims: Sequence[int] | QueueFilter, by: str) -> int:
    """Sign off, as editor ``by``, the verdicts of the claims given by id, or of every claim
    a queue filter keeps whose verdict awaits a sign-off (``by``'s own left for another
    editor), read in the same transaction (:func:`verifier.signoffs.sign_off`); how many.

    Raises:
        InputError: as :func:`verifier.signoffs.sign_off`.
    """
    with bench.db.writing() as session:
        if isinstance(claims, QueueFilter):
            ids = queue_ids(session, replace(claims, status="to sign off"))
            return sign_off(session, ids, by, skip_own=True) if ids else 0
        return sign_off(session, claims, by)


#: The longest text a reviewer's search of the sources takes, in characters.
SEARCH_CHARS = 1000


def find_passages(bench: Workbench, query: str, top_k: int = 10) -> list[Evidence]:
    """The passages of the sources that best answer a reviewer's own ``query`` (words, a
    figure, a name), ranked by the workbench's retriever as a claim's evidence is, so that a
    reviewer can cite a passage the match did not bring (any passage may be cited:
    :func:`review_claim`). Nothing is stored.

    Raises:
        InputError: an empty query, or one over :data:`SEARCH_CHARS` characters.
    """
    text = " ".join(query.split())
    if not text:
        raise InputError("type words, a figure or a name to search the sources for")
    if len(text) > SEARCH_CHARS:
        raise InputError(
            f"a search takes {SEARCH_CHARS:,} characters at most, not {len(text):,}; "
            "search for the words that matter"
        )
    vectors = bench.embedder.embed([text])
    with bench.db.session() as session:
        [found] = bench.retriever.retrieve(session, [text], vectors, top_k)
    return found


def past_checks(bench: Workbench, claims: Sequence[tuple[int, str]]) -> dict[int, PastCheck]:
    """For stored claims ``(id, text)``, the reviewed claim each says the same as, if any
    (:mod:`verifier.claim_memory`)."""
    with bench.db.session() as session:
        return bench.memory.for_claims(session, claims)


def reuse_verdict(
    bench: Records, claim_id: int, past: PastCheck, reviewer: str, seen: int | None = None
) -> Change:
    """Give a claim the verdict the desk gave the claim it says the same as: its label and
    the evidence it cited, with a note naming it (and its note), as this reviewer's.

    Raises:
        InputError, ConflictError: as :func:`review_claim`.
    """
    note = f"Same claim as #{past.claim_id}, checked before by {past.reviewer or 'someone'}"
    if past.note:
        note += f": {past.note}"
    return review_claim(bench, claim_id, past.label, reviewer, note, list(past.evidence), seen)


def database_failure(error: BaseException, settings: Settings) -> VerifierError | None:
    """The one line for a database failure no step expected (a damaged SQLite file, a server
    gone away: :func:`verifier.db.session.database_failure`), or ``None`` when ``error`` is
    something else: what the command line and the app show instead of a traceback."""
    if isinstance(error, DBAPIError):
        return explain_failure(error, settings.database_url)
    return None


def import_reviews(
    bench: Records,
    path: Path,
    account: str | None = None,
    replace_newer: bool = False,
    replace_option: str = "--replace-newer",
    encoding: str | None = None,
) -> ImportReport:
    """Record the verdicts of a CSV or Excel file (:func:`verifier.readers.read_reviews`; a
    CSV file that is not UTF-8 read in ``encoding``, else the settings'), all or none; rows
    without a verdict, or that change nothing, are left out, and so are a verdict report's
    rows left as exported whose claim was decided again since
    (:func:`verifier.review.record_reviews`). Given the ``account`` signed in to the app,
    every verdict must be that account's.

    Raises:
        InputError: the file or one of its rows cannot be used; nothing is recorded.
        ConflictError: rows the file changed would replace verdicts given after it was
            exported, and not ``replace_newer`` (asked for by ``replace_option``).
    """
    settings = bench.settings
    found = read_reviews(path, settings.max_file_bytes, encoding or settings.encoding, account)
    with bench.db.writing() as session:
        return record_reviews(session, found, replace_newer, replace_option)


def import_review_upload(
    bench: Records,
    name: str,
    data: bytes,
    account: str | None = None,
    replace_newer: bool = False,
    replace_option: str = "--replace-newer",
    encoding: str | None = None,
    encoding_field: str = ENCODING_OPTION,
) -> ImportReport:
    """:func:`import_reviews` for a file uploaded in the app, given as its name and content
    (read from a staging folder, removed afterwards; the message of a refusal names the
    file as uploaded, and the app's ``encoding_field`` where its encoding is unclear).

    Raises:
        InputError, ConflictError: as :func:`import_reviews`; nothing is recorded.
    """
    with _staged(bench, name, data, encoding_field) as staged, notices.gathered() as heard:
        imported = import_reviews(bench, staged, account, replace_newer, replace_option, encoding)
    return replace(imported, warnings=heard.lines([staged.parent]))
