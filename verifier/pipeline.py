"""The pipeline: the one place that chains the steps. The CLI, the app and the Python API call it.

* :func:`ingest`: files -> source documents -> corpus (database, then index);
* :func:`extract_article` (and ``_file``), :func:`check_article`: article -> claims (stored)
  -> matches;
* :func:`match_claims` and :func:`score_claims`: claims -> embeddings -> retriever ->
  stance model -> suggestions (stored for stored claims);
* :func:`score_file`: a claims file -> :func:`score_claims` -> report records -> output file;
* :func:`review_claim` and :func:`import_reviews`: reviewers' verdicts, with their history;
* :func:`export_report` (and :func:`export_files` for downloads): report records -> a table,
  an HTML or Markdown report, or ClaimReview JSON-LD;
* :func:`load_sample` and :func:`load_sample_if_empty`: the sample corpus, on first start.

Work on many claims is done in chunks, one transaction each, so memory stays bounded and a
long run does not hold one transaction open.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import chain, islice
from pathlib import Path

from verifier.articles import ArticleMeta, StoredArticle, read_article, store_article
from verifier.cache import DbVectorCache
from verifier.claims import extract_claims
from verifier.config import Settings
from verifier.documents import IngestReport
from verifier.errors import InputError, VerifierError
from verifier.export import (
    DOCUMENT_FORMATS,
    FORMATS,
    REPORT_FIELDS,
    REPORT_FORMATS,
    REPORT_SCHEMA,
    ClaimRecord,
    Publisher,
    ReportFilter,
    ReportSummary,
    Skipped,
    check_output,
    output_format,
    report_records,
    report_summary,
    spreadsheet_columns,
    spreadsheet_row,
    write_claim_reviews,
    write_document,
    write_records,
)
from verifier.labels import Label
from verifier.match import ScoredClaim, claim_ids, claim_texts, score_texts, store_suggestions
from verifier.readers import read_claims, read_reviews
from verifier.review import Change, record_review, record_reviews
from verifier.sample import is_empty, sample_dir
from verifier.sources import read_sources
from verifier.workbench import Workbench

#: Called with (claims done so far, claims in all).
Progress = Callable[[int, int], None]

_CHUNK = 1024  # claims per transaction


def ingest(
    bench: Workbench,
    paths: Iterable[Path],
    progress: Callable[[int], None] | None = None,
    **defaults: str | None,
) -> IngestReport:
    """Check every file under ``paths`` first, then read them again to store and index them.

    The first pass reads and parses every file but keeps nothing, so a bad file stops the
    run before anything is written; the second streams documents to the corpus, which stores
    them a batch at a time. Memory holds one file and one batch, whatever the input's size.

    Args:
        bench: the open workbench.
        paths: files and folders.
        progress: called with the number of passages just embedded.
        defaults: ``outlet``, ``url``, ``title``, ``date`` for documents that lack them.

    Raises:
        InputError: a file cannot be used; nothing has been written.
    """
    paths = list(paths)
    max_bytes, encoding = bench.settings.max_file_bytes, bench.settings.encoding
    for _ in read_sources(paths, max_bytes, encoding, **defaults):
        pass
    return bench.corpus.add(read_sources(paths, max_bytes, encoding, **defaults), progress)


def extract_article(
    bench: Workbench,
    text: str,
    title: str | None = None,
    uri: str | None = None,
    threshold: float | None = None,
    meta: ArticleMeta | None = None,
) -> StoredArticle:
    """Find the check-worthy claims of ``text`` and store the article with them.

    Args:
        threshold: check-worthiness from which a sentence is a claim; settings' when ``None``.
        meta: the article's url, outlet, author, date and fact-check url, for reports.

    Raises:
        InputError: the text is empty, or holds no claim (and was not stored before).
    """
    found = extract_claims(
        text, bench.settings.min_checkworthiness if threshold is None else threshold
    )
    with bench.db.writing() as session:
        return store_article(session, text, found, title=title, uri=uri, meta=meta)


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
) -> ArticleCheck:
    """Extract and store the article's claims (:func:`extract_article`), then match them.

    Raises:
        InputError: as :func:`extract_article`.
        VerifierError: no sources are indexed yet (the article is stored all the same).
    """
    article = extract_article(bench, text, title=title, uri=uri, threshold=threshold, meta=meta)
    return ArticleCheck(article, match_claims(bench, article_id=article.id, top_k=top_k))


def _score(
    bench: Workbench, texts: Sequence[str], k: int, stored_ids: Sequence[int] | None = None
) -> list[ScoredClaim]:
    """Score ``texts`` in a read-only transaction, then write the new cached vectors (and,
    for stored claims, their matches and suggestions) in a short write transaction: the
    embedding and the search never hold the database's write lock."""
    with bench.db.session() as session:
        cache = DbVectorCache(session, hold=True)
        scored = score_texts(
            session, texts, bench.embedder, bench.retriever, bench.stance, k, cache=cache
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
) -> list[ScoredClaim]:
    """Match stored claims and store their evidence and suggested verdicts.

    Args:
        ids: the claims to match; all stored claims when ``None``.
        article_id: only this article's claims.
        top_k: evidence passages per claim; settings' when ``None``.

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
        progress: called with (claims done, claims in all) after each chunk.

    Raises:
        VerifierError: no sources are indexed yet.
    """
    _require_sources(bench)
    k = top_k or bench.settings.top_k
    results: list[ScoredClaim] = []
    for start in range(0, len(texts), chunk):
        results.extend(_score(bench, texts[start : start + chunk], k))
        if progress:
            progress(len(results), len(texts))
    return results


@dataclass(frozen=True)
class ScoreFileReport:
    """What :func:`score_file` wrote."""

    out: Path
    scored: int
    duplicates: int
    labels: dict[Label, int]

    def summary(self) -> str:
        counts = ", ".join(f"{self.labels.get(label, 0)} {label}" for label in Label)
        return f"scored {self.scored} claim(s) -> {self.out} ({counts})"


def score_file(
    bench: Workbench,
    claims: Path,
    out: Path,
    top_k: int | None = None,
    progress: Progress | None = None,
) -> ScoreFileReport:
    """Score every claim in a ``.txt``/``.csv``/``.jsonl`` file and write the report records
    to ``out`` (``.jsonl``, ``.csv`` or ``.parquet``; written whole or not at all).

    Each input row's other fields are carried to its output record.

    Raises:
        InputError: the claims file or the output path cannot be used (checked before any
            claim is scored).
        VerifierError: no sources are indexed yet.
    """
    check_output(out)
    rows = read_claims(claims, bench.settings.max_file_bytes, bench.settings.encoding)
    results = score_claims(bench, rows.texts, top_k, progress)
    records = [
        ClaimRecord.from_scored(r, extra).to_dict() for r, extra in zip(results, rows.extras)
    ]
    write_records(records, out, columns=spreadsheet_columns(records), flatten=spreadsheet_row)
    labels = Counter(result.suggestion.label for result in results)
    return ScoreFileReport(out, len(results), rows.duplicates, dict(labels))


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

    def summary(self) -> str:
        line = f"exported {self.records} claim(s) as {self.format} -> {self.out}"
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
    bench: Workbench,
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


def summarise_report(bench: Workbench, selection: ReportFilter) -> ReportSummary:
    """The summary a report of ``selection`` opens with (counts, agreement)."""
    with bench.db.session() as session:
        return report_summary(session, selection)


def preview_report(
    bench: Workbench, selection: ReportFilter, limit: int = 100
) -> list[dict[str, object]]:
    """The first ``limit`` report records of ``selection`` (for a preview table)."""
    with bench.db.session() as session:
        return list(islice(report_records(session, selection), limit))


def export_files(
    bench: Workbench,
    selection: ReportFilter,
    fmt: str,
    *,
    publisher: Publisher | None = None,
    name: str = "verdict-report",
) -> tuple[ExportReport, dict[str, bytes]]:
    """The report in ``fmt`` as file name -> content (for downloads), made by
    :func:`export_report` in a temporary folder; with what it wrote and left out.

    Raises:
        InputError: as :func:`export_report`.
    """
    with tempfile.TemporaryDirectory(prefix="verifier-export-") as folder:
        out = Path(folder) / f"{name}{REPORT_FORMATS[fmt]}"
        done = export_report(bench, selection, out, fmt, publisher=publisher)
        return done, {path.name: path.read_bytes() for path in (done.out, *done.also)}


def review_claim(
    bench: Workbench,
    claim_id: int,
    verdict: Label | str,
    reviewer: str,
    note: str | None = None,
    evidence: Sequence[int] = (),
) -> Change:
    """Record a reviewer's verdict on a claim, with its history entry (as the app does).

    Raises:
        InputError: no reviewer, an unknown label, claim or passage.
    """
    with bench.db.writing() as session:
        return record_review(session, claim_id, reviewer, verdict, note, evidence)


def import_reviews(bench: Workbench, path: Path) -> list[Change]:
    """Record the verdicts of a CSV file (:func:`verifier.readers.read_reviews`), all or none.

    Raises:
        InputError: the file or one of its rows cannot be used; nothing is recorded.
    """
    rows = read_reviews(path, bench.settings.max_file_bytes, bench.settings.encoding)
    with bench.db.writing() as session:
        return record_reviews(session, rows)
