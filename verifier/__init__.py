"""verifier: a claim-verification workbench for fact-checkers.

Python API::

    from pathlib import Path
    from verifier import Settings, Workbench, pipeline
    from verifier.export import ClaimRecord

    with Workbench.open(Settings.from_env(home="desk"), upgrade=True) as bench:
        pipeline.ingest(bench, [Path("sources/")])
        for result in pipeline.score_claims(bench, ["Latakia is about 100 miles from Aleppo."]):
            print(ClaimRecord.from_scored(result).to_dict())

Every step the CLI and the app run is a function of :mod:`verifier.pipeline`.
"""

import logging

from verifier import pipeline
from verifier.config import Settings
from verifier.corpus import Corpus, IndexDrift
from verifier.documents import IngestReport
from verifier.errors import (
    InputError,
    ModelError,
    SchemaError,
    SettingsError,
    VerifierError,
)
from verifier.labels import Label
from verifier.match import Provenance, ScoredClaim
from verifier.retrieve import Evidence, Retriever
from verifier.stance import EvidenceStance, Stance, StanceModel, Suggestion
from verifier.workbench import Workbench

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Corpus",
    "Evidence",
    "EvidenceStance",
    "IndexDrift",
    "IngestReport",
    "InputError",
    "Label",
    "ModelError",
    "Provenance",
    "Retriever",
    "SchemaError",
    "ScoredClaim",
    "Settings",
    "SettingsError",
    "Stance",
    "StanceModel",
    "Suggestion",
    "VerifierError",
    "Workbench",
    "pipeline",
]
