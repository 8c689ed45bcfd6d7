"""Outputs: the records of scored claims and of verdict reports, and the files they go to."""

from verifier.export.records import (
    CLAIM_FIELDS,
    EVIDENCE_FIELDS,
    ClaimRecord,
    EvidenceRecord,
    spreadsheet_columns,
    spreadsheet_row,
)
from verifier.export.report import (
    REPORT_EVIDENCE_FIELDS,
    REPORT_FIELDS,
    REPORT_SCHEMA,
    ReportFilter,
    report_records,
)
from verifier.export.tabular import (
    FORMATS,
    OUTPUT_SUFFIXES,
    check_output,
    output_format,
    safe_cell,
    write_records,
)

__all__ = [
    "CLAIM_FIELDS",
    "EVIDENCE_FIELDS",
    "FORMATS",
    "OUTPUT_SUFFIXES",
    "REPORT_EVIDENCE_FIELDS",
    "REPORT_FIELDS",
    "REPORT_SCHEMA",
    "ClaimRecord",
    "EvidenceRecord",
    "ReportFilter",
    "check_output",
    "output_format",
    "report_records",
    "safe_cell",
    "spreadsheet_columns",
    "spreadsheet_row",
    "write_records",
]
