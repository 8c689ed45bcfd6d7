"""Rendering shared by the pages: escaped text, verdict badges, evidence and history."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote

import streamlit as st

from verifier.citations import CitedPassage
from verifier.labels import Label
from verifier.review import Change
from verifier.stance.rules import conflicting_spans
from verifier.text import web_address
from verifier.views import ClaimView, EvidenceView

COLOUR = {Label.SUPPORTED: "green", Label.DISPUTED: "red", Label.UNVERIFIED: "gray"}
STANCE_COLOUR = {"supports": "green", "refutes": "red", "neutral": "gray"}
# Material icons ship with Streamlit, so they render without emoji fonts or a network.
REVIEWED, PENDING = ":material/task_alt:", ":material/pending:"
_MARKDOWN_CHARS = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~:=])")
#: Characters left as they are in a linked URL; the rest (spaces, ``<>``, brackets, quotes,
#: backticks...) are percent-encoded, so the URL cannot end the link or start markup.
_URL_KEEP = ":/?#@!$&'()*+,;=%~"
#: The earliest date a date field takes: archives go back further than Streamlit's default
#: of ten years (a 2015 story is out of reach of that in 2026).
EARLIEST = date(1900, 1, 1)
#: How far ahead of today a date field reaches (Streamlit's own default).
AHEAD_YEARS = 10


def plain(text: str) -> str:
    """``text`` escaped for Streamlit markdown: "$5 billion" must not turn into LaTeX."""
    return _MARKDOWN_CHARS.sub(r"\\\1", text)


#: The encodings offered where a text file is uploaded (a desk's older files, saved by
#: Windows or a Mac in the language's own code page), by codec name.
ENCODINGS = {
    "cp1252": "Windows Western European (cp1252)",
    "cp1251": "Windows Cyrillic (cp1251)",
    "cp1256": "Windows Arabic (cp1256)",
    "cp1250": "Windows Central European (cp1250)",
    "cp1253": "Windows Greek (cp1253)",
    "cp1254": "Windows Turkish (cp1254)",
    "cp1255": "Windows Hebrew (cp1255)",
    "latin-1": "Latin-1 (ISO-8859-1)",
    "koi8-r": "Russian KOI8-R",
    "mac-roman": "Mac Roman",
    "shift_jis": "Japanese Shift JIS",
    "gb18030": "Chinese GB18030",
    "big5": "Chinese Big5",
    "euc-kr": "Korean EUC-KR",
}
ENCODING_FIELD = "Encoding"
AUTOMATIC = "auto"


def encoding_picker(key: str) -> str | None:
    """The encoding to read an uploaded text file in, when it is not UTF-8: ``None``
    (detected, or the desk's ``VERIFIER_ENCODING``) unless one of :data:`ENCODINGS` is
    picked. A file whose encoding is unclear is refused naming this field."""
    picked = st.selectbox(
        ENCODING_FIELD,
        [AUTOMATIC, *ENCODINGS],
        format_func=lambda codec: "Automatic" if codec == AUTOMATIC else ENCODINGS[codec],
        key=key,
        help="How to read a text file (.txt, .csv, .jsonl, .md, .html) that is not UTF-8. "
        "Automatic: the encoding detected, when that is clear. Pick one when a file is "
        "refused as unclear, or its accented letters read wrongly.",
    )
    return None if picked == AUTOMATIC else picked


def chosen_encoding(key: str) -> str | None:
    """What :func:`encoding_picker` ``key`` gives, read from the session (in a callback)."""
    picked = st.session_state.get(key, AUTOMATIC)
    return None if picked == AUTOMATIC else str(picked)


def warnings_list(lines: list[str], shown: int = 10) -> None:
    """The warnings a step gave (a row skipped, a scan read by OCR), one to a line: the
    first ``shown``, the rest in a fold under them."""
    if not lines:
        return
    st.warning("\n".join(f"- {plain(line)}" for line in lines[:shown]))
    if len(lines) > shown:
        with st.expander(f"{len(lines) - shown} more warning(s)"):
            st.markdown("\n".join(f"- {plain(line)}" for line in lines[shown:]))


def latest_date() -> date:
    """The latest date a date field takes: :data:`AHEAD_YEARS` from today."""
    today = date.today()
    try:
        return today.replace(year=today.year + AHEAD_YEARS)
    except ValueError:  # 29 February, ten years on
        return today.replace(year=today.year + AHEAD_YEARS, day=28)


def out_of_picker_range(day: date | None) -> str | None:
    """Why a date field cannot show ``day`` (a date a page or file gave), or None if it
    can. Streamlit silently drops a value outside the field's range."""
    if day is None or EARLIEST <= day <= latest_date():
        return None
    return (
        f"the date {day.isoformat()} is outside what the date field takes "
        f"({EARLIEST.isoformat()} to {latest_date().isoformat()}): check it and enter it by hand"
    )


def date_field(label: str, key: str, where: Any = st) -> date | None:
    """An empty date picker (in ``where``: a column or the page) that reaches back to
    :data:`EARLIEST` and shows dates as ``YYYY-MM-DD``, as the exports and the command line
    write them."""
    return where.date_input(  # type: ignore[no-any-return]
        label,
        value=None,
        min_value=EARLIEST,
        max_value=latest_date(),
        format="YYYY-MM-DD",
        key=key,
    )


def verdict_picker(
    label: str, key: str, where: Any = st, placeholder: str | None = None
) -> list[Label]:
    """Verdicts to keep, picked by their words (none picked: all), as every filter has them."""
    return list(
        where.multiselect(
            label,
            list(Label),
            format_func=lambda item: item.value,
            placeholder=placeholder or "Choose options",
            key=key,
        )
    )


def source_link(url: str | None, uri: str) -> str:
    """Where a passage comes from, as markdown: an http(s) URL becomes a link whose visible
    text is the URL itself (percent-encoded where markdown would read it); anything else, a
    ``javascript:`` URL or a file path, is plain text."""
    safe = web_address(url)
    if safe is None:
        return plain(url or uri)
    return "<" + quote(safe, safe=_URL_KEEP) + ">"


#: Columns of a listed claim's row shown beside it (every one is in the reports), and the
#: characters shown of each value.
ROW_FIELDS_SHOWN, ROW_VALUE_SHOWN = 8, 80


def appearance(claim: ClaimView) -> str | None:
    """Where a claim of a desk's list was seen, by who and when, and the other columns of
    its row, as markdown (``None`` for a claim with none of them: an article's)."""
    parts = []
    if claim.appearance_url:
        parts.append(f"Seen at {source_link(claim.appearance_url, '')}")
    if claim.appearance_author:
        parts.append(f"by {plain(claim.appearance_author)}")
    if claim.appearance_date:
        parts.append(claim.appearance_date.isoformat())
    lines = [" · ".join(parts)] if parts else []
    if claim.row_fields:
        shown = list(claim.row_fields.items())[:ROW_FIELDS_SHOWN]
        cells = [f"{plain(name)}: {plain(_cut(value, ROW_VALUE_SHOWN))}" for name, value in shown]
        more = len(claim.row_fields) - len(shown)
        cells += [f"{more} more in the reports"] if more else []
        lines.append("From its row: " + " · ".join(cells))
    return "  \n".join(lines) or None


def _cut(text: str, most: int) -> str:
    """``text`` on one line, cut to ``most`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def badge(label: Label) -> str:
    """The label as a coloured word (colour and word, never colour alone)."""
    return f":{COLOUR[label]}[**{label.value}**]"


def evidence_heading(item: EvidenceView, new: bool = False) -> str:
    """Rank, score, title, outlet and date, the stance the model read in the passage and why,
    whether its source is ``new`` since the verdict, whether it repeats a passage above
    (the same wire copy), whether it was read by OCR from a scan, then the link (or the
    path it was ingested from)."""
    outlet = plain(item.outlet or "")
    if item.outlet and item.outlet_label:  # the desk's word on the outlet, next to its name
        outlet += f" :violet-badge[{plain(item.outlet_label)}]"
        if item.outlet_note:
            outlet += f" *({plain(_cut(item.outlet_note, 80))})*"
    source = " · ".join(part for part in (outlet, plain(item.published or "")) if part)
    where = source_link(item.url, item.uri)
    stance = ""
    if item.stance in STANCE_COLOUR:
        stance = f" · :{STANCE_COLOUR[item.stance]}[**{item.stance}**]"
        if item.stance_why:
            stance += f" ({plain(item.stance_why)})"
    fresh = " · :orange-badge[new since the verdict]" if new else ""
    # The same wire copy as a passage above: one source's word, not a second source's.
    copy = f" · :gray-badge[same text as #{item.copy_of}]" if item.copy_of else ""
    # OCR may misread a figure or a name: the quote is to be checked against the scan.
    scan = " · :blue-badge[read by OCR: check against the scan]" if item.scanned else ""
    source = f" — {source}" if source else ""  # no outlet nor date: no dash before nothing
    return (
        f"**#{item.rank} · {item.score:.2f} · {plain(item.document)}**{source}{stance}"
        f"{fresh}{copy}{scan}  \n{where}"
    )


def highlighted(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` escaped for markdown, with ``spans`` (conflicting figures or words) marked in
    red (and bold, so the mark does not rest on colour alone)."""
    parts, at = [], 0
    for start, end in spans:
        if start < at:
            continue
        parts.append(plain(text[at:start]))
        parts.append(f":red-background[**{plain(text[start:end])}**]")
        at = end
    parts.append(plain(text[at:]))
    return "".join(parts)


def show_passage(claim: str, item: EvidenceView, new: bool = False) -> None:
    """One ranked passage under its heading, conflicting figures or words highlighted;
    ``new``: marked as from a source stored since the verdict."""
    st.markdown(evidence_heading(item, new))
    spans = conflicting_spans(claim, item.text)
    if spans:
        st.markdown(highlighted(item.text, spans))
    else:
        st.text(item.text)


def new_evidence_note(claim: ClaimView) -> set[int]:
    """Say, above the evidence, how many passages in view come from sources stored since the
    verdict was given; their ids, to mark them."""
    fresh = claim.new_evidence
    if fresh:
        st.warning(
            f"New evidence since the verdict: {len(fresh)} passage(s) below come from sources "
            "added or changed after it was given. Read them; saving the claim again (the "
            "verdict kept or changed) clears this.",
            icon=":material/fiber_new:",
        )
    return {item.passage_id for item in fresh}


def split_evidence(
    evidence: list[EvidenceView],
) -> tuple[list[EvidenceView], list[EvidenceView]]:
    """The passages to show, and those to fold away: below the relevance threshold and read
    as neutral. A passage the stance model read as supporting or refuting stays in view however
    far it is, since the suggestion may rest on it (the trained model reads 10 passages)."""

    return [e for e in evidence if e.in_view], [e for e in evidence if not e.in_view]


def show_cited(cited: list[CitedPassage]) -> None:
    """The passages the reviewer relied on, quoted; one whose source was removed since is
    still quoted, marked as removed."""
    if not cited:
        return
    st.markdown("**Evidence the verdict relied on**")
    for item in cited:
        source = " · ".join(
            part
            for part in (item.title, item.outlet, item.published and str(item.published))
            if part
        )
        mark = " · :red[**source removed**]" if item.removed else ""
        st.markdown(
            f"> {plain(item.text)}  \n— {plain(source)}{mark}  \n{source_link(item.url, item.uri)}"
        )


def history_rows(changes: list[Change]) -> list[dict[str, str]]:
    """A claim's verdict history as table rows, oldest first (``st.table`` reads its cells
    as markdown, so what reviewers typed is escaped)."""
    return [
        {
            "when (UTC)": c.changed_at.strftime("%Y-%m-%d %H:%M:%S"),
            "who": plain(c.changed_by),
            "from": c.from_label.value if c.from_label else "—",
            "to": c.to_label.value,
            "note": plain(c.note or ""),
            "signed off": (
                f"{plain(c.signed_off_by)}, {c.signed_off_at:%Y-%m-%d %H:%M}"
                if c.signed_off_by and c.signed_off_at
                else ""
            ),
        }
        for c in changes
    ]
