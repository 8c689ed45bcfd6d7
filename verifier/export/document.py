"""Readable verdict reports: one self-contained HTML file, or Markdown for a CMS; and the
histories (:mod:`verifier.export.history`) in the same two forms.

Both open with the :class:`ReportSummary` and then show, article by article, each claim in
its sentence, the verdict in words (and colour, in HTML), the reviewer's note and the cited
evidence as quotes with outlet, date and link. They are rendered from Jinja2 templates in
``templates/`` and streamed: records are grouped by article as they come, so a report of any
length takes the memory of one claim.

In HTML, the words of a quote that conflict with its claim (another figure for the same thing,
a fact-check's rating word, a negation of the claim, as the review page marks them:
:func:`~verifier.stance.rules.conflicting_spans`) are marked, so that an editor reading the
report sees what the verdict turned on.

A history (:func:`write_history`) lists, article by article and claim by claim, each change
in words: who gave, changed or kept which verdict when, with the note, the evidence relied
on as quotes and the sign-off; or who handed the claim from whom to whom.

Every text from sources, articles and reviewers is escaped: HTML by Jinja2's autoescaping,
Markdown by :func:`md_text` applied to every value the template prints (``<`` and ``&`` as
entities, Markdown's markup characters with a backslash). A link is made only from an
``http(s)`` URL; anything else (a file path, ``javascript:``) is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Generic, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from verifier.export.formats import atomic_output
from verifier.export.history import HistoryTotals
from verifier.export.summary import NOT_REVIEWED, ReportSummary
from verifier.labels import Label
from verifier.stance.rules import conflicting_spans
from verifier.text import web_address

Record = dict[str, object]
T = TypeVar("T")

#: Colour of each verdict (text on it is white); claims not reviewed are grey.
VERDICT_COLOURS = {
    Label.SUPPORTED.value: "#1a7f37",
    Label.DISPUTED.value: "#c62828",
    Label.UNVERIFIED.value: "#9a6700",
    NOT_REVIEWED: "#6e7781",
}
CHART_ARTICLES = 12  # bars in the claims-per-article chart (the table lists every article)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# What opens a heading, list item or setext underline at the start of a line.
_MD_LINE_START = re.compile(r"^(\d+(?=[.)](?:\s|$))|(?=[#+\-=](?:[\s#=\-]|$)))(.)")


@dataclass(frozen=True)
class Bar:
    """One bar of an inline SVG bar chart."""

    name: str
    count: int
    width: float  # share of the largest bar, 0-100
    colour: str


@dataclass
class ArticleSection(Generic[T]):
    """An article's heading fields and its claims (a report's records, or a history's
    :class:`ClaimChanges`), read as the template reaches them."""

    head: Record
    claims: Iterator[T]


class Raw(str):
    """Text the Markdown template prints as is (already escaped, or a URL in ``<...>``)."""


def md_text(value: object) -> str:
    """``value`` as Markdown text that renders as itself: one line, nothing active."""
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(r"\1\\\2", text)  # would start a heading or a list
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_link(url: object) -> Raw | None:
    """An autolink (``<https://...>``) for a URL that may be a link, else ``None``."""
    safe = web_address(url)
    if safe is None:
        return None
    return Raw("<" + safe.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E") + ">")


def bars(counts: Iterable[tuple[str, int]], colours: dict[str, str] | None = None) -> list[Bar]:
    """Bars for ``counts`` (name, count), scaled to the largest."""
    pairs = list(counts)
    top = max((count for _, count in pairs), default=0) or 1
    return [
        Bar(name, count, round(100 * count / top, 1), (colours or {}).get(name, "#0969da"))
        for name, count in pairs
    ]


@cache
def _environment(markdown: bool) -> Environment:
    if markdown:
        env = Environment(
            loader=PackageLoader("verifier.export", "templates"),
            autoescape=False,
            undefined=StrictUndefined,
            finalize=md_text,
            keep_trailing_newline=True,
        )
        env.filters["link"] = md_link
    else:
        env = Environment(
            loader=PackageLoader("verifier.export", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
        )
        env.filters["link"] = web_address
        env.filters["conflicts"] = marked_conflicts
    return env


def marked_conflicts(quote: str, claim: str) -> Markup:
    """``quote`` escaped, with the words that conflict with ``claim`` in ``<mark
    class="conflict">`` (:func:`~verifier.stance.rules.conflicting_spans`)."""
    parts, at = [], 0
    for start, end in conflicting_spans(claim, quote):
        if start >= at:
            parts += [escape(quote[at:start]), Markup('<mark class="conflict">')]
            parts += [escape(quote[start:end]), Markup("</mark>")]
            at = end
    parts.append(escape(quote[at:]))
    return Markup("").join(parts)


def write_document(
    records: Iterable[Record], summary: ReportSummary, path: Path, fmt: str, *, title: str
) -> int:
    """Write the HTML (``fmt="html"``) or Markdown (``"md"``) report to ``path`` atomically.
    Returns the number of claims written."""
    claims = _Counted(records, _claim)
    context = {
        "title": title,
        "summary": summary,
        "articles": _sections(iter(claims)),
        "verdict_bars": bars(summary.verdicts.items(), VERDICT_COLOURS),
        "reviewer_bars": bars(summary.reviewers),
        "article_bars": bars(
            sorted(((a.title, a.claims) for a in summary.articles), key=lambda bar: -bar[1])[
                :CHART_ARTICLES
            ]
        ),
        "labels": [label.value for label in Label],
    }
    _render(f"report.{fmt}.j2", context, path, markdown=fmt == "md")
    return claims.count


def write_history(
    rows: Iterable[Record], totals: HistoryTotals, path: Path, fmt: str, *, title: str
) -> int:
    """Write a history's rows (read with ``quoted=True``, by article and claim, oldest first)
    to ``path`` atomically as HTML (``fmt="html"``) or Markdown (``"md"``), grouped by article
    and claim. Returns the number of changes written."""
    changes = _Counted(rows, _change)
    context = {
        "title": title,
        "totals": totals,
        "generated_at": datetime.now(UTC),
        "articles": _history_sections(iter(changes)),
    }
    _render(f"history.{fmt}.j2", context, path, markdown=fmt == "md")
    return changes.count


class _Counted:
    """Records made ready for a template (``shape``) as it reads them, and counted."""

    def __init__(self, records: Iterable[Record], shape: Callable[[Record], Record]) -> None:
        self.records, self.shape, self.count = records, shape, 0

    def __iter__(self) -> Iterator[Record]:
        for record in self.records:
            self.count += 1
            yield self.shape(record)


def _render(name: str, context: dict[str, object], path: Path, *, markdown: bool) -> None:
    """Stream template ``name`` with ``context`` (and the verdict colours) into ``path``."""
    template = _environment(markdown).get_template(name)
    colours = {
        "colours": VERDICT_COLOURS,
        "colour_class": {name: f"v-{n}" for n, name in enumerate(VERDICT_COLOURS)},
    }
    with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8") as out:
        for chunk in template.generate(**colours, **context):
            out.write(chunk)


def _sections(claims: Iterator[Record]) -> Iterator[ArticleSection[Record]]:
    for _, group in groupby(claims, key=lambda claim: claim["article_id"]):
        first = next(group)
        # The template reads each section's claims before the next section: streamed.
        yield ArticleSection(first, _prepend(first, group))  # noqa: B031


@dataclass(frozen=True)
class ClaimChanges:
    """A claim of a history and its changes, oldest first; ``colour`` names its colour (its
    verdict after the last change; grey for hand-overs)."""

    claim_id: object
    claim: object
    changes: list[Record]
    colour: str


def _history_sections(changes: Iterator[Record]) -> Iterator[ArticleSection[ClaimChanges]]:
    """The changes grouped by article, then by claim (a claim's changes are few: each claim
    is read whole, the articles streamed)."""
    for _, in_article in groupby(changes, key=lambda change: change["article_id"]):
        claims = (
            _claim_changes(list(group))
            for _, group in groupby(in_article, key=lambda change: change["claim_id"])
        )
        first = next(claims)
        yield ArticleSection(first.changes[0], _prepend(first, claims))  # noqa: B031


def _claim_changes(changes: list[Record]) -> ClaimChanges:
    last = changes[-1]
    colour = str(last.get("to_verdict") or NOT_REVIEWED)
    return ClaimChanges(last["claim_id"], last["claim"], changes, colour)


def _change(row: Record) -> Record:
    """``row`` with what the history templates show: the time readable, and what kind of
    change it was (``first``, ``changed`` or ``kept`` verdict; ``assigned``, ``handed`` or
    ``taken back``)."""
    if "to_verdict" in row:
        before, after = row.get("from_verdict"), row["to_verdict"]
        kind = "first" if before is None else "changed" if before != after else "kept"
    else:
        before, after = row.get("from_assignee"), row.get("to_assignee")
        kind = "assigned" if before is None else "handed" if after is not None else "taken back"
    return {
        "note": None,  # hand-overs have no note nor sign-off
        "signed_off_by": None,
        **row,
        "kind": kind,
        "when": _readable(row.get("changed_at")),
        "signed": _readable(row.get("signed_off_at")),
        "cited": row.get("cited") or [],
        "uncited": row.get("uncited") or [],
    }


def _prepend(first: T, rest: Iterator[T]) -> Iterator[T]:
    yield first
    yield from rest


def _claim(record: Record) -> dict[str, object]:
    """``record`` with what the templates show: the claim's place in its sentence, and the
    verdict shown."""
    sentence = str(record.get("sentence") or "")
    text = str(record.get("claim") or "")
    at = sentence.find(text) if text else -1
    if at < 0:
        before, focus, after = "", text, ""
    else:
        before, focus, after = sentence[:at], text, sentence[at + len(text) :]
    return {
        **record,
        "before": before,
        "focus": focus,
        "after": after,
        "shown": record.get("verdict") or NOT_REVIEWED,
        "reviewed": _readable(record.get("reviewed_at")),
        "signed": _readable(record.get("signed_off_at")),
        "changed": _readable(record.get("verdict_changed_at")),
    }


def _readable(stamp: object) -> str | None:
    """``2026-11-26T22:51:29+00:00`` as ``2026-11-26 22:51 UTC``."""
    return f"{str(stamp)[:10]} {str(stamp)[11:16]} UTC" if stamp else None
