"""Stance models: how a verdict is suggested from ranked evidence. Chosen by
``VERIFIER_STANCE_MODEL``.

Each model lives in its own module and implements :class:`StanceModel`; :func:`make_stance_model`
builds the one the settings name.
"""

from __future__ import annotations

from pathlib import Path

from verifier.errors import SettingsError
from verifier.stance.base import Cue, EvidenceStance, Stance, StanceModel, Suggestion
from verifier.stance.rules import RuleStance

__all__ = [
    "Cue",
    "EvidenceStance",
    "RuleStance",
    "Stance",
    "StanceModel",
    "Suggestion",
    "make_stance_model",
]


def make_stance_model(name: str, backend: str = "auto") -> StanceModel:
    """The stance model called ``name``: ``rules``, ``trained``, or a CrossEncoder NLI model
    folder. ``backend`` is the embedding backend setting: the trained model's cross-encoder
    runs on PyTorch when it names PyTorch, else on OpenVINO.

    Raises:
        SettingsError: no stance model has that name, or the folder holds no usable model.
    """
    if name == "rules":
        return RuleStance()
    if name == "trained":
        from verifier.stance.trained import TrainedStance  # loads torch: only when asked for

        return TrainedStance(backend=backend)
    if Path(name).is_dir():
        from verifier.stance.nli import NliStance  # loads torch: only when asked for

        return NliStance(Path(name))
    raise SettingsError(f"VERIFIER_STANCE_MODEL: no stance model called {name!r}")
