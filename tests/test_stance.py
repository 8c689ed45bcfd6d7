"""The rule-based stance model: per-passage stances and the source-weighted suggestion."""

from typing import get_args

import pytest

from verifier.config import StanceModelName
from verifier.errors import SettingsError
from verifier.labels import Label
from verifier.retrieve import Evidence
from verifier.stance import RuleStance, Stance, make_stance_model
from verifier.stance.rules import (
    conflict,
    conflicting_spans,
    content_words,
    restates,
    suggest,
    unconfirmed,
)


def ev(pid: int, text: str, score: float, uri: str | None = None) -> Evidence:
    return Evidence(pid, text, score, uri or f"doc{pid}", f"Doc {pid}")


CLAIM = "Latakia is about 100 miles from Islamic State territory near Aleppo."


def test_no_close_evidence_is_unverified() -> None:
    s = suggest(CLAIM, [ev(1, "Spartak beat Zenit.", 0.12)])
    assert s.label == Label.UNVERIFIED and s.evidence == []
    assert s.confidence > suggest(CLAIM, [ev(1, "Latakia is a port.", 0.5)]).confidence
    assert suggest(CLAIM, []).label == Label.UNVERIFIED


def test_close_agreeing_source_supports() -> None:
    s = suggest(
        CLAIM, [ev(1, "Latakia lies roughly 100 miles from IS-held land near Aleppo.", 0.9)]
    )
    assert s.label == Label.SUPPORTED and s.confidence > 0.8 and s.evidence == [1]


def test_different_figure_disputes() -> None:
    assert conflict(CLAIM, "Latakia is 200 miles from the front near Aleppo.") == (
        "different figure (mile): claim 100, source 200"
    )
    s = suggest(CLAIM, [ev(1, "Latakia is 200 miles from the front lines near Aleppo.", 0.8)])
    assert s.label == Label.DISPUTED and "different figure" in s.reason


def test_different_result_disputes_but_dates_do_not_count() -> None:
    claim = "Spartak beat Zenit 4-1 on 2015-09-13."
    assert conflict(claim, "Spartak beat Zenit 2-1 on 2015-09-13.") == (
        "different figure (result): claim 4-1, source 2-1"
    )
    assert conflict(claim, "Spartak beat Zenit 4 - 1 on 2015-09-12.") is None


def test_fact_check_rating_disputes_even_when_it_restates_the_claim() -> None:
    claim = "Assad has moved the government to Latakia."
    evidence = [
        ev(1, "Claim: Assad has moved the government to Latakia.\n\nRating: False.", 0.95, "fc"),
        ev(2, "There is no evidence that the government has left Damascus.", 0.7, "fc"),
    ]
    s = suggest(claim, evidence)
    assert s.label == Label.DISPUTED and "False" in s.reason


def test_negation_flip_only_counts_for_close_paraphrases() -> None:
    claim = "Russian fighter jets have landed at the base."
    # Negated in other words ("arrive", not "landed"): a conflict only in a close paraphrase.
    close = "Russian fighter jets did not arrive at the base."
    assert conflict(claim, close, similarity=0.9) == "one of them is negated"
    assert conflict(claim, close, similarity=0.65) is None
    for claim in (
        "Russian fighter jets have not landed at the base.",
        "Russian fighter jets cannot land at the base.",
    ):
        assert conflict(claim, "Russian fighter jets landed at the base.", 0.9) == (
            "one of them is negated"
        )


def test_a_source_quoting_the_clause_a_claim_does_not_negate_is_no_negated_paraphrase() -> None:
    claim = (
        "Russia is steadily building up its military presence at an air base near Latakia, "
        "US officials said, as Putin insisted that the Islamic State group cannot be beaten "
        "without the help of Assad's government."
    )
    # A wire quoting the first clause says nothing of what the claim negates.
    quoted = (
        "Russia is steadily building up its military presence at an air base near Latakia, "
        "US officials said."
    )
    assert conflict(claim, quoted, similarity=0.9) is None
    # One that says it unnegated still flips it.
    flipped = "Putin said the Islamic State group can be beaten by Russia at Latakia."
    assert conflict(claim, flipped, similarity=0.9) == "one of them is negated"
    # A claim negated by a denial alone governs no words: the flip counts as before.
    denied = "Russia denied moving jets to Latakia."
    assert conflict(denied, "Russia moved jets to Latakia.", 0.9) == "one of them is negated"


@pytest.mark.parametrize(
    ("claim", "sentence", "negation"),
    [
        (
            "Moscow has deployed fighter jets to Syria.",
            "Moscow has not deployed any fighter jets to Syria, the Kremlin spokesman said.",
            "not deployed",
        ),
        (
            "Russian jets have landed at Hmeimim.",
            "No Russian jets have landed at Hmeimim.",
            "No Russian",
        ),
        (
            "Russian jets have landed at Hmeimim.",
            "Not a single Russian jet has landed at Hmeimim.",
            "Not a single Russian",
        ),
        (
            "Russian jets are stationed at Hmeimim.",
            "Russian jets are no longer stationed at Hmeimim.",
            "no longer stationed",
        ),
        ("Russia sent troops to Syria.", "Russia didn't send any troops to Syria.", "n't send"),
        (
            "Russia deployed jets to Latakia.",
            "Russia has never deployed jets to Latakia.",
            "never deployed",
        ),
        (
            "Russia has deployed jets to Latakia.",
            "Russia hasn't deployed jets to Latakia.",
            "n't deployed",
        ),
        (
            "Moscow deployed helicopters to Syria.",
            "Moscow deployed jets, not helicopters, to Syria.",
            "not helicopters",
        ),
    ],
)
def test_a_sentence_negating_the_claim_refutes_it_at_any_relevant_similarity(
    claim: str, sentence: str, negation: str
) -> None:
    assert conflict(claim, sentence, similarity=0.65) == f"a negation of the claim ({negation!r})"
    assert not restates(claim, sentence)
    assert suggest(claim, [ev(1, f"Officials met. {sentence}", 0.65)]).label == Label.DISPUTED
    passage = f"Officials met on Sunday. {sentence}"
    assert [passage[a:b] for a, b in conflicting_spans(claim, passage)] == [negation]


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        (  # a "not" about something else
            "About 500 Russian marines are stationed at the airfield near Latakia.",
            "About 500 Russian marines are now stationed at the airfield near Latakia, two US "
            "officials said, although they would not say how they knew.",
        ),
        ("Moscow deployed jets to Syria.", "Moscow deployed jets, not helicopters, to Syria."),
        (
            "Russian jets landed at Hmeimim.",
            "Russian jets have not only landed at Hmeimim but also at Tartus.",
        ),
        (
            "Russia deployed 500 troops to Latakia.",
            "Russia deployed no more than 500 troops to Latakia.",
        ),
        (
            "Russia deployed jets to Latakia.",
            "Russia has not denied that it deployed jets to Latakia.",
        ),
        (
            "Russian jets landed at Hmeimim.",
            "Russian jets landed at Hmeimim, though it is not clear how many.",
        ),
        (  # its verb negated of something else
            "Russian jets landed at Hmeimim.",
            "Russian jets landed at Hmeimim, though they did not land at Tartus.",
        ),
        (
            "Moscow has deployed fighter jets to Syria.",
            "Never before has Moscow deployed fighter jets to Syria in such numbers.",
        ),
        (
            "Moscow has deployed fighter jets to Syria.",
            "There is no question Moscow has deployed fighter jets to Syria.",
        ),
        (  # it negates the plans, not the jets it names after them
            "Moscow has deployed fighter jets to Syria.",
            "Moscow has no plans to withdraw the fighter jets it has deployed to Syria.",
        ),
    ],
)
def test_a_not_about_something_else_is_no_conflict_even_in_a_close_paraphrase(
    claim: str, sentence: str
) -> None:
    assert conflict(claim, sentence, similarity=0.9) is None
    assert restates(claim, sentence)
    assert conflicting_spans(claim, sentence) == []
    # Nor is a double negation a negation of the claim, though it counts as a "not" in a
    # close paraphrase, as does a "not" in a passage that does not say the claim in its words
    # (a conflict, not a decisive one).
    claim = "Moscow has deployed fighter jets to Syria."
    for double in (
        "Moscow could not have deployed fighter jets to Syria without Iranian airspace.",
        "Moscow denied it had not deployed fighter jets to Syria.",
        "Moscow has never actually deployed fighter jets to Syria.",  # an adverb passed over
    ):
        assert conflict(claim, double, similarity=0.65) is None
        assert conflict(claim, double, similarity=0.8) == "one of them is negated"
    loose = "Benthic bleaching is not as well documented in the Great Barrier Reef."
    assert conflict("Coral bleaching has devastated the Great Barrier Reef.", loose, 0.8) == (
        "one of them is negated"
    )


JETS_AT_BASE = "Russia's fighter jets are at the Hmeimim air base."
MARINES = "About 500 Russian marines are stationed at the airfield near Latakia."


@pytest.mark.parametrize(
    ("claim", "sentence", "reversal"),
    [
        (
            JETS_AT_BASE,
            "Russia withdrew its fighter jets from the Hmeimim air base last week, officials said.",
            "withdrew",
        ),
        (
            JETS_AT_BASE,
            "Russia has pulled its fighter jets out of the Hmeimim air base.",
            "pulled its fighter jets out",
        ),
        (  # passive: what was withdrawn comes first
            MARINES,
            "The 500 Russian marines stationed at the airfield near Latakia were evacuated.",
            "evacuated",
        ),
        ("Russian troops are in Syria.", "Russian troops were withdrawn from Syria.", "withdrawn"),
        ("Russian forces are in Syria.", "Russian forces withdrew from Syria.", "withdrew"),
    ],
)
def test_a_withdrawal_reported_as_done_reverses_a_claim_about_a_state(
    claim: str, sentence: str, reversal: str
) -> None:
    assert conflict(claim, sentence, similarity=0.65) == f"a reversal of the claim ({reversal!r})"
    assert not restates(claim, sentence)
    passage = f"Officials met on Sunday. {sentence}"
    assert [passage[a:b] for a, b in conflicting_spans(claim, passage)] == [reversal]
    suggestion = suggest(claim, [ev(1, passage, 0.7)])
    assert suggestion.label == Label.DISPUTED and "a reversal of the claim" in suggestion.reason


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        (JETS_AT_BASE, "Russia will withdraw its fighter jets from the Hmeimim air base soon."),
        (JETS_AT_BASE, "Russia plans to pull its fighter jets out of the Hmeimim air base."),
        (  # something else withdrawn
            JETS_AT_BASE,
            "Russia's fighter jets are still at the Hmeimim air base, after it withdrew its "
            "tanks from Tartus.",
        ),
        (  # withdrawn from elsewhere, to where the claim places them
            JETS_AT_BASE,
            "Russia's fighter jets are at the Hmeimim air base, having been withdrawn from Crimea.",
        ),
        (JETS_AT_BASE, "Russia withdrew its fighter jets from Crimea to the Hmeimim air base."),
        (  # others withdrawn from where the claim places them
            JETS_AT_BASE,
            "Russia withdrew its advisers from the Hmeimim air base, where its jets remain.",
        ),
        (
            MARINES,
            "Civilians were evacuated from the area around the airfield near Latakia, where "
            "about 500 Russian marines are stationed.",
        ),
        (  # a claim about an event: a later withdrawal presupposes it
            "Russia deployed fighter jets to the Hmeimim air base.",
            "Russia withdrew the fighter jets it deployed to the Hmeimim air base.",
        ),
    ],
)
def test_a_planned_withdrawal_or_one_of_something_else_reverses_nothing(
    claim: str, sentence: str
) -> None:
    assert conflict(claim, sentence, similarity=0.65) is None
    assert conflicting_spans(claim, sentence) == []
    # Not withdrawn, they are still there: it says the claim (the "'s" of "Russia's" is no
    # word of the claim's that the sentence lacks).
    negated = "Russia has not withdrawn its fighter jets from the Hmeimim air base."
    assert conflict(JETS_AT_BASE, negated, similarity=0.8) is None
    assert restates(JETS_AT_BASE, negated)
    assert content_words("Russia's jets didn't land; they're at the base.") == {
        "russia",
        "jets",
        "didn",
        "land",
        "base",
    }


def test_a_denial_of_the_claim_is_no_restatement_of_it() -> None:
    claim = "Russia has landed 28 combat aircraft at the Hmeimim air base."
    denial = "The ministry denies that 28 combat aircraft landed at the Hmeimim air base."
    denied = "a denial of the claim ('denies')"
    assert conflict(claim, denial, similarity=0.8) == denied
    assert conflict(claim, f"Officials met in Moscow. {denial}", similarity=0.65) == denied
    assert not restates(claim, denial)
    # Not a denial: one not made, or a stray "not" in a sentence repeating the claim.
    not_denied = "The ministry did not deny that 28 combat aircraft landed at the Hmeimim air base."
    assert conflict(claim, not_denied, similarity=0.65) is None
    aside = "28 combat aircraft landed at the Hmeimim air base; officials would not say when."
    assert conflict(claim, aside, similarity=0.65) is None
    # Dismissing the reports of it denies it too; rejecting something else does not.
    rejected = "Moscow rejected reports that 28 combat aircraft landed at the Hmeimim air base."
    assert (
        conflict(claim, rejected, similarity=0.65) == "a denial of the claim ('rejected reports')"
    )
    dismissed = "Moscow dismissed the claims that Russia landed 28 combat aircraft at Hmeimim."
    assert conflict(claim, dismissed, similarity=0.65) == (
        "a denial of the claim ('dismissed the claims')"
    )
    other = "Moscow rejected a proposal once 28 combat aircraft landed at the Hmeimim air base."
    assert conflict(claim, other, similarity=0.65) is None
    not_rejected = "Moscow did not reject reports that 28 combat aircraft landed at the base."
    assert conflict(claim, not_rejected, similarity=0.65) is None
    assert restates(claim, "28 combat aircraft have landed at the Hmeimim air base, it said.")
    # Both deny it: they agree.
    assert conflict("Moscow denied sending jets to Hmeimim.", "Moscow denies it sent jets.") is None
    assert suggest(claim, [ev(1, denial, 0.8)]).label == Label.DISPUTED


@pytest.mark.parametrize(
    ("sentence", "hedge"),
    [
        (
            "Local media reported that seven T-90 tanks had arrived at the Latakia airfield, "
            "but this could not be independently confirmed.",
            "not be independently confirmed",
        ),
        ("Seven T-90 tanks arrived at the airfield; it couldn't be verified.", "n't be verified"),
        ("Unconfirmed reports say seven T-90 tanks reached the Latakia airfield.", "Unconfirmed"),
        ("Officials declined to confirm that seven T-90 tanks arrived at the Latakia airfield.",
         "declined to confirm"),
        ("Officials couldn't confirm that seven T-90 tanks arrived at the Latakia airfield.",
         "n't confirm"),
        ("Officials would not say whether seven T-90 tanks arrived at the Latakia airfield.",
         "not say whether"),
        ("Seven T-90 tanks have arrived at the Latakia airfield, officials confirmed.", None),
        ("Tanks were seen near the coast; it could not be verified.", None),  # not the claim
    ],
)  # fmt: skip
def test_a_report_the_source_calls_unconfirmed_is_neither_support_nor_refutation(
    sentence: str, hedge: str | None
) -> None:
    claim = "Seven T-90 tanks have arrived at the Latakia airfield."
    assert unconfirmed(claim, sentence) == hedge
    if hedge:
        assert conflict(claim, sentence, similarity=0.9) is None  # its "not" is no negation
        assert not restates(claim, sentence)  # nor does it say the claim
        suggestion = suggest(claim, [ev(1, sentence, 0.89)])
        assert suggestion.label == Label.UNVERIFIED and suggestion.evidence == []
        assert suggestion.stances[0].stance is Stance.NEUTRAL
        assert suggestion.reason == (
            f"the close sources report it unconfirmed: 'Doc 1': an unconfirmed report ({hedge!r})"
        )
    # Another figure in it is still a conflict.
    six = "Six T-90 tanks have arrived at the Latakia airfield, which could not be verified."
    assert conflict(claim, six, similarity=0.9) == "different figure (t): claim 7, source 6"


def test_majority_of_sources_decides_and_lowers_confidence() -> None:
    agree = [
        ev(i, "Latakia is about 100 miles from IS territory near Aleppo.", 0.85) for i in (1, 2)
    ]
    against = [ev(3, "Latakia is 200 miles from IS territory near Aleppo.", 0.84)]
    mixed = suggest(CLAIM, agree + against)
    clean = suggest(CLAIM, agree)
    assert mixed.label == clean.label == Label.SUPPORTED
    assert mixed.confidence < clean.confidence
    assert "1 conflict" in mixed.reason


def test_one_wire_story_in_three_outlets_is_one_source_not_three() -> None:
    wire = (
        "Latakia is about 100 miles from IS territory near Aleppo, officials said on Monday "
        "after the first jets landed at the base."
    )
    against = "Latakia is 200 miles from IS territory near Aleppo, the ministry said."
    copied = [ev(1, wire, 0.80), ev(2, "DAMASCUS (Wire) - " + wire, 0.80), ev(3, wire, 0.80)]
    # Three outlets' copies outweighed one source until they counted as the one they are.
    disputed = suggest(CLAIM, [*copied, ev(4, against, 0.82)])
    assert disputed.label == Label.DISPUTED
    assert "2 more repeat another's text, counted once" in disputed.reason
    # Outlets reporting in their own words still count one each.
    own = ["Latakia lies roughly 100 miles from IS-held land near Aleppo, a monitor said."]
    own.append("Aleppo's IS front is about 100 miles from Latakia, according to the wire.")
    agreed = suggest(CLAIM, [ev(1, wire, 0.80), *(ev(i, t, 0.80) for i, t in enumerate(own, 2))])
    assert agreed.label == Label.SUPPORTED and agreed.reason.startswith("3 source(s) agree")
    alone = suggest(CLAIM, copied)
    assert alone.reason.startswith("1 source(s) agree") and "2 more repeat" in alone.reason
    assert alone.evidence == [1, 2, 3]  # the copies are still the evidence shown


def test_spelled_out_counts_are_figures_but_one_is_not() -> None:
    assert conflict(
        "Twelve Russian jets landed at the Latakia airport.",
        "Four Russian jets landed at the airport outside Latakia.",
    ) == ("different figure (russian): claim 12, source 4")
    assert conflict("Four Russian jets landed.", "4 Russian jets landed at the base.") is None
    assert conflict("A dozen tanks arrived.", "Officials counted 12 tanks at the airfield.") is None
    assert conflict("One official said tanks arrived.", "Two officials said tanks arrived.") is None


def test_each_passage_gets_a_stance_in_rank_order() -> None:
    evidence = [
        ev(1, "Latakia lies roughly 100 miles from IS-held land near Aleppo.", 0.9),
        ev(2, "Latakia is 200 miles from the front lines near Aleppo.", 0.8),
        ev(3, "Spartak beat Zenit.", 0.2),
    ]
    s = RuleStance().suggest(CLAIM, evidence)
    assert [(x.passage_id, x.stance) for x in s.stances] == [
        (1, Stance.SUPPORTS),
        (2, Stance.REFUTES),
        (3, Stance.NEUTRAL),
    ]
    assert s.stances[1].why == "different figure (mile): claim 100, source 200"
    assert s.evidence == [1, 2]  # the neutral passage is not relied on


def test_thresholds_are_the_models_own() -> None:
    evidence = [ev(1, "Latakia lies roughly 100 miles from IS-held land near Aleppo.", 0.7)]
    assert RuleStance().suggest(CLAIM, evidence).label == Label.SUPPORTED
    assert RuleStance(relevant=0.75).suggest(CLAIM, evidence).label == Label.UNVERIFIED


def test_every_name_settings_allow_builds_a_model() -> None:
    for name in get_args(StanceModelName):  # and a folder: tests/test_nli_stance.py
        model = make_stance_model(name)
        assert model.name == name and model.version
    with pytest.raises(SettingsError, match="VERIFIER_STANCE_MODEL"):
        make_stance_model("oracle")  # type: ignore[arg-type]


def test_conflicting_figures_and_rating_words_are_located_for_highlighting() -> None:
    passage = "The Pentagon counted six jets and 200 troops; the claim is false."
    spans = conflicting_spans("Russia sent 28 jets and 200 troops.", passage)
    assert [passage[a:b] for a, b in spans] == ["six jets", "false"]
    assert conflicting_spans("Is it false that six jets came?", passage) == []
