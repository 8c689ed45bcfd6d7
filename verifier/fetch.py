"""Fetch an article or a source from a web address: bounded in time and size, read like an
article file.

Only ``http``/``https`` pages of HTML or plain text are taken. The connection and each read
time out (:data:`TIMEOUT_S`); the body is streamed and refused once it passes the size
limit, whatever the server announced; redirects are followed (at most five). The page is
then read as an article file is (:func:`verifier.sources.read_html_doc`): paragraphs, title,
outlet, canonical URL and date from its ``<head>``. A source is kept as a text file with
those details as front matter (:func:`fetch_source`), and ingested as any file is.

The request goes out from the machine running verifier, so a desk that exposes the app
beyond its own network should know that it can reach addresses the browser could not.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

import requests

from verifier.articles import ArticleMeta
from verifier.errors import InputError
from verifier.readers import decode_text
from verifier.sources import read_html_doc, read_text_doc
from verifier.text import web_address

#: Seconds to connect, and to wait for each piece of the page.
TIMEOUT_S = 10.0
_MAX_REDIRECTS = 5
_CHUNK = 65536
_HTML = re.compile(r"^(text/html|application/xhtml\+xml)\b", re.I)
_TEXT = re.compile(r"^text/(plain|markdown)\b", re.I)


def fetch_article(
    url: str, max_bytes: int, encoding: str | None = None, timeout: float = TIMEOUT_S
) -> tuple[str, str, ArticleMeta]:
    """``(title, text, details)`` of the article at ``url``; the details' url is the page's
    canonical address, else the address it was fetched from.

    Raises:
        InputError: not an http(s) address, unreachable, slow, an error status, not HTML or
            text, larger than ``max_bytes``, or a page without text.
    """
    address = web_address(url.strip())
    if address is None:
        raise InputError(f"{url!r} is not a web address; give one starting with https://")
    session = requests.Session()
    session.max_redirects = _MAX_REDIRECTS
    try:
        with session.get(
            address,
            stream=True,
            timeout=timeout,
            headers={"User-Agent": "verifier (fact-checking workbench)", "Accept": "text/html"},
        ) as response:
            if response.status_code >= 400:
                raise InputError(
                    f"{address}: the server answered {response.status_code} {response.reason}"
                )
            kind = response.headers.get("Content-Type", "text/html")
            if not (_HTML.match(kind) or _TEXT.match(kind)):
                raise InputError(
                    f"{address}: is {kind.split(';')[0]}, not a web page; give the page's "
                    "address or upload the text"
                )
            data = _body(address, response, max_bytes)
            # The encoding given wins; then the one the server names; else it is detected.
            named = response.encoding if "charset=" in kind.lower() else None
            charset = encoding or named
            final = response.url
    except requests.Timeout:
        raise InputError(f"{address}: no answer within {timeout:g} s; try again later") from None
    except requests.TooManyRedirects:
        raise InputError(f"{address}: redirects more than {_MAX_REDIRECTS} times") from None
    except requests.RequestException as error:
        reason = type(error).__name__.replace("Error", " error").strip()
        raise InputError(f"{address}: cannot be fetched ({reason})") from None
    finally:
        session.close()
    raw = decode_text(final, data, charset)
    doc = read_html_doc(final, raw) if _HTML.match(kind) else read_text_doc(final, raw)
    try:
        meta = ArticleMeta.parse(
            url=web_address(doc.url) or final, outlet=doc.outlet, published=doc.published
        )
    except InputError as error:
        raise InputError(f"{address}: {error}") from None
    return doc.title, doc.text, meta


def fetch_source(
    url: str, max_bytes: int, encoding: str | None = None, timeout: float = TIMEOUT_S
) -> tuple[str, bytes]:
    """The page at ``url`` as a source file to keep and ingest: ``(file name, content)``, the
    page's text under front matter giving its title, outlet, url (the canonical address,
    else the one fetched) and date. The name is made from the address, so fetching the
    same address again updates that source.

    Raises:
        InputError: as :func:`fetch_article`.
    """
    title, text, meta = fetch_article(url, max_bytes, encoding, timeout)
    address = web_address(url.strip()) or url
    lines = ["---", f'title: "{" ".join(title.split())}"']
    if meta.outlet:
        lines.append(f'outlet: "{" ".join(meta.outlet.split())}"')
    lines.append(f"url: {meta.url or address}")
    if meta.published:
        lines.append(f"date: {meta.published.isoformat()}")
    return page_file_name(address), "\n".join([*lines, "---", "", text.strip(), ""]).encode()


def page_file_name(address: str) -> str:
    """A file name for the page at ``address``: its host and path, readable, and a short
    hash of the whole address, so two addresses never share a file
    (``wire.example.org-jets-1a2b3c4d.txt``)."""
    parts = urlsplit(address)
    readable = re.sub(r"[^\w.-]+", "-", f"{parts.hostname or ''}{parts.path}").strip("-.")
    digest = hashlib.sha256(address.encode()).hexdigest()[:8]
    return f"{readable[:80].rstrip('-.') or 'page'}-{digest}.txt"


def _body(address: str, response: requests.Response, max_bytes: int) -> bytes:
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and int(announced) > max_bytes:
        raise _too_large(address, f"is {int(announced) / 2**20:.1f} MB, over", max_bytes)
    data = bytearray()
    for piece in response.iter_content(_CHUNK):
        data += piece
        if len(data) > max_bytes:
            raise _too_large(address, "runs over", max_bytes)
    return bytes(data)


def _too_large(address: str, how: str, max_bytes: int) -> InputError:
    return InputError(
        f"{address}: the page {how} the {max_bytes / 2**20:g} MB limit; save the article's "
        "text and upload it, or raise VERIFIER_MAX_FILE_MB"
    )
