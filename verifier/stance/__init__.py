"""Stance models: how a verdict is suggested from ranked evidence. Chosen by
``VERIFIER_STANCE_MODEL``.

Each model lives in its own module and implements :class:`StanceModel`; :func:`make_stance_model`
builds the one the settings name.
"""

from __future__ import annotations

from verifier.config import StanceModelName
from verifier.errors import SettingsError
from verifier.stance.base import EvidenceStance, Stance, StanceModel, Suggestion
from verifier.stance.rules import RuleStance

__all__ = [
    "EvidenceStance",
    "RuleStance",
    "Stance",
    "StanceModel",
    "Suggestion",
    "make_stance_model",
]


def make_stance_model(name: StanceModelName) -> StanceModel:
    """The stance model called ``name``.

    Raises:
        SettingsError: no stance model has that name.
    """
    if name == "rules":
        return RuleStance()
    raise SettingsError(f"VERIFIER_STANCE_MODEL: no stance model called {name!r}")
