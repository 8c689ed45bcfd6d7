"""Rendering shared by the pages: escaped text, verdict badges, evidence and history."""

from __future__ import annotations

import re

from verifier.labels import Label
from verifier.review import Change
from verifier.views import EvidenceView

COLOUR = {Label.SUPPORTED: "green", Label.DISPUTED: "red", Label.UNVERIFIED: "gray"}
# Material icons ship with Streamlit, so they render without emoji fonts or a network.
REVIEWED, PENDING = ":material/task_alt:", ":material/pending:"
_MARKDOWN_CHARS = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~:])")


def plain(text: str) -> str:
    """``text`` escaped for Streamlit markdown: "$5 billion" must not turn into LaTeX."""
    return _MARKDOWN_CHARS.sub(r"\\\1", text)


def badge(label: Label) -> str:
    """The label as a coloured word (colour and word, never colour alone)."""
    return f":{COLOUR[label]}[**{label.value}**]"


def evidence_heading(item: EvidenceView) -> str:
    """Rank, score, title, outlet and date, then the link (or the path it was ingested from)."""
    source = plain(" · ".join(part for part in (item.outlet, item.published) if part))
    where = f"<{item.url}>" if item.url else f"`{item.uri}`"
    return f"**#{item.rank} · {item.score:.2f} · {plain(item.document)}** — {source}  \n{where}"


def history_rows(changes: list[Change]) -> list[dict[str, str]]:
    """A claim's verdict history as table rows, oldest first."""
    return [
        {
            "when (UTC)": c.changed_at.strftime("%Y-%m-%d %H:%M:%S"),
            "who": c.changed_by,
            "from": c.from_label.value if c.from_label else "—",
            "to": c.to_label.value,
            "note": c.note or "",
        }
        for c in changes
    ]
