import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from verifier.db.models import Base, Claim, Document, Match, Passage, Verdict
from verifier.db.session import connect
from verifier.errors import VerifierError


def test_migrations_create_exactly_the_models(db_url: str) -> None:
    engine, _ = connect(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert diff == []
    assert version
    connect(db_url)  # second open: already at head, nothing to do
    engine.dispose()


def test_deleting_a_document_cascades_to_passages_and_matches(db_url: str) -> None:
    engine, sessions = connect(db_url)
    with sessions.begin() as s:
        doc = Document(uri="u", title="t", format="txt", content_hash="h", text="abc def ghi jkl")
        doc.passages.append(Passage(seq=0, start=0, end=3, text="abc", text_hash="x"))
        claim = Claim(text="c", text_hash="c", checkworthiness=0.9)
        s.add_all([doc, claim])
        s.flush()
        s.add(Match(claim_id=claim.id, passage_id=doc.passages[0].id, rank=1, score=0.9))
    with sessions.begin() as s:
        s.delete(s.scalars(sa.select(Document)).one())
    with sessions.begin() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Passage)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Match)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Claim)) == 1
    engine.dispose()


def test_verdict_labels_are_checked_by_the_database(db_url: str) -> None:
    engine, sessions = connect(db_url)
    with sessions.begin() as s:
        claim = Claim(text="c", text_hash="c", checkworthiness=0.9)
        s.add(claim)
    with pytest.raises(sa.exc.IntegrityError):
        with sessions.begin() as s:
            s.add(Verdict(claim_id=claim.id, suggested="true-ish", confidence=0.5, evidence=[]))
    engine.dispose()


def test_bad_database_url_is_one_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(VerifierError, match="cannot use database URL"):
        connect("nonsense://")
    with pytest.raises(VerifierError, match="SQLite and PostgreSQL only"):
        connect("mysql://u:p@localhost/db")
    with pytest.raises(VerifierError, match="cannot reach the database"):
        connect("postgresql://nobody:pw@127.0.0.1:1/none")
