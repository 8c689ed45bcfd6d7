"""Read source files into :class:`SourceDoc` records, refusing bad input with one clear line.

Supported: ``.txt`` and ``.md`` (optional front matter between ``---`` lines with
``title``/``outlet``/``url``/``date``), ``.html``/``.htm`` (text from the page's paragraphs,
metadata from its ``<head>``, a fact-check's ClaimReview markup: :mod:`verifier.markup`),
``.pdf`` (its text layer as paragraphs, the title from its metadata: :mod:`verifier.pdf`),
``.docx`` and old Word's ``.doc`` (its paragraphs and tables, the title from its
properties: :mod:`verifier.word`), ``.odt`` (the same, :mod:`verifier.opendocument`),
``.rtf`` (its paragraphs and title: :mod:`verifier.richtext`), ``.eml`` and Outlook's
``.msg`` (an email: its body, and each attachment of those kinds or an email, as documents:
:func:`read_mail_docs`), ``.csv`` (one document per row, column ``text``) and ``.jsonl``
(one JSON object per line, field ``text``), and images (a screenshot, a photo of a
statement, a fax: their text read by OCR, :func:`read_image_doc`). Folders are walked for
those extensions but images' (:data:`WALKED`). The files themselves are read (size,
encoding, binary checks, table rows) by :mod:`verifier.readers`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from verifier import ocr
from verifier.db.limits import check_lengths
from verifier.db.models import Document
from verifier.errors import InputError
from verifier.mail import MAIL_NESTING, Mail, read_eml
from verifier.markup import ClaimReviewMarkup, claim_reviews
from verifier.opendocument import read_odt
from verifier.outlook import is_msg, read_msg
from verifier.pdf import paragraphs, read_pdf
from verifier.readers import TABLE_SUFFIXES, decode_text, read_bytes, read_table
from verifier.richtext import read_rtf
from verifier.text import first_line_title, one_line
from verifier.word import read_word

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
WORD_SUFFIXES = {".docx", ".doc"}
OPEN_SUFFIXES = {".odt"}
RTF_SUFFIXES = {".rtf"}
#: Images (a screenshot of a post, a photo of a statement, a fax), read by OCR.
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif", ".bmp"}
#: A word processor's documents (:func:`read_office_doc`).
OFFICE_SUFFIXES = WORD_SUFFIXES | OPEN_SUFFIXES | RTF_SUFFIXES
MAIL_SUFFIXES = {".eml", ".msg"}
#: What an email's attachment may be to be read as a document.
ATTACHED = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | OFFICE_SUFFIXES
#: What a folder is walked for: images only when named (a folder's pictures are mostly
#: photos and logos, which hold no text and would stop the run).
WALKED = ATTACHED | MAIL_SUFFIXES | set(TABLE_SUFFIXES)
SUPPORTED = WALKED | IMAGE_SUFFIXES
# How the command line names the column of a table that holds the text (the app has a field).
COLUMN_OPTION = "--column"

_REPLY = re.compile(r"^((re|fwd?|aw|wg|tr)\s*:\s*)+", re.I)  # "Fwd: Re: " before a subject
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass(frozen=True)
class SourceDoc:
    """One source document read from disk, before it is stored.

    Attributes:
        uri: identity of the document: the file's absolute path, or ``path#row`` for a row
            of a CSV/JSONL file. Re-ingesting the same uri updates that document.
    """

    uri: str
    title: str
    text: str
    format: str
    outlet: str | None = None
    url: str | None = None
    published: date | None = None


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: named files as given, folders walked for supported extensions but
    images' (:data:`WALKED`).

    Raises:
        InputError: a path does not exist, or a named file has an unsupported extension.
    """
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in WALKED
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(
                    f"{path}: folder holds no {', '.join(sorted(WALKED))} files (images are "
                    "read when named)"
                )
            files.extend(found)
        elif path.suffix.lower() not in SUPPORTED:
            raise InputError(
                f"{path}: unsupported file type {path.suffix or '(none)'}; "
                f"use one of {', '.join(sorted(SUPPORTED))}"
            )
        else:
            files.append(path)
    return list(dict.fromkeys(p.resolve() for p in files))


def parse_date(value: object, where: str) -> date | None:
    """``YYYY-MM-DD`` (or a full ISO timestamp) as a date; empty means unknown."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise InputError(f"{where}: date {text!r} is not a date; use YYYY-MM-DD") from None


def read_text_doc(path: Path | str, text: str) -> SourceDoc:
    """A .txt/.md file (or a plain-text page at a web address): optional front matter,
    then the body."""
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for number, line in enumerate(match.group(1).split("\n"), start=2):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise InputError(f"{path}:{number}: front matter line {line!r} is not 'key: value'")
            meta[key.strip().lower()] = _unquoted(value.strip())
        text = text[match.end() :]
    if not text.strip():
        raise InputError(f"{path}: has front matter but no text")
    kind = path.suffix.lower().lstrip(".") if isinstance(path, Path) else "txt"
    if meta.get("format") in ocr.READ_BY_OCR:  # a kept page OCR read (a fetched scan, image)
        kind = meta["format"]
    return SourceDoc(
        uri=str(path),
        title=one_line(meta.get("title")) or first_line_title(text, _stem(path)),
        text=text,
        format=kind,
        outlet=one_line(meta.get("outlet") or meta.get("source")),
        url=one_line(meta.get("url")),
        published=parse_date(meta.get("date") or meta.get("published"), str(path)),
    )


def _unquoted(value: str) -> str:
    """A front matter value without the one pair of quotes around it, if any (the quotes in
    ``"He said 'no'"`` stay)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _stem(path: Path | str) -> str:
    """A file's name without its extension; for a web address, its last path segment's."""
    if isinstance(path, Path):
        return path.stem
    return PurePosixPath(urlsplit(path).path).stem or urlsplit(path).hostname or "page"


def _meta(soup: BeautifulSoup, *keys: str) -> str | None:
    for key in keys:
        tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
        if tag and tag.get("content"):
            return str(tag["content"])
    return None


def read_html_doc(path: Path | str, raw: str) -> SourceDoc:
    """An HTML page (a file, or fetched from a web address): paragraph text from the
    article (or body), metadata from the head. A fact-check page's ClaimReview markup
    (:func:`verifier.markup.claim_reviews`) puts the claim it checks and its rating first
    ("Claim: ...", "Rating: False."), as a desk writes them, and gives the outlet and date
    the head does not."""
    soup = BeautifulSoup(raw, "html.parser")
    reviews = claim_reviews(soup)
    canonical = soup.find("link", rel="canonical")
    time_tag = soup.find("time", attrs={"datetime": True})
    title = _meta(soup, "og:title") or (soup.title.string if soup.title else None)
    published = _meta(soup, "article:published_time", "date", "pubdate") or (
        time_tag["datetime"] if time_tag else None
    )
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "aside", "form"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with(" ")
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = [
        " ".join(tag.get_text().split())
        for tag in root.find_all(["h1", "h2", "h3", "h4", "p", "li", "blockquote", "pre"])
        if not tag.find(["p", "li", "blockquote"])
    ]
    text = "\n\n".join(block for block in blocks if block)
    if not text:
        text = "\n\n".join(
            line.strip() for line in root.get_text("\n").splitlines() if line.strip()
        )
    checked = [line for review in reviews for line in review.lines()]
    text = "\n\n".join(part for part in [*checked, text] if part)
    if not text:
        raise InputError(f"{path}: HTML page has no text")
    h1 = soup.find("h1")
    outlet = _meta(soup, "og:site_name", "publisher", "author") or next(
        (review.author for review in reviews if review.author), None
    )
    return SourceDoc(
        uri=str(path),
        title=one_line(title) or one_line(h1.get_text() if h1 else None) or _stem(path),
        text=text,
        format="html",
        outlet=one_line(outlet),
        url=one_line((canonical.get("href") if canonical else None) or _meta(soup, "og:url")),
        published=parse_date(published, str(path)) or _reviewed_on(reviews),
    )


def _reviewed_on(reviews: list[ClaimReviewMarkup]) -> date | None:
    """The first readable date of the ClaimReview markup (a malformed one is passed over:
    the page stays readable without it)."""
    for review in reviews:
        try:
            day = parse_date(review.published, "markup")
        except InputError:
            continue
        if day is not None:
            return day
    return None


def read_pdf_doc(path: Path | str, data: bytes) -> SourceDoc:
    """A PDF (a file, or fetched from a web address): its text as paragraphs (scanned pages
    read by OCR, the format then :data:`verifier.ocr.SCANNED_PDF`), its title from the
    metadata, else its first line (:func:`verifier.pdf.read_pdf`)."""
    title, text, scanned, unread = read_pdf(path, data)
    if scanned:
        log.warning(
            "%s: %d scanned page(s) read by OCR; check quotes and figures against the scan",
            path,
            scanned,
        )
    if unread:
        log.warning(
            "%s: %d scanned page(s) not read: OCR is not installed (Debian: apt install "
            "tesseract-ocr); install it and ingest the file again",
            path,
            unread,
        )
    return SourceDoc(
        uri=str(path),
        title=one_line(title) or first_line_title(text, _stem(path)),
        text=text,
        format=ocr.SCANNED_PDF if scanned else "pdf",
    )


def read_image_doc(path: Path | str, data: bytes) -> SourceDoc:
    """An image (a screenshot of a post, a photo of a statement, a fax): its text read by OCR
    (:func:`verifier.ocr.read_image`), titled by its first line; the format
    :data:`verifier.ocr.SCANNED_IMAGE`, so that its quotes are marked as read by OCR.

    Raises:
        InputError: OCR is not installed, the image cannot be read, or OCR reads no text in it.
    """
    text = "\n\n".join(paragraphs(ocr.read_image(path, data)))  # lines joined, as a scan's
    if not any(char.isalnum() for char in text):
        raise InputError(
            f"{path}: OCR read no text in the image; upload its text as .txt, or a sharper image"
        )
    log.warning("%s: an image read by OCR; check quotes and figures against it", path)
    return SourceDoc(
        uri=str(path),
        title=first_line_title(text, _stem(path)),
        text=text,
        format=ocr.SCANNED_IMAGE,
    )


def read_office_doc(path: Path | str, data: bytes, suffix: str, max_bytes: int = 0) -> SourceDoc:
    """A word processor's document: Word (:func:`verifier.word.read_word`), OpenDocument
    (:func:`verifier.opendocument.read_odt`) or RTF (:func:`verifier.richtext.read_rtf`):
    its paragraphs (and tables), its title from its properties, else its first line."""
    if suffix in WORD_SUFFIXES:
        title, text = read_word(path, data, max_bytes)
    elif suffix in OPEN_SUFFIXES:
        title, text = read_odt(path, data, max_bytes)
    else:
        title, text = read_rtf(path, data)
    return SourceDoc(
        uri=str(path),
        title=one_line(title) or first_line_title(text, _stem(path)),
        text=text,
        format=suffix.lstrip("."),
    )


def read_doc(
    where: Path | str, data: bytes, suffix: str, max_bytes: int, encoding: str | None = None
) -> SourceDoc:
    """The one document in ``data`` (read from ``where``) of the kind ``suffix`` names: a
    PDF, an image, a Word, OpenDocument or RTF document, an HTML page, else text (with front
    matter). Used for files, an email's attachments, articles and fetched pages alike.

    Raises:
        InputError: the content cannot be used; the message names ``where``.
    """
    if suffix in PDF_SUFFIXES:
        return read_pdf_doc(where, data)
    if suffix in IMAGE_SUFFIXES:
        return read_image_doc(where, data)
    if suffix in OFFICE_SUFFIXES:
        return read_office_doc(where, data, suffix, max_bytes)
    raw = decode_text(where, data, encoding)
    return read_html_doc(where, raw) if suffix in HTML_SUFFIXES else read_text_doc(where, raw)


def read_mail_docs(
    path: Path | str, data: bytes, max_bytes: int, encoding: str | None = None, depth: int = 0
) -> list[SourceDoc]:
    """The documents of an email file: an ``.eml`` (:func:`verifier.mail.read_eml`) or an
    Outlook ``.msg`` (:func:`verifier.outlook.read_msg`), told apart by their content. Its
    body (titled by its subject, less "Re:" and "Fwd:"), then each attachment that is a
    text, HTML, PDF, Word, OpenDocument or RTF file (uri ``path#attachment=NAME``), all with
    the sender as outlet and the day it was sent as date unless a document says otherwise.
    An email attached to it (a tip forwarded as an attachment, an ``.msg`` file attached, or
    an item Outlook attached) gives its own documents the same way, with its own sender and
    date, up to :data:`~verifier.mail.MAIL_NESTING` emails deep. An attachment of another
    kind, or one that cannot be read, is skipped with a warning naming it.

    Raises:
        InputError: not an email.
    """
    return _mail_docs(path, _read_mail(path, data), max_bytes, encoding, depth)


def read_mail_body(
    path: Path | str, data: bytes, max_bytes: int, encoding: str | None = None
) -> SourceDoc:
    """An email file's own text as one document (an article to check: a chain email, a
    politician's newsletter): its body, titled by its subject, with the sender as outlet and
    the day sent as date. Its attachments are no part of it; when it has any, a warning says
    so.

    Raises:
        InputError: not an email, or one with no text of its own.
    """
    mail = _read_mail(path, data)
    docs = _mail_docs(path, replace(mail, attachments=[]), max_bytes, encoding, 0)
    if not docs:
        raise InputError(
            f"{path}: the email has no text of its own (only attachments?); load the attached "
            "file itself, or paste the text"
        )
    if mail.attachments:
        log.warning(
            "%s: its %d attachment(s) are no part of the article; add the email as a source "
            "to read them",
            path,
            len(mail.attachments),
        )
    return docs[0]


def _read_mail(where: Path | str, data: bytes) -> Mail:
    return read_msg(where, data) if is_msg(data) else read_eml(where, data)


def _mail_docs(
    path: Path | str, mail: Mail, max_bytes: int, encoding: str | None, depth: int
) -> list[SourceDoc]:
    docs = []
    text = (mail.body or "").strip()
    if text and mail.body_kind == "html":
        try:
            text = read_html_doc(path, text).text
        except InputError:
            text = ""
    subject = _REPLY.sub("", mail.subject or "").strip()
    if text:
        title = one_line(subject) or first_line_title(text, _stem(path))
        docs.append(SourceDoc(uri=str(path), title=title, text=text, format=_kind(path)))
    names: set[str] = set()
    for name, content in mail.attachments:
        suffix = Path(name).suffix.lower()
        unique, number = name, 1
        while unique in names:
            number += 1
            unique = f"{Path(name).stem}-{number}{suffix}"
        names.add(unique)
        where = f"{path}#attachment={unique}"
        if isinstance(content, Mail) or suffix in MAIL_SUFFIXES:
            if depth + 1 >= MAIL_NESTING:
                log.warning("%s: an email %d emails deep; skipped", where, depth + 2)
                continue
            try:
                inner = content if isinstance(content, Mail) else _read_mail(where, content)
                docs.extend(_mail_docs(where, inner, max_bytes, encoding, depth + 1))
            except InputError as error:
                log.warning("%s; skipped", error)
            continue
        if suffix in IMAGE_SUFFIXES:  # mostly a signature's logo, or a photo
            log.warning(
                "%s: an image attached is not read; add it as a source of its own to read "
                "its text by OCR; skipped",
                where,
            )
            continue
        if suffix not in ATTACHED:
            log.warning("%s: not a kind of file verifier reads; skipped", where)
            continue
        try:
            doc = read_doc(where, content, suffix, max_bytes, encoding)
        except InputError as error:
            log.warning("%s; skipped", error)
            continue
        docs.append(replace(doc, format=suffix.lstrip(".")))
    return [
        replace(doc, outlet=doc.outlet or mail.sender, published=doc.published or mail.sent)
        for doc in docs
    ]


def _kind(path: Path | str) -> str:
    """``msg`` for an Outlook message's body, else ``eml``."""
    return "msg" if str(path).lower().endswith(".msg") else "eml"


def _row_doc(
    path: Path, key: str, record: dict[str, object], fmt: str, column: str = "text"
) -> SourceDoc:
    text = str(record.get(column) or "").strip()
    where = f"{path} ({key})"
    return SourceDoc(
        uri=f"{path}#{key}",
        title=one_line(record.get("title")) or first_line_title(text, f"{path.stem} {key}"),
        text=text,
        format=fmt,
        outlet=one_line(record.get("outlet")),
        url=one_line(record.get("url")),
        published=parse_date(record.get("date"), where),
    )


def _table_docs(
    path: Path, rows: list[tuple[int, dict[str, object]]], fmt: str, column: str = "text"
) -> list[SourceDoc]:
    """One document per row of a CSV or JSONL file (its text in ``column``), keyed by its
    ``id`` or line number."""
    docs = []
    for number, record in rows:
        key = f"id={record['id']}" if record.get("id") not in (None, "") else f"line={number}"
        doc = _row_doc(path, key, record, fmt, column)
        if doc.text:
            docs.append(doc)
        else:
            log.warning("%s:%d has no text; skipped", path, number)
    return docs


def read_file(
    path: Path,
    max_bytes: int,
    encoding: str | None = None,
    column: str = "text",
    column_option: str = COLUMN_OPTION,
) -> list[SourceDoc]:
    """Every document in one file (one for text/HTML/PDF/Word, the body and attachments of
    an email, one per row for CSV/JSONL, its text in the ``column`` column or field; a CSV
    header is matched case-insensitively).
    ``column_option`` is how the caller lets a user name the column (the command line's
    option, a field in the app), for the error when a table lacks it.

    Raises:
        InputError: the file cannot be used; the message names the file and the fix.
    """
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        hint = f"name the column that holds the text ({column_option}), or add a {column!r} one"
        rows = read_table(path, max_bytes, encoding, column, hint)
        docs = _table_docs(path, rows, suffix[1:], column)
    elif suffix in MAIL_SUFFIXES:
        docs = read_mail_docs(path, read_bytes(path, max_bytes), max_bytes, encoding)
    else:
        docs = [read_doc(path, read_bytes(path, max_bytes), suffix, max_bytes, encoding)]
    if not docs:
        raise InputError(f"{path}: no document with text in it")
    for doc in docs:
        fields = {"uri": doc.uri, "title": doc.title, "outlet": doc.outlet, "url": doc.url}
        check_lengths(Document, fields, doc.uri)
    return docs


def read_sources(
    paths: Iterable[Path],
    max_bytes: int,
    encoding: str | None = None,
    column: str = "text",
    column_option: str | None = None,
    **defaults: str | None,
) -> Iterator[SourceDoc]:
    """Documents from files and folders; ``defaults`` fill metadata a file does not give.

    Args:
        paths: files and folders.
        max_bytes: largest file accepted.
        encoding: of files that are not UTF-8 (detected when ``None``).
        column: the CSV column or JSONL field that holds a row's text.
        column_option: how the user names ``column`` (:func:`read_file`; by default the
            command line's option).
        defaults: ``outlet``, ``url``, ``title`` or ``date`` applied where a document has none.
    """
    fill = {key: value for key, value in defaults.items() if value}
    if "date" in fill:
        fill["published"] = parse_date(fill.pop("date"), "--date")  # type: ignore[assignment]
    seen: set[str] = set()
    for path in expand_paths(paths):
        for doc in read_file(path, max_bytes, encoding, column, column_option or COLUMN_OPTION):
            if doc.uri in seen:
                raise InputError(f"{doc.uri}: appears twice; ids in a file must be unique")
            seen.add(doc.uri)
            missing = {key: value for key, value in fill.items() if not getattr(doc, key)}
            yield replace(doc, **missing) if missing else doc  # type: ignore[arg-type]
