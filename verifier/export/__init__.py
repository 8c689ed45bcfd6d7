"""Outputs: the report record and the files it is written to."""

from verifier.export.records import CLAIM_FIELDS, EVIDENCE_FIELDS, ClaimRecord, EvidenceRecord
from verifier.export.tabular import OUTPUT_SUFFIXES, check_output, write_records

__all__ = [
    "CLAIM_FIELDS",
    "EVIDENCE_FIELDS",
    "OUTPUT_SUFFIXES",
    "ClaimRecord",
    "EvidenceRecord",
    "check_output",
    "write_records",
]
