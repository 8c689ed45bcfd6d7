"""FactCC-style synthetic pairs: each change makes a claim the source sentence refutes."""

import random

from verifier.stance.synthetic import (
    REFUTES,
    SUPPORTS,
    change_number,
    entities,
    flip_negation,
    swap_antonym,
    swap_entity,
    synthetic_pairs,
)

SENTENCE = "The Pentagon said Russia has moved 28 aircraft to Latakia in 2015."


def test_a_figure_is_changed_and_a_year_moved() -> None:
    rng = random.Random(1)
    for _ in range(20):
        changed = change_number("Russia sent 28 aircraft and 1,200 troops.", rng)
        assert changed and changed != "Russia sent 28 aircraft and 1,200 troops."
        assert changed.startswith("Russia sent ") and changed.endswith(" troops.")
    moved = change_number("It began in 2015.", random.Random(0))
    assert moved and moved != "It began in 2015." and moved[12:14] in ("20", "19")
    assert change_number("No figures here.", rng) is None


def test_negation_is_added_or_taken_away() -> None:
    rng = random.Random(0)
    assert flip_negation("Russia has not moved aircraft.", rng) == "Russia has moved aircraft."
    assert flip_negation("The jets didn't arrive.", rng) == "The jets did arrive."
    assert flip_negation("Russia has moved aircraft.", rng) == "Russia has not moved aircraft."
    assert flip_negation("Jets arrived.", rng) is None


def test_an_entity_is_swapped_for_another_and_an_antonym_for_a_word() -> None:
    names = entities([SENTENCE, "Officials in Damascus spoke to the Associated Press."])
    assert {"Pentagon", "Russia", "Latakia", "Damascus", "Associated Press"} <= set(names)
    swapped = swap_entity(SENTENCE, ["Damascus"], random.Random(0))
    assert swapped and "Damascus" in swapped and swapped != SENTENCE
    assert swap_entity(SENTENCE, [], random.Random(0)) is None
    assert swap_antonym("Temperatures rose sharply.", random.Random(0)) == (
        "Temperatures fell sharply."
    )
    assert swap_antonym("More jets came.", random.Random(0)) == "Less jets came."


def test_pairs_hold_a_copy_that_supports_and_changes_that_refute() -> None:
    pairs = list(synthetic_pairs([SENTENCE, "Heavy rain fell on Tuesday."], seed=3))
    assert {(p.how, p.stance) for p in pairs if p.evidence == SENTENCE} >= {
        ("copy", SUPPORTS),
        ("number", REFUTES),
        ("negation", REFUTES),
        ("entity", REFUTES),
    }
    assert all(p.claim != p.evidence for p in pairs if p.stance == REFUTES)
    assert list(synthetic_pairs([SENTENCE], seed=3)) == list(synthetic_pairs([SENTENCE], seed=3))
    neutral = list(synthetic_pairs([SENTENCE], neutral_from=["Heavy rain fell."]))
    assert neutral[-1].how == "unrelated" and neutral[-1].evidence == "Heavy rain fell."
