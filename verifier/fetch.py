"""Fetch an article or a source from a web address: bounded in time and size, read like an
article file.

Only ``http``/``https`` pages of HTML or plain text, PDFs, word processors' documents
(Word's ``.docx`` and ``.doc``, OpenDocument, RTF) and images (read by OCR) are taken.
The connection and each read time out (:data:`TIMEOUT_S`); the body is streamed and refused
once it passes the size limit, whatever the server announced; redirects are followed (at
most five). What came is then read as a file of its kind is
(:func:`verifier.sources.read_doc`): an HTML page's paragraphs, with title, outlet,
canonical URL and date from its ``<head>``; a PDF or a document as such a file is. A
source is kept as a text file with those details as front matter (:func:`fetch_source`),
and ingested as any file is.

The request goes out from the machine running verifier, so a desk that exposes the app
beyond its own network should know that it can reach addresses the browser could not. Hosts
that resolve to a link-local, multicast, reserved or unspecified address, or to a cloud's
metadata service, are refused before anything is sent, on every redirect too
(:func:`refuse_internal`): a reviewer cannot make the server read its own cloud
credentials into an article. Loopback and private addresses stay allowed (a desk's
intranet) unless ``private=False`` (``VERIFIER_FETCH_PRIVATE=refuse``, for a server open to
reviewers outside the desk's network): then only public addresses are fetched from.

The address a connection actually reached is checked too, once connected and before a byte
is sent (:class:`_GuardedAdapter`): a name that resolves to a public address when checked and
to an internal one when connected (DNS rebinding) is refused all the same.

Behind a desk's proxy (``HTTP_PROXY``/``HTTPS_PROXY``, ``NO_PROXY``, read by requests), the
request goes through it: the page's address is checked as above before the proxy is asked,
and the connection to the proxy (often a private address) is not, being the desk's own. What
a name reaches through the proxy is the proxy's to check; a name that does not resolve here
is passed on to it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool

from verifier.articles import ArticleMeta
from verifier.errors import InputError
from verifier.ocr import READ_BY_OCR
from verifier.sources import SourceDoc, read_doc
from verifier.text import web_address

#: Seconds to connect, and to wait for each piece of the page.
TIMEOUT_S = 10.0
_MAX_REDIRECTS = 5
_CHUNK = 65536
_HTML = re.compile(r"^(text/html|application/xhtml\+xml)\b", re.I)
_TEXT = re.compile(r"^text/(plain|markdown)\b", re.I)
_PDF = re.compile(r"^application/(x-)?pdf\b", re.I)
_WORD = re.compile(
    r"^application/vnd\.openxmlformats-officedocument\.wordprocessingml\.document\b", re.I
)
_OLD_WORD = re.compile(r"^application/msword\b", re.I)
_OPEN = re.compile(r"^application/vnd\.oasis\.opendocument\.text\b", re.I)
_RTF = re.compile(r"^(application|text)/rtf\b", re.I)
_IMAGES = {
    "png": ".png",
    "jpeg": ".jpg",
    "pjpeg": ".jpg",
    "tiff": ".tif",
    "webp": ".webp",
    "gif": ".gif",
    "bmp": ".bmp",
}
#: The kinds of content taken, and the file ending each is read as.
_KINDS = (
    (_HTML, ".html"),
    (_TEXT, ".txt"),
    (_PDF, ".pdf"),
    (_WORD, ".docx"),
    (_OLD_WORD, ".doc"),
    (_OPEN, ".odt"),
    (_RTF, ".rtf"),
    *((re.compile(rf"^image/{name}\b", re.I), suffix) for name, suffix in _IMAGES.items()),
)


def fetch_article(
    url: str,
    max_bytes: int,
    encoding: str | None = None,
    timeout: float = TIMEOUT_S,
    private: bool = True,
) -> tuple[str, str, ArticleMeta]:
    """``(title, text, details)`` of the article at ``url``: :func:`fetch_doc`'s.

    Raises:
        InputError: as :func:`fetch_doc`.
    """
    doc, meta = fetch_doc(url, max_bytes, encoding, timeout, private)
    return doc.title, doc.text, meta


def fetch_doc(
    url: str,
    max_bytes: int,
    encoding: str | None = None,
    timeout: float = TIMEOUT_S,
    private: bool = True,
) -> tuple[SourceDoc, ArticleMeta]:
    """The document at ``url``, as its kind of file is read, and its details; the details'
    url is the page's canonical address, else the address it was fetched from. ``private``:
    whether loopback and private-network addresses may be fetched from (see the module's
    notes).

    Raises:
        InputError: not an http(s) address, unreachable, slow, an error status, not HTML or
            text, larger than ``max_bytes``, a page without text, or at an address refused
            (:func:`refuse_internal`).
    """
    address = web_address(url.strip())
    if address is None:
        raise InputError(f"{url!r} is not a web address; give one starting with https://")
    session = requests.Session()
    session.max_redirects = _MAX_REDIRECTS
    guarded = _GuardedAdapter(private, max_retries=0)
    session.mount("http://", guarded)
    session.mount("https://", guarded)
    try:
        with session.get(
            address,
            stream=True,
            timeout=timeout,
            headers={
                "User-Agent": "verifier (fact-checking workbench)",
                "Accept": "text/html, text/plain;q=0.9, application/pdf;q=0.8, */*;q=0.1",
            },
        ) as response:
            if response.status_code >= 400:
                raise InputError(
                    f"{address}: the server answered {response.status_code} {response.reason}"
                )
            kind = response.headers.get("Content-Type", "text/html")
            if not any(known.match(kind) for known, _ in _KINDS):
                raise InputError(
                    f"{address}: is {kind.split(';')[0]}, not a web page, a PDF, a document "
                    "(Word, OpenDocument, RTF) or an image; give the page's address or upload "
                    "the text"
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
    # The kind of file the server says it sent, as the file ending that names it.
    suffix = next(end for known, end in _KINDS if known.match(kind))
    doc = read_doc(final, data, suffix, max_bytes, charset)
    try:
        meta = ArticleMeta.parse(
            url=web_address(doc.url) or final, outlet=doc.outlet, published=doc.published
        )
    except InputError as error:
        raise InputError(f"{address}: {error}") from None
    return doc, meta


def fetch_source(
    url: str,
    max_bytes: int,
    encoding: str | None = None,
    timeout: float = TIMEOUT_S,
    private: bool = True,
) -> tuple[str, bytes]:
    """The page at ``url`` as a source file to keep and ingest: ``(file name, content)``, the
    page's text under front matter giving its title, outlet, url (the canonical address,
    else the one fetched) and date, and, for a scan or an image, that OCR read it (its
    format). The name is made from the address, so fetching the same address again updates
    that source.

    Raises:
        InputError: as :func:`fetch_doc`.
    """
    doc, meta = fetch_doc(url, max_bytes, encoding, timeout, private)
    title, text = doc.title, doc.text
    address = web_address(url.strip()) or url
    lines = ["---", f'title: "{" ".join(title.split())}"']
    if doc.format in READ_BY_OCR:  # so its passages say so, as a scan's file's do
        lines.append(f"format: {doc.format}")
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


#: Cloud metadata services outside the link-local range (AWS over IPv6, Alibaba).
_METADATA = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}


def refuse_internal(url: str, private: bool = True) -> None:
    """Refuse ``url`` when its host resolves to an address no article lives at: link-local
    (169.254.169.254, the usual cloud metadata service), multicast, reserved, unspecified,
    or another cloud metadata address; and, unless ``private``, any address that is not
    public (loopback, a private network). A host that does not resolve is left to the
    request, which says so.

    Raises:
        InputError: the host and the address it resolves to.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    for ip in _addresses(host, parts.port or (443 if parts.scheme == "https" else 80)):
        _refuse_address(url, host, ip, private)


def _refuse_address(url: str, host: str, ip: _Address, private: bool) -> None:
    """Refuse ``ip`` (what ``host`` of ``url`` stands for) as :func:`refuse_internal` does."""
    if (
        ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip in _METADATA
    ):
        raise InputError(
            f"{url}: {host} is at {ip}, an address verifier does not fetch from (link-local, "
            "reserved or a cloud's metadata service); give the page's public address"
        )
    if not private and not ip.is_global:
        raise InputError(
            f"{url}: {host} is at {ip}, a private or local address, and this workbench "
            "fetches from public addresses only (VERIFIER_FETCH_PRIVATE=refuse); save the "
            "page's text and upload it"
        )


_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _addresses(host: str, port: int) -> list[_Address]:
    """The addresses ``host`` stands for: itself when it is one (no lookup), else what it
    resolves to (none when it does not: the request then says it cannot connect)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(str(sockaddr[0]).split("%")[0]) for *_, sockaddr in found]


class _GuardedAdapter(requests.adapters.HTTPAdapter):
    """Checks every request's host (the first and each redirect's) before connecting, and
    the address each new connection reached before anything is sent on it."""

    def __init__(self, private: bool, **kwargs: Any) -> None:
        self.private = private  # before the base class makes the pool manager
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _checked_pool(urllib3.connectionpool.HTTPConnectionPool, self.private),
            "https": _checked_pool(urllib3.connectionpool.HTTPSConnectionPool, self.private),
        }

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        refuse_internal(request.url or "", self.private)
        return super().send(request, *args, **kwargs)


class _PeerCheck:
    """Mixed into a urllib3 connection class: the address a new connection reached is
    checked (:func:`_refuse_address`) as soon as the socket is connected."""

    private: bool = True
    host: str
    port: int

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        try:
            peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%")[0])
            _refuse_address(f"{self.host}:{self.port}", self.host, peer, self.private)
        except BaseException:
            sock.close()
            raise
        return sock


def _checked_pool(pool: type[Any], private: bool) -> type[Any]:
    """``pool`` whose connections check the address they reached (:class:`_PeerCheck`)."""
    connection = type(
        pool.ConnectionCls.__name__, (_PeerCheck, pool.ConnectionCls), {"private": private}
    )
    return type(pool.__name__, (pool,), {"ConnectionCls": connection})


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
