"""The trained stance model: claim features, the claim-level head, and the shipped model."""

import json
import logging
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from verifier.errors import SettingsError
from verifier.labels import Label
from verifier.retrieve import Evidence
from verifier.sentences import sentences
from verifier.stance import Stance, make_stance_model
from verifier.stance.base import EvidenceStance
from verifier.stance.rules import restates
from verifier.stance.rules import suggest as rules_suggest
from verifier.stance.trained import (
    FEATURES,
    MODEL_DIR,
    MODEL_NAME,
    POOLINGS,
    RULES_VERSION,
    VERDICTS,
    ClaimHead,
    PairModel,
    TrainedStance,
    _reason,
    claim_features,
    logits_of,
    pair_network,
    premise,
    read_claim,
    read_passages,
    rules_verdict,
    runtime_for,
    settle_restatements,
)

CLAIM = "Russia has sent 28 jets to the air base."
EVIDENCE = [
    Evidence(1, "Russia has sent six jets to the base near Latakia.", 0.82, "wire", "Wire"),
    Evidence(2, "The jets landed on Monday, the wire said.", 0.64, "wire", "Wire"),
    Evidence(3, "Heavy rain is expected on the coast.", 0.20, "weather", "Weather"),
]


@pytest.fixture(scope="module")
def model() -> TrainedStance:
    """The shipped model as the workbench makes it (OpenVINO here), loaded once: converting
    the cross-encoder takes seconds."""
    model = make_stance_model("trained")
    assert isinstance(model, TrainedStance)
    return model


def head_reads(model: TrainedStance, claim: str, evidence: list[Evidence]) -> np.ndarray:
    """The head's verdict probabilities for ``claim``, computed step by step."""
    probs, _, _ = read_claim(model.pairs, claim, evidence)
    return model.head.probabilities(claim_features(claim, evidence, probs))[0]


def test_the_premise_is_the_source_title_then_the_passage() -> None:
    assert premise(EVIDENCE[0]) == "Wire. Russia has sent six jets to the base near Latakia."
    assert premise(Evidence(4, "Text only.", 0.5, "u", "")) == "Text only."


@pytest.mark.model
def test_each_passage_is_read_by_its_most_telling_sentence(model: TrainedStance) -> None:
    assert isinstance(model, TrainedStance)
    passage = Evidence(
        7,
        "Heavy rain is expected on the coast. Russia has sent six jets to the base. "
        "The market opens at nine.",
        0.7,
        "wire",
        "Wire",
    )
    probs, telling = read_passages(model.pairs, CLAIM, [passage, EVIDENCE[2]])
    each = model.pairs.probabilities(
        CLAIM, [premise(passage, span.text) for span in sentences(passage.text)]
    )
    assert len(each) == 3
    assert probs.shape == (2, 3) and probs.sum(axis=1) == pytest.approx(np.ones(2), abs=1e-3)
    # The row kept is the least neutral sentence's, and that sentence is what it quotes.
    assert probs[0, 2] == pytest.approx(each[:, 2].min(), abs=1e-3)
    assert telling[0] == "Russia has sent six jets to the base."
    assert telling[1] == EVIDENCE[2].text
    assert read_passages(model.pairs, CLAIM, [])[0].shape == (0, 3)
    # A markdown heading repeating the title is not read again: the title leads every premise.
    headed = Evidence(8, "# Wire\n\nRussia has sent six jets to the base.", 0.7, "w", "Wire")
    assert read_passages(model.pairs, CLAIM, [headed])[1] == [
        "Russia has sent six jets to the base."
    ]
    # A fact-check's statement of the claim it checks quotes it: neutral, whatever its words.
    check = Evidence(
        9, f"Claim: {CLAIM}\n\nRating: False. Only six jets were sent.", 0.9, "fc", "Check"
    )
    probs, telling = read_passages(model.pairs, CLAIM, [check])
    assert not telling[0].startswith("Claim:")
    quoted = Evidence(10, f"Claim: {CLAIM}", 0.9, "fc", "Check")
    assert read_passages(model.pairs, CLAIM, [quoted])[0][0] == pytest.approx([0, 0, 1])


@pytest.mark.model
def test_pairs_of_several_claims_read_as_each_claim_reads_its_own(model: TrainedStance) -> None:
    other = "Heavy rain is expected on the coast on Monday."
    pairs = [
        (premise(EVIDENCE[0]) + " " + "The wire gave no other details. " * 6, CLAIM),
        (premise(EVIDENCE[2]), other),
        (premise(EVIDENCE[1]), CLAIM),
        ("Weather. Rain.", other),
    ]
    together = model.pairs.read_pairs(pairs, batch=3)
    mine = model.pairs.probabilities(CLAIM, [pairs[0][0], pairs[2][0]])
    theirs = model.pairs.probabilities(other, [pairs[1][0], pairs[3][0]])
    # Row by row the same reading (bf16 differs in the third decimal with the padding).
    assert np.abs(together[[0, 2]] - mine).max() < 0.01
    assert np.abs(together[[1, 3]] - theirs).max() < 0.01
    assert model.pairs.read_pairs([]).shape == (0, 3)


def test_claim_features_weigh_sources_once_and_read_the_rules() -> None:
    probs = np.array([[0.1, 0.8, 0.1], [0.7, 0.1, 0.2], [0.0, 0.0, 1.0]])
    named = dict(zip(FEATURES, claim_features(CLAIM, EVIDENCE, probs)))
    assert named["max_support"] == pytest.approx(0.7)
    assert named["max_refute"] == pytest.approx(0.8)
    assert named["first_refute"] == pytest.approx(0.8)
    # Two sources: the wire both supports (0.7) and refutes (0.8); the weather neither.
    assert named["sources_support"] == named["sources_refute"] == pytest.approx(0.5)
    assert named["max_similarity"] == pytest.approx(0.82)
    assert named["rules_disputed"] == 1.0 and named["rules_conflicts"] > 0  # 28 vs six jets
    assert claim_features(CLAIM, [], np.zeros((0, 3))).tolist() == [0.0] * len(FEATURES)


def test_claim_features_count_a_copied_wire_story_as_its_source() -> None:
    wire = (
        "Russia has sent six jets to the base near Latakia, two officials said on Monday, in "
        "the clearest sign yet of a build-up."
    )
    evidence = [
        Evidence(1, wire, 0.82, "wire", "Wire"),
        Evidence(2, wire, 0.82, "post", "Post"),  # the Post runs the wire's story
        Evidence(3, "Heavy rain is expected on the coast.", 0.20, "weather", "Weather"),
    ]
    probs = np.array([[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.0, 0.0, 1.0]])
    named = dict(zip(FEATURES, claim_features(CLAIM, evidence, probs)))
    # Two sources, the wire (with its copy) and the weather: not two of three refuting.
    assert named["sources_refute"] == pytest.approx(0.5)


def test_the_head_is_a_calibrated_softmax_with_decision_weights() -> None:
    rng = np.random.default_rng(0)
    head = ClaimHead(
        rng.normal(size=(3, len(FEATURES))),
        np.zeros(3),
        np.zeros(len(FEATURES)),
        np.ones(len(FEATURES)),
        temperature=2.0,
        decision=np.array([1.0, 3.0, 1.0]),
    )
    x = rng.normal(size=(5, len(FEATURES)))
    probs = head.probabilities(x)
    assert probs.shape == (5, 3) and probs.sum(axis=1) == pytest.approx(np.ones(5))
    sharper = ClaimHead(head.weights, head.bias, head.mean, head.scale, temperature=1.0)
    assert sharper.probabilities(x).max(axis=1).mean() > probs.max(axis=1).mean()
    assert head.decide(np.array([0.5, 0.2, 0.3])).tolist() == [1]  # 0.2 x 3 beats 0.5
    again = ClaimHead.from_json(json.loads(json.dumps(head.to_json())))
    assert again.probabilities(x) == pytest.approx(probs)
    with pytest.raises(SettingsError, match="other features"):
        ClaimHead.from_json(head.to_json() | {"features": ["x"]})


@pytest.mark.model
def test_the_shipped_model_reads_each_passage_and_suggests_with_its_probability(
    model: TrainedStance,
) -> None:
    assert isinstance(model, TrainedStance) and model.name == "trained" and model.version
    assert model.depth == 10  # the head was fitted on the top 10 passages
    suggestion = model.suggest(CLAIM, EVIDENCE)
    assert suggestion.label in VERDICTS
    assert [s.passage_id for s in suggestion.stances] == [1, 2, 3]
    probs, _, _ = read_claim(model.pairs, CLAIM, EVIDENCE)
    verdict = head_reads(model, CLAIM, EVIDENCE)
    assert suggestion.confidence == pytest.approx(
        verdict[VERDICTS.index(suggestion.label)], abs=1e-3
    )
    assert [s.stance for s in suggestion.stances] == [
        (Stance.SUPPORTS, Stance.REFUTES, Stance.NEUTRAL)[int(np.argmax(row))] for row in probs
    ]
    if suggestion.label is not Label.UNVERIFIED:
        assert "Wire" in suggestion.reason or "Weather" in suggestion.reason
    empty = model.suggest(CLAIM, [])
    assert empty.label is Label.UNVERIFIED and empty.stances == []


@pytest.mark.model
def test_a_figure_a_close_source_contradicts_is_disputed_whatever_the_head_says(
    model: TrainedStance,
) -> None:
    claim = "Latakia is 300 miles from Islamic State territory near Aleppo."
    evidence = [
        Evidence(1, "Latakia is 200 miles from the front lines near Aleppo.", 0.85, "a", "A"),
        Evidence(2, "Latakia is a port city on the Mediterranean coast.", 0.55, "b", "B"),
    ]
    suggestion = model.suggest(claim, evidence)
    assert suggestion.label is Label.DISPUTED
    assert suggestion.reason.startswith("the rules: 'A': different figure (mile): claim 300")
    assert "the model: " in suggestion.reason
    # The confidence stays the head's (calibrated) probability of disputed.
    verdict = head_reads(model, claim, evidence)
    assert suggestion.confidence == pytest.approx(verdict[VERDICTS.index(Label.DISPUTED)], abs=1e-3)
    assert f".{RULES_VERSION}+openvino-" in model.version


@pytest.mark.model
def test_a_source_denying_the_claim_is_disputed_not_read_as_restating_it(
    model: TrainedStance,
) -> None:
    claim = "Russia has landed 28 combat aircraft at the Hmeimim air base."
    evidence = [
        Evidence(
            1,
            "The ministry denies that 28 combat aircraft landed at the Hmeimim air base near "
            "Latakia.",
            0.79,
            "mod",
            "MoD statement",
        ),
        Evidence(
            2, "No ground troops have been sent to Syria, the ministry said.", 0.30, "mod", "M"
        ),
    ]
    suggestion = model.suggest(claim, evidence)
    # The head alone reads a close sentence the model calls refuting as support (0.74).
    assert suggestion.label is Label.DISPUTED
    assert suggestion.reason.startswith(
        "the rules: 'MoD statement': a denial of the claim ('denies')"
    )
    assert suggestion.stances[0].stance is Stance.REFUTES
    assert "restates the claim" not in (suggestion.stances[0].why or "")


@pytest.mark.model
def test_a_source_negating_the_claim_is_disputed_and_a_not_about_something_else_is_not(
    model: TrainedStance,
) -> None:
    claim = "Moscow has deployed fighter jets to Syria."
    said = "Moscow has not deployed any fighter jets to Syria, the Kremlin spokesman said."
    evidence = [Evidence(1, said, 0.83, "k", "Kremlin says no jets sent")]
    suggestion = model.suggest(claim, evidence)
    # The head alone calls it supported (0.71): a close sentence read as refuting.
    assert suggestion.label is Label.DISPUTED
    assert suggestion.reason.startswith(
        "the rules: 'Kremlin says no jets sent': a negation of the claim ('not deployed'); "
        "the model: refutes "
    )
    assert suggestion.stances[0].stance is Stance.REFUTES
    # A "not" about something else negates nothing: this is a close paraphrase, no conflict.
    marines = "About 500 Russian marines are stationed at the airfield near Latakia."
    aside = (
        "About 500 Russian marines are now stationed at the airfield near Latakia, two US "
        "officials said, although they would not say how they knew."
    )
    evidence = [Evidence(2, aside, 0.94, "m", "Marines at Latakia")]
    suggestion = model.suggest(marines, evidence)
    # Before, a conflict to the rules, and disputed (0.46) on the "not" read as refuting.
    assert suggestion.label is Label.SUPPORTED
    assert "the rules: it restates the claim" in (suggestion.stances[0].why or "")


@pytest.mark.model
def test_a_withdrawal_of_what_the_claim_places_there_disputes_it(model: TrainedStance) -> None:
    claim = "Russia's fighter jets are at the Hmeimim air base."
    said = "Russia withdrew its fighter jets from the Hmeimim air base last week, officials said."
    evidence = [Evidence(1, said, 0.77, "w", "Russia pulls jets from Hmeimim")]
    suggestion = model.suggest(claim, evidence)
    # Before, a restatement to the rules (every word of the claim), and supported (0.67).
    assert suggestion.label is Label.DISPUTED
    assert suggestion.reason.startswith(
        "the rules: 'Russia pulls jets from Hmeimim': a reversal of the claim ('withdrew'); "
    )
    assert "restates the claim" not in (suggestion.stances[0].why or "")
    # Of a claim about an event, a withdrawal says nothing against it.
    deployed = model.suggest("Russia deployed fighter jets to the Hmeimim air base.", evidence)
    assert deployed.label is Label.SUPPORTED


@pytest.mark.model
def test_a_report_its_source_calls_unconfirmed_is_read_as_neutral_and_leaves_it_unverified(
    model: TrainedStance,
) -> None:
    claim = "Seven T-90 tanks have arrived at the Latakia airfield."
    said = (
        "Local media reported that seven T-90 tanks had arrived at the Latakia airfield, but "
        "this could not be independently confirmed."
    )
    evidence = [Evidence(1, said, 0.89, "b", "Reports of tanks at Latakia")]
    probs, _, _ = read_claim(model.pairs, claim, evidence)
    assert probs[0].tolist() == [0.0, 0.0, 1.0]  # the cross-encoder read it as refuting
    suggestion = model.suggest(claim, evidence)
    # The head alone calls a claim with so close a source supported (0.66).
    assert suggestion.label is Label.UNVERIFIED
    assert suggestion.reason.startswith(
        "the rules: the close sources report it unconfirmed: 'Reports of tanks at Latakia': "
        "an unconfirmed report ('not be independently confirmed'); the model: "
    )
    assert suggestion.stances[0].stance is Stance.NEUTRAL
    assert "an unconfirmed report" in (suggestion.stances[0].why or "")


def test_a_verdict_no_passage_reads_for_names_the_closest_and_what_was_read_in_it() -> None:
    said = "Moscow has not deployed any fighter jets to Syria, the Kremlin spokesman said."
    evidence = [
        Evidence(1, "Jets were seen over Latakia.", 0.42, "a", "Sightings"),
        Evidence(2, said, 0.83, "b", "Kremlin says no jets sent"),
    ]
    probs = np.array([[0.20, 0.10, 0.70], [0.05, 0.80, 0.15]])
    stances = [EvidenceStance(e.passage_id, Stance.NEUTRAL) for e in evidence]
    telling = [e.text for e in evidence]
    reason = _reason(Label.SUPPORTED, evidence, probs, stances, telling)
    assert reason == (
        "no passage reads as supporting it (strongest 0.20); the closest, read as refutes "
        f"0.80: {said!r} (Kremlin says no jets sent)"
    )


def test_the_rules_settle_a_decisive_conflict_and_a_close_paraphrase_with_none() -> None:
    claim = "The US and Russian militaries have had no direct contact in recent months."

    def settled(*evidence: Evidence) -> Label | None:
        return rules_verdict(rules_suggest(claim, evidence), evidence)

    copy = Evidence(1, "US and Russian forces have had no direct contact in months.", 0.9, "a", "A")
    loose = Evidence(2, "US and Russian forces have had no contact.", 0.7, "b", "B")
    flipped = Evidence(3, "US and Russian forces have had direct contact.", 0.8, "c", "C")
    assert settled(copy) is Label.SUPPORTED
    assert settled(copy, loose) is Label.SUPPORTED
    # Not close enough for the rules to call it a paraphrase: the head decides.
    assert settled(loose) is None
    # A negation flipped in a close passage is a conflict, but not a decisive one: the head
    # decides, and no paraphrase elsewhere makes it supported.
    assert settled(copy, flipped) is None
    assert settled() is None
    # A denial of the claim in its own words is decisive, as a figure is; a denial of the
    # contact agrees with the claim that there was none.
    jets = "Russian jets have landed at the Hmeimim air base."
    denial = "Moscow denied that Russian jets had landed at the Hmeimim air base."
    evidence = [Evidence(4, denial, 0.8, "d", "D")]
    assert rules_verdict(rules_suggest(jets, evidence), evidence) is Label.DISPUTED
    denied = "The Pentagon denied that US and Russian militaries had direct contact in months."
    assert settled(copy, Evidence(5, denied, 0.8, "e", "E")) is Label.SUPPORTED
    # Where the only close source reports the claim as unconfirmed, it is unverified.
    tanks = "Seven T-90 tanks have arrived at the Latakia airfield."
    hedged = "Seven T-90 tanks reached the Latakia airfield, which could not be verified."
    unconfirmed = [Evidence(6, hedged, 0.89, "f", "F")]
    assert rules_verdict(rules_suggest(tanks, unconfirmed), unconfirmed) is Label.UNVERIFIED
    # Beside a source that says it in other words, the head decides; a close paraphrase of
    # the claim settles it supported, as ever (the unconfirmed report is not the paraphrase).
    other = [*unconfirmed, Evidence(7, "Seven T-90 tanks are at Latakia.", 0.7, "g", "G")]
    assert rules_verdict(rules_suggest(tanks, other), other) is None
    close = [*unconfirmed, Evidence(7, "Seven T-90 tanks are at Latakia.", 0.8, "g", "G")]
    assert rules_verdict(rules_suggest(tanks, close), close) is Label.SUPPORTED
    figure = "Russia has sent 28 jets to the air base."
    six = Evidence(5, "Russia has sent six jets to the air base.", 0.9, "e", "E")
    assert rules_verdict(rules_suggest(figure, [six]), [six]) is Label.DISPUTED


@pytest.mark.model
def test_a_close_paraphrase_no_source_contradicts_is_supported_whatever_the_head_says(
    model: TrainedStance,
) -> None:
    claim = "The US and Russian militaries have had no direct contact in recent months."
    evidence = [
        Evidence(
            1,
            "The US and Russian armed forces have had no direct contact in recent months, "
            "the Pentagon said.",
            0.92,
            "a",
            "A",
        ),
        Evidence(2, "Washington is worried about accidents in the air.", 0.62, "b", "B"),
    ]
    suggestion = model.suggest(claim, evidence)
    assert suggestion.label is Label.SUPPORTED
    assert suggestion.reason.startswith("the rules: 2 source(s) agree (best similarity 0.92)")
    assert ", none in conflict; the model: " in suggestion.reason
    verdict = head_reads(model, claim, evidence)
    assert suggestion.confidence == pytest.approx(
        verdict[VERDICTS.index(Label.SUPPORTED)], abs=1e-3
    )
    # Looser, the same sources leave the verdict to the head.
    looser = [Evidence(e.passage_id, e.text, 0.7, e.uri, e.document) for e in evidence]
    verdict = head_reads(model, claim, looser)
    assert model.suggest(claim, looser).label is VERDICTS[int(model.head.decide(verdict)[0])]


def test_a_sentence_that_restates_the_claim_is_read_as_supporting_it() -> None:
    claim = "Russian fighter jets have already landed at the base, according to local sources."
    copy = "Local sources told this blog that Russian fighter jets have already landed there."
    assert restates(claim, copy)
    assert restates(claim, claim)
    # The rules' conflicts: another figure, a negation, a fact-check's rating word.
    assert not restates("Russia has sent 28 jets.", "Russia has sent 12 jets.")
    assert not restates(claim, copy.replace("have already landed", "have not landed"))
    assert not restates(claim, copy + " That is false.")
    # Too few of the claim's words: a sentence on a neighbouring point.
    assert not restates(claim, "Local sources said Russian fighter jets were expected soon.")
    assert not restates("", copy)
    # A fact-check's statement of the claim it checks quotes it, it does not say it.
    assert not restates(claim, f"Claim: {claim}")
    assert not restates(claim, f"**Claim** - {claim}")

    read = np.array([[0.2, 0.7, 0.1], [0.2, 0.7, 0.1], [0.7, 0.2, 0.1]])
    telling = [copy, "Heavy rain is expected on the coast.", copy]
    settled, swapped = settle_restatements(claim, read, telling)
    assert swapped == [True, False, False]  # the third already reads as supporting
    assert settled.tolist() == [[0.7, 0.2, 0.1], [0.2, 0.7, 0.1], [0.7, 0.2, 0.1]]
    assert read[0].tolist() == [0.2, 0.7, 0.1]  # the reads themselves are kept


@pytest.mark.model
def test_the_model_reads_a_restatement_of_the_claim_as_supporting_and_says_why(
    model: TrainedStance,
) -> None:
    # A near copy `stance-v2` still reads as refuting (0.73; `stance-v1` read most of them so).
    claim = "No Russian fighter jets or attack helicopters have arrived."
    copy = "Davis stressed that no Russian fighter jets or attack helicopters had arrived."
    evidence = [Evidence(1, copy, 0.7, "a", "A")]
    read, telling = read_passages(model.pairs, claim, evidence)
    assert read[0, 1] > read[0, 0], "the cross-encoder reads this near copy as refuting"
    suggestion = model.suggest(claim, evidence)
    assert suggestion.stances[0].stance is Stance.SUPPORTS
    assert "the rules: it restates the claim" in (suggestion.stances[0].why or "")
    assert suggestion.stances[0].why.startswith(f"supports {read[0, 1]:.2f}")


def test_without_openvino_the_cross_encoder_runs_on_pytorch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "openvino", None)  # "import openvino" now fails
    assert runtime_for("auto") == runtime_for("openvino") == "torch"
    assert "+" not in TrainedStance(backend="auto").version  # made, not loaded: no torch


@pytest.mark.model
def test_where_openvino_cannot_compile_it_the_cross_encoder_runs_on_pytorch_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import openvino

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Exception from src/inference: unsupported CPU\nsecond line")

    # Not reproducible for real on this CPU: the failure OpenVINO raises on one it cannot use.
    monkeypatch.setattr(openvino.Core, "compile_model", refuse)
    stance = TrainedStance(backend="openvino")
    assert "+openvino-" in stance.version
    with caplog.at_level(logging.WARNING):
        suggestion = stance.suggest(CLAIM, EVIDENCE)
    assert suggestion.label in VERDICTS and len(suggestion.stances) == len(EVIDENCE)
    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "cannot run on OpenVINO here (Exception from src/inference: unsupported CPU)" in warning
    assert "using PyTorch instead" in warning
    assert stance.runtime == stance.pairs.runtime == "torch" and "+" not in stance.version
    assert stance.version == TrainedStance(backend="torch").version


@pytest.mark.model
def test_the_cross_encoder_reads_the_same_on_openvino_as_on_pytorch() -> None:
    assert runtime_for("torch") == runtime_for("torch-bf16") == "torch"
    assert runtime_for("auto") in ("openvino-bf16", "openvino-f32")
    reference = TrainedStance(backend="torch")
    faster = TrainedStance(backend="openvino")
    assert reference.version.endswith(f".{RULES_VERSION}") and "+" not in reference.version
    assert faster.version == f"{reference.version}+{runtime_for('auto')}"
    premises = [premise(e) for e in EVIDENCE] + [
        "Wire. Russia has sent 28 jets to the air base, officials said on Monday.",
        "Wire. No jets have arrived at the base.",
    ]
    torch_read = reference.pairs.probabilities(CLAIM, premises)
    openvino_read = faster.pairs.probabilities(CLAIM, premises, batch=2)  # shapes vary
    assert openvino_read.shape == (5, 3)
    assert openvino_read.sum(axis=1) == pytest.approx(np.ones(5), abs=1e-6)
    # bf16 arithmetic: the same reading to about one hundredth.
    assert np.abs(openvino_read - torch_read).max() < 0.02
    suggestion, again = reference.suggest(CLAIM, EVIDENCE), faster.suggest(CLAIM, EVIDENCE)
    assert suggestion.label is again.label
    assert suggestion.confidence == pytest.approx(again.confidence, abs=0.02)


@pytest.mark.model
def test_the_app_sessions_can_score_with_one_model_at_once(model: TrainedStance) -> None:
    alone = model.suggest(CLAIM, EVIDENCE)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda _: model.suggest(CLAIM, EVIDENCE), range(8)))
    assert all(s.label is alone.label and s.confidence == alone.confidence for s in together)


@pytest.mark.model
def test_a_damaged_model_folder_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    (folder / f"{MODEL_NAME}.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SettingsError, match="cannot be read.*VERIFIER_STANCE_MODEL=rules"):
        TrainedStance(folder)
    # Missing weights are found when the model is made, not at the first claim scored (the
    # cross-encoder itself is loaded then).
    shutil.copy(MODEL_DIR / f"{MODEL_NAME}.json", folder)
    (folder / f"{MODEL_NAME}.safetensors").unlink()
    with pytest.raises(SettingsError, match="weights are missing.*VERIFIER_STANCE_MODEL=rules"):
        TrainedStance(folder)
    # A JSON naming a network the code cannot build is found when the model is made too.
    meta = json.loads((MODEL_DIR / f"{MODEL_NAME}.json").read_text(encoding="utf-8"))
    meta["pairs"]["pooling"] = "max"
    (folder / f"{MODEL_NAME}.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown pooling 'max'.*VERIFIER_STANCE_MODEL=rules"):
        TrainedStance(folder)


@pytest.mark.model
def test_the_shipped_cross_encoder_pools_as_its_json_says_and_holds_only_tuned_tensors(
    model: TrainedStance,
) -> None:
    from safetensors import safe_open

    meta = json.loads((MODEL_DIR / f"{MODEL_NAME}.json").read_text(encoding="utf-8"))
    assert model.pooling == meta["pairs"]["pooling"] == "mean"
    with safe_open(str(MODEL_DIR / f"{MODEL_NAME}.safetensors"), "np") as tensors:
        names = set(tensors.keys())
    # The classifier and the tuned upper layers; no pooler (mean pooling has none), and the
    # embeddings and lower layers come from the bundled, checksum-verified encoder.
    assert {"classifier.weight", "classifier.bias"} <= names
    assert not any("pooler" in n or "embeddings" in n or ".layer.0." in n for n in names)
    # Loaded as the other pooling, the tensors do not fit: one clear error, not a silent
    # half-loaded network.
    with pytest.raises(SettingsError, match="not trained with cls pooling"):
        PairModel(MODEL_DIR / f"{MODEL_NAME}.safetensors", "torch", "cls")


@pytest.mark.model
def test_both_poolings_build_a_three_way_classifier_and_an_unknown_one_is_refused() -> None:
    import torch
    from transformers import AutoTokenizer

    from verifier.embed.model_files import bundled_model_dir

    base = bundled_model_dir()
    encoded = AutoTokenizer.from_pretrained(base)(
        ["A title. A sentence.", "Another title. Another, longer sentence here."],
        ["A claim.", "Another claim."],
        padding=True,
        return_tensors="pt",
    )
    for pooling in POOLINGS:
        network = pair_network(base, pooling).eval()
        with torch.inference_mode():
            logits = logits_of(network(**encoded))
        assert tuple(logits.shape) == (2, 3)
    with pytest.raises(SettingsError, match="unknown cross-encoder pooling 'max'"):
        pair_network(base, "max")
