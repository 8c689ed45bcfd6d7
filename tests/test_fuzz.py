"""Fuzzing the readers (sources and claims files) and the settings with Hypothesis: every input
gives a clean result or one clear error line, never a traceback or a hang."""

from __future__ import annotations

import io
import json
import tempfile
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import docx
import xlwt
from compressed_rtf import compress
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from made_doc import make_doc
from made_documents import make_odt, make_pdf
from made_msg import make_msg
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from verifier.config import ENV, Settings
from verifier.db.limits import limit
from verifier.db.models import Document
from verifier.errors import InputError, SettingsError
from verifier.readers import read_claims
from verifier.sources import read_file

MB = 1024 * 1024
FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SUFFIXES = (
    *(".txt", ".md", ".html", ".csv", ".jsonl", ".xlsx", ".xls", ".pdf", ".docx", ".doc"),
    *(".odt", ".rtf", ".eml", ".msg", ".png", ".jpg"),
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "cp1251")

# Text that stresses the readers: separators, controls, markup, quotes, non-Latin scripts.
tricky = st.text(
    alphabet=st.sampled_from(
        list("ab Z09.,;:'\"-_#*<>[]()=+@\\/|`~")
        + ["\n", "\r", "\t", "\x00", "\x01", "\x0b", "\x0c", "\x85", "\u2028"]
        + ["é", "ß", "ж", "م", "中", "\ufeff", "\u200b", "😀"]
    ),
    max_size=400,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | tricky,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(tricky, children, max_size=4),
    max_leaves=30,
)


@st.composite
def workbook_bytes(draw: st.DrawFn, old: bool = False) -> bytes:
    """An Excel workbook (an old ``.xls`` one with ``old``) of drawn cells (text, numbers,
    dates, blanks), whole, cut short or with bytes changed."""
    header = draw(st.sampled_from([["id", "text", "title"], ["Claim"], ["x", "date"], []]))
    cell = st.one_of(
        st.none(),
        tricky.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(min_value=date(1900, 3, 1)),
    )
    rows = [header, *draw(st.lists(st.lists(cell, max_size=4), max_size=5))]
    if old:
        return _damaged(draw, _xls(rows, second=draw(st.booleans())))
    book = Workbook()
    for row in rows:
        book.active.append(row)
    if draw(st.booleans()):
        book.create_sheet("second").append(["text", "not read"])
    buffer = io.BytesIO()
    book.save(buffer)
    # Where to damage it is drawn as a share of its length: a saved workbook holds the time
    # it was saved, so its length varies between runs and cannot bound what Hypothesis draws.
    return _damaged(draw, buffer.getvalue())


@st.composite
def pdf_bytes(draw: st.DrawFn) -> bytes:
    """A PDF of drawn lines and pages, whole, cut short or with bytes changed."""
    line = tricky.map(lambda text: text.encode("latin-1", "replace").decode("latin-1"))
    pages = draw(st.lists(st.lists(line, max_size=6), min_size=1, max_size=3))
    data = make_pdf(pages, title=draw(st.none() | line))
    return _damaged(draw, data)


@st.composite
def docx_bytes(draw: st.DrawFn) -> bytes:
    """A Word document of drawn paragraphs and a table, whole, cut short or changed."""
    text = tricky.map(lambda value: ILLEGAL_CHARACTERS_RE.sub("", value))
    document = docx.Document()
    document.core_properties.title = draw(text)[:200]
    for paragraph in draw(st.lists(text, max_size=5)):
        document.add_paragraph(paragraph)
    cells = draw(st.lists(text, max_size=4))
    if cells:
        table = document.add_table(rows=1, cols=len(cells))
        for cell, value in zip(table.rows[0].cells, cells, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return _damaged(draw, buffer.getvalue())


def _xls(rows: list[list[object]], second: bool) -> bytes:
    """An old workbook of ``rows`` (xlwt keeps 32,767 characters of a cell, as Excel does)."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("first")
    for y, row in enumerate(rows):
        for x, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(y, x, value, xlwt.easyxf(num_format_str="YYYY-MM-DD"))
            elif value is not None:
                sheet.write(y, x, value[:32767] if isinstance(value, str) else value)
    if second:
        book.add_sheet("second").write(0, 0, "text")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` as it is (half the time), cut short, or with a few bytes changed."""
    damage = draw(st.sampled_from(["none", "none", "cut", "changed"]))
    at = int(draw(st.floats(0, 1, exclude_max=True)) * len(data))
    if damage == "cut":
        return data[:at]
    if damage == "changed":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at + 8 :]
    return data


@st.composite
def eml_bytes(draw: st.DrawFn) -> bytes:
    """An email that forwards emails as attachments, up to five deep (past the depth read),
    each with a drawn subject, sender and body, whole, cut short or changed."""
    text = tricky.map(lambda value: " ".join(value.split())[:200])
    message = None
    for depth in range(draw(st.integers(1, 5))):
        outer = EmailMessage()
        for name in ("From", "Subject"):
            try:
                outer[name] = draw(text)
            except Exception:  # email's own header parser failing on it (its bugs too)
                outer[name] = "x"
        outer.set_content(draw(tricky))
        if message is not None:
            outer.add_attachment(message)
            outer.set_boundary(f"part-{depth}")  # not email's random one
        message = outer
    assert message is not None
    return _damaged(draw, message.as_bytes())


@st.composite
def odt_bytes(draw: st.DrawFn) -> bytes:
    """An OpenDocument text of drawn paragraphs (and markup), whole, cut short or changed."""
    text = tricky.map(lambda value: ILLEGAL_CHARACTERS_RE.sub("", value))
    escaped = text.map(lambda value: value.replace("&", "&amp;").replace("<", "&lt;"))
    markup = st.sampled_from(["", "<text:s text:c='9999'/>", "<text:tab/>", "<text:span>"])
    body = "".join(
        f"<text:p>{draw(escaped)}{draw(markup)}</text:p>" for _ in range(draw(st.integers(0, 4)))
    )
    if draw(st.booleans()):
        body = f"<text:h>{draw(escaped)}</text:h>" + body
    return _damaged(draw, make_odt(draw(st.none() | escaped), body))


@st.composite
def doc_bytes(draw: st.DrawFn) -> bytes:
    """An old Word document of drawn paragraphs (with Word's marks: fields, cells, breaks)
    and a table, in pieces 8-bit or UTF-16, whole, cut short or changed."""
    marks = st.sampled_from(["", "\x13", "\x14", "\x15", "\x07", "\r", "\x0b", "\x0c", "\x01"])
    text = st.builds(lambda *parts: "".join(parts), tricky, marks, tricky)
    blocks: list[object] = draw(st.lists(text, max_size=4))
    if draw(st.booleans()):
        blocks.append(
            draw(st.lists(st.lists(text, min_size=1, max_size=3), min_size=1, max_size=2))
        )
    data = make_doc(
        blocks or [""],  # type: ignore[arg-type]
        title=draw(
            st.none()
            | tricky.map(
                lambda value: value.encode("cp1252", "replace").decode("cp1252").replace("\0", "")
            )
        ),
        pieces=draw(st.integers(1, 4)),
        unicode=draw(st.booleans()),
        fast_saved=draw(st.booleans()),
        after=draw(tricky),
    )
    return _damaged(draw, data)


def rtf_text(draw: st.DrawFn) -> str:
    """An RTF document of drawn text with escapes, groups and controls in it."""
    parts = st.sampled_from(
        [r"\par ", r"\'e9", r"\'zz", r"\u1046?", r"\u-3913?", "{", "}", r"{\*\x ", r"\ansicpg1251"]
    )
    pieces = [draw(tricky) if draw(st.booleans()) else draw(parts) for _ in range(8)]
    return "{\\rtf1\\ansi " + "".join(pieces) + "}"


@st.composite
def msg_bytes(draw: st.DrawFn) -> bytes:
    """An Outlook message of drawn texts, Unicode or 8-bit, an RTF body, an attachment and
    an item attached, whole, cut short or with bytes changed."""
    text = st.none() | tricky
    codepage = draw(st.sampled_from([None, 1252, 1251, 65001, 99999]))
    if codepage not in (None, 65001, 99999):
        text = st.none() | tricky.map(
            lambda value: value.encode(f"cp{codepage}", "replace").decode(f"cp{codepage}")
        )
    elif codepage is not None:
        text = st.none() | tricky.map(lambda value: value.encode("utf-8", "replace").decode())
    fields = {
        "subject": draw(text),
        "body": draw(text),
        "sender": draw(text),
        "headers": draw(text),
        "codepage": codepage if codepage != 99999 else None,
    }
    html = draw(st.none() | tricky.map(lambda value: value.encode("utf-8", "replace")))
    attachments = [(draw(tricky) or "a.txt", draw(st.binary(max_size=100)))]
    items = [{"subject": draw(text), "body": draw(text)}] if draw(st.booleans()) else []
    rtf = compress(rtf_text(draw).encode("latin-1", "replace")) if draw(st.booleans()) else None
    data = make_msg(**fields, html=html, rtf=rtf, attachments=attachments, items=items)  # type: ignore[arg-type]
    return _damaged(draw, data)


@st.composite
def file_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file name and content: structured (front matter, CSV, JSON Lines, HTML) or raw."""
    suffix = draw(st.sampled_from(SUFFIXES))
    kind = draw(st.sampled_from(["text", "structured", "bytes"]))
    if suffix in (".xlsx", ".xls") and kind == "structured":
        return suffix, draw(workbook_bytes(old=suffix == ".xls"))
    if suffix == ".pdf" and kind != "bytes":
        return suffix, draw(pdf_bytes())
    if suffix == ".docx" and kind != "bytes":
        return suffix, draw(docx_bytes())
    if suffix == ".eml" and kind == "structured":
        return suffix, draw(eml_bytes())
    if suffix == ".msg" and kind != "bytes":
        return suffix, draw(msg_bytes())
    if suffix == ".doc" and kind != "bytes":
        return suffix, draw(doc_bytes())
    if suffix == ".odt" and kind != "bytes":
        return suffix, draw(odt_bytes())
    if suffix == ".rtf" and kind == "structured":
        return suffix, rtf_text(draw).encode("latin-1", "replace")
    if kind == "bytes":
        return suffix, draw(st.binary(max_size=600))
    if kind == "text" or suffix in (".txt", ".md"):
        body = draw(tricky)
        if kind == "structured":
            keys = draw(st.lists(st.sampled_from(["title", "url", "outlet", "date", "x"])))
            front = "".join(f"{key}: {draw(tricky)}\n" for key in keys)
            body = f"---\n{front}---\n{body}"
    elif suffix == ".csv":
        header = draw(st.sampled_from(["id,text,title", "text", "claim", "id,claim,url", ""]))
        rows = draw(st.lists(st.lists(tricky, max_size=4), max_size=5))
        body = header + "\n" + "\n".join(",".join(row) for row in rows)
    elif suffix == ".jsonl":
        records = [json.dumps(record) for record in draw(st.lists(json_values, max_size=5))]
        depth = draw(st.sampled_from([0, 0, 0, 15, 17, 3000]))
        if depth:  # nested past the limit, or past Python's recursion limit
            records.append('{"text": "x", "claim": "y", "n": ' + "[" * depth + "]" * depth + "}")
        body = "\n".join(records)
    elif suffix == ".eml":
        headers = draw(st.lists(st.sampled_from(["From", "Subject", "Date", "Content-Type"])))
        head = "".join(f"{name}: {draw(tricky)}\n" for name in headers)
        body = f"{head}\n{draw(tricky)}"
    else:
        markup = draw(
            st.none()
            | json_values.map(json.dumps)
            | st.fixed_dictionaries(
                {"@type": st.just("ClaimReview")},
                optional={
                    "claimReviewed": json_values,
                    "reviewRating": json_values,
                    "author": json_values,
                    "datePublished": json_values,
                },
            ).map(json.dumps)
        )
        script = f'<script type="application/ld+json">{markup}</script>' if markup else ""
        body = (
            f"<html><head><title>{draw(tricky)}</title>{script}</head><body>{draw(tricky)}</body>"
        )
    return suffix, body.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


def _one_line(error: Exception, path: Path) -> None:
    message = str(error)
    assert "\n" not in message, message
    assert str(path) in message, message


@FUZZ
@given(file_bytes())
def test_any_source_file_is_read_or_refused_in_one_line(case: tuple[str, bytes]) -> None:
    suffix, content = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"source{suffix}"
        path.write_bytes(content)
        try:
            docs = read_file(path, MB)
        except InputError as error:
            _one_line(error, path)
            return
    assert docs
    for doc in docs:
        assert doc.text.strip() and isinstance(doc.title, str)
        for field in ("uri", "title", "outlet", "url"):
            value = getattr(doc, field)
            assert value is None or len(value) <= (limit(Document, field) or len(value))


@FUZZ
@given(file_bytes())
def test_any_claims_file_is_read_or_refused_in_one_line(case: tuple[str, bytes]) -> None:
    suffix, content = case
    suffix = {**dict.fromkeys((".md", ".html", ".pdf", ".docx", ".doc", ".eml"), ".txt")}.get(
        suffix, suffix
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"claims{suffix}"
        path.write_bytes(content)
        try:
            rows = read_claims(path, MB)
        except InputError as error:
            _one_line(error, path)
            return
    assert rows.texts and len(rows.texts) == len(rows.extras)
    for text in rows.texts:
        assert text == " ".join(text.split()), "a claim is one line of single spaces"
        assert any(char.isalnum() for char in text)


values = st.one_of(
    tricky,
    st.sampled_from(["0", "-1", "1", "5", "1e309", "nan", "inf", "-inf", "0.5", "abc", " 7 "]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats().map(str),
)


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(ENV.values())), values, max_size=6))
def test_any_environment_gives_valid_settings_or_one_clear_line(environ: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        environ = {"VERIFIER_HOME": folder, **environ}
        try:
            made = Settings.from_env(environ)
        except SettingsError as error:
            message = str(error)
            assert "\n" not in message and message
            return
        assert 1 <= made.top_k <= 100
        assert made.max_file_bytes > 0
        assert made.batch_size is None or made.batch_size >= 1
        assert 0 <= made.hybrid_weight <= 1
        made.rating_scale  # noqa: B018 (checked again: must not raise now)


# Words that set the rules off (figures, rating words, negations, denials, hedges,
# withdrawals, clause ends) among plain ones, and the tricky characters.
stance_words = st.sampled_from(
    "Russia Russia's jets are at the base 28 six twenty-eight not no never cannot didn't "
    "n't only more than denied rejected reports that false could be confirmed declined to "
    "confirm withdrew withdrawn evacuated pulled out of from to were will plans , . ; : "
    "though Moscow has deployed Hmeimim air 2-1 officially without".split()
)
stance_text = st.lists(st.one_of(stance_words, tricky), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(stance_text, stance_text)
def test_the_rules_read_any_text_and_mark_only_spans_inside_it(claim: str, passage: str) -> None:
    from verifier.retrieve import Evidence
    from verifier.stance.rules import conflict, conflicting_spans, restates, suggest

    spans = conflicting_spans(claim, passage)
    assert all(0 <= start < end <= len(passage) for start, end in spans)
    assert spans == sorted(spans)
    if conflict(claim, passage, 1.0) is not None:
        assert not restates(claim, passage)
    suggestion = suggest(claim, [Evidence(1, passage, 0.9, "u", "t")])
    assert 0 <= suggestion.confidence <= 1 and len(suggestion.stances) == 1
