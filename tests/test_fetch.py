"""Articles fetched from a web address, against a local HTTP server: read like an article
file, within a time and size limit, with one clear line for each way it can fail."""

from __future__ import annotations

import dataclasses
import http.server
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from made_doc import make_doc
from made_documents import RTF, make_docx, make_odt, make_pdf, make_screenshot

from verifier import pipeline
from verifier.documents import list_sources
from verifier.errors import InputError
from verifier.fetch import fetch_article, page_file_name
from verifier.workbench import Workbench

PAGE = """<!doctype html><html><head><title>Jets at Latakia | Wire</title>
<meta property="og:site_name" content="Frontline Wire">
<link rel="canonical" href="https://wire.example.org/jets">
<meta property="article:published_time" content="2015-09-21T10:00:00Z"></head>
<body><nav>Home | World</nav><article><h1>Jets at Latakia</h1>
<p>Russia has moved 28 combat aircraft to the Latakia air base, officials said.</p>
<p>The Pentagon declined to comment.</p></article><footer>© Wire</footer></body></html>"""


STATEMENT = make_pdf(
    [
        [
            "Ministry of Defence statement",
            "",
            "The ministry denies that 28 combat aircraft landed at Latakia.",
            "No troops were sent.",
        ]
    ],
    title="MoD denies Latakia deployment",
)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass

    def send(self, status: int, kind: str, body: bytes, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (the handler's name)
        try:
            self.answer()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up, as the over-size and slow cases expect it to

    def answer(self) -> None:
        if self.path == "/article.html":
            self.send(200, "text/html; charset=utf-8", PAGE.encode())
        elif self.path == "/cp1251.html":
            body = "<p>Россия перебросила 28 самолётов на авиабазу, сообщили в министерстве.</p>"
            self.send(200, "text/html; charset=windows-1251", body.encode("cp1251"))
        elif self.path == "/plain.txt":
            self.send(200, "text/plain", b"Spartak beat Zenit 2-1 on Sunday, the club said.\n")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/report.pdf":
            self.send(200, "application/pdf", b"%PDF-1.4 ...")
        elif self.path == "/statement.pdf":
            self.send(200, "application/pdf", STATEMENT)
        elif self.path == "/release.docx":
            kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            self.send(200, kind, make_docx())
        elif self.path == "/old.doc":
            self.send(200, "application/msword", make_doc())
        elif self.path == "/release.odt":
            self.send(200, "application/vnd.oasis.opendocument.text", make_odt())
        elif self.path == "/release.rtf":
            self.send(200, "application/rtf", RTF.encode("ascii"))
        elif self.path == "/photo.jpg":
            self.send(200, "image/jpeg", b"\xff\xd8\xff\xe0")  # cut short
        elif self.path == "/post.png":
            self.send(200, "image/png", make_screenshot(["Russia has moved 28 jets to Latakia."]))
        elif self.path == "/clip.mp4":
            self.send(200, "video/mp4", b"\x00\x00\x00\x18ftypmp42")
        elif self.path == "/big-announced":
            self.send(200, "text/html", b"<p>x</p>", length=50_000_000)
        elif self.path == "/big-unannounced":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no length: the body streams on past the limit
            for _ in range(100):
                self.wfile.write(b"<p>" + b"words " * 2000 + b"</p>")
        elif self.path == "/slow":
            time.sleep(2)
            self.send(200, "text/html", b"<p>late</p>")
        elif self.path == "/empty.html":
            self.send(200, "text/html", b"<html><body><script>x()</script></body></html>")
        else:
            self.send(404, "text/html", b"<p>not here</p>")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_page_is_read_as_an_article_with_its_details(server: str) -> None:
    title, text, meta = fetch_article(f"{server}/moved", 2**20)
    assert title == "Jets at Latakia | Wire"
    assert text.startswith("Jets at Latakia\n\nRussia has moved 28 combat aircraft")
    assert "Home | World" not in text and "© Wire" not in text
    assert meta.url == "https://wire.example.org/jets" and meta.outlet == "Frontline Wire"
    assert meta.published is not None and meta.published.isoformat() == "2015-09-21"


def test_the_servers_charset_and_plain_text_pages(server: str) -> None:
    _, text, meta = fetch_article(f"{server}/cp1251.html", 2**20)
    assert text.startswith("Россия перебросила 28 самолётов")
    assert meta.url == f"{server}/cp1251.html"  # no canonical link: the address fetched
    title, text, _ = fetch_article(f"{server}/plain.txt", 2**20)
    assert text.startswith("Spartak beat Zenit") and title.startswith("Spartak")


def test_a_pdf_at_an_address_is_read_and_kept_as_a_source(server: str, bench: Workbench) -> None:
    title, text, meta = fetch_article(f"{server}/statement.pdf", 2**20)
    assert title == "MoD denies Latakia deployment" and meta.url == f"{server}/statement.pdf"
    assert text == (
        "Ministry of Defence statement\n\nThe ministry denies that 28 combat aircraft landed "
        "at Latakia. No troops were sent."
    )
    report = pipeline.ingest_pages(bench, [f"{server}/statement.pdf"])
    assert report.added == 1
    # Word's documents, old and new, OpenDocument and RTF, read as such files are.
    for name in ("release.docx", "old.doc", "release.odt", "release.rtf"):
        word_title, word_text, _ = fetch_article(f"{server}/{name}", 2**20)
        assert word_title == "MoD statement on Latakia" and "28" in word_text, name
    with bench.db.session() as session:
        [row] = list_sources(session)[0]
    assert row.title == title and Path(row.uri).name.startswith("127.0.0.1-statement.pdf-")
    assert Path(row.uri).suffix == ".txt"  # kept as its text, with the details
    # An image at an address (a screenshot posted on its own) is read by OCR, and kept as a
    # source it says so, as a scan's file does.
    _, post, _ = fetch_article(f"{server}/post.png", 2**20)
    assert post == "Russia has moved 28 jets to Latakia."
    assert pipeline.ingest_pages(bench, [f"{server}/post.png"]).added == 1
    with bench.db.session() as session:
        formats = {row.title: row.format for row in list_sources(session)[0]}
    assert formats["Russia has moved 28 jets to Latakia."] == "image-ocr"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", r"the server answered 404"),
        ("/report.pdf", r"/report.pdf: cannot be read as a PDF \(.*\); open it and save"),
        ("/photo.jpg", r"/photo.jpg: not an image that can be read \(\w+\)"),
        ("/clip.mp4", r"is video/mp4, not a web page, a PDF, a document \(Word, OpenDocument, RTF"),
        ("/big-announced", r"the page is 47\.7 MB, over the 1 MB limit"),
        ("/big-unannounced", r"the page runs over the 1 MB limit"),
        ("/slow", r"no answer within 0\.5 s"),
        ("/loop", r"redirects more than 5 times"),
        ("/empty.html", r"HTML page has no text"),
    ],
)
def test_each_failure_is_one_clear_line(server: str, path: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=message) as caught:
        fetch_article(f"{server}{path}", 2**20, timeout=0.5)
    assert "\n" not in str(caught.value)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "wire.example.org"])
def test_only_web_addresses_are_fetched(url: str) -> None:
    with pytest.raises(InputError, match="is not a web address"):
        fetch_article(url, 2**20)


def test_web_pages_become_sources_with_their_details_and_update_in_place(
    server: str, bench: Workbench
) -> None:
    pages = [f"{server}/article.html", f"{server}/plain.txt", f"{server}/article.html"]
    report = pipeline.ingest_pages(bench, pages, outlet="Desk archive", date="2015-09-20")
    assert (report.added, report.unchanged) == (2, 0) and report.passages >= 3
    with bench.db.session() as session:
        rows = {row.title: row for row in list_sources(session)[0]}
    jets = rows["Jets at Latakia | Wire"]  # what the page says wins over the defaults
    assert (jets.outlet, jets.url, str(jets.published)) == (
        "Frontline Wire",
        "https://wire.example.org/jets",
        "2015-09-21",
    )
    plain = next(row for title, row in rows.items() if title.startswith("Spartak"))
    assert (plain.outlet, plain.url, str(plain.published)) == (
        "Desk archive",
        f"{server}/plain.txt",
        "2015-09-20",
    )
    kept = bench.settings.home / "uploads" / "sources"
    assert Path(jets.uri).parent == kept and Path(jets.uri).name.startswith("127.0.0.1-article")
    assert "Russia has moved 28 combat aircraft" in Path(jets.uri).read_text(encoding="utf-8")
    # The same address again: the same source, unchanged.
    again = pipeline.ingest_pages(bench, [f"{server}/article.html"])
    assert (again.added, again.unchanged) == (0, 1)
    # One page that cannot be fetched: one line naming it, and nothing kept or added.
    before = sorted(kept.iterdir())
    with pytest.raises(InputError, match=r"/missing: the server answered 404"):
        pipeline.ingest_pages(bench, [f"{server}/cp1251.html", f"{server}/missing"])
    assert sorted(kept.iterdir()) == before
    with bench.db.session() as session:
        assert list_sources(session)[1] == 2
    with pytest.raises(InputError, match="give the web address of a page"):
        pipeline.ingest_pages(bench, ["  "])
    # Removed by the address a reviewer sees with the evidence.
    assert pipeline.remove_sources(bench, ["https://wire.example.org/jets"]).documents == 1


def test_a_page_file_name_is_readable_and_never_shared() -> None:
    one = page_file_name("https://wire.example.org/2015/09/jets?id=1")
    other = page_file_name("https://wire.example.org/2015/09/jets?id=2")
    assert one.startswith("wire.example.org-2015-09-jets-") and one.endswith(".txt")
    assert one != other and page_file_name("https://x.org/" + "a" * 500).__len__() < 100


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://169.254.169.254/latest/meta-data/iam/", "169.254.169.254"),
        ("http://[fd00:ec2::254]/latest/", "fd00:ec2::254"),
        ("http://0.0.0.0:9/", "0.0.0.0"),
        ("http://224.0.0.1/", "224.0.0.1"),
    ],
)
def test_metadata_and_other_internal_addresses_are_never_fetched(url: str, address: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=f"is at {re.escape(address)}, an address verifier"):
        fetch_article(url, 2**20, timeout=5)
    assert time.monotonic() - started < 2  # refused before anything was sent


def test_a_name_is_checked_by_what_it_resolves_to(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(host: str, port: int, **_: object) -> list[tuple[object, ...]]:
        assert host == "metadata.internal.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)  # no name server here to ask
    with pytest.raises(InputError, match="metadata.internal.example is at 169.254.169.254"):
        fetch_article("http://metadata.internal.example/latest/", 2**20, timeout=5)


def test_a_redirect_to_the_metadata_service_is_refused(server: str) -> None:
    with pytest.raises(InputError, match="169.254.169.254, an address verifier does not fetch"):
        fetch_article(f"{server}/to-metadata", 2**20, timeout=5)


def test_a_closed_port_says_it_cannot_be_fetched() -> None:
    with pytest.raises(InputError, match=r"cannot be fetched \(Connection error\)"):
        fetch_article("http://127.0.0.1:9/", 2**20, timeout=2)


class Counting(Handler):
    """The page handler, counting the requests that reached it."""

    served: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the handler's name)
        Counting.served.append(self.path)
        super().do_GET()


@pytest.fixture
def counting_server() -> Iterator[str]:
    Counting.served = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_desk_can_refuse_private_addresses(counting_server: str) -> None:
    assert fetch_article(f"{counting_server}/article.html", 2**20)[0]  # allowed by default
    with pytest.raises(InputError, match="127.0.0.1, a private or local address, and this"):
        fetch_article(f"{counting_server}/article.html", 2**20, private=False)
    with pytest.raises(InputError, match=r"10\.1\.2\.3, a private or local address"):
        fetch_article("http://10.1.2.3/", 2**20, timeout=2, private=False)
    assert Counting.served == ["/article.html"]  # the refused request never reached it


def test_a_name_that_resolves_elsewhere_when_connecting_is_refused(
    counting_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name is public when checked, local when the connection is made.
    The address the connection reached is what counts, and nothing is sent to it."""
    port = int(counting_server.rsplit(":", 1)[1])
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])

    def resolve(host: str, port: int, *_: object, **__: object) -> list[tuple[object, ...]]:
        assert host == "rebinding.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)  # no name server here to ask
    with pytest.raises(InputError, match="rebinding.example is at 127.0.0.1, a private"):
        fetch_article(f"http://rebinding.example:{port}/article.html", 2**20, private=False)
    assert Counting.served == []


def test_the_setting_reaches_pages_fetched_as_sources(
    counting_server: str, bench: Workbench
) -> None:
    bench = dataclasses.replace(
        bench, settings=dataclasses.replace(bench.settings, fetch_private="refuse")
    )
    with pytest.raises(InputError, match="VERIFIER_FETCH_PRIVATE=refuse"):
        pipeline.fetch_sources(bench, [f"{counting_server}/article.html"])
    with pytest.raises(InputError, match="VERIFIER_FETCH_PRIVATE=refuse"):
        pipeline.fetch_article_page(bench, f"{counting_server}/article.html")
    assert Counting.served == []


class Proxy(Handler):
    """A desk's forward HTTP proxy: it answers a request for a whole address (``GET
    http://host/path``) with what :class:`Handler` serves at that path, and keeps the
    addresses asked for."""

    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the handler's name)
        Proxy.asked.append(self.path)
        self.path = urlsplit(self.path).path
        super().do_GET()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A proxy, named in ``HTTP_PROXY`` as a desk's network names it."""
    Proxy.asked = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{httpd.server_address[1]}"
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", address)
    yield address
    httpd.shutdown()


def test_pages_are_fetched_through_the_desks_proxy(
    proxy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newsroom's machines reach the web through a proxy (``HTTP_PROXY``/``HTTPS_PROXY``,
    ``NO_PROXY``, as requests reads them). The page's own address is still checked, before
    the proxy is asked for it; the proxy's (a private one) is not refused even when the desk
    refuses private addresses, since it is the desk's own."""
    real = socket.getaddrinfo

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        if host == "wire.example.org":  # no name server here to ask
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    title, text, meta = fetch_article("http://wire.example.org/article.html", 2**20, private=False)
    assert title == "Jets at Latakia | Wire" and meta.outlet == "Frontline Wire"
    assert "Russia has moved 28 combat aircraft" in text
    assert Proxy.asked == ["http://wire.example.org/article.html"]
    # The metadata service, and a private address where the desk refuses them, are refused
    # as without a proxy: the proxy is never asked.
    with pytest.raises(InputError, match="169.254.169.254, an address verifier does not fetch"):
        fetch_article("http://169.254.169.254/latest/meta-data/", 2**20, timeout=5)
    with pytest.raises(InputError, match=r"10\.1\.2\.3, a private or local address"):
        fetch_article("http://10.1.2.3/article.html", 2**20, private=False)
    assert Proxy.asked == ["http://wire.example.org/article.html"]
