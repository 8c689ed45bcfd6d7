"""Passages that repeat each other: the same wire story run by several outlets, a statement
quoted whole. Copies are one source's word, not independent corroboration, so the evidence
view marks each passage that repeats a higher-ranked one from another source
(:func:`copies`), and the verdict counts a copy with its original's source
(:func:`independent_sources`).

Two passages are copies when the shorter one's runs of :data:`RUN` words (case, quotes and
punctuation aside) are nearly all in the other (:data:`CONTAINMENT`): an excerpt of a wire
story counts, a paraphrase does not.
"""

from __future__ import annotations

from collections.abc import Sequence

from verifier.text import normalise

#: Words in a run.
RUN = 4
#: Share of the shorter passage's runs found in the other, from which it is a copy.
CONTAINMENT = 0.8
#: Runs the shorter passage needs (about a dozen words): a headline or a dateline alone is
#: no copy.
MIN_RUNS = 8


def runs(text: str) -> set[tuple[str, ...]]:
    """The runs of :data:`RUN` words of ``text``, normalised."""
    words = normalise(text).split()
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def copies(texts: Sequence[str], sources: Sequence[str]) -> list[int | None]:
    """For each passage (in rank order), the index of the first earlier passage, from
    another source and itself no copy, that it copies; ``None`` for an original."""
    held = [runs(text) for text in texts]
    found: list[int | None] = []
    for i, mine in enumerate(held):
        original = None
        for j in range(i):
            other = held[j]
            shorter = min(len(mine), len(other))
            if found[j] is not None or sources[j] == sources[i] or shorter < MIN_RUNS:
                continue  # a copy points to the original, never to another copy
            if len(mine & other) >= CONTAINMENT * shorter:
                original = j
                break
        found.append(original)
    return found


def independent_sources(texts: Sequence[str], sources: Sequence[str]) -> list[str]:
    """For each passage (in rank order), the source it speaks for: its own, or, for a copy
    (:func:`copies`), the source of the passage it copies. Weighing evidence by these, three
    outlets running one wire story count as one source, and an outlet that copies one
    paragraph but reports the rest itself still counts for that rest."""
    originals = copies(texts, sources)
    return [sources[i if j is None else j] for i, j in enumerate(originals)]
