"""The desk's dashboard in numbers: the report summary of every claim (verdicts per article
and reviewer, agreement with the suggestions), and the work done per day."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.assignments import Workload, workload
from verifier.db.models import VerdictChange, as_utc
from verifier.export.report import ReportFilter
from verifier.export.summary import NOT_REVIEWED, ReportSummary, report_summary
from verifier.new_evidence import count_claims_with_new_evidence


@dataclass(frozen=True)
class Throughput:
    """Verdict changes per UTC day and reviewer, over the last ``days`` days (oldest first)."""

    days: list[date]
    per_reviewer: dict[str, list[int]]

    @property
    def total(self) -> int:
        return sum(sum(counts) for counts in self.per_reviewer.values())


@dataclass(frozen=True)
class Dashboard:
    """Every claim's counts (:class:`ReportSummary` over all claims) and recent throughput."""

    summary: ReportSummary
    throughput: Throughput
    #: Claims assigned to each reviewer, open and reviewed, then those no one has.
    workload: list[Workload]
    #: Reviewed claims with evidence from sources stored since their verdict
    #: (:mod:`verifier.new_evidence`).
    new_evidence: int = 0

    @property
    def open(self) -> int:
        """Claims no reviewer has decided yet."""
        return self.summary.claims - self.reviewed

    @property
    def reviewed(self) -> int:
        return sum(c for name, c in self.summary.verdicts.items() if name != NOT_REVIEWED)


def dashboard(session: Session, days: int = 30, today: date | None = None) -> Dashboard:
    """Counts over every claim, the verdict changes of the last ``days`` days, who has
    which claims to check, and how many verdicts have new evidence since."""
    return Dashboard(
        report_summary(session, ReportFilter(reviewed_only=False)),
        throughput(session, days, today),
        workload(session),
        count_claims_with_new_evidence(session),
    )


def throughput(session: Session, days: int = 30, today: date | None = None) -> Throughput:
    """Verdict changes per day and reviewer (the rows of ``days`` days, grouped here: the
    same on SQLite and PostgreSQL, whatever their date functions)."""
    last = today or datetime.now(UTC).date()
    first = last - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=UTC)
    counts: Counter[tuple[str, date]] = Counter()
    rows = session.execute(
        sa.select(VerdictChange.changed_by, VerdictChange.changed_at).where(
            VerdictChange.changed_at >= since
        )
    )
    for reviewer, changed_at in rows:
        day = as_utc(changed_at).date()
        if day <= last:
            counts[(reviewer, day)] += 1
    span = [first + timedelta(days=n) for n in range(days)]
    reviewers = sorted({reviewer for reviewer, _ in counts})
    return Throughput(span, {name: [counts[(name, day)] for day in span] for name in reviewers})
