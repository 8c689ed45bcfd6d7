"""Synthetic claim/evidence pairs in the spirit of FactCC (Kryscinski et al., 2020).

A sentence from a source is taken as evidence; the claim is the sentence itself (supports) or
a copy changed the way newsroom conflicts look (refutes): a figure changed, a negation added
or taken away, a named entity swapped for another from the corpus, a word swapped for its
antonym. Used to train the stance model (``scripts/train-stance``) beside the public pairs.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")
_AUXILIARY = re.compile(
    r"\b(is|are|was|were|has|have|had|can|could|will|would|should|does|did|do|may|might|must)"
    r"\b(?! not\b)",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(\w+) not\b|\b(\w+)n't\b", re.IGNORECASE)
# Two or more capitalised words, or one that does not start the sentence.
_ENTITY = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+(?: [A-Z][a-z]+)*\b")
_ANTONYMS = [
    ("increase", "decrease"),
    ("increased", "decreased"),
    ("increases", "decreases"),
    ("rise", "fall"),
    ("rose", "fell"),
    ("rising", "falling"),
    ("more", "less"),
    ("higher", "lower"),
    ("warmer", "cooler"),
    ("larger", "smaller"),
    ("largest", "smallest"),
    ("above", "below"),
    ("before", "after"),
    ("gain", "loss"),
    ("positive", "negative"),
    ("majority", "minority"),
    ("most", "least"),
    ("many", "few"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("won", "lost"),
    ("confirmed", "denied"),
    ("allowed", "banned"),
    ("accepted", "rejected"),
    ("supports", "opposes"),
    ("expanded", "reduced"),
    ("arrived", "left"),
    ("cause", "prevent"),
    ("causes", "prevents"),
    ("improves", "worsens"),
    ("safe", "dangerous"),
    ("always", "never"),
]
_ANTONYM = {a: b for a, b in _ANTONYMS} | {b: a for a, b in _ANTONYMS}
_ANTONYM_WORD = re.compile(r"\b(" + "|".join(map(re.escape, _ANTONYM)) + r")\b", re.IGNORECASE)

SUPPORTS, REFUTES, NEUTRAL = "support", "contradict", "neutral"


@dataclass(frozen=True)
class Pair:
    """A claim, a passage of evidence, and what the passage says about the claim."""

    claim: str
    evidence: str
    stance: str  # support / contradict / neutral
    how: str  # which change made the claim ("copy", "number", "negation", ...)


def change_number(sentence: str, rng: random.Random) -> str | None:
    """The sentence with one of its figures changed to a clearly different one."""
    found = list(_NUMBER.finditer(sentence))
    if not found:
        return None
    match = rng.choice(found)
    raw = match.group(1)
    value = float(raw.replace(",", ""))
    if 1900 <= value <= 2100 and "." not in raw:  # a year: move it
        new = str(int(value) + rng.choice([-7, -4, -2, 3, 5, 9]))
    else:
        factor = rng.choice([0.25, 0.4, 0.5, 2, 3, 5, 10])
        changed = value * factor
        if changed == value:
            changed = value + rng.randint(2, 9)
        new = f"{changed:.{len(raw.split('.')[1])}f}" if "." in raw else f"{round(changed):,}"
        if "," not in raw:
            new = new.replace(",", "")
        if new == raw:
            new = str(int(value) + rng.randint(2, 9))
    return sentence[: match.start(1)] + new + sentence[match.end(1) :]


def flip_negation(sentence: str, rng: random.Random) -> str | None:
    """The sentence with a negation taken away, or one added after an auxiliary verb."""
    negated = _NEGATION.search(sentence)
    if negated:
        word = negated.group(1) or negated.group(2)
        if word.lower() in ("ca", "wo"):  # can't, won't
            word = {"ca": "can", "wo": "will"}[word.lower()]
        return sentence[: negated.start()] + word + sentence[negated.end() :]
    found = list(_AUXILIARY.finditer(sentence))
    if not found:
        return None
    match = rng.choice(found)
    return sentence[: match.end()] + " not" + sentence[match.end() :]


def swap_entity(sentence: str, others: Sequence[str], rng: random.Random) -> str | None:
    """The sentence with one named entity replaced by a different one from ``others``."""
    found = [m for m in _ENTITY.finditer(sentence) if m.start() > 0]
    if not found or not others:
        return None
    match = rng.choice(found)
    choices = [o for o in others if o != match.group(0) and o not in sentence]
    if not choices:
        return None
    return sentence[: match.start()] + rng.choice(choices) + sentence[match.end() :]


def swap_antonym(sentence: str, rng: random.Random) -> str | None:
    """The sentence with one word replaced by its antonym."""
    found = list(_ANTONYM_WORD.finditer(sentence))
    if not found:
        return None
    match = rng.choice(found)
    word = match.group(1)
    new = _ANTONYM[word.lower()]
    if word[0].isupper():
        new = new.capitalize()
    return sentence[: match.start()] + new + sentence[match.end() :]


def entities(sentences: Sequence[str]) -> list[str]:
    """Named entities (capitalised word runs not starting a sentence) seen in ``sentences``."""
    seen: dict[str, None] = {}
    for sentence in sentences:
        for match in _ENTITY.finditer(sentence):
            if match.start() > 0:
                seen[match.group(0)] = None
    return list(seen)


def synthetic_pairs(
    sentences: Sequence[str], seed: int = 0, neutral_from: Sequence[str] = ()
) -> Iterator[Pair]:
    """One pair per sentence and change that applies to it, plus a copy (supports) and, where
    ``neutral_from`` is given, the sentence against a passage picked from it (neutral).

    The changes: ``number``, ``negation``, ``entity``, ``antonym`` (each refutes).
    """
    rng = random.Random(seed)
    names = entities(sentences)
    for sentence in sentences:
        yield Pair(sentence, sentence, SUPPORTS, "copy")
        changes = {
            "number": change_number(sentence, rng),
            "negation": flip_negation(sentence, rng),
            "entity": swap_entity(sentence, rng.sample(names, min(20, len(names))), rng),
            "antonym": swap_antonym(sentence, rng),
        }
        for how, claim in changes.items():
            if claim and claim != sentence:
                yield Pair(claim, sentence, REFUTES, how)
        if neutral_from:
            other = rng.choice(neutral_from)
            if other != sentence:
                yield Pair(sentence, other, NEUTRAL, "unrelated")
