"""An ingest killed (SIGKILL) at random points: after each kill the next start finds the data
consistent (every committed document whole, the indexes equal to the database once repaired,
every index file passing its checksum), and the ingest run again completes the job."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from fakes import HashEmbedder

from verifier import pipeline
from verifier.config import Settings
from verifier.db.models import Document, Passage
from verifier.workbench import Workbench

TESTS = Path(__file__).resolve().parent
DOCS = 600  # three database batches
KILLS = 4

INGEST = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from fakes import SlowEmbedder
from verifier import pipeline
from verifier.config import Settings
from verifier.workbench import Workbench
settings = Settings(home=Path(sys.argv[2]), db_url=sys.argv[3])
with Workbench.open(settings, upgrade=True, embedder=SlowEmbedder(0.25)) as bench:
    print("ready", flush=True)
    pipeline.ingest(bench, [Path(sys.argv[4])])
print("done", flush=True)
"""


def make_corpus(folder: Path) -> Path:
    folder.mkdir()
    for n in range(DOCS):
        (folder / f"wire{n:04}.txt").write_text(
            f"Wire report {n}\n\n"
            + " ".join(f"Officials said {m} aircraft and {n} vehicles moved." for m in range(6))
        )
    return folder


def kill_ingest(settings: Settings, corpus: Path, after: float) -> bool:
    """Run an ingest in its own process and kill it ``after`` seconds into the work. Returns
    whether it finished first."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            INGEST,
            str(TESTS),
            str(settings.home),
            settings.database_url,
            str(corpus),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return process.stdout.read().strip() == "done"


def assert_consistent(bench: Workbench) -> None:
    with bench.db.session() as session:
        empty = session.scalar(
            sa.select(sa.func.count())
            .select_from(Document)
            .where(~sa.exists().where(Passage.document_id == Document.id))
        )
    assert empty == 0, "a document was committed without its passages"
    assert not bench.corpus.check(), "the indexes differ from the database after repair"
    assert bench.corpus.verify() == [], "an index file fails its checksum"


def test_ingest_killed_at_random_points_recovers(settings: Settings, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    chance = random.Random(20261127)
    embedder = HashEmbedder()  # the same name as the SlowEmbedder that built the index
    kills = []
    for _ in range(KILLS):
        after = chance.uniform(0.0, 6.0)
        finished = kill_ingest(settings, corpus, after)
        kills.append((round(after, 2), finished))
        with Workbench.open(settings, upgrade=True, embedder=embedder) as bench:
            assert_consistent(bench)
    with Workbench.open(settings, embedder=embedder) as bench:
        pipeline.ingest(bench, [corpus])
        assert_consistent(bench)
        with bench.db.session() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Document)) == DOCS
    assert not all(finished for _, finished in kills), f"no kill landed mid-ingest: {kills}"
