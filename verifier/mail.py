"""An email saved as a file (``.eml``: a statement a press office sent, a tip forwarded to
the desk), read with Python's own ``email`` package: its subject, sender, date, body and
attachments. :func:`verifier.sources.read_mail_docs` makes documents of them (of an Outlook
``.msg`` file's too: :mod:`verifier.outlook` reads it into the same :class:`Mail`).

The body is the plain-text part, else the HTML one. Attachments are kept with their file
names, for the caller to read as files of their kind; an email forwarded as an attachment
(``message/rfc822``, what "Forward as attachment" makes) is kept as its own ``.eml`` file. A
file with none of an email's headers is refused as not an email.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import logging
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage, MIMEPart
from pathlib import Path

from verifier.errors import InputError

log = logging.getLogger(__name__)

#: How many emails deep an email file is read (each forwarded as an attachment of the one
#: before it, or attached as an item in Outlook): the file's own, and two inside. A deeper
#: one is skipped with a warning (:mod:`verifier.sources`, :mod:`verifier.outlook`).
MAIL_NESTING = 3
#: Headers at least one of which every email has.
_HEADERS = ("from", "subject", "date", "to", "message-id")


@dataclass(frozen=True)
class Mail:
    """What an email file holds.

    Attributes:
        body_kind: ``"plain"`` or ``"html"`` (``None`` when it has no text body).
        attachments: ``(file name, content)`` of each attachment, in order: the file's
            bytes, or (a message Outlook attached as an item) the message itself.
    """

    subject: str | None
    sender: str | None
    sent: date | None
    body: str | None
    body_kind: str | None
    attachments: list[tuple[str, bytes | Mail]] = field(default_factory=list)


def read_eml(where: Path | str, data: bytes) -> Mail:
    """The email in ``data`` (read from ``where``, for messages).

    Raises:
        InputError: not an email (none of its headers), or a MIME structure too damaged to
            read.
    """
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not any(
        _header(message, name) for name in _HEADERS
    ):
        raise InputError(
            f"{where}: not an email (no From, Subject or Date header); save the message as "
            ".eml from the mail program, or its text as .txt"
        )
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        text = _content(body) if body is not None else None
        attachments: list[tuple[str, bytes | Mail]] = []
        for number, part in enumerate(message.iter_attachments(), start=1):
            name = Path(str(part.get_filename() or "")).name or f"attachment-{number}"
            if part.get_content_type() == "message/rfc822":  # a forwarded email, whole
                name = name if name.lower().endswith(".eml") else f"{name}.eml"
                payload: object = _forwarded(where, name, part)
            else:
                payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                attachments.append((name, payload))
    except Exception as error:  # the parser's many kinds of complaint about a damaged MIME
        raise InputError(
            f"{where}: cannot be read as an email ({type(error).__name__}); save the message "
            "again from the mail program, or its text as .txt"
        ) from None
    return Mail(
        subject=_header(message, "subject"),
        sender=parse_sender(_header(message, "from")),
        sent=parse_sent(_header(message, "date")),
        body=text,
        body_kind=body.get_content_subtype() if body is not None and text else None,
        attachments=attachments,
    )


def _forwarded(where: Path | str, name: str, part: MIMEPart) -> bytes | None:
    """The bytes of an email attached whole; ``None``, with a warning, where it cannot be
    written out again (the email around it is still read)."""
    try:
        return part.get_content().as_bytes()
    except Exception as error:  # a header or part the generator cannot write back
        log.warning(
            "%s#attachment=%s: a forwarded email that cannot be read (%s); skipped",
            where,
            name,
            type(error).__name__,
        )
        return None


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message.get(name)
    except Exception:  # a header the parser cannot make sense of (HeaderParseError, ...)
        return None
    text = " ".join(str(value or "").split())
    return text or None


def parse_sender(raw: str | None) -> str | None:
    """The sender's name as a From header gives it, else its address."""
    if raw is None:
        return None
    name, address = email.utils.parseaddr(raw)
    return " ".join((name or address or raw).split()) or None


def parse_sent(raw: str | None) -> date | None:
    """The day a Date header says (``None`` when it says none that can be read)."""
    if raw is None:
        return None
    try:
        return email.utils.parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _content(part: MIMEPart) -> str | None:
    """A text part's content; a charset Python does not know is read as UTF-8, mending
    what does not decode."""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError, ValueError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else None
    if not isinstance(content, str) or not content.strip():
        return None
    return content.replace("\r\n", "\n")
