"""The stance-model interface: a claim and its ranked evidence in, a suggested verdict out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from verifier.labels import Label
from verifier.retrieve.base import Evidence


class Stance(StrEnum):
    """What one evidence passage says about the claim."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    NEUTRAL = "neutral"  # not close enough to count, or no opinion either way


class Cue(StrEnum):
    """Which reading of the rules (:mod:`verifier.stance.rules`) gave a passage its stance:
    what a model built on them looks for, by name rather than by the words of ``why``. Each
    value is how ``why`` begins."""

    FIGURE = "different figure"
    RATING_WORD = "refuting language"
    DENIAL = "a denial of the claim"
    NEGATION = "a negation of the claim"
    REVERSAL = "a reversal of the claim"
    UNCONFIRMED = "an unconfirmed report"
    NEGATED_PARAPHRASE = "one of them is negated"
    NOT_CLOSE = "not close enough"


@dataclass(frozen=True)
class EvidenceStance:
    """The stance of one evidence passage, and why (for the reviewer); ``cue``, for the rules'
    own stances, the reading that gave it (``None``: none, or another model's)."""

    passage_id: int
    stance: Stance
    why: str | None = None
    cue: Cue | None = None


@dataclass(frozen=True)
class Suggestion:
    """A suggested verdict for one claim.

    Attributes:
        label: the suggested verdict.
        confidence: in [0, 1]; how sure the model is of ``label``.
        reason: one line a reviewer can follow.
        evidence: ids of the passages the suggestion relied on.
        stances: one per evidence passage, in rank order.
    """

    label: Label
    confidence: float
    reason: str
    evidence: list[int] = field(default_factory=list)
    stances: list[EvidenceStance] = field(default_factory=list)


class StanceModel(Protocol):
    """Weighs ranked evidence for and against a claim.

    Attributes:
        name: recorded with every suggestion as its provenance (e.g. ``rules``).
        version: changes whenever the same input could get a different suggestion (read
            after scoring: a model may settle its runtime when it loads).
        depth: the fewest passages it reads per claim (0: any number). A model fitted on the
            top 10 passages gives calibrated confidences on 10, not on 3, so the matcher
            retrieves at least this many for it.
    """

    name: str
    depth: int

    @property
    def version(self) -> str: ...

    def suggest(self, claim: str, evidence: Sequence[Evidence]) -> Suggestion:
        """The per-evidence stances and the claim-level suggestion for ``claim``.

        Args:
            claim: the claim text.
            evidence: passages, best first, as a retriever returned them.
        """
        ...
