"""Split a document into passages: the units the index searches.

A passage is a paragraph; a paragraph longer than ``max_chars`` is cut between sentences;
a short heading-like line is joined to the paragraph after it, and a very short paragraph
("Rating: False.") to the one before it, so they add context rather than being lost or
matching on their own. Offsets point into the document text.
"""

from __future__ import annotations

from verifier.sentences import Span, paragraphs, sentences

_MIN_WORDS = 4


def _is_heading(span: Span) -> bool:
    return len(span.text.split()) < 12 and span.text.rstrip()[-1:] not in '.!?"”'


def split_passages(text: str, max_chars: int = 600) -> list[Span]:
    """Passages of ``text`` in order, each ``text[start:end]``.

    Args:
        text: the document text.
        max_chars: soft limit; one sentence longer than this stays whole.
    """
    blocks: list[Span] = []
    pending: Span | None = None
    for para in paragraphs(text):
        if pending is not None:
            para = Span(pending.start, para.end, text[pending.start : para.end])
            pending = None
        if _is_heading(para) and "\n\n" not in para.text:
            pending = para
            continue
        blocks.append(para)
    if pending is not None:
        blocks.append(pending)
    merged: list[Span] = []
    for block in blocks:
        if merged and len(block.text.split()) < _MIN_WORDS:
            last = merged.pop()
            block = Span(last.start, block.end, text[last.start : block.end])
        merged.append(block)
    blocks = merged

    passages: list[Span] = []
    for block in blocks:
        if len(block.text) <= max_chars:
            passages.append(block)
            continue
        start = end = None
        for sentence in sentences(block.text):
            s_start, s_end = block.start + sentence.start, block.start + sentence.end
            if start is not None and s_end - start > max_chars:
                passages.append(Span(start, end, text[start:end]))  # type: ignore[arg-type]
                start = None
            start = s_start if start is None else start
            end = s_end
        if start is not None:
            passages.append(Span(start, end, text[start:end]))  # type: ignore[arg-type]
    return [p for p in passages if len(p.text.split()) >= _MIN_WORDS]
