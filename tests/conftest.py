"""Shared fixtures.

* ``embedder``: a fast fake (tests/fakes.py); ``model_embedder``: the real model, loaded once.
  Tests that use the real model are marked ``model``.
* ``db_url``: each test runs on SQLite and, when VERIFIER_TEST_PG_URL names a server (as
  scripts/test does), on a fresh PostgreSQL database too (marked ``pg``).
* ``bench`` / ``model_bench``: an open workbench on that database, schema upgraded.
* ``sources``: a few small source files written by the test.

Quick local run without the slow parts: ``pytest -m "not model and not pg and not browser"``.
"""

from __future__ import annotations

import http.server
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from fakes import HashEmbedder

from verifier.config import Settings
from verifier.embed import Embedder, TorchEmbedder
from verifier.errors import InputError
from verifier.sources import read_sources
from verifier.workbench import Workbench

PG_URL = os.environ.get("VERIFIER_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)] if PG_URL else ["sqlite"]
_MODEL_FIXTURES = {"model_embedder", "model_bench"}
_MADE_CACHE: list[str] = [""]  # the converted-model folder this run made, removed at the end


def pytest_configure(config: pytest.Config) -> None:
    # One converted model (OpenVINO IR) for the whole run, instead of one per data folder:
    # every workbench a test opens through the environment (CLI, app) finds it there.
    if "VERIFIER_MODEL_CACHE" not in os.environ:
        os.environ["VERIFIER_MODEL_CACHE"] = _MADE_CACHE[0] = tempfile.mkdtemp(
            prefix="verifier-models-"
        )
    # The same for every workbench a test opens through the environment (CLI, app); the tests
    # of the trained model, the default, ask for it or take this away.
    os.environ.setdefault("VERIFIER_STANCE_MODEL", "rules")
    if os.environ.get("CI") and not PG_URL:
        raise pytest.UsageError(
            "CI must test PostgreSQL too: run scripts/test, which sets VERIFIER_TEST_PG_URL"
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    if _MADE_CACHE[0]:
        shutil.rmtree(_MADE_CACHE[0], ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A browser test that fails leaves a screenshot of what the browser saw, and the report
    carries the page's text: a failure seen only in CI can be read from its log."""
    report: pytest.TestReport = yield
    if report.failed and report.when == "call":
        for value in getattr(item, "funcargs", {}).values():
            if not hasattr(value, "save_screenshot"):  # a selenium webdriver
                continue
            from browsing import body_text, screenshot

            try:
                path = screenshot(value, f"failed-{item.name}.png")
                text = body_text(value)
            except Exception as error:  # a browser that died with the test
                report.sections.append(("browser", f"no screenshot: {error}"))
            else:
                report.sections.append(
                    ("browser", f"screenshot: {path}\npage text:\n{text[:4000]}")
                )
    return report


def pytest_report_header(config: pytest.Config) -> str:
    return (
        "database backends: "
        + ("sqlite, postgresql" if PG_URL else "sqlite")
        + ("" if PG_URL else " (set VERIFIER_TEST_PG_URL, as scripts/test does, to add PostgreSQL)")
    )


@pytest.fixture(autouse=True)
def _main_module_kept() -> Iterator[None]:
    """Streamlit's script runner (each AppTest run) installs the app script as ``__main__``
    and leaves it there; a process spawned later in the same worker would run the app again
    on start (``tests/test_concurrency.py``). Each test ends with the worker's own."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def model_embedder() -> Embedder:
    return TorchEmbedder()


def make_pg_database(template: str | None = None, url: str | None = None) -> str:
    """A new database on the test server (at ``url``, or a new name), empty or a copy of the
    database at URL ``template`` (which nobody may be connected to); returns its URL."""
    assert PG_URL
    name = sa.make_url(url).database if url else f"verifier_t_{uuid.uuid4().hex[:12]}"
    copied = f' TEMPLATE "{sa.make_url(template).database}"' if template else ""
    # An autovacuum worker busy on the template refuses the copy for a moment.
    _pg_admin_run(f'CREATE DATABASE "{name}"{copied}', "being accessed by other users")
    return sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    name = sa.make_url(url).database
    # FORCE ends the test's leftover sessions, but not a superuser's: an autovacuum worker
    # busy on the new database refuses it for a moment.
    _pg_admin_run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', "pg_signal_backend")


def _pg_admin_run(statement: str, passing: str) -> None:
    """``statement`` on the test server, tried again for a few seconds while it fails with
    an error holding ``passing`` (a moment's refusal)."""
    for attempt in range(20):
        try:
            with pg_admin() as conn:
                conn.execute(sa.text(statement))
            return
        except sa.exc.DBAPIError as error:
            if attempt == 19 or passing not in str(error):
                raise
            time.sleep(0.25)


def pg_admin() -> sa.Connection:
    assert PG_URL
    admin = sa.create_engine(
        sa.make_url(PG_URL).set(drivername="postgresql+psycopg"),
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
    )
    return admin.connect()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url = make_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    # The rules, not the default trained model: most tests check what the pipeline does with
    # a suggestion, and the rules make it in milliseconds, from the fake embedder's scores.
    return Settings(home=tmp_path / "home", db_url=db_url, stance_model="rules")


@pytest.fixture
def bench(settings: Settings, embedder: HashEmbedder) -> Iterator[Workbench]:
    with Workbench.open(settings, upgrade=True, embedder=embedder) as opened:
        yield opened


@pytest.fixture
def model_bench(settings: Settings, model_embedder: Embedder) -> Iterator[Workbench]:
    with Workbench.open(settings, upgrade=True, embedder=model_embedder) as opened:
        yield opened


def make_claims(bench: Workbench, count: int) -> list[int]:
    """``count`` stored claims of one new article (distinct figures), by id."""
    from verifier import pipeline

    text = " ".join(
        f"The ministry said that {n + 2} transport aircraft landed at the base on Monday."
        for n in range(count)
    )
    stored = pipeline.extract_article(bench, text, threshold=0.0)
    assert len(stored.claims) == count
    return [claim.id for claim in stored.claims]


def run_threads(target: Callable[[str], None], names: list[str]) -> list[BaseException]:
    """Run ``target(name)`` in a thread per name, all at once; what any of them raised."""
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            target(name)
        except BaseException as error:  # noqa: BLE001 (returned to the test)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused_in_one_line(path: Path, data: bytes, message: str) -> None:
    """Write ``data`` to ``path``: reading it as a source is refused with an error matching
    ``message``, one line that opens with the file's path."""
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as raised:
        list(read_sources([path], 2**20))
    assert str(raised.value).startswith(f"{path}: ") and "\n" not in str(raised.value)


SOURCES = {
    "base.txt": (
        "---\ntitle: Russia readies Latakia air base\noutlet: Test Wire\n"
        "url: https://wire.example.com/base\ndate: 2015-09-14\n---\n"
        "The Pentagon said Russia has moved personnel and equipment to the airfield near "
        "Latakia, a sign that Moscow plans a forward air operating base.\n\n"
        "No Russian fighter jets have arrived at the airfield so far, a spokesman said.\n"
    ),
    "imagery.md": (
        "# Satellite images\n\nSatellite images show crews extending the runways and building "
        "helicopter pads and an air traffic control tower at the Syrian airport.\n"
    ),
    "football.txt": "Spartak Moscow beat Zenit 2-1 in Sunday's derby in front of 40,000 fans.\n",
    "weather.txt": "A heatwave pushed temperatures above 38 degrees in southern Spain on Monday.\n",
}


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    for name, text in SOURCES.items():
        write(folder, name, text)
    return folder


@contextmanager
def served(page: bytes) -> Iterator[str]:
    """``page`` served as HTML at every path of a local web server, while the block runs;
    yields the server's address (``http://127.0.0.1:PORT``)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (the handler's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
