"""Emails saved as .eml files, and as Outlook .msg files: the body and each readable
attachment (a forwarded email too) become sources, with the sender as outlet and the day
sent as date; what cannot be read is skipped, or refused."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from compressed_rtf import compress
from made_documents import make_docx, make_pdf
from made_msg import BODY, compound_file, make_msg

from tests.conftest import refused_in_one_line
from verifier import pipeline
from verifier.db.models import Article
from verifier.documents import list_sources
from verifier.errors import InputError
from verifier.outlook import read_msg
from verifier.sources import read_sources
from verifier.workbench import Workbench


def make_eml(html: bool = False, attach: bool = True) -> bytes:
    message = EmailMessage()
    message["From"] = "Ministry of Defence Press Office <press@mod.example.gov>"
    message["To"] = "desk@paper.example"
    message["Subject"] = "Fwd: Statement on the Latakia air base"
    message["Date"] = "Mon, 21 Sep 2015 10:04:00 +0300"
    body = "The ministry denies that 28 combat aircraft landed at Latakia.\n\nNo troops were sent."
    message.set_content(body)
    if html:
        message.add_alternative(f"<html><body><p>{body}</p></body></html>", subtype="html")
    if attach:
        pdf = make_pdf([["Full statement: 28 aircraft were not moved to Latakia."]], title="Full")
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename="full.pdf")
        word = make_docx()
        kind = "vnd.openxmlformats-officedocument.wordprocessingml.document"
        message.add_attachment(word, maintype="application", subtype=kind, filename="a.docx")
        message.add_attachment(b"\x89PNG\r\n", maintype="image", subtype="png", filename="x.png")
        broken = b"%PDF-1.4 broken"
        message.add_attachment(broken, maintype="application", subtype="pdf", filename="b.pdf")
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename="full.pdf")
    return bytes(message)


def test_the_body_and_readable_attachments_are_documents(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "statement.eml"
    path.write_bytes(make_eml())
    with caplog.at_level(logging.WARNING):
        docs = list(read_sources([path], 2**20))
    assert [(doc.uri.removeprefix(str(path)), doc.format, doc.title) for doc in docs] == [
        ("", "eml", "Statement on the Latakia air base"),
        ("#attachment=full.pdf", "pdf", "Full"),
        ("#attachment=a.docx", "docx", "MoD statement on Latakia"),
        ("#attachment=full-2.pdf", "pdf", "Full"),  # the same name twice: both kept apart
    ]
    assert docs[0].text == (
        "The ministry denies that 28 combat aircraft landed at Latakia.\n\nNo troops were sent."
    )
    assert {doc.outlet for doc in docs} == {"Ministry of Defence Press Office"}
    assert {str(doc.published) for doc in docs} == {"2015-09-21"}
    skipped = [record.getMessage() for record in caplog.records]
    assert any(
        "#attachment=x.png: an image attached is not read; add it as a source of its own" in m
        for m in skipped
    )
    assert any("#attachment=b.pdf: cannot be read as a PDF" in m for m in skipped)


def test_an_html_only_body_is_read_as_a_page(tmp_path: Path) -> None:
    message = EmailMessage()
    message["From"] = "wire@agency.example"
    message["Subject"] = "Re: jets"
    message.set_content("<p>Jets <b>landed</b> at Latakia.</p><script>x()</script>", subtype="html")
    path = tmp_path / "tip.eml"
    path.write_bytes(bytes(message))
    [doc] = read_sources([path], 2**20)
    assert (doc.title, doc.text, doc.outlet) == (
        "jets",
        "Jets landed at Latakia.",
        "wire@agency.example",
    )


def test_an_email_is_ingested_and_its_documents_updated_in_place(
    bench: Workbench, tmp_path: Path
) -> None:
    path = tmp_path / "statement.eml"
    path.write_bytes(make_eml(html=True))
    report = pipeline.ingest(bench, [path])
    assert report.added == 3 and report.duplicates[0][0].endswith("#attachment=full-2.pdf")
    assert pipeline.ingest(bench, [path]).unchanged == 3
    with bench.db.session() as session:
        rows, count = list_sources(session)
    assert count == 3 and {row.outlet for row in rows} == {"Ministry of Defence Press Office"}


def forwarded(inner: EmailMessage, sender: str, as_file: bool = False) -> EmailMessage:
    """An email from ``sender`` that forwards ``inner`` as an attachment: whole
    (``message/rfc822``, as mail programs do), or as a saved ``.eml`` file."""
    outer = EmailMessage()
    outer["From"] = sender
    outer["Subject"] = f"Fwd: {inner['Subject']}"
    outer["Date"] = "Tue, 22 Sep 2015 08:00:00 +0000"
    outer.set_content(f"Forwarded by {sender}.")
    if as_file:
        outer.add_attachment(
            bytes(inner), maintype="application", subtype="octet-stream", filename="tip.eml"
        )
    else:
        outer.add_attachment(inner)
    return outer


def test_an_email_forwarded_as_an_attachment_gives_its_own_documents(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    statement = EmailMessage()
    statement["From"] = "Ministry of Defence Press Office <press@mod.example.gov>"
    statement["Subject"] = "Statement on the Latakia air base"
    statement["Date"] = "Mon, 21 Sep 2015 10:04:00 +0300"
    statement.set_content("The ministry denies that 28 combat aircraft landed at Latakia.")
    pdf = make_pdf([["Full statement: 28 aircraft were not moved to Latakia."]], title="Full")
    statement.add_attachment(pdf, maintype="application", subtype="pdf", filename="full.pdf")
    path = tmp_path / "tip.eml"
    path.write_bytes(bytes(forwarded(statement, "Tipster <tips@example.org>")))
    docs = list(read_sources([path], 2**20))
    found = [
        (doc.uri.removeprefix(str(path)), doc.title, doc.outlet, str(doc.published)) for doc in docs
    ]
    statement_from = "Ministry of Defence Press Office"
    assert found == [
        ("", "Statement on the Latakia air base", "Tipster", "2015-09-22"),
        ("#attachment=attachment-1.eml", "Statement on the Latakia air base", statement_from,
         "2015-09-21"),
        ("#attachment=attachment-1.eml#attachment=full.pdf", "Full", statement_from,
         "2015-09-21"),
    ]  # fmt: skip
    assert docs[1].text == "The ministry denies that 28 combat aircraft landed at Latakia."
    # A saved .eml file attached is read the same way; emails go three deep, not further.
    deep = forwarded(forwarded(forwarded(statement, "A <a@x.example>"), "B <b@x.example>"), "C")
    path.write_bytes(bytes(forwarded(deep, "D <d@x.example>", as_file=True)))
    with caplog.at_level(logging.WARNING):
        docs = list(read_sources([path], 2**20))
    assert [doc.outlet for doc in docs] == ["D", "C", "B"]
    assert docs[1].uri.endswith("#attachment=tip.eml")
    skipped = [record.getMessage() for record in caplog.records]
    assert any(
        "#attachment=attachment-1.eml: an email 4 emails deep; skipped" in m for m in skipped
    )


def test_a_forwarded_email_too_damaged_to_read_is_skipped_and_the_rest_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    statement = EmailMessage()
    statement["From"] = "Press Office <press@mod.example.gov>"
    statement["Subject"] = "Statement"
    statement.set_content("The ministry denies that 28 combat aircraft landed at Latakia.")
    statement.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="s.pdf")
    statement.set_boundary("inner")
    outer = forwarded(statement, "Tipster <tips@example.org>")
    outer.set_boundary("outer")
    # Damaged in transit: a byte changed in its parts' boundary, and its end cut short.
    data = bytes(outer).replace(b'boundary="inner"', b'b\xf9undary="inner"')
    path = tmp_path / "tip.eml"
    path.write_bytes(data.replace(b"--outer--", b"--out\xe4r--"))
    with caplog.at_level(logging.WARNING):
        [doc] = read_sources([path], 2**20)
    assert (doc.uri, doc.text) == (str(path), "Forwarded by Tipster <tips@example.org>.")
    skipped = [record.getMessage() for record in caplog.records]
    assert any(
        "#attachment=attachment-1.eml: a forwarded email that cannot be read" in m for m in skipped
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "x.eml",
            b"Just some text, no headers at all.",
            r"not an email \(no From, Subject or Date header\)",
        ),
        ("x.eml", b"\x00\x01\x02" * 50, "binary|not an email"),
        ("x.eml", b"", "file is empty"),
        # A .msg file: no compound file (read as an .eml), one with no message, one cut short.
        ("x.msg", b"Just some text named .msg", r"not an email \(no From, Subject or Date"),
        ("x.msg", compound_file({"WordDocument": b"x" * 600}), "an Office file of the older"),
        ("x.msg", make_msg()[:1500], "cannot be read as an Outlook message"),
    ],
)
def test_a_file_that_is_not_an_email_is_one_clear_line(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    refused_in_one_line(tmp_path / name, data, message)


def test_an_email_with_nothing_readable_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.eml"
    message = EmailMessage()
    message["Subject"] = "Photo"
    message.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="p.png")
    path.write_bytes(bytes(message))
    with pytest.raises(InputError, match="no document with text in it"):
        list(read_sources([path], 2**20))


def test_an_outlook_message_gives_its_body_and_readable_attachments(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pdf = make_pdf([["Full statement: 28 aircraft were not moved to Latakia."]], title="Full")
    path = tmp_path / "statement.msg"
    # Outlook keeps some names with the folder they came from.
    attached = [("C:\\Press\\full.pdf", pdf), ("a.docx", make_docx()), ("x.png", b"\x89PNG")]
    attached.append(("b.pdf", b"%PDF-1.4 broken"))
    path.write_bytes(make_msg(attachments=attached, objects=["Chart"]))
    with caplog.at_level(logging.WARNING):
        docs = list(read_sources([path], 2**20))
    assert [(doc.uri.removeprefix(str(path)), doc.format, doc.title) for doc in docs] == [
        ("", "msg", "Statement on the Latakia air base"),  # "RE: " taken off
        ("#attachment=full.pdf", "pdf", "Full"),
        ("#attachment=a.docx", "docx", "MoD statement on Latakia"),
    ]
    assert docs[0].text == BODY.replace("\r\n", "\n")
    assert {doc.outlet for doc in docs} == {"Ministry of Defence Press Office"}
    assert {str(doc.published) for doc in docs} == {"2015-09-21"}
    skipped = [record.getMessage() for record in caplog.records]
    assert any(
        "#attachment=x.png: an image attached is not read; add it as a source of its own" in m
        for m in skipped
    )
    assert any("#attachment=b.pdf: cannot be read as a PDF" in m for m in skipped)
    assert any("#attachment=Chart: an attachment Outlook keeps as a link" in m for m in skipped)


def test_an_outlook_message_in_html_in_a_code_page_or_with_only_its_headers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tip.msg"
    # An HTML body alone, in the code page the message names (UTF-8 here).
    page = "<p>Jets <b>landed</b> at Latakia – twice.</p><script>x()</script>".encode()
    path.write_bytes(make_msg("FW: jets", None, html=page, codepage=65001, sender=None))
    [doc] = read_sources([path], 2**20)
    assert (doc.title, doc.text, doc.outlet) == (
        "jets",
        "Jets landed at Latakia – twice.",
        "press@mod.example.gov",  # no sender's name: the address
    )
    # 8-bit texts in the message's code page (Cyrillic, 1251; Polish in ISO 8859-2).
    path.write_bytes(make_msg("Заявление", "Самолёты не прибыли.", codepage=1251, sender="Пресс"))
    [doc] = read_sources([path], 2**20)
    assert (doc.title, doc.text, doc.outlet) == ("Заявление", "Самолёты не прибыли.", "Пресс")
    path.write_bytes(make_msg("Oświadczenie", "Żadne samoloty.", codepage=28592))
    [doc] = read_sources([path], 2**20)
    assert (doc.title, doc.text) == ("Oświadczenie", "Żadne samoloty.")
    # The HTML in the code page named for it, the subject in the message's own.
    html = "<p>Самолёты не прибыли.</p>".encode("cp1251")
    path.write_bytes(make_msg("Café", None, html=html, codepage=1252, html_codepage=1251))
    [doc] = read_sources([path], 2**20)
    assert (doc.title, doc.text) == ("Café", "Самолёты не прибыли.")
    # A message received: sender and day from its transport headers.
    headers = "From: Wire Desk <wire@agency.example>\r\nDate: Tue, 22 Sep 2015 23:30:00 -0200\r\n"
    path.write_bytes(make_msg(sender=None, address=None, sent=None, headers=headers))
    [doc] = read_sources([path], 2**20)
    assert (doc.outlet, str(doc.published)) == ("Wire Desk", "2015-09-22")


def test_an_item_attached_in_outlook_gives_its_own_documents(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pdf = make_pdf([["Full statement: 28 aircraft were not moved to Latakia."]], title="Full")
    statement = {
        "subject": "Statement on the Latakia air base",
        "body": "The ministry denies that 28 combat aircraft landed at Latakia.",
        "sender": "Ministry of Defence Press Office",
        "sent": datetime(2015, 9, 21, 7, 4, tzinfo=UTC),
        "attachments": [("full.pdf", pdf)],
    }
    path = tmp_path / "tip.msg"
    tip = {"body": "Forwarded by the tipster.", "sender": "Tipster", "sent": None}
    path.write_bytes(make_msg("FW: Statement", **tip, items=[statement]))  # type: ignore[arg-type]
    docs = list(read_sources([path], 2**20))
    found = [(doc.uri.removeprefix(str(path)), doc.title, doc.outlet, str(doc.published))
             for doc in docs]  # fmt: skip
    item = "#attachment=Statement on the Latakia air base.msg"
    assert found == [
        ("", "Statement", "Tipster", "None"),
        (item, "Statement on the Latakia air base", statement["sender"], "2015-09-21"),
        (item + "#attachment=full.pdf", "Full", statement["sender"], "2015-09-21"),
    ]
    # An .eml file attached to a message, and a .msg file attached to an email, are read
    # too; emails go three deep (as forwarded .eml files do), not further.
    mail = EmailMessage()
    mail["From"], mail["Subject"] = "Desk <desk@x.example>", "Saved from Outlook"
    mail.set_content("The message the ministry sent, as saved.")
    mail.add_attachment(
        make_msg(items=[{**tip, "items": [statement]}]),
        maintype="application",
        subtype="vnd.ms-outlook",
        filename="saved.msg",
    )
    path = tmp_path / "desk.eml"
    path.write_bytes(bytes(mail))
    with caplog.at_level(logging.WARNING):
        docs = list(read_sources([path], 2**20))
    assert [doc.outlet for doc in docs] == ["Desk", "Ministry of Defence Press Office", "Tipster"]
    assert docs[1].uri.endswith("#attachment=saved.msg")
    skipped = [record.getMessage() for record in caplog.records]
    assert any("an email 4 emails deep; skipped" in m for m in skipped)
    # Items inside items in one .msg file: the same three deep, said the same way.
    caplog.clear()
    path = tmp_path / "deep.msg"
    path.write_bytes(make_msg(items=[{**tip, "items": [{**tip, "items": [statement]}]}]))
    with caplog.at_level(logging.WARNING):
        docs = list(read_sources([path], 2**20))
    assert [doc.outlet for doc in docs] == [
        "Ministry of Defence Press Office",
        "Tipster",
        "Tipster",
    ]
    skipped = [record.getMessage() for record in caplog.records]
    assert [m for m in skipped if "deep; skipped" in m] == [
        f"{path}#attachment=item.msg#attachment=item.msg#attachment="
        "Statement on the Latakia air base.msg: an email 4 emails deep; skipped"
    ]
    # Read directly, a file that is no compound file is named as no Outlook message.
    with pytest.raises(InputError, match=r"x.msg: not an Outlook message \(.msg\)"):
        read_msg("x.msg", b"From: someone")


def test_a_message_kept_only_as_rich_text_is_read_from_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "rtf.msg"
    said = r"{\rtf1\ansi\ansicpg1252 The ministry denies it\'92s true.\par No troops.\par}"
    path.write_bytes(make_msg(body=None, rtf=compress(said.encode("ascii"))))
    [doc] = read_sources([path], 2**20)
    assert doc.text == "The ministry denies it’s true.\n\nNo troops." and doc.format == "msg"
    # An HTML message Outlook kept as RTF: the page's text, not its tags.
    html = (
        r"{\rtf1\ansi\fromhtml1{\*\htmltag19 <html>}{\*\htmltag50 <p>}Jets landed."
        r"{\*\htmltag58 </p>}\htmlrtf\par\htmlrtf0{\*\htmltag27 </html>}}"
    )
    path.write_bytes(make_msg(body=None, rtf=compress(html.encode("ascii"))))
    [doc] = read_sources([path], 2**20)
    assert doc.text == "Jets landed."
    # Damaged: said, and nothing else to read.
    path.write_bytes(make_msg(body=None, rtf=b"LZFu" + bytes(20)))
    with caplog.at_level(logging.WARNING), pytest.raises(InputError, match="no document with"):
        list(read_sources([path], 2**20))
    assert any(
        "kept only as rich text (RTF) that cannot be read" in r.getMessage() for r in caplog.records
    )


def test_an_outlook_message_is_ingested_as_sources(bench: Workbench, tmp_path: Path) -> None:
    path = tmp_path / "statement.msg"
    pdf = make_pdf([["Full statement: 28 aircraft were not moved to Latakia."]], title="Full")
    path.write_bytes(make_msg(attachments=[("full.pdf", pdf)]))
    assert pipeline.ingest(bench, [tmp_path]).added == 2  # a folder's .msg files are read
    assert pipeline.ingest(bench, [path]).unchanged == 2
    with bench.db.session() as session:
        rows, count = list_sources(session)
    assert count == 2 and {row.format for row in rows} == {"msg", "pdf"}
    # Uploaded in the app, as a desk drops it from Outlook.
    upload = make_msg("Tip", "Jets landed at Latakia on Tuesday, a source said.", sender="Tips")
    report = pipeline.ingest_uploads(bench, [("Tip from a source.msg", upload)])
    assert report.added == 1 and not report.warnings


def test_an_email_is_an_article_by_its_own_text(
    bench: Workbench, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A chain email a reader forwarded: its body is the article, from its sender that day.
    chain = EmailMessage()
    chain["From"] = "Concerned Citizen <cc@example.org>"
    chain["Subject"] = "Fwd: FWD: Read before they delete it"
    chain["Date"] = "Wed, 23 Sep 2015 12:00:00 +0000"
    chain.set_content(
        "Russia has moved 200 combat aircraft to the Latakia air base this week.\n\n"
        "Share this with everyone you know."
    )
    chain.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="proof.png")
    path = tmp_path / "chain.eml"
    path.write_bytes(bytes(chain))
    with caplog.at_level(logging.WARNING):
        stored = pipeline.extract_article_file(bench, path)
    assert stored.title == "Read before they delete it"
    assert [claim.text for claim in stored.claims][0].startswith("Russia has moved 200")
    with bench.db.session() as session:
        article = session.get(Article, stored.id)
        assert article is not None
        assert (article.outlet, str(article.published)) == ("Concerned Citizen", "2015-09-23")
    assert any(
        "its 1 attachment(s) are no part of the article" in record.getMessage()
        for record in caplog.records
    )
    # An Outlook message uploaded in the app, the same way; the warning is shown there.
    upload = pipeline.read_article_upload(
        bench, "newsletter.msg", make_msg(attachments=[("a.txt", b"x")])
    )
    assert upload.title == "Statement on the Latakia air base"
    assert upload.meta.outlet == "Ministry of Defence Press Office"
    assert upload.text.startswith("The ministry denies that 28 combat aircraft")
    assert upload.warnings == [
        "newsletter.msg: its 1 attachment(s) are no part of the article; add the email as a "
        "source to read them"
    ]
    # An email whose only text is an attachment: the attached file is the article.
    with pytest.raises(InputError, match="the email has no text of its own"):
        pipeline.read_article_upload(
            bench, "bare.msg", make_msg(body=None, attachments=[("a.txt", b"x")])
        )
