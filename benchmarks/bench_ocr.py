"""OCR of scanned PDF pages: how Tesseract is run, and how well it reads.

A scanned PDF is made of the sample article's text: full A4 pages of 12-point type at
1.25 line spacing, as images at 200 dpi with no text layer (what an office scanner saves).
Its pages are rendered as :mod:`verifier.ocr` renders them, then read three ways, timed in
this run:

* baseline: Tesseract as a wrapper such as pytesseract runs it, with its own OpenMP threads,
  one page at a time;
* one thread (``OMP_THREAD_LIMIT=1``), one page at a time;
* :func:`verifier.ocr.read_pages`: one thread per Tesseract, a page per core at a time.

Printed: seconds a page and the speed-up over the baseline; and, for ``read_pages``, the
share of the printed words read exactly (words aligned in order by ``difflib``), on the
clean scan and on a worn copy of it (turned 0.8 degrees, blurred, with grey speckle: a
photocopy of a fax). Then the share of paragraphs read whole on pages set three ways (a
letter, a book, a double-spaced court filing), clean and worn, with Tesseract's own
paragraphs (its plain text output) as the baseline and as ``verifier.ocr`` reads them, both
joined into paragraphs by :func:`verifier.pdf.paragraphs`.

Run: .venv/bin/python benchmarks/bench_ocr.py [--pages 6]
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verifier import ocr  # noqa: E402
from verifier.pdf import paragraphs  # noqa: E402

DPI = 200
ONE_THREAD = {"OMP_THREAD_LIMIT": "1"}
LINES = 46  # a full A4 page at 12 points and 1.25 line spacing, inch margins


def printed_pages(count: int) -> list[list[str]]:
    """``count`` pages of the sample article's text, as lines of a printed page."""
    text = (ROOT / "sample_corpus" / "article.md").read_text(encoding="utf-8")
    body = [line for line in text.split("---")[-1].splitlines() if line.strip()]
    lines = [wrapped for line in body for wrapped in textwrap.wrap(line, 80)]
    while len(lines) < count * LINES:
        lines += lines
    return [lines[n * LINES : (n + 1) * LINES] for n in range(count)]


def scan(pages: list[list[str]], worn: bool = False, spacing: int = 15) -> bytes:
    """A PDF of ``pages`` as images: lines ``spacing`` points apart, one inch margins (a
    line that starts with a tab indented a quarter inch more)."""
    font = ImageFont.load_default(size=DPI * 12 // 72)
    images = []
    for lines in pages:
        image = Image.new("L", (int(8.27 * DPI), int(11.69 * DPI)), 255)
        draw = ImageDraw.Draw(image)
        for number, line in enumerate(lines):
            left = DPI + (DPI // 4 if line.startswith("\t") else 0)
            top = DPI + number * DPI * spacing // 72
            draw.text((left, top), line.lstrip("\t"), fill=0, font=font)
        if worn:
            image = image.rotate(0.8, Image.Resampling.BICUBIC, fillcolor=255)
            image = image.filter(ImageFilter.GaussianBlur(0.9))
            image = Image.blend(image, Image.effect_noise(image.size, 60), 0.18)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return out.getvalue()


#: How paragraphs are set: (characters a line, first line indented, blank line after,
#: points from line to line).
LAYOUTS = {
    "letter": (55, False, True, 15),  # a press office's letter
    "book": (80, True, False, 15),  # indented first lines, no blank lines
    "filing": (70, True, False, 28),  # a court filing: double-spaced
}


def paragraph_pages(count: int, layout: str) -> tuple[list[list[str]], list[list[str]]]:
    """``count`` pages of a heading, then three of the sample article's paragraphs set as
    ``layout`` (:data:`LAYOUTS`) says; and the paragraphs each page holds."""
    width, indented, blank, _ = LAYOUTS[layout]
    text = (ROOT / "sample_corpus" / "article.md").read_text(encoding="utf-8")
    body = [line.strip() for line in text.split("---")[-1].splitlines() if line.strip()]
    pages: list[list[str]] = []
    held: list[list[str]] = []
    for number in range(count * 3):
        if number % 3 == 0:
            pages.append(["MINISTRY OF DEFENCE", ""])
            held.append([])
        paragraph = body[number % len(body)]
        lines = textwrap.wrap(paragraph, width)
        if indented:
            lines[0] = f"\t{lines[0]}"
        pages[-1] += [*lines, *([""] if blank else [])]
        held[-1].append(paragraph)
    return pages, held


def whole_paragraphs(held: list[list[str]], read: dict[int, str]) -> float:
    """Share of the printed paragraphs read as one paragraph: one read whose words match
    the printed ones at 95% or more (not cut in two, nor run into the next)."""
    right = total = 0
    for number, paragraphs_held in enumerate(held):
        found = [paragraph.split() for paragraph in paragraphs(read[number])]
        for paragraph in paragraphs_held:
            want = paragraph.split()
            total += 1
            right += any(
                difflib.SequenceMatcher(a=want, b=got, autojunk=False).ratio() >= 0.95
                for got in found
            )
    return right / total


def one_at_a_time(data: bytes, pages: int, threads: dict[str, str]) -> tuple[float, dict[int, str]]:
    """Seconds to read every page, one Tesseract after the other, with ``threads`` set in
    its environment (none: its own OpenMP threads); and each page's text as Tesseract
    writes it (its own blocks and paragraphs)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    read_in = ocr.languages()  # once, as verifier.ocr asks once a file
    started = time.perf_counter()
    found = {}
    for number in range(pages):
        rendered = ocr._render("bench.pdf", document, number)
        assert rendered is not None
        image, dpi = rendered
        png = io.BytesIO()
        image.save(png, "PNG")
        found[number] = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", read_in, "--dpi", str(dpi)],
            input=png.getvalue(),
            capture_output=True,
            env={k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"} | threads,
            check=True,
        ).stdout.decode()
    seconds = time.perf_counter() - started
    document.close()
    return seconds, found


def word_accuracy(printed: list[list[str]], read: dict[int, str]) -> float:
    """Share of the printed words read exactly, aligned page by page (the pages repeat the
    article, so one alignment over all of them could pair a page with another)."""
    right = total = 0
    for number, lines in enumerate(printed):
        want = " ".join(lines).split()
        got = " ".join(paragraphs(read[number])).split()
        matcher = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
        right += sum(block.size for block in matcher.get_matching_blocks())
        total += len(want)
    return right / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=6)
    args = parser.parse_args()
    if not ocr.available():
        sys.exit("tesseract is not installed (Debian: apt install tesseract-ocr)")
    printed = printed_pages(args.pages)
    data = scan(printed)
    print(f"{args.pages} scanned A4 pages at {DPI} dpi, {LINES} lines each; {os.cpu_count()} cores")
    print(f"Tesseract languages: {ocr.languages()}")
    baseline, _ = one_at_a_time(data, args.pages, {})
    single, _ = one_at_a_time(data, args.pages, ONE_THREAD)
    started = time.perf_counter()
    read = ocr.read_pages("bench.pdf", data, range(args.pages))
    module = time.perf_counter() - started
    print(f"{'how Tesseract runs':52} {'s/page':>7} {'speed-up':>9}")
    for name, seconds in (
        ("baseline: its own threads, a page at a time", baseline),
        ("one thread, a page at a time", single),
        ("verifier.ocr: one thread, a page per core", module),
    ):
        print(f"{name:52} {seconds / args.pages:7.2f} {baseline / seconds:8.1f}x")
    worn = ocr.read_pages("worn.pdf", scan(printed, worn=True), range(args.pages))
    clean, copy = word_accuracy(printed, read), word_accuracy(printed, worn)
    print(f"words read exactly by verifier.ocr: {clean:.1%} of a clean scan,", end=" ")
    print(f"{copy:.1%} of a worn copy")
    print(f"paragraphs read whole ({args.pages} pages of each layout, 3 paragraphs a page):")
    print(f"{'layout':8} {'copy':6} {'Tesseract':>10} {'verifier.ocr':>13} {'ratio':>6}")
    for layout, (*_, spacing) in LAYOUTS.items():
        pages, held = paragraph_pages(args.pages, layout)
        for worn_copy in (False, True):
            data = scan(pages, worn=worn_copy, spacing=spacing)
            own = whole_paragraphs(held, one_at_a_time(data, args.pages, ONE_THREAD)[1])
            ours = whole_paragraphs(held, ocr.read_pages(f"{layout}.pdf", data, range(args.pages)))
            kind = "worn" if worn_copy else "clean"
            print(f"{layout:8} {kind:6} {own:10.1%} {ours:13.1%} {ours / own:5.2f}x")


if __name__ == "__main__":
    main()
