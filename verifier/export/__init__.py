"""Outputs: the records of scored claims and of verdict reports, and the files they go to."""

from verifier.export.claimreview import (
    ClaimReviewExport,
    Publisher,
    Skipped,
    claim_review,
    script_json,
    snippets_path,
    write_claim_reviews,
)
from verifier.export.document import write_document
from verifier.export.formats import (
    DOCUMENT_FORMATS,
    FORMATS,
    OUTPUT_SUFFIXES,
    REPORT_FORMATS,
    check_output,
    output_format,
)
from verifier.export.history import (
    ASSIGNMENT_FIELDS,
    ASSIGNMENTS,
    HISTORY_FIELDS,
    HISTORY_SCHEMA,
    TRAILS,
    VERDICTS,
    Trail,
    history_count,
    history_records,
)
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
from verifier.export.summary import NOT_REVIEWED, ReportSummary, report_summary
from verifier.export.tabular import safe_cell, write_records

__all__ = [
    "ASSIGNMENTS",
    "ASSIGNMENT_FIELDS",
    "CLAIM_FIELDS",
    "DOCUMENT_FORMATS",
    "EVIDENCE_FIELDS",
    "FORMATS",
    "HISTORY_FIELDS",
    "HISTORY_SCHEMA",
    "NOT_REVIEWED",
    "OUTPUT_SUFFIXES",
    "REPORT_EVIDENCE_FIELDS",
    "REPORT_FIELDS",
    "REPORT_FORMATS",
    "REPORT_SCHEMA",
    "TRAILS",
    "VERDICTS",
    "ClaimRecord",
    "ClaimReviewExport",
    "EvidenceRecord",
    "Publisher",
    "ReportFilter",
    "ReportSummary",
    "Skipped",
    "Trail",
    "check_output",
    "claim_review",
    "history_count",
    "history_records",
    "output_format",
    "report_records",
    "report_summary",
    "safe_cell",
    "script_json",
    "snippets_path",
    "spreadsheet_columns",
    "spreadsheet_row",
    "write_claim_reviews",
    "write_document",
    "write_records",
]
