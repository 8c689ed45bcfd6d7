"""VERIFIER_STANCE_MODEL=/folder: any CrossEncoder NLI model as the stance model, its labels
mapped from its config; tried with tiny models made here."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from fakes import HashEmbedder
from tiny_nli import make_nli_model

from verifier import pipeline
from verifier.config import Settings
from verifier.errors import SettingsError
from verifier.labels import Label
from verifier.retrieve import Evidence
from verifier.stance import Stance, make_stance_model
from verifier.stance.nli import NliStance, quote, stance_of_label
from verifier.workbench import Workbench

CLAIM = "Russia has sent 28 jets to the air base."
EVIDENCE = [
    Evidence(1, "Russia has sent six jets to the base near Latakia.", 0.8, "w", "Wire"),
    Evidence(2, "A second passage of the same wire story about the base.", 0.7, "w", "Wire"),
    Evidence(3, "Satellite images show new helicopter pads.", 0.6, "i", "Imagery"),
]


def test_label_names_of_common_nli_models_map_to_stances() -> None:
    assert stance_of_label("ENTAILMENT") is Stance.SUPPORTS
    assert stance_of_label("contradiction") is Stance.REFUTES
    assert stance_of_label("NOT_ENOUGH_INFO") is Stance.NEUTRAL
    assert stance_of_label("SUPPORTS") is Stance.SUPPORTS
    assert stance_of_label("LABEL_0") is None


@pytest.mark.parametrize(
    ("labels", "leaning", "label"),
    [
        (["contradiction", "entailment", "neutral"], "entailment", Label.SUPPORTED),
        (["REFUTES", "NOT_ENOUGH_INFO", "SUPPORTS"], "REFUTES", Label.DISPUTED),
        (["neutral", "contradiction", "entailment"], "neutral", Label.UNVERIFIED),
    ],
)
def test_a_folder_model_suggests_from_its_own_labels(
    tmp_path: Path, labels: list[str], leaning: str, label: Label
) -> None:
    model = make_stance_model(str(make_nli_model(tmp_path / "nli", labels, leaning)))
    assert isinstance(model, NliStance) and model.name == "nli:nli" and len(model.version) == 12
    probs = model.probabilities(CLAIM, [e.text for e in EVIDENCE])
    assert probs.shape == (3, 3) and probs.sum(axis=1) == pytest.approx([1, 1, 1])
    suggestion = model.suggest(CLAIM, EVIDENCE)
    assert suggestion.label is label
    # the label's probability; for unverified, that neither side has it
    assert suggestion.confidence == pytest.approx(
        0.96 if label != Label.UNVERIFIED else 0.98, abs=0.01
    )
    expected = {
        Label.SUPPORTED: Stance.SUPPORTS,
        Label.DISPUTED: Stance.REFUTES,
        Label.UNVERIFIED: Stance.NEUTRAL,
    }[label]
    assert [s.stance for s in suggestion.stances] == [expected] * 3
    if label is Label.DISPUTED:
        # The reason names the passage, what the model saw, and the conflicting figure.
        assert suggestion.reason.startswith("refutes 0.96; different figure (jet)")
        assert "'Russia has sent six jets to the base near Latakia.' (Wire)" in (suggestion.reason)
        assert suggestion.evidence == [1, 2, 3]
    if label is Label.UNVERIFIED:
        assert suggestion.evidence == [] and "no passage" in suggestion.reason
    # The app's sessions share one model: reads from several threads at once agree.
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda _: model.suggest(CLAIM, EVIDENCE), range(8)))
    assert {(s.label, s.confidence) for s in together} == {(label, suggestion.confidence)}


def test_the_workbench_scores_with_a_folder_model(
    tmp_path: Path, settings: Settings, embedder: HashEmbedder, sources: Path
) -> None:
    folder = make_nli_model(
        tmp_path / "nli", ["contradiction", "entailment", "neutral"], "contradiction"
    )
    with Workbench.open(
        replace(settings, stance_model=str(folder)), upgrade=True, embedder=embedder
    ) as bench:
        pipeline.ingest(bench, [sources])
        [result] = pipeline.score_claims(bench, ["Russia moved personnel to the airfield."])
    assert result.suggestion.label is Label.DISPUTED
    assert result.provenance.stance_model == "nli:nli"
    assert result.suggestion.stances and all(
        s.stance is Stance.REFUTES for s in result.suggestion.stances
    )


def test_a_folder_that_is_no_nli_model_is_one_clear_error(tmp_path: Path) -> None:
    two = make_nli_model(tmp_path / "sentiment", ["negative", "positive"], "positive")
    with pytest.raises(SettingsError, match="has labels negative, positive; a stance model"):
        make_stance_model(str(two))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SettingsError, match="no CrossEncoder model can be loaded"):
        make_stance_model(str(empty))
    with pytest.raises(SettingsError, match="VERIFIER_STANCE_MODEL .* is neither"):
        Settings.from_env({"VERIFIER_STANCE_MODEL": str(tmp_path / "not-there")})
    assert Settings.from_env({"VERIFIER_STANCE_MODEL": str(empty)}).stance_model == str(empty)


def test_quotes_are_one_line_and_cut_at_a_word() -> None:
    assert quote("a  b\nc") == "a b c"
    assert quote("word " * 40, limit=20) == "word word word word…"
