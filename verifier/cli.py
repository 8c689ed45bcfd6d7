"""The ``verifier`` command line (click): parses options, calls :mod:`verifier.pipeline`, prints.

Every command opens the workbench in ``--home`` (or ``VERIFIER_HOME``, default
``~/.local/share/verifier``) with the database at ``--db`` (or ``VERIFIER_DB_URL``, default
SQLite in the home folder). Library errors become one line on stderr and exit code 1.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from verifier import accounts as reviewer_accounts
from verifier import pipeline
from verifier.articles import ArticleMeta
from verifier.backup import backup, restore
from verifier.config import Settings
from verifier.database_copy import copy_database
from verifier.db.session import (
    head_revision,
    make_engine,
    masked,
    open_database,
    read_schema,
    upgrade,
)
from verifier.documents import list_sources
from verifier.errors import VerifierError
from verifier.export import (
    REPORT_FORMATS,
    TRAILS,
    ClaimRecord,
    ReportFilter,
    check_output,
    output_format,
)
from verifier.export.claimreview import snippets_path
from verifier.labels import Label
from verifier.queue import QueueFilter
from verifier.sources import parse_date
from verifier.workbench import Records, Workbench, open_records


class _Group(click.Group):
    """A group that turns library errors, and database failures no step expected (a damaged
    SQLite file, a server gone away), into one clear line (no traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VerifierError as error:
            raise click.ClickException(str(error)) from error
        except Exception as error:
            if (failure := pipeline.database_failure(error, _settings(ctx))) is None:
                raise
            raise click.ClickException(str(failure)) from error


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj["settings"]
    return settings


def _bench(
    ctx: click.Context, *, upgrade: bool = False, repair: bool = True, keep_backend: bool = True
) -> Workbench:
    bench = Workbench.open(
        _settings(ctx), upgrade=upgrade, repair=repair, keep_index_backend=keep_backend
    )
    ctx.call_on_close(bench.close)
    return bench


def _records(ctx: click.Context) -> Records:
    """The database alone, for commands that load no model or index."""
    records = open_records(_settings(ctx))
    ctx.call_on_close(records.close)
    return records


def reach(host: str, port: int, accounts_in_use: bool = False, base: str = "") -> str:
    """Who can open the app at ``host``:``port`` (under the path ``base``), and whether they
    sign in, for its start-up line."""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    path = f"/{base}/" if base else ""
    if local:
        where = f"the app is at http://{host}:{port}{path}, for this computer only"
        if accounts_in_use:
            return f"{where}; reviewers sign in with their accounts"
        return (
            f"{where} (before --host 0.0.0.0 opens it to the network, add accounts with "
            "`verifier accounts add NAME`, so that reviewers sign in)"
        )
    where = f"the app listens on {host}:{port}{path}: anyone who can reach this machine can open it"
    if accounts_in_use:
        return (
            f"{where}, and reviewers sign in with their accounts; serve it over HTTPS (a proxy "
            "in front of it) so that passwords do not cross the network in the clear"
        )
    return (
        f"{where}, and with no accounts can change verdicts under any name "
        "(`verifier accounts add NAME` makes reviewers sign in)"
    )


@contextmanager
def _progress(unit: str, what: str = "") -> Iterator[pipeline.Progress]:
    """A progress callback (done, total) drawn as a bar on stderr (where it is a terminal),
    described as ``what``: the bar opens at the first report, so a step that has nothing to
    do (no claim to match again) draws none."""
    bars: list[tqdm] = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(
                tqdm(
                    total=total,
                    unit=unit,
                    desc=what or None,
                    disable=None,
                    file=sys.stderr,
                    leave=False,
                )
            )
        bars[0].total = total
        bars[0].update(done - bars[0].n)

    try:
        yield progress
    finally:
        for bar in bars:
            bar.close()


class _Once(logging.Filter):
    """Shows a log line once per command: files are read twice (checked, then stored), and
    a note on a file (its encoding, the sheet read) need not be said twice."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        line = record.getMessage()
        if line in self.seen:
            return False
        self.seen.add(line)
        return True


@click.group(cls=_Group)
@click.option(
    "--home", type=click.Path(file_okay=False, path_type=Path), help="Data folder (VERIFIER_HOME)."
)
@click.option(
    "--db", "db_url", help="Database URL, e.g. postgresql://user:pw@host/db (VERIFIER_DB_URL)."
)
@click.option(
    "--encoding",
    help="Encoding of input files that are not UTF-8, e.g. cp1252 (VERIFIER_ENCODING); "
    "detected when not given.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
@click.version_option(package_name="verifier")
@click.pass_context
def cli(
    ctx: click.Context, home: Path | None, db_url: str | None, encoding: str | None, verbose: bool
) -> None:
    """Claim-verification workbench: ingest sources, extract claims, match evidence.

    \b
    Example:
        verifier init
        verifier ingest sources/
        verifier claims extract article.txt
        verifier match --top-k 3
        verifier score claims.jsonl --out scored.jsonl
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="verifier: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("alembic", "sentence_transformers", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # One filter per handler for this command alone: a program (or a test) that runs
    # commands in-process keeps its own handlers as they were.
    added = [(handler, _Once()) for handler in logging.getLogger().handlers]
    for handler, once in added:
        handler.addFilter(once)

    def remove() -> None:
        for handler, once in added:
            handler.removeFilter(once)

    ctx.call_on_close(remove)
    ctx.obj = {"settings": Settings.from_env(home=home, db_url=db_url, encoding=encoding)}


@cli.command()
@click.option(
    "--sample", is_flag=True, help="Load the bundled sample corpus if nothing is stored yet."
)
@click.pass_context
def init(ctx: click.Context, sample: bool) -> None:
    """Create the database (or upgrade its schema) and the index.

    \b
    Example:
        verifier --home ~/desk init --sample
    """
    bench = _bench(ctx, upgrade=True)
    if sample:
        loaded = pipeline.load_sample_if_empty(bench)
        if loaded:
            click.echo(f"sample loaded: {loaded.report.summary()}; {loaded.claims} claims matched")
        else:
            click.echo("sample not loaded: the workbench already holds sources or articles")
    stats = bench.corpus.stats()
    click.echo(
        f"ready: {stats['database']}, index {stats['index_dir']} ({stats['vectors']} vectors),"
        f" embeddings by {stats['model']}"
    )


@cli.group(cls=_Group)
def db() -> None:
    """Database schema: upgrade it, or show where it stands."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply the migrations this version brings (safe to run from several places at once).

    \b
    Example:
        verifier --db postgresql://desk:pw@db-host/verifier db upgrade
    """
    engine = make_engine(_settings(ctx).database_url, create=True)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"{masked(engine.url)}: schema already at {after} (newest)")
    else:
        click.echo(f"{masked(engine.url)}: schema upgraded from {before or '(empty)'} to {after}")


@db.command("copy")
@click.option("--to", "target", required=True, help="URL of the database to copy into.")
@click.pass_context
def db_copy(ctx: click.Context, target: str) -> None:
    """Copy this database whole (claims, verdicts and their history, accounts, sources) into
    an empty one: SQLite to PostgreSQL when the desk grows past one machine, or PostgreSQL to
    a SQLite file to keep. It is read as one snapshot, so the desk may go on working; the
    new database then gets its own index with `verifier --db URL index rebuild`.

    \b
    Example:
        verifier db copy --to postgresql://desk:pw@db-host/verifier
        verifier --db postgresql://desk:pw@db-host/verifier index rebuild
    """
    report = copy_database(_settings(ctx).database_url, target)
    click.echo(report.summary())
    click.echo(
        f"next: point the desk at it (--db / VERIFIER_DB_URL) and build its index: "
        f"verifier --db {report.target} index rebuild"
    )


@db.command("status")
@click.pass_context
def db_status(ctx: click.Context) -> None:
    """Show the database's schema revision and the newest one; exit 1 if they differ.

    \b
    Example:
        verifier db status || verifier db upgrade
    """
    state = read_schema(_settings(ctx).database_url)
    head = head_revision()
    click.echo(f"schema: {state.revision or '(none)'}; newest: {head}")
    if state.revision != head:
        raise click.ClickException("the schema is not the newest; run `verifier db upgrade`")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--outlet", help="Outlet for documents that do not name one.")
@click.option("--url", help="URL for documents that do not give one.")
@click.option("--date", help="Publication date (YYYY-MM-DD) for documents without one.")
@click.option(
    "--column",
    default="text",
    show_default=True,
    help="The .csv or .xlsx column or .jsonl field that holds each row's text.",
)
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    outlet: str | None,
    url: str | None,
    date: str | None,
    column: str,
) -> None:
    """Add source documents (.txt .md .html .pdf .docx .doc .odt .rtf .eml .msg .csv .jsonl
    .xlsx .xls files or folders, or web pages by their http(s) address).

    Front matter in .txt/.md (title, outlet, url, date between --- lines), the <head> of
    HTML pages, a PDF's or Word document's title and an email's subject, sender and date give
    the metadata (an email's readable attachments are documents too); a .csv, .jsonl or
    Excel (.xlsx, .xls) row is a document, with its text in a 'text' column (--column names
    another) and optional id, title, outlet, url and date.
    A web page is fetched (10 s timeout, VERIFIER_MAX_FILE_MB limit) and kept as text in the
    data folder, under uploads/sources/. Running it again on the same files or addresses
    changes only what changed.

    \b
    Example:
        verifier ingest wires/ statements/mod-2015-09-08.html --outlet "Desk archive"
        verifier ingest archive.csv --column body
        verifier ingest https://www.example.org/news/statement-on-latakia
    """
    addresses = [item for item in paths if re.match(r"(?i)https?://", item)]
    files = [Path(item) for item in paths if item not in addresses]
    if addresses and url:
        raise click.UsageError("--url is for files; a web page's address is its url")
    bench = _bench(ctx)
    # Every page is fetched before anything is written; then the files and the pages are
    # checked, and ingested in one run.
    pages = pipeline.fetch_sources(bench, addresses) if addresses else []
    with _progress("passage") as progress, _progress("claim", "matched again") as matching:
        if pages:
            report = pipeline.ingest_uploads(
                bench,
                pages,
                progress,
                column,
                paths=files,
                matching=matching,
                outlet=outlet,
                url=url,
                date=date,
            )
        else:
            report = pipeline.ingest(
                bench, files, progress, column, matching=matching, outlet=outlet, url=url, date=date
            )
    for uri, kept in report.duplicates:
        click.echo(f"skipped {uri}: same text as {kept}", err=True)
    click.echo(report.summary())


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.pass_context
def remove(ctx: click.Context, sources: tuple[str, ...]) -> None:
    """Remove source documents, from database and index, by path (a file, or all files in a
    folder), web URL or uri (as shown with the evidence, or by `verifier sources`).

    Claims whose evidence cited them are matched again; reviewers' verdicts keep quoting the
    passages they relied on, marked as removed. A name that matches no source is an error,
    and then nothing is removed.

    \b
    Example:
        verifier remove /data/sources/old-report.txt https://example.org/retracted
    """
    with _progress("claim", "matched again") as matching:
        removed = pipeline.remove_sources(_bench(ctx), sources, matching)
    click.echo(removed.summary())


@cli.command("sources")
@click.option("--search", default="", help="Words in the title, outlet, URL or path.")
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
@click.pass_context
def sources_command(ctx: click.Context, search: str, limit: int, as_json: bool) -> None:
    """List the source documents, with their passage counts.

    \b
    Example:
        verifier sources --search reuters
    """
    with _records(ctx).db.session() as session:
        rows, total = list_sources(session, search, limit=limit)
    for row in rows:
        if as_json:
            record = {**row.__dict__, "published": row.published and row.published.isoformat()}
            record["ingested_at"] = row.ingested_at.isoformat()
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        where = row.url or row.uri
        click.echo(f"{row.passages:>5}  {row.title[:60]:<60}  {row.outlet or '-':<20}  {where}")
    click.echo(f"{len(rows)} of {total} source(s)", err=True)


@cli.group(cls=_Group)
def claims() -> None:
    """Extract claims from articles, or import a list of claims, for review."""


@claims.command("extract")
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--min-score", type=float, help="Check-worthiness threshold (0-1, default 0.5).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
@click.option("--url", help="The article's own URL (reports cite it).")
@click.option("--outlet", help="Who published the article.")
@click.option("--author", help="Who wrote it (person or organisation).")
@click.option("--date", "published", help="When it was published (YYYY-MM-DD).")
@click.option("--factcheck-url", help="URL of the desk's published fact-check of it.")
@click.pass_context
def claims_extract(
    ctx: click.Context, article: Path, min_score: float | None, as_json: bool, **meta: str | None
) -> None:
    """Find check-worthy sentences in ARTICLE (.txt, .md, .html, .pdf, .docx, .doc, .odt,
    .rtf, or an email's own text: .eml, .msg) and save them for matching.

    Prints each claim's id, character offsets and check-worthiness score. Extracting the same
    article again keeps its claims and reviews and updates the details given.

    \b
    Example:
        verifier claims extract draft.txt --min-score 0.6 \\
            --url https://example.org/story --outlet "Daily Example" --date 2026-11-20
    """
    details = ArticleMeta.parse(**meta)  # a bad date or URL stops before anything opens
    saved = pipeline.extract_article_file(_bench(ctx), article, threshold=min_score, meta=details)
    for claim in saved.claims:
        if as_json:
            record = {
                "claim_id": claim.id,
                "article_id": saved.id,
                "start": claim.start,
                "end": claim.end,
                "checkworthiness": claim.checkworthiness,
                "claim": claim.text,
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            where = f"{claim.start:>6}-{claim.end:<6}"
            click.echo(f"{claim.id:>5}  {where} {claim.checkworthiness:.2f}  {claim.text}")
    click.echo(f"article {saved.id}: {len(saved.claims)} claim(s)", err=True)


@claims.command("import")
@click.argument("claims_file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--title", help="What to call the list (default: the file's name).")
@click.option(
    "--column",
    default="claim",
    show_default=True,
    help="The CSV or Excel column (JSON Lines field) that holds the claims.",
)
@click.pass_context
def claims_import(ctx: click.Context, claims_file: Path, title: str | None, column: str) -> None:
    """Save the claims of FILE for review, as one list: every line of a .txt file, or every
    row of a .csv, Excel (.xlsx, .xls) or .jsonl file, is a claim (a repeated one is saved
    once). Its url, author and date columns, if any, say where each claim was seen, by whom
    and when.

    Importing the same file again keeps its claims and reviews. Then `verifier match
    --article ID` matches them, and they join the review queue.

    \b
    Example:
        verifier claims import tips.xlsx --column statement --title "Tips, 28 November"
    """
    saved = pipeline.store_claims_file(_bench(ctx), claims_file, column, title)
    for claim in saved.claims:
        click.echo(f"{claim.id:>5}  {claim.checkworthiness:.2f}  {claim.text}")
    click.echo(
        f"list {saved.id} ({saved.title}): {len(saved.claims)} claim(s); "
        f"match them with `verifier match --article {saved.id}`",
        err=True,
    )


@claims.command("assign")
@click.argument("claim_ids", metavar="[CLAIM_ID]...", type=int, nargs=-1)
@click.option("--to", "to", help="The reviewer who is to check them.")
@click.option("--nobody", is_flag=True, help="Take the claims back: assigned to no one.")
@click.option("--by", "by", required=True, help="Who assigns them.")
@click.option(
    "--article", type=int, multiple=True, help="Every claim of this article (repeatable)."
)
@click.option(
    "--from",
    "held_by",
    help="Only the claims assigned to this reviewer now (to hand their work over).",
)
@click.option("--open", "still_open", is_flag=True, help="Only the claims with no verdict yet.")
@click.pass_context
def claims_assign(
    ctx: click.Context,
    claim_ids: tuple[int, ...],
    to: str | None,
    nobody: bool,
    by: str,
    article: tuple[int, ...],
    held_by: str | None,
    still_open: bool,
) -> None:
    """Give claims to a reviewer to check: the CLAIM_IDs given, or every claim the options
    pick. With accounts in use, claims go to active accounts only. In the app's queue,
    "Assigned to: me" lists a reviewer's own.

    \b
    Example:
        verifier claims assign --article 3 --open --to "Lee Park" --by "A. Editor"
        verifier claims assign --from "Lee Park" --open --to "Sam Ortiz" --by "A. Editor"
        verifier claims assign 12 13 --nobody --by "A. Editor"
    """
    if (to is None) == (not nobody):
        raise click.UsageError("give --to NAME, or --nobody to take the claims back")
    picked = article or held_by or still_open
    if bool(claim_ids) == bool(picked):
        raise click.UsageError(
            "give CLAIM_IDs, or pick the claims with --article, --from and --open"
        )
    holder = " ".join(held_by.split()) if held_by else None  # as names are assigned
    claims: tuple[int, ...] | QueueFilter = claim_ids or QueueFilter(
        status="needs review" if still_open else "all", articles=article, assigned_to=holder
    )
    changed = pipeline.assign_claims(_records(ctx), claims, to, by)
    whom = f"to {to}" if to else "back from whoever had them"
    click.echo(f"{changed} claim(s) assigned {whom}")


@claims.command("sign-off")
@click.argument("claim_ids", metavar="[CLAIM_ID]...", type=int, nargs=-1)
@click.option("--by", "by", required=True, help="The editor who signs them off.")
@click.option(
    "--article",
    type=int,
    multiple=True,
    help="Every verdict of this article that awaits a sign-off (repeatable); the editor's "
    "own are left for another editor.",
)
@click.pass_context
def claims_sign_off(
    ctx: click.Context, claim_ids: tuple[int, ...], by: str, article: tuple[int, ...]
) -> None:
    """Sign off the verdicts of the CLAIM_IDs given (or of --article): an editor's second
    reading before the desk publishes them. Nobody signs off their own verdict; a changed
    verdict needs a new sign-off; `verifier export --signed-off` keeps to signed-off ones.

    \b
    Example:
        verifier claims sign-off 12 13 --by "A. Editor"
        verifier claims sign-off --article 3 --by "A. Editor"
    """
    if bool(claim_ids) == bool(article):
        raise click.UsageError("give CLAIM_IDs, or --article to sign off an article's verdicts")
    claims: tuple[int, ...] | QueueFilter = claim_ids or QueueFilter(articles=article)
    signed = pipeline.sign_off_claims(_records(ctx), claims, by)
    click.echo(f"{signed} verdict(s) signed off by {' '.join(by.split())}")


@claims.group("model", cls=_Group)
def claims_model() -> None:
    """The desk's own check-worthiness model (extraction uses the heuristic without one)."""


@claims_model.command("train")
@click.argument("labelled", type=click.Path(path_type=Path))
@click.pass_context
def claims_model_train(ctx: click.Context, labelled: Path) -> None:
    """Train the check-worthiness model on LABELLED sentences and use it from now on.

    LABELLED is a .jsonl, .csv or .xlsx file with `text` and `checkworthy` (1 for a sentence the
    desk would check, 0 for one it would not), in reading order, and optionally `document`
    (or `debate`, `article`) naming where each sentence comes from. With two documents or
    more, each is scored by a model trained on the others and the mean average precision is
    printed next to the heuristic's. English articles only; it replaces any earlier model.

    \b
    Example:
        verifier claims model train checked-sentences.jsonl
    """
    bench = _bench(ctx)
    report = pipeline.train_checkworthiness(bench, labelled)
    click.echo(report.summary())
    click.echo(report.measure())
    if report.no_better:
        click.echo(
            "warning: the model ranks no better than the heuristic on these documents; "
            "run `verifier claims model forget` to keep the heuristic",
            err=True,
        )
    click.echo("claim extraction now uses this model for English articles")


@claims_model.command("show")
@click.pass_context
def claims_model_show(ctx: click.Context) -> None:
    """Say which check-worthiness scorer extraction uses, and how the model measured.

    \b
    Example:
        verifier claims model show
    """
    trained = pipeline.checkworthiness_model(_bench(ctx))
    if trained is None:
        click.echo("extraction uses the heuristic (no model trained)")
        return
    for key, value in trained.items():
        click.echo(f"{key}: {value}")


@claims_model.command("forget")
@click.pass_context
def claims_model_forget(ctx: click.Context) -> None:
    """Drop the trained check-worthiness model: extraction goes back to the heuristic.

    \b
    Example:
        verifier claims model forget
    """
    if pipeline.forget_checkworthiness(_records(ctx)):
        click.echo("model dropped; extraction uses the heuristic")
    else:
        click.echo("no model was trained; extraction uses the heuristic")


@cli.group(cls=_Group)
def accounts() -> None:
    """Reviewer accounts: once one exists, the app asks every reviewer to sign in."""


def _password(password_stdin: bool) -> str:
    """The password from one line of standard input, or asked for twice, unseen."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@accounts.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--editor",
    is_flag=True,
    help="An editor's account: also hands claims to others, accepts suggestions in bulk and "
    "signs off verdicts.",
)
@click.pass_context
def accounts_add(ctx: click.Context, name: str, password_stdin: bool, editor: bool) -> None:
    """Add an account NAME (the name its verdicts are saved under), asking for its password.

    The first account makes the app ask every reviewer to sign in; until then it takes the
    name a reviewer types. An account reviews; an editor's (--editor) also hands claims to
    others, accepts suggestions in bulk and signs off verdicts.

    \b
    Example:
        verifier accounts add "Dana Ortiz" --editor
        verifier accounts add "Sam Lee"
    """
    db = _records(ctx).db
    name = reviewer_accounts.check_name(db, name, new=True)  # before the password is asked
    added = reviewer_accounts.add_account(db, name, _password(password_stdin), editor)
    click.echo(f"{added.role} account {added.name!r} added; the app asks reviewers to sign in")


@accounts.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["editor", "reviewer"]))
@click.pass_context
def accounts_role(ctx: click.Context, name: str, role: str) -> None:
    """Make the account NAME an editor's (who also hands claims to others, accepts
    suggestions in bulk and signs off verdicts) or a reviewer's; its sessions go on with the
    new role.

    \b
    Example:
        verifier accounts role "Sam Lee" editor
    """
    changed = reviewer_accounts.set_editor(_records(ctx).db, name, role == "editor")
    article = "an" if role == "editor" else "a"
    click.echo(f"{' '.join(name.split())!r} is {'now' if changed else 'already'} {article} {role}")


@accounts.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def accounts_password(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password for the account NAME (enabling it, if it was disabled).

    \b
    Example:
        verifier accounts password "Dana Ortiz"
    """
    db = _records(ctx).db
    name = reviewer_accounts.check_name(db, name, new=False)  # before the password is asked
    reviewer_accounts.set_password(db, name, _password(password_stdin))
    click.echo(f"password of {name!r} set")


@accounts.command("disable")
@click.argument("name")
@click.pass_context
def accounts_disable(ctx: click.Context, name: str) -> None:
    """Stop the account NAME signing in; its open sessions are signed out, its verdicts kept.

    \b
    Example:
        verifier accounts disable "Dana Ortiz"
    """
    reviewer_accounts.disable_account(_records(ctx).db, name)
    click.echo(f"account {name!r} disabled")


@accounts.command("list")
@click.pass_context
def accounts_list(ctx: click.Context) -> None:
    """List the accounts, with when each last signed in.

    \b
    Example:
        verifier accounts list
    """
    found = reviewer_accounts.list_accounts(_records(ctx).db)
    if not found:
        click.echo("no accounts: the app takes the name a reviewer types")
        return
    for account in found:
        seen = f"{account.signed_in_at:%Y-%m-%d %H:%M} UTC" if account.signed_in_at else "never"
        state = "active" if account.active else "disabled"
        click.echo(f"{account.name}\t{account.role}\t{state}\tlast signed in {seen}")


@cli.group(cls=_Group)
def outlets() -> None:
    """The desk's labels for outlets ("state media", "wire", "official"): shown with every
    passage from the outlet, in the app and in reports."""


@outlets.command("set")
@click.argument("outlet")
@click.argument("label")
@click.option("--note", help="Why, or what to keep in mind (shown with the label).")
@click.option("--by", required=True, help="Who labels it (with accounts in use, an editor).")
@click.pass_context
def outlets_set(ctx: click.Context, outlet: str, label: str, note: str | None, by: str) -> None:
    """Give OUTLET (as its sources name it; case and spacing ignored) the LABEL, replacing
    any it had. An OUTLET given as a web domain (rt.com) labels every source at an address
    on it or under it (www.rt.com, de.rt.com), whatever its outlet's name.

    \b
    Example:
        verifier outlets set "Northern Star Agency" "state media" --by "A. Editor" \\
            --note "Funded by the defence ministry"
        verifier outlets set rt.com "state media" --by "A. Editor"
    """
    pipeline.label_outlet(_records(ctx), outlet, label, note, by)
    click.echo(f"{' '.join(outlet.split())!r} labelled {' '.join(label.split())!r}")


@outlets.command("clear")
@click.argument("outlet")
@click.option("--by", required=True, help="Who clears it (with accounts in use, an editor).")
@click.pass_context
def outlets_clear(ctx: click.Context, outlet: str, by: str) -> None:
    """Take OUTLET's label away.

    \b
    Example:
        verifier outlets clear "Northern Star Agency" --by "A. Editor"
    """
    pipeline.unlabel_outlet(_records(ctx), outlet, by)
    click.echo(f"label of {' '.join(outlet.split())!r} cleared")


@outlets.command("list")
@click.pass_context
def outlets_list(ctx: click.Context) -> None:
    """List the outlet labels: outlet, label, note, who set it and when.

    \b
    Example:
        verifier outlets list
    """
    found = pipeline.list_outlet_labels(_records(ctx))
    if not found:
        click.echo("no outlet labelled yet: see `verifier outlets set --help`")
        return
    for item in found:
        when = f"{item.set_at:%Y-%m-%d %H:%M} UTC"
        click.echo(f"{item.outlet}\t{item.label}\t{item.note or ''}\t{item.set_by}, {when}")


@outlets.command("history")
@click.argument("outlet", required=False)
@click.pass_context
def outlets_history(ctx: click.Context, outlet: str | None) -> None:
    """List every change of the outlet labels (of OUTLET alone, when given), newest first:
    when, by whom, the outlet, and the label set, changed or cleared.

    \b
    Example:
        verifier outlets history "Northern Star Agency"
    """
    found = pipeline.outlet_label_changes(_records(ctx), outlet)
    if not found:
        named = f"{' '.join(outlet.split())!r}'s label" if outlet else "an outlet label"
        click.echo(f"no change of {named} yet: see `verifier outlets set --help`")
        return
    for change in found:
        when = f"{change.changed_at:%Y-%m-%d %H:%M} UTC"
        note = f"\t{change.note}" if change.note else ""
        click.echo(f"{when}\t{change.changed_by}\t{change.outlet}\t{change.summary()}{note}")


@cli.command()
@click.option("--top-k", type=click.IntRange(1, 100), help="Evidence passages per claim.")
@click.option("--article", "article_id", type=int, help="Only this article's claims.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of text.")
@click.pass_context
def match(ctx: click.Context, top_k: int | None, article_id: int | None, as_json: bool) -> None:
    """Match saved claims against the sources and suggest verdicts.

    \b
    Example:
        verifier match --top-k 3 --article 1
    """
    bench = _bench(ctx)
    results = pipeline.match_claims(bench, article_id=article_id, top_k=top_k)
    if not results:
        raise click.ClickException(
            f"article {article_id} has no claims; see `verifier claims extract`"
            if article_id is not None
            else "no claims saved yet; run `verifier claims extract ARTICLE` first"
        )
    for result in results:
        if as_json:
            click.echo(json.dumps(ClaimRecord.from_scored(result).to_dict(), ensure_ascii=False))
            continue
        s = result.suggestion
        click.echo(f"[{result.claim_id}] {result.claim}")
        click.echo(f"    -> {s.label} ({s.confidence:.2f}): {s.reason}")
        for rank, e in enumerate(result.evidence, start=1):
            click.echo(f"    {rank}. {e.score:.3f} {e.document} <{e.uri}>")
            click.echo(f"       {e.text[:160]}")
    if fresh := pipeline.new_evidence_count(bench):  # on stderr: JSON lines stay clean
        click.echo(
            f"{fresh} reviewed claim(s) have evidence from sources added or changed since their "
            "verdict: the app's Review queue lists them under the status 'new evidence'",
            err=True,
        )


def _output_path(_ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    try:
        check_output(value)
    except VerifierError as error:
        raise click.ClickException(str(error)) from error
    return value


@cli.command()
@click.argument("claims_file", metavar="CLAIMS", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_output_path,
    help="Output file: .jsonl, .csv, .xlsx or .parquet.",
)
@click.option("--top-k", type=click.IntRange(1, 100), help="Evidence passages per claim.")
@click.option(
    "--column",
    default="claim",
    show_default=True,
    help="The .csv or .xlsx column or .jsonl field that holds the claims.",
)
@click.pass_context
def score(ctx: click.Context, claims_file: Path, out: Path, top_k: int | None, column: str) -> None:
    """Score many claims at once: evidence and a suggested verdict for each.

    CLAIMS is a .txt file (one claim per line), a .csv or Excel (.xlsx, .xls) file with a
    'claim' column, or a .jsonl file with a 'claim' field (--column names another). Other
    columns are carried to the output.

    \b
    Example:
        verifier score claims.csv --out scored.parquet --top-k 3
        verifier score sheet.csv --column statement --out scored.xlsx
    """
    bench = _bench(ctx)
    with _progress("claim") as progress:
        report = pipeline.score_file(bench, claims_file, out, top_k, progress, column)
    if report.duplicates:
        click.echo(f"note: {report.duplicates} repeated claim(s); each was scored once", err=True)
    click.echo(report.summary())


def _day(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    try:
        return parse_date(value, f"--{param.name}") if value else None
    except VerifierError as error:
        raise click.BadParameter(str(error)) from None


@cli.command()
@click.option(
    "--out",
    "outs",
    required=True,
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file; its extension names the format unless --format is given. Repeat it "
    "to write several formats of the same claims at once.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(REPORT_FORMATS)),
    help="csv, xlsx, jsonl, parquet, html, md or claimreview (a .json JSON-LD array, with "
    "<script> snippets beside it); with one --out only.",
)
@click.option(
    "--article", "articles", type=int, multiple=True, help="Only this article (repeatable)."
)
@click.option("--reviewer", help="Only verdicts by this reviewer.")
@click.option("--assigned-to", help="Only claims assigned to this reviewer (with --all: open too).")
@click.option(
    "--verdict",
    "verdicts",
    multiple=True,
    type=click.Choice([str(label) for label in Label]),
    help="Only this verdict (repeatable).",
)
@click.option("--since", callback=_day, help="Reviewed on or after this day (YYYY-MM-DD).")
@click.option("--until", callback=_day, help="Reviewed on or before this day (YYYY-MM-DD).")
@click.option(
    "--reviewed-only/--all",
    default=True,
    show_default=True,
    help="Only reviewed claims, or also those with only a suggestion.",
)
@click.option(
    "--min-confidence", type=click.FloatRange(0, 1), help="Suggestion at least this confident."
)
@click.option(
    "--signed-off",
    is_flag=True,
    help="Only verdicts an editor signed off as they stand (verifier claims sign-off).",
)
@click.option(
    "--changed",
    is_flag=True,
    help="Only verdicts changed from one label to another since first given (corrections).",
)
@click.option(
    "--history",
    type=click.Choice(list(TRAILS)),
    is_flag=False,
    flag_value="verdicts",
    help="Instead of one record per claim, every change of the claims picked: --history "
    "(or --history verdicts) every verdict change (who, when, from what, to what, note, "
    "evidence, sign-off); --history assignments every hand-over (who gave the claim from "
    "whom to whom, when). A table (csv, xlsx, jsonl, parquet) or a readable html or md.",
)
@click.option(
    "--title",
    help="HTML/Markdown title [default: Verdict report; with --history, the history's name].",
)
@click.option(
    "--publisher", help="ClaimReview: the publishing organisation (VERIFIER_PUBLISHER_NAME)."
)
@click.option("--publisher-url", help="ClaimReview: its web address (VERIFIER_PUBLISHER_URL).")
@click.option(
    "--factcheck-url",
    help="ClaimReview: fact-check URL template with {claim_id}, {article_id}, for articles "
    "without their own (VERIFIER_FACTCHECK_URL).",
)
@click.pass_context
def export(
    ctx: click.Context,
    outs: tuple[Path, ...],
    fmt: str | None,
    articles: tuple[int, ...],
    reviewer: str | None,
    assigned_to: str | None,
    verdicts: tuple[str, ...],
    since: date | None,
    until: date | None,
    reviewed_only: bool,
    min_confidence: float | None,
    signed_off: bool,
    changed: bool,
    history: str | None,
    title: str | None,
    publisher: str | None,
    publisher_url: str | None,
    factcheck_url: str | None,
) -> None:
    """Export the verdict report: one record per claim with its verdict, note and evidence,
    as a table, a readable HTML or Markdown report, or ClaimReview JSON-LD.

    \b
    Example:
        verifier export --out verdicts.csv --verdict disputed --since 2026-11-01
        verifier export --out everything.parquet --all
        verifier export --out lee.csv --assigned-to "Lee Park" --all
        verifier export --out report.html --article 3
        verifier export --out report.html --signed-off
        verifier export --out reviews.json --publisher "Desk" \\
            --factcheck-url "https://desk.example.org/checks/{claim_id}"
        verifier export --out report.html --out report.csv --out reviews.json
        verifier export --out history.csv --history --article 3
        verifier export --out history.html --history --changed
        verifier export --out handovers.csv --history assignments --all
        verifier export --out corrections.html --changed --since 2026-11-01
    """
    if fmt and len(outs) > 1:
        raise click.UsageError(
            "--format goes with one --out only; with several, each file's ending names its format"
        )
    # Every output is checked before the workbench opens, and before anything is written.
    formats = [output_format(out, fmt) for out in outs]
    if history and "claimreview" in formats:
        raise click.UsageError(
            "--history writes a table (csv, xlsx, jsonl, parquet) or a document (html, md), "
            "not claimreview"
        )
    files = [out.resolve() for out in outs]
    files += [snippets_path(o).resolve() for o, f in zip(outs, formats) if f == "claimreview"]
    if len(set(files)) < len(files):
        raise click.UsageError(
            "each --out must name a file of its own (ClaimReview's NAME.json also writes "
            "NAME.snippets.html)"
        )
    by = None
    if "claimreview" in formats:
        by = pipeline.claimreview_publisher(_settings(ctx), publisher, publisher_url, factcheck_url)
    selection = ReportFilter(
        articles=articles,
        reviewer=reviewer,
        verdicts=tuple(Label.parse(v) for v in verdicts),
        since=since,
        until=until,
        reviewed_only=reviewed_only,
        min_confidence=min_confidence,
        assigned_to=" ".join(assigned_to.split()) if assigned_to else None,
        signed_off_only=signed_off,
        changed_only=changed,
    )
    # An export reads the database alone: no index or model is loaded.
    records = _records(ctx)
    # ClaimReview first: its refusal (no claim it can publish) comes before any file is written.
    for out, chosen in sorted(zip(outs, formats), key=lambda pair: pair[1] != "claimreview"):
        if history:
            done = pipeline.export_history(
                records, selection, out, chosen, trail=history, title=title
            )
        else:
            done = pipeline.export_report(
                records, selection, out, chosen, publisher=by, title=title or "Verdict report"
            )
        click.echo(done.summary())


@cli.command()
@click.argument("claim_id", type=int, required=False)
@click.option("--verdict", type=click.Choice([str(label) for label in Label]), help="The verdict.")
@click.option("--reviewer", help="Who decided (kept in the history).")
@click.option("--note", help="The reasoning, for readers of the report.")
@click.option("--evidence", type=int, multiple=True, help="A passage id relied on (repeatable).")
@click.option(
    "--import",
    "import_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A .csv, .xlsx or .xls of verdicts: claim_id, verdict, reviewer[, note, evidence].",
)
@click.option(
    "--replace-newer",
    is_flag=True,
    help="With --import: let rows the file changed replace verdicts given after it was "
    "exported (refused otherwise).",
)
@click.option(
    "--accept-above",
    type=click.FloatRange(0, 1),
    help="Accept the suggestion of every claim not reviewed yet whose confidence is at "
    "least this (with --reviewer; --article to keep to some).",
)
@click.option(
    "--article", "articles", type=int, multiple=True, help="With --accept-above: this article."
)
@click.pass_context
def review(
    ctx: click.Context,
    claim_id: int | None,
    verdict: str | None,
    reviewer: str | None,
    note: str | None,
    evidence: tuple[int, ...],
    import_file: Path | None,
    replace_newer: bool,
    accept_above: float | None,
    articles: tuple[int, ...],
) -> None:
    """Record a reviewer's verdict on CLAIM_ID, import verdicts decided elsewhere, or accept
    the suggestions the model is sure enough of.

    All go through the same history as the app: who, when, from what, to what.

    \b
    Example:
        verifier review 12 --verdict disputed --reviewer "A. Editor" --evidence 40
        verifier review --import verdicts.csv
        verifier review --accept-above 0.9 --article 3 --reviewer "A. Editor"
    """
    if replace_newer and import_file is None:
        raise click.UsageError("--replace-newer goes with --import")
    if accept_above is not None:
        if claim_id is not None or verdict or note or evidence or import_file or not reviewer:
            raise click.UsageError(
                "--accept-above takes --reviewer (and --article) only; the verdicts are the "
                "suggestions"
            )
        picked = QueueFilter(articles=articles)  # not reviewed yet, of these articles
        accepted = pipeline.accept_suggestions(_records(ctx), picked, reviewer, accept_above)
        click.echo(
            f"accepted {len(accepted)} suggestion(s) at confidence {accept_above:.2f} or above"
        )
        return
    if articles:
        raise click.UsageError("--article goes with --accept-above")
    if import_file is not None:
        if claim_id is not None or verdict or reviewer or note or evidence:
            raise click.UsageError("--import takes the verdicts from the file; give nothing else")
        report = pipeline.import_reviews(_records(ctx), import_file, replace_newer=replace_newer)
        click.echo(f"imported {report.summary()} from {import_file}")
        return
    if claim_id is None or not verdict or not reviewer:
        raise click.UsageError("give CLAIM_ID, --verdict and --reviewer (or --import FILE.csv)")
    change = pipeline.review_claim(_records(ctx), claim_id, verdict, reviewer, note, evidence)
    was = change.from_label or "unreviewed"
    click.echo(f"claim {claim_id}: {was} -> {change.to_label} by {change.changed_by}")


@cli.group(cls=_Group, name="index")
def index_group() -> None:
    """Inspect, check and rebuild the indexes (FAISS vectors and BM25 words)."""


@index_group.command("stats")
@click.pass_context
def index_stats(ctx: click.Context) -> None:
    """Show the index's model, size and location.

    \b
    Example:
        verifier --home ~/desk index stats
    """
    for key, value in _bench(ctx, repair=False).corpus.stats().items():
        click.echo(f"{key}: {value}")


@index_group.command("check")
@click.pass_context
def index_check(ctx: click.Context) -> None:
    """Compare the indexes with the database, and their files with their checksums; exit 1
    if they differ or a file is damaged.

    \b
    Example:
        verifier index check || verifier index rebuild
    """
    corpus = _bench(ctx, repair=False).corpus
    problems = corpus.verify()
    if problems:
        raise click.ClickException(
            f"damaged index: {'; '.join(problems)}; run `verifier index rebuild` to make it "
            "again from the database"
        )
    drift = corpus.check()
    if drift:
        raise click.ClickException(
            f"drift: {drift.describe()}; run `verifier index rebuild` (or any command repairs it)"
        )
    click.echo("ok: " + drift.describe())


@index_group.command("rebuild")
@click.pass_context
def index_rebuild(ctx: click.Context) -> None:
    """Rebuild the index from every passage in the database (cached vectors are reused).

    \b
    Example:
        verifier index rebuild
    """
    bench = _bench(ctx, repair=False, keep_backend=False)
    size = bench.corpus.rebuild()
    click.echo(f"index rebuilt: {size} vectors ({bench.embedder.name})")


@cli.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup_command(ctx: click.Context, out: Path) -> None:
    """Write the desk's database and uploaded sources to one zip file, OUT: a consistent
    copy, taken while the app may be running. The indexes are left out (rebuilt from the
    database). A PostgreSQL database is backed up with pg_dump instead.

    \b
    Example:
        verifier backup ~/backups/desk-2026-12-08.zip
    """
    click.echo(backup(_settings(ctx), out).summary())


@cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def restore_command(ctx: click.Context, archive: Path) -> None:
    """Put a backup made by `verifier backup` back into a data folder without a database
    (--home), then rebuild its indexes. Nothing is overwritten.

    \b
    Example:
        verifier --home ~/desk-restored restore ~/backups/desk-2026-12-08.zip
    """
    report = restore(_settings(ctx), archive)
    # The indexes are built from the database (and its cached vectors), whatever the folder
    # held, as `verifier index rebuild` builds them.
    size = _bench(ctx, repair=False, keep_backend=False).corpus.rebuild()
    click.echo(f"{report.summary('restored')}; index rebuilt: {size} vectors")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Before giving 0.0.0.0 (the network), add reviewer accounts "
    "(`verifier accounts add NAME`): without one, anyone who can reach it may change verdicts.",
)
@click.option(
    "--base-url-path",
    default="",
    help="Serve the app under this path (desk: http://host:port/desk/), as a proxy in front "
    "of it passes https://news.example/desk/ on.",
)
@click.pass_context
def app(ctx: click.Context, port: int, host: str, base_url_path: str) -> None:
    """Start the review app (Streamlit) on this data folder, upgrading the schema first.

    It listens on this computer only unless --host says otherwise.

    \b
    Example:
        verifier --home ~/desk app --port 8600
        verifier app --host 0.0.0.0   # the whole network: add accounts first
        verifier app --base-url-path desk   # behind a proxy serving it at /desk/
    """
    settings = _settings(ctx)
    db = open_database(settings.database_url, upgrade_schema=True)
    try:
        signing_in = reviewer_accounts.accounts_in_use(db)
    finally:
        db.close()
    env = dict(os.environ, VERIFIER_HOME=str(settings.home))
    if settings.db_url:
        env["VERIFIER_DB_URL"] = settings.db_url
    # ui/server.py serves app.py with the routes that set the sign-in cookie (HttpOnly).
    server = Path(__file__).resolve().parents[1] / "ui" / "server.py"
    command = [sys.executable, "-m", "streamlit", "run", str(server), "--server.port", str(port)]
    command += ["--server.address", host]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    command += ["--client.toolbarMode", "minimal"]  # no "Deploy" button in a desk's tool
    # The upload fields say, and keep to, the size verifier reads (Streamlit's own: 200 MB).
    command += ["--server.maxUploadSize", str(math.ceil(settings.max_file_mb))]
    base = base_url_path.strip().strip("/")
    if base:
        command += ["--server.baseUrlPath", base]
    click.echo(f"verifier: {reach(host, port, signing_in, base)}", err=True)
    raise SystemExit(subprocess.call(command, env=env))
