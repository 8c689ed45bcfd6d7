"""The desk's own check-worthiness model: read labelled sentences, train, measure by leaving
documents out, keep it in the database, extract with it, drop it; on both databases.

The training data is built so that the model must disagree with the heuristic: the desk
checks sentences about floods (short, no figures: the heuristic scores them low) and not
the ministry's figures (which the heuristic scores high). Extraction following the model
rather than the heuristic is what shows the model is used."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from tests.fakes import HashEmbedder
from verifier import accounts, pipeline
from verifier.checkworthy_model import (
    MODEL_NAME,
    CheckworthinessModel,
    TrainingReport,
    features,
    read_labelled,
)
from verifier.claims import checkworthiness
from verifier.cli import cli
from verifier.db.models import TrainedModel
from verifier.errors import InputError, SettingsError
from verifier.workbench import Workbench

FLOODS = [
    "The river flooded the lower town after heavy rain.",
    "Flood water reached the church steps overnight.",
    "Rain kept falling and the flood spread to the farms.",
    "The flood cut the road to the valley villages.",
]
FIGURES = [
    "The ministry said on Monday that 28 jets landed at Latakia.",
    "Officials in Moscow reported 4,000 troops at the base in 2015.",
    "The Pentagon said 12 tanks arrived in Syria on Tuesday.",
    "According to Reuters, 300 engineers were sent to the port in March.",
]
FILLER = ["Good evening and welcome.", "Thank you all for coming.", "Let us begin tonight."]
ARTICLE = (
    "The ministry said 40 tanks arrived at the Latakia base on Tuesday.\n\n"
    "Heavy rain made the river flood the lower town again."
)


def labelled_rows(documents: int = 5) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for d in range(documents):
        sentences = [(s, 1) for s in FLOODS] + [(s, 0) for s in FIGURES + FILLER]
        order = np.random.default_rng(d).permutation(len(sentences))
        for i in order:
            text, label = sentences[i]
            rows.append({"text": text, "checkworthy": label, "debate": f"d{d}"})
    return rows


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def claim_texts(bench: Workbench, edition: int) -> list[str]:
    """Claims extracted from the article (a new edition each time: extracting an article
    stored before keeps the claims it had)."""
    text = f"{ARTICLE}\n\nEdition {edition}"
    return [c.text for c in pipeline.extract_article(bench, text, title="Two stories").claims]


def test_extraction_follows_the_trained_model_until_it_is_forgotten(
    bench: Workbench, tmp_path: Path
) -> None:
    tanks, flood = "The ministry said 40 tanks", "Heavy rain made the river flood"
    before = claim_texts(bench, 1)
    assert any(c.startswith(tanks) for c in before)
    assert not any(c.startswith(flood) for c in before)
    assert pipeline.checkworthiness_model(bench) is None

    report = pipeline.train_checkworthiness(
        bench, write_jsonl(tmp_path / "l.jsonl", labelled_rows())
    )
    assert (report.sentences, report.checkworthy, report.documents) == (55, 20, 5)
    assert report.map_model is not None and report.map_heuristic is not None
    assert report.map_model > 0.9 > report.map_heuristic  # each debate scored by the others

    after = claim_texts(bench, 2)
    assert any(c.startswith(flood) for c in after)
    assert not any(c.startswith(tanks) for c in after)
    trained = pipeline.checkworthiness_model(bench)
    assert trained is not None and trained["sentences"] == 55
    assert trained["scorer"] == "embeddings and words"

    assert pipeline.forget_checkworthiness(bench) is True
    assert claim_texts(bench, 3) == before
    assert pipeline.forget_checkworthiness(bench) is False


def test_a_labelled_file_uploaded_in_the_app_trains_the_model_for_editors_only(
    bench: Workbench,
) -> None:
    data = "".join(json.dumps(r) + "\n" for r in labelled_rows()).encode()
    report = pipeline.train_checkworthiness_upload(bench, "desk checks.jsonl", data, "Dana")
    assert report.summary() == "trained on 55 sentences (20 check-worthy) from 5 document(s)"
    assert report.measure().startswith("mean average precision, each document left out: model")
    assert not report.no_better
    with pytest.raises(InputError) as refused:
        pipeline.train_checkworthiness_upload(bench, "notes.csv", b"text,label\nHi,1\n", "Dana")
    assert str(refused.value).startswith("notes.csv:2: no 'checkworthy' field")  # as uploaded
    assert not [p for p in bench.settings.home.rglob("*") if ".staging" in p.name]
    accounts.add_account(bench.db, "Dana Ortiz", "four words make one", editor=True)
    accounts.add_account(bench.db, "Sam Lee", "four words make two")
    for doing in (
        lambda: pipeline.train_checkworthiness_upload(bench, "d.jsonl", data, "Sam Lee"),
        lambda: pipeline.forget_checkworthiness(bench, "Sam Lee"),
    ):
        with pytest.raises(InputError, match="check-worthiness model is for editors"):
            doing()
    assert pipeline.forget_checkworthiness(bench, "Dana Ortiz") is True


def test_a_training_report_says_when_the_model_ranks_no_better_or_was_not_measured() -> None:
    worse = TrainingReport(40, 8, 3, map_model=0.21, map_heuristic=0.25)
    assert worse.no_better and worse.measure().endswith("model 0.210, heuristic 0.250")
    unmeasured = TrainingReport(40, 8, 1, map_model=None, map_heuristic=None)
    assert not unmeasured.no_better and unmeasured.measure().startswith("not measured")
    assert not TrainingReport(40, 8, 3, map_model=0.3, map_heuristic=0.25).no_better


def test_other_languages_keep_the_heuristic(bench: Workbench, tmp_path: Path) -> None:
    pipeline.train_checkworthiness(bench, write_jsonl(tmp_path / "l.jsonl", labelled_rows()))
    russian = "Министерство обороны заявило, что 28 самолётов прибыли на базу в Латакии во вторник."
    claims = pipeline.extract_article(bench, russian, title="ru").claims
    assert [c.checkworthiness for c in claims] == [checkworthiness(russian, "ru")]


def test_a_model_trained_with_another_embedder_is_refused_in_one_line(
    bench: Workbench, tmp_path: Path
) -> None:
    pipeline.train_checkworthiness(bench, write_jsonl(tmp_path / "l.jsonl", labelled_rows()))

    class OtherEmbedder(HashEmbedder):
        name = "another-model"

    # Another data folder (its own index) on the same database.
    elsewhere = replace(bench.settings, home=tmp_path / "elsewhere")
    with Workbench.open(elsewhere, embedder=OtherEmbedder()) as other:
        with pytest.raises(SettingsError, match="trained with the embedder test-hash-bow") as error:
            pipeline.extract_article(other, ARTICLE, title="x")
    assert "\n" not in str(error.value) and "verifier claims model forget" in str(error.value)


def test_one_document_trains_without_a_measure(bench: Workbench, tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k != "debate"} for r in labelled_rows(1)]
    report = pipeline.train_checkworthiness(bench, write_jsonl(tmp_path / "one.jsonl", rows))
    assert report.documents == 1 and report.map_model is None


def test_documents_that_cannot_be_left_out_still_train(bench: Workbench, tmp_path: Path) -> None:
    # Without the only document holding check-worthy sentences, nothing is left to learn
    # them from: the model is trained, the measure is not made.
    rows = labelled_rows(1) + [{"text": t, "checkworthy": False, "debate": "x"} for t in FILLER]
    report = pipeline.train_checkworthiness(bench, write_jsonl(tmp_path / "two.jsonl", rows))
    assert report.documents == 2 and report.map_model is None
    assert pipeline.checkworthiness_model(bench) is not None


def train_and_store_as(
    bench: Workbench, tmp_path: Path, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    """Train the desk's model, then store it as ``change`` makes it (another verifier's)."""
    pipeline.train_checkworthiness(bench, write_jsonl(tmp_path / "l.jsonl", labelled_rows()))
    with bench.db.writing() as session:
        row = session.get(TrainedModel, MODEL_NAME)
        assert row is not None
        row.body = change(row.body)


def test_a_model_stored_in_another_format_is_refused_in_one_line(
    bench: Workbench, tmp_path: Path
) -> None:
    train_and_store_as(bench, tmp_path, lambda body: body | {"format": 3})
    with pytest.raises(SettingsError, match="format 3, which this verifier") as error:
        pipeline.extract_article(bench, ARTICLE, title="x")
    assert "\n" not in str(error.value)


def test_a_model_stored_before_the_word_model_still_decides(
    bench: Workbench, tmp_path: Path
) -> None:
    # A desk that trained with an earlier verifier keeps its model: format 1, embeddings only.
    def without_words(body: dict[str, Any]) -> dict[str, Any]:
        assert body["words"]["vocabulary"]
        return {k: v for k, v in body.items() if k != "words"} | {"format": 1}

    train_and_store_as(bench, tmp_path, without_words)
    shown = pipeline.checkworthiness_model(bench)
    assert shown is not None and str(shown["scorer"]).startswith("embeddings only")
    claims = claim_texts(bench, 1)
    assert any(c.startswith("Heavy rain made the river flood") for c in claims)
    assert not any(c.startswith("The ministry said 40 tanks") for c in claims)


def test_the_word_model_learns_the_wording_and_keeps_it_in_storage() -> None:
    # The embeddings (all zero here) cannot tell the sentences apart; only the words can.
    rng = np.random.default_rng(0)
    filler = ["tonight", "people", "country", "jobs", "plan", "great", "very", "we", "they"]
    texts, gold = [], []
    for i in range(60):
        words = list(rng.choice(filler, 6))
        if i % 3 == 0:
            words.insert(3, "percent")
        texts.append(" ".join(words) + ".")
        gold.append(int(i % 3 == 0))
    x = np.zeros((len(texts), 9))
    model = CheckworthinessModel.fit(x, texts, np.array(gold), "e", {})
    new = ["they plan 40 percent more jobs.", "they plan more jobs tonight."]
    scores = model.score(np.zeros((2, 9)), new)
    assert scores[0] > 0.5 > scores[1]
    stored = CheckworthinessModel.from_json(json.loads(json.dumps(model.to_json())))
    assert np.allclose(stored.score(np.zeros((2, 9)), new), scores)
    alone = CheckworthinessModel.fit(x, texts, np.array(gold), "e", {}, words=False)
    assert alone.words is None and np.ptp(alone.score(np.zeros((2, 9)), new)) == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt", "x", "must be in .csv, .jsonl, .xlsx, .xls, not .txt"),
        ("a.jsonl", '{"text": "A sentence."}\n', "a.jsonl:1: no 'checkworthy' field"),
        ("a.jsonl", '{"text": "A.", "checkworthy": "maybe"}\n', "a.jsonl:1: 'checkworthy' is"),
        ("a.csv", "text,checkworthy\nA.,1\nB.,0\nC.,0\n", "1 check-worthy and 2 other"),
        ("a.csv", "sentence,checkworthy\nA.,1\n", "no 'text' column"),
        ("a.jsonl", "", "is empty"),
    ],
)
def test_bad_training_files_say_what_is_wrong(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        read_labelled(path, 1 << 20)
    assert "\n" not in str(error.value)


def test_csv_labels_in_words_and_documents(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(
        "text,checkworthy,document\nA one.,yes,x\nB two.,no,x\n ,1,x\n"
        "C three.,TRUE,y\nD four.,0,y\n",
        encoding="utf-8",
    )
    rows = read_labelled(path, 1 << 20)
    json_rows = tmp_path / "l.jsonl"
    json_rows.write_text(
        '{"text": "A.", "checkworthy": true}\n{"text": "B.", "checkworthy": false}\n'
        '{"text": "C.", "checkworthy": 1}\n{"text": "D.", "checkworthy": ""}\n',
        encoding="utf-8",
    )
    assert [r.checkworthy for r in read_labelled(json_rows, 1 << 20)] == [True, False, True, False]
    assert [(r.checkworthy, r.document) for r in rows] == [
        (True, "x"),
        (False, "x"),
        (True, "y"),
        (False, "y"),
    ]


def test_context_stops_at_a_document_boundary() -> None:
    vectors = np.eye(4, dtype=np.float32)
    x = features(["a b c d."] * 4, vectors, ["x", "x", "y", "y"])
    context = x[:, 5:]
    assert np.allclose(context[0], 0.5 * vectors[1])  # nothing before the first
    assert np.allclose(context[1], 0.5 * vectors[0])  # the next sentence is another document's
    assert np.allclose(context[2], 0.5 * vectors[3])
    assert x.shape == (4, 9) and np.allclose(x[:, 4], checkworthiness("a b c d."))


@pytest.mark.model
def test_the_command_line_trains_shows_and_forgets(tmp_path: Path) -> None:
    home, db = tmp_path / "home", f"sqlite:///{tmp_path / 'v.db'}"

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["--home", str(home), "--db", db, *args])

    assert run("init").exit_code == 0
    shown = run("claims", "model", "show")
    assert "extraction uses the heuristic" in shown.output
    path = write_jsonl(tmp_path / "l.jsonl", labelled_rows())
    trained = run("claims", "model", "train", str(path))
    assert trained.exit_code == 0, trained.output
    assert "trained on 55 sentences (20 check-worthy) from 5 document(s)" in trained.output
    assert "mean average precision, each document left out: model" in trained.output
    described = run("claims", "model", "show").output
    assert "sentences: 55" in described and "scorer: embeddings and words" in described
    one = [{k: v for k, v in r.items() if k != "debate"} for r in labelled_rows(1)]
    unmeasured = run("claims", "model", "train", str(write_jsonl(tmp_path / "one.jsonl", one)))
    assert unmeasured.exit_code == 0 and "not measured: it takes two documents" in unmeasured.output
    assert "mean average precision" not in unmeasured.output
    assert run("claims", "model", "train", str(path)).exit_code == 0  # the 55 sentences again
    bad = run("claims", "model", "train", str(tmp_path / "missing.jsonl"))
    assert bad.exit_code != 0 and "missing.jsonl" in bad.output
    assert "sentences: 55" in run("claims", "model", "show").output  # the model is kept
    assert "model dropped" in run("claims", "model", "forget").output
    assert "extraction uses the heuristic" in run("claims", "model", "show").output
