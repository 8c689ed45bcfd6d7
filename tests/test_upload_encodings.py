"""Files uploaded in the app in an encoding that cannot be told from their bytes (a short
Windows-1252 text reads as well as Windows-1250): every upload refuses them naming the app's
own field, not the command line's ``--encoding``, and reads them in the encoding picked there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reports import review_claims

from verifier import pipeline
from verifier.documents import IngestReport
from verifier.errors import InputError
from verifier.views import claim_view
from verifier.workbench import Workbench

#: French, in Windows-1252: as likely Windows-1250, where its accents read otherwise.
SAID = "Les élèves ont reçu 12 avions à Lattaquié."
FIELD = "'Encoding'"


def refused_then_read(upload: Callable[[str | None], object]) -> object:
    """``upload`` (given the encoding picked) refused when none is picked, naming the app's
    field; then what it gives with Windows-1252 picked."""
    with pytest.raises(InputError) as refused:
        upload(None)
    message = str(refused.value)
    assert "its encoding is unclear (it reads as " in message and "cp1250" in message
    assert f"give its encoding with {FIELD} (e.g. cp1252 for Windows" in message
    assert "--encoding" not in message and "\n" not in message
    return upload("cp1252")


def test_an_article_file(bench: Workbench) -> None:
    data = f"{SAID}\n".encode("cp1252")
    loaded = refused_then_read(
        lambda encoding: pipeline.read_article_upload(bench, "fr.txt", data, encoding, FIELD)
    )
    assert isinstance(loaded, pipeline.ArticleUpload) and loaded.text.strip() == SAID


def test_a_source_file(bench: Workbench) -> None:
    data = f"{SAID}\n".encode("cp1252")

    def ingest(encoding: str | None) -> IngestReport:
        files = [("fr.txt", data)]
        return pipeline.ingest_uploads(bench, files, encoding=encoding, encoding_field=FIELD)

    report = refused_then_read(ingest)
    assert isinstance(report, IngestReport) and report.added == 1
    found = pipeline.find_passages(bench, "élèves avions Lattaquié", 1)
    assert found and found[0].text == SAID


def test_claims_to_score(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    data = f"claim\n{SAID}\n".encode("cp1252")

    def score(encoding: str | None) -> pipeline.ScoredClaims:
        return pipeline.score_upload(bench, "fr.csv", data, encoding=encoding, encoding_field=FIELD)

    scored = refused_then_read(score)
    assert isinstance(scored, pipeline.ScoredClaims)
    assert [result.claim for result in scored.results] == [SAID]


def test_verdicts_to_import(bench: Workbench, sources: Path) -> None:
    claims = review_claims(bench, sources)
    data = f"claim_id,verdict,reviewer,note\n{claims[2]},disputed,ana,{SAID}\n".encode("cp1252")

    def import_(encoding: str | None) -> object:
        return pipeline.import_review_upload(
            bench, "fr.csv", data, encoding=encoding, encoding_field=FIELD
        )

    refused_then_read(import_)
    with bench.db.session() as session:
        shown = claim_view(session, claims[2])
    assert shown is not None and shown.note == SAID


def test_labelled_sentences_to_train_on(bench: Workbench) -> None:
    rows = [f"{SAID},1", "Le ministère a livré 28 avions à Hmeimim.,1"]
    rows += [f"Merci pour le numéro {n}.,0" for n in range(3)]
    data = ("text,checkworthy\n" + "\n".join(rows) + "\n").encode("cp1252")

    def train(encoding: str | None) -> object:
        return pipeline.train_checkworthiness_upload(bench, "fr.csv", data, "Dana", encoding, FIELD)

    report = refused_then_read(train)
    assert report is not None
