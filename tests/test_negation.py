"""The reading of what a negation governs, apart from what the rules make of it
(tests/test_stance.py)."""

from __future__ import annotations

import pytest

from verifier.stance.negation import (
    governed_stems,
    has_negation,
    negated_word,
    negates_any,
    scopes,
    stem,
)


def governed(text: str) -> list[tuple[str, list[str]]]:
    found, _ = scopes(text)
    return [(negation.group(0), [word.group(0) for word in scope]) for negation, scope in found]


def test_a_negation_governs_its_clause_up_to_six_words() -> None:
    assert governed("They would not say how they knew.") == [("not", ["say"])]
    assert governed("Jets, not helicopters, landed.") == [("not", ["helicopters"])]
    assert governed("Moscow hasn't sent any of its newest fighter jets to the base") == [
        ("n't", ["sent", "any", "of", "its", "newest", "fighter"])
    ]
    assert governed("No jets landed; none took off.") == [
        ("No", ["jets", "landed"]),
        ("none", ["took", "off"]),
    ]


def test_the_stems_a_text_s_negations_govern_leave_out_stop_words_and_the_rest() -> None:
    said = "Russia is building up at Latakia, as Putin insisted the group cannot be beaten."
    assert governed_stems(said) == {stem("beaten")}
    assert governed_stems("Moscow has not deployed any fighter jets") == {
        stem(word) for word in ("deployed", "fighter", "jets")
    }
    assert governed_stems("Moscow denied deploying jets") == frozenset()


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Not only jets landed.", "jet"),
        ("No more than 500 troops.", "troop"),
        ("Never before has it flown.", "fly"),
    ],
)
def test_a_negation_that_qualifies_governs_nothing(text: str, word: str) -> None:
    found, unnegated = scopes(text)
    assert found == []
    assert word in unnegated


def test_stems_match_regular_and_irregular_forms() -> None:
    assert stem("deployed") == stem("deploys") == stem("deploy")
    assert stem("sent") == stem("send") and stem("flown") == stem("flew") == stem("fly")
    assert stem("landing") == stem("lands")
    assert stem("deployment") != stem("deploy")  # a crude stem, and known to be


def test_a_sentence_negates_a_word_only_through_exactly_one_negation() -> None:
    claim = frozenset(stem(w) for w in ("moscow", "deployed", "jets", "syria"))
    sentence = "Moscow has not deployed any jets to Syria."
    start, end = negated_word(claim, sentence) or (0, 0)
    assert sentence[start:end] == "not deployed"
    assert negates_any(claim, sentence)
    # Two negations of its words, or one of a word it also says unnegated: no single reading.
    assert negated_word(claim, "Moscow did not deploy jets, and did not deploy jets again.") is None
    landed = "Jets landed in Syria, though they did not land at Hmeimim."
    assert negated_word(frozenset({"jet", "land", "syria"}), landed) is None
    assert not negates_any(frozenset({"jet", "land", "syria"}), landed)
    # A "not" about something else.
    aside = "Moscow deployed jets to Syria, though officials would not say how many."
    assert negated_word(claim, aside) is None and not negates_any(claim, aside)


def test_curly_and_straight_contractions_and_cannot_are_negations() -> None:
    for text in ("Moscow didn't", "Moscow didn’t", "Moscow cannot", "without jets"):
        assert has_negation(text)
    assert not has_negation("Nothing here is denied; notably, Norway knows.")


def test_first_only_counts_the_word_a_negation_governs_first_adverbs_passed_over() -> None:
    claim = frozenset(stem(w) for w in ("moscow", "deployed", "fighter", "jets", "syria"))
    plans = "Moscow has no plans to withdraw the fighter jets it has deployed to Syria."
    assert negates_any(claim, plans)  # "no" governs "fighter jets", said nowhere else
    assert not negates_any(claim, plans, first_only=True)  # but negates the plans
    actually = "Moscow has never actually deployed fighter jets to Syria."
    assert negates_any(claim, actually, first_only=True)
