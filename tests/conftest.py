"""Shared fixtures: the real model (loaded once), a workbench per test on SQLite and on
PostgreSQL (a fresh database per test on the server named by VERIFIER_TEST_PG_URL, which
scripts/test starts), and small source files written by each test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from verifier.config import Settings
from verifier.embed import Embedder
from verifier.workbench import Workbench

PG_URL = os.environ.get("VERIFIER_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") and not PG_URL:
        raise pytest.UsageError(
            "CI must test PostgreSQL too: run scripts/test, which sets VERIFIER_TEST_PG_URL"
        )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backends: {', '.join(BACKENDS)}" + (
        "" if PG_URL else " (set VERIFIER_TEST_PG_URL, as scripts/test does, to add PostgreSQL)"
    )


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    name = f"verifier_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(
        sa.make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(home=tmp_path / "home", db_url=db_url)


@pytest.fixture
def bench(settings: Settings, embedder: Embedder) -> Iterator[Workbench]:
    with Workbench.open(settings, embedder=embedder) as opened:
        yield opened


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


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
