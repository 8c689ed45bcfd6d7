"""An Outlook message saved as a file (``.msg``: what Outlook's "Save As" makes of an email,
the form a press office's statement often reaches a desk in), read with ``olefile``: its
subject, sender, date, body and attachments, as a :class:`~verifier.mail.Mail` like an
``.eml`` file's. :func:`verifier.sources.read_mail_docs` makes documents of them.

A ``.msg`` file is a compound file (the container of Office's older formats) whose streams
hold the message's properties (Microsoft's [MS-OXMSG]): each text or binary property in a
stream of its own (``__substg1.0_IIIITTTT``, by property id and type), the fixed-size ones
(times, numbers) in ``__properties_version1.0``, each attachment in a storage of its own,
and an attached message (Outlook's "attach item") as a storage holding a message.

The body is the plain-text one, else the HTML one, else the text of the compressed RTF one
(decompressed with ``compressed_rtf``, read as :mod:`verifier.richtext` reads an RTF file);
an RTF body that cannot be read gives none, with a warning. Attachments are kept with their
file names; an attached message is kept as a :class:`~verifier.mail.Mail` of its own. An
attachment Outlook keeps as an embedded object (an OLE object, a link) is skipped with a
warning.
"""

from __future__ import annotations

import io
import logging
import struct
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from email.parser import HeaderParser
from pathlib import Path, PureWindowsPath

import olefile
from compressed_rtf import decompress

from verifier.errors import InputError
from verifier.mail import MAIL_NESTING, Mail, parse_sender, parse_sent
from verifier.richtext import read_rtf
from verifier.text import decode_codepage

log = logging.getLogger(__name__)

# Property ids ([MS-OXPROPS]).
_SUBJECT = 0x0037
_BODY = 0x1000
_HTML = 0x1013
_RTF = 0x1009
_SENDER_NAMES = (0x0042, 0x0C1A)  # sent representing (on behalf of), sender
_SENDER_ADDRESSES = (0x5D01, 0x0C1F, 0x0065)  # SMTP address, sender's, sent representing's
_SENT = (0x0039, 0x0E06)  # client submit time, delivery time
_HEADERS = 0x007D  # the transport headers of a received message
_CODEPAGES = (0x3FDE, 0x3FFD)  # internet code page (of the HTML), message code page
_UTF16 = 1200  # a code page that names Unicode texts, not 8-bit ones
_ATTACH_METHOD = 0x3705
_ATTACH_DATA = 0x3701
_ATTACH_NAMES = (0x3707, 0x3704, 0x3001)  # long file name, 8.3 name, display name
# Property types.
_UNICODE, _STRING8, _BINARY, _OBJECT = 0x001F, 0x001E, 0x0102, 0x000D
_BY_VALUE, _EMBEDDED = 1, 5
# The header before the property entries of the properties stream.
_TOP, _NESTED, _ATTACHMENT = 32, 24, 8
_ATTACH_PREFIX = "__attach_version1.0_#"
_PROPERTIES = "__properties_version1.0"
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def is_msg(data: bytes) -> bool:
    """Whether ``data`` is a compound file (an Outlook message, or another Office file)."""
    return data[:8] == olefile.MAGIC


def read_msg(where: Path | str, data: bytes) -> Mail:
    """The message in ``data`` (read from ``where``, for messages).

    Raises:
        InputError: not a compound file, a compound file that holds no message (a Word or
            Excel file of the old formats), or one too damaged to read.
    """
    if not is_msg(data):
        raise InputError(
            f"{where}: not an Outlook message (.msg); save the message again from Outlook, "
            "or as .eml or .txt"
        )
    logging.getLogger("olefile").setLevel(logging.ERROR)  # its warnings are about the file
    try:
        ole: olefile.OleFileIO[str] = olefile.OleFileIO(io.BytesIO(data))
        with ole:
            if not _holds_message(ole):
                raise InputError(
                    f"{where}: an Office file of the older kind, not an Outlook message; save "
                    "the message again from Outlook, or its text as .txt"
                )
            return _Message(ole, [], _TOP).mail(where, 0)
    except InputError:
        raise
    except Exception as error:  # olefile's many kinds of complaint about a damaged file
        raise InputError(
            f"{where}: cannot be read as an Outlook message ({type(error).__name__}: "
            "damaged?); save the message again from Outlook, or as .eml or .txt"
        ) from None


def _holds_message(ole: olefile.OleFileIO[str]) -> bool:
    """Whether the compound file holds a message's properties at its top."""
    return ole.exists(_PROPERTIES) or any(
        len(path) == 1 and path[0].startswith("__substg1.0_") for path in ole.listdir()
    )


class _Message:
    """The properties of one storage: a message, an attached one, or an attachment."""

    def __init__(self, ole: olefile.OleFileIO[str], folder: list[str], header: int) -> None:
        self.ole, self.folder = ole, folder
        self.fixed: dict[int, bytes] = {}
        path = [*folder, _PROPERTIES]
        if ole.exists("/".join(path)):
            raw = ole.openstream(path).read()
            for at in range(header, len(raw) - 15, 16):
                tag, _flags, value = struct.unpack_from("<II8s", raw, at)
                self.fixed[tag >> 16] = value
        # The code page of 8-bit texts, and of the HTML body (in the other order of choice).
        self.codepage = self._codepage(_CODEPAGES[::-1])
        self.html_codepage = self._codepage(_CODEPAGES)

    def _codepage(self, props: Sequence[int]) -> int:
        named = (self.number(prop) for prop in props)
        return next((page for page in named if page and page != _UTF16), 1252)

    def stream(self, prop: int, kind: int) -> bytes | None:
        path = [*self.folder, f"__substg1.0_{prop:04X}{kind:04X}"]
        if not self.ole.exists("/".join(path)):
            return None
        return self.ole.openstream(path).read()

    def text(self, prop: int) -> str | None:
        raw = self.stream(prop, _UNICODE)
        if raw is not None:
            value = raw.decode("utf-16-le", "replace")
        else:
            raw = self.stream(prop, _STRING8)
            if raw is None:
                return None
            value = decode_codepage(raw, self.codepage)
        value = value.split("\0", 1)[0]
        return value if value.strip() else None

    def number(self, prop: int) -> int | None:
        value = self.fixed.get(prop)
        return struct.unpack_from("<I", value)[0] if value is not None else None

    def time(self, prop: int) -> datetime | None:
        value = self.fixed.get(prop)
        if value is None:
            return None
        ticks = struct.unpack("<Q", value)[0]
        try:
            return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10) if ticks else None
        except OverflowError:
            return None

    def mail(self, where: Path | str, depth: int) -> Mail:
        body, kind = self.text(_BODY), "plain"
        if body is None or not body.strip():
            html = self.stream(_HTML, _BINARY)
            body = decode_codepage(html, self.html_codepage) if html else self.text(_HTML)
            kind = "html"
        if body is None or not body.strip():
            body, kind = self.rich_text(where), "plain"
        return Mail(
            subject=_one_line(self.text(_SUBJECT)),
            sender=self.sender(),
            sent=self.sent(),
            body=body.replace("\r\n", "\n") if body else None,
            body_kind=kind if body else None,
            attachments=self.attachments(where, depth),
        )

    def rich_text(self, where: Path | str) -> str | None:
        """The text of the body Outlook kept as compressed RTF alone (``None``, with a
        warning, when it cannot be read)."""
        compressed = self.stream(_RTF, _BINARY)
        if not compressed:
            return None
        try:
            return read_rtf(where, decompress(compressed))[1]
        except Exception:  # damaged: the decompressor's or the RTF reader's refusal
            log.warning(
                "%s: the message's text is kept only as rich text (RTF) that cannot be read; "
                "save it as .eml or .txt from Outlook",
                where,
            )
            return None

    def sender(self) -> str | None:
        for prop in (*_SENDER_NAMES, *_SENDER_ADDRESSES):
            if named := _one_line(self.text(prop)):
                return named
        return parse_sender(self._header("from"))

    def sent(self) -> date | None:
        for prop in _SENT:
            if (when := self.time(prop)) is not None:
                return when.date()
        return parse_sent(self._header("date"))

    def _header(self, name: str) -> str | None:
        headers = self.text(_HEADERS)
        if not headers:
            return None
        value = HeaderParser().parsestr(headers, headersonly=True).get(name)
        return str(value) if value else None

    def attachments(self, where: Path | str, depth: int) -> list[tuple[str, bytes | Mail]]:
        width = len(self.folder)
        storages = sorted(
            path[-1]
            for path in self.ole.listdir(streams=False, storages=True)
            if len(path) == width + 1
            and path[:width] == self.folder
            and path[-1].startswith(_ATTACH_PREFIX)
        )
        found: list[tuple[str, bytes | Mail]] = []
        for number, storage in enumerate(storages, start=1):
            part = _Message(self.ole, [*self.folder, storage], _ATTACHMENT)
            name = next(
                (_name(n) for n in map(part.text, _ATTACH_NAMES) if n and _name(n)),
                f"attachment-{number}",
            )
            method = part.number(_ATTACH_METHOD)
            inner = [*self.folder, storage, f"__substg1.0_{_ATTACH_DATA:04X}{_OBJECT:04X}"]
            at = f"{where}#attachment={name}"
            # An item attached in Outlook; an OLE object (method 6) is kept the same way, as
            # a storage, but holds no message.
            unmarked = method is None and self.ole.exists("/".join([*inner, _PROPERTIES]))
            if method == _EMBEDDED or unmarked:
                if not name.lower().endswith(".msg"):
                    name, at = f"{name}.msg", f"{at}.msg"
                if depth + 1 >= MAIL_NESTING:  # as deep as an email file is read
                    log.warning("%s: an email %d emails deep; skipped", at, depth + 2)
                    continue
                found.append((name, _Message(self.ole, inner, _NESTED).mail(at, depth + 1)))
            elif method in (None, _BY_VALUE):
                content = part.stream(_ATTACH_DATA, _BINARY)
                if content and content.strip():
                    found.append((name, content))
            else:
                log.warning(
                    "%s: an attachment Outlook keeps as a link or an embedded object, not a "
                    "file; skipped",
                    at,
                )
        return found


def _name(given: str) -> str:
    """A file name as Outlook keeps it, less any folder (Windows' or another's)."""
    return PureWindowsPath(given).name


def _one_line(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None
