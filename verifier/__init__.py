"""verifier: a claim-verification workbench for fact-checkers.

Python API::

    from verifier import Settings, Workbench, ingest_paths, score_claims

    with Workbench.open(Settings.from_env(home="desk")) as bench:
        ingest_paths(bench, [Path("sources/")])
        for result in score_claims(bench, ["Latakia is about 100 miles from Aleppo."]):
            print(result.to_record())
"""

import logging

from verifier.articles import add_article
from verifier.claims import ExtractedClaim, extract_claims
from verifier.config import Settings
from verifier.errors import InputError, ModelError, VerifierError
from verifier.ingest import IngestReport, ingest_docs, ingest_paths, remove_documents
from verifier.match import ScoredClaim, match_claims, score_claims
from verifier.verdict import Evidence, Suggestion, suggest
from verifier.workbench import IndexDrift, Workbench

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Evidence",
    "ExtractedClaim",
    "IndexDrift",
    "IngestReport",
    "InputError",
    "ModelError",
    "ScoredClaim",
    "Settings",
    "Suggestion",
    "VerifierError",
    "Workbench",
    "add_article",
    "extract_claims",
    "ingest_docs",
    "ingest_paths",
    "match_claims",
    "remove_documents",
    "score_claims",
    "suggest",
]
