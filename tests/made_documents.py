"""Small documents made in the tests: PDFs (pages of text lines in Helvetica, as a word
processor's export would set them), Word and OpenDocument documents, with a title in their
metadata, and an RTF one; scanned PDFs (pages that are images of text, no text layer, or a
stamped line alone) and screenshots; and an Office file that asks for a newer zip version
than Python reads."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
from PIL import Image, ImageDraw, ImageFont


def make_pdf(pages: list[list[str]], title: str | None = None, top: int = 720) -> bytes:
    """A PDF of ``pages``, each a list of lines set one under the other from ``top`` points
    above the foot of the page."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * n} 0 R" for n in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for lines in pages:
        page_number = len(objects) + 1
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_number + 1} 0 R >>".encode()
        )
        shown = "".join(f"({_escaped(line)}) Tj T* " for line in lines)
        stream = f"BT /F1 11 Tf 14 TL 72 {top} Td {shown}ET".encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    info = None
    if title is not None:
        objects.append(f"<< /Title ({_escaped(title)}) >>".encode("latin-1"))
        info = len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "")
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_scan(pages: list[list[str]], dpi: int = 150) -> bytes:
    """A scanned PDF of ``pages``: each an A4 image (no text layer) of its lines, set in
    12-point type as a printed letter would be, as a scanner saves it."""
    font = ImageFont.load_default(size=dpi * 12 // 72)
    images = []
    for lines in pages:
        image = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 255)
        draw = ImageDraw.Draw(image)
        for number, line in enumerate(lines):
            draw.text((dpi, dpi + number * dpi * 15 // 72), line, fill=0, font=font)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def make_screenshot(
    lines: list[str], kind: str = "PNG", dark: bool = False, size: int = 15
) -> bytes:
    """A screenshot of a post: ``lines`` in type ``size`` pixels high, light on dark with
    ``dark``, saved as ``kind`` (PNG, JPEG at quality 70, TIFF...)."""
    font = ImageFont.load_default(size=size)
    ground, ink = ((21, 32, 43), (231, 233, 234)) if dark else ((255, 255, 255), (15, 20, 25))
    step = round(size * 1.6)
    image = Image.new("RGB", (size * 36, 24 + step * len(lines)), ground)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((12, 12 + number * step), line, fill=ink, font=font)
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 70} if kind == "JPEG" else {}))
    return out.getvalue()


def with_scanned_page(text_pages: bytes, scan: bytes) -> bytes:
    """The PDF ``text_pages`` with the pages of ``scan`` after its own (a statement whose
    signed annex was scanned)."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(text_pages)))
    writer.append(pypdf.PdfReader(io.BytesIO(scan)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stamped(scan: bytes, pages: list[list[str]], top: int = 40) -> bytes:
    """The PDF ``scan`` with lines of text set over each page (from ``top`` points above its
    foot), as an office stamps a scan it releases with a Bates or case number: a text layer
    of those lines alone."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(scan)))
    for page, lines in zip(writer.pages, pages, strict=True):
        page.merge_page(pypdf.PdfReader(io.BytesIO(make_pdf([lines], top=top))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_docx(title: str | None = "MoD statement on Latakia") -> bytes:
    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    document.add_heading("Statement of the Ministry of Defence", level=1)
    document.add_paragraph(
        "The ministry said on Monday that 28 combat aircraft had been moved to the Latakia "
        "air base as part of an exercise."
    )
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Aircraft", "28"), ("Troops", "about 1,500")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_paragraph("")
    document.add_paragraph("Officials   declined to comment further.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def needing_newer_zip(data: bytes) -> bytes:
    """The zip archive ``data`` with each member's "version needed to extract" set to 6.4 in
    its central directory: Python's ``zipfile`` raises ``NotImplementedError`` on opening it."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        out[at + 6 : at + 8] = (64).to_bytes(2, "little")
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


#: The body of :func:`make_odt`'s document: a heading, a paragraph with a span, spaces, a
#: comment and a footnote, a tracked deletion, a list, a table and a text box.
ODT_BODY = """
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>
  <text:p>Deleted: 40 aircraft.</text:p></text:deletion></text:changed-region>
</text:tracked-changes>
<text:h text:outline-level="1">Statement of the Ministry of Defence</text:h>
<text:p>The ministry said on <text:span>Monday</text:span> that 28<text:s text:c="3"/>combat
aircraft<office:annotation><text:p>check this</text:p></office:annotation> had been moved
to the Latakia air base<text:note text:note-class="footnote">
<text:note-citation>1</text:note-citation><text:note-body><text:p>Footnote: see annex.</text:p>
</text:note-body></text:note>.<text:change text:change-id="c1"/></text:p>
<text:list><text:list-item><text:p>Troops: about 1,500.</text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>Aircraft</text:p></table:table-cell>
<table:table-cell><text:p>28</text:p></table:table-cell></table:table-row></table:table>
<text:p>Officials declined to comment.<draw:frame><draw:text-box><text:p>Boxed: a map of the
base.</text:p></draw:text-box></draw:frame></text:p>
"""


def make_odt(
    title: str | None = "MoD statement on Latakia",
    body: str = ODT_BODY,
    kind: str = "application/vnd.oasis.opendocument.text",
    encrypted: bool = False,
) -> bytes:
    """An OpenDocument text as LibreOffice writes one: ``mimetype`` first and stored, then
    the content, metadata and manifest."""
    spaces = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {spaces}>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    named = f"<dc:title>{_escaped_xml(title)}</dc:title>" if title is not None else ""
    meta = (
        f"<office:document-meta {spaces}><office:meta>{named}</office:meta></office:document-meta>"
    )
    entry = '<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>' if encrypted else ""
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="content.xml">{entry}</manifest:file-entry>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), kind)  # stored, as the format asks
        archive.writestr("content.xml", content)
        archive.writestr("meta.xml", meta)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def _escaped_xml(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: An RTF document as a word processor saves one: fonts, an information group with the
#: title, a picture, escapes in the code page it names (Windows-1252) and Unicode ones.
RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\froman Times New Roman;}}"
    r"{\info{\title MoD statement on Latakia}{\author Press Office}}"
    r"{\pict\pngblip 89504e470d0a1a0a}"
    r"\pard\f0\fs24 Statement of the Ministry of Defence\par"
    r"\pard The ministry said on Monday that 28 combat aircraft had been moved to the Latakia "
    r"air base \'96 as part of an exercise.\par"
    r"\pard Le minist\'e8re: \u1072?\u1074?\u1080?\u1072?\u1094?\u1080?\u1103?.\line Officials"
    r" declined to comment.\par}"
)


def make_weekly_tips(claim: str) -> bytes:
    """A desk's workbook of tips with a sheet a week: ``Week 1`` holds ``claim`` under a
    ``claim`` header, ``Week 2`` the header alone."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Week 1"
    for row in (["claim"], [claim]):
        first.append(row)
    book.create_sheet("Week 2").append(["claim"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
