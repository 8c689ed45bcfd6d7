"""The text of scanned PDF pages (without a text layer, or a stamp alone over the scan) and
of images (a screenshot of a post, a photo of a printed statement, a fax's TIFF), read by
Tesseract OCR.

A page is rendered by pdfium (``pypdfium2``) in grey at :data:`DPI`, its longest side kept
under :data:`MAX_SIDE` pixels (a poster-sized page stays in bounds), and read by the
``tesseract`` program in every language it has installed but script detection: Debian's
``tesseract-ocr`` reads English, and ``tesseract-ocr-rus``, ``tesseract-ocr-ara`` and the
like add languages (a desk installs those it gets scans in; they are listed for each file,
so a pack installed while the app runs is used at once). A page without ink (the back of
a sheet) is passed over.

A scan is a page without a text layer, or a page mostly covered by images whose text layer
holds only a line stamped over them (a Bates or case number, a court's filing header):
:func:`scanned_pages` finds the latter among pages with little text, and the caller keeps
what OCR reads there when it holds at least as much again as the text layer.

Tesseract's TSV output gives each line with its box: a page's lines are kept in its reading
order, with a blank line where it saw a new paragraph, except where such a break falls
between a full line and the line right under it at the margin, which it sometimes puts
inside a paragraph (:func:`page_text`; measured in ``benchmarks/bench_ocr.py``).

Each Tesseract runs on one thread (``OMP_THREAD_LIMIT=1``), one page per core at a time:
its own OpenMP threads made a page four times slower here (``benchmarks/bench_ocr.py``).
It is run as a program, not through a wrapper, so that this limit is its own and not the
process's (where it would also hold back torch).

What a file's pages read is kept for the last :data:`KEPT` files (by content), so that
``verifier ingest``'s second pass over a file it checked first does not read it again.

An image (:func:`read_image`) is read as a page is, each frame of a multi-page TIFF as a
page: turned upright as its camera recorded, laid on white where it is transparent, made
grey, and enlarged twice where it is small (under :data:`SMALL_SIDE` pixels: a screenshot's
type is a dozen pixels high, too small for Tesseract; 87% of words read exactly as it comes,
96% enlarged, in ``benchmarks/bench_ocr_images.py``). A screenshot in dark mode is read as
it is: Tesseract reads light type on dark as well (turning it round gained nothing there).
Pillow refuses an image of more pixels than its decompression-bomb limit.

OCR makes mistakes a text layer does not (a "3" read as "8", a line dropped): the caller
records which sources were read this way, so that a reviewer checks a quote against the scan.
Without ``tesseract`` installed, :func:`available` is false and nothing is read.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import logging
import os
import shutil
import statistics
import subprocess
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from verifier.errors import InputError

if TYPE_CHECKING:
    from PIL.Image import Image
    from pypdfium2 import PdfDocument

#: The format of a PDF source with pages read by OCR: its quotes may hold OCR's mistakes,
#: which the app says beside them.
SCANNED_PDF = "pdf-ocr"
#: The format of an image source: all of it read by OCR.
SCANNED_IMAGE = "image-ocr"
#: The formats of sources read by OCR.
READ_BY_OCR = frozenset({SCANNED_PDF, SCANNED_IMAGE})
#: An image whose longest side is under this many pixels is enlarged twice before OCR.
SMALL_SIDE = 2000
#: Resolution pages are rendered at: what Tesseract reads best at for body text.
DPI = 300
#: The longest side of a rendered page, in pixels (an A4 page at 300 dpi is 3,508).
MAX_SIDE = 7000
#: Scanned pages with ink OCR reads in one file (a second or two each on two cores).
MAX_PAGES = 100
#: A page whose images cover at least this share of it is a scan, whatever text lies over it.
SCAN_COVER = 0.5
#: Seconds Tesseract may take over one page.
PAGE_SECONDS = 120
#: A page none of whose pixels is darker than this grey (0 black, 255 white) is blank.
_NO_INK = 160
#: Resolution pages are looked at for ink when counted against :data:`MAX_PAGES` (a full
#: stop shows).
_INK_DPI = 72
#: Tesseract's data sets that are no language.
_NOT_LANGUAGES = frozenset({"osd", "equ"})
#: Files whose pages' text is kept (a few kilobytes a page).
KEPT = 8
_Key = tuple[str, tuple[int, ...]]  # the file's sha256, the pages read (an image's: none)
_kept: OrderedDict[_Key, dict[int, str]] = OrderedDict()
_kept_lock = threading.Lock()
log = logging.getLogger(__name__)


def available() -> bool:
    """Whether the ``tesseract`` program is installed (on the ``PATH``)."""
    return shutil.which("tesseract") is not None


def languages() -> str:
    """The languages OCR reads in, as Tesseract takes them (``eng+rus``): asked of it for
    each file read, so that a language pack installed while the app runs is used at once."""
    program = shutil.which("tesseract") or "tesseract"
    try:
        listed = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.splitlines()[1:]  # after "List of available languages in ..."
    except (OSError, subprocess.TimeoutExpired):
        return "eng"  # the page's reading then says what is wrong
    installed = {name.strip() for name in listed if name.strip()} - _NOT_LANGUAGES
    return "+".join(sorted(installed)) or "eng"


def scanned_pages(data: bytes, numbers: Sequence[int]) -> list[int]:
    """Those of the pages ``numbers`` (counted from 0) of the PDF ``data`` that images
    cover at least :data:`SCAN_COVER` of: scans, whatever text lies over them. Pages
    pdfium cannot read are not counted (a file it cannot open: none), so that a PDF whose
    text layer was read is not refused here."""
    if not numbers:
        return []
    try:
        with _opened("", data) as document:
            return [number for number in numbers if _covered(document, number) >= SCAN_COVER]
    except InputError:  # pdfium cannot open it
        return []


def _covered(document: PdfDocument, number: int) -> float:
    """The share of page ``number`` that images cover (0 for a page pdfium cannot read)."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    try:
        page = document[number]
    except pypdfium2.PdfiumError:
        return 0.0
    try:
        left, bottom, right, top = page.get_bbox()
        covered = 0.0
        for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            x0, y0, x1, y1 = image.get_bounds()
            width = min(x1, right) - max(x0, left)
            height = min(y1, top) - max(y0, bottom)
            covered += max(width, 0) * max(height, 0)
        return covered / max((right - left) * (top - bottom), 1.0)
    except pypdfium2.PdfiumError:
        return 0.0
    finally:
        page.close()


def check_pages(where: Path | str, data: bytes, numbers: Sequence[int]) -> None:
    """Refuse the scanned pages ``numbers`` of the PDF ``data`` if more than
    :data:`MAX_PAGES` of them have ink: the blank backs of a two-sided scan are not
    counted (looked at for ink at :data:`_INK_DPI`, only when over).

    Raises:
        InputError: too many, or a PDF pdfium cannot open; the message names ``where``.
    """
    if len(numbers) <= MAX_PAGES:
        return
    count = _inked(where, data, numbers)
    if count > MAX_PAGES:
        raise InputError(
            f"{where}: {count} pages are scans (no text layer, or only a stamp over the "
            f"image); OCR reads up to {MAX_PAGES} pages of one file: split it, or upload its "
            "text as .txt"
        )


def read_pages(where: Path | str, data: bytes, numbers: Sequence[int]) -> dict[int, str]:
    """The text OCR reads on the pages ``numbers`` (counted from 0) of the PDF ``data``,
    by page number: lines as Tesseract found them, a blank line between paragraphs
    (:func:`page_text`).

    Raises:
        InputError: more than :data:`MAX_PAGES` pages, a PDF or a page pdfium cannot
            render, or one Tesseract fails on or cannot read in :data:`PAGE_SECONDS`; the
            message names ``where``.
    """
    check_pages(where, data, numbers)

    def read() -> dict[int, str]:
        log.info("%s: reading %d scanned page(s) by OCR", where, len(numbers))
        return _read_pages(where, data, numbers)

    return _remembered((hashlib.sha256(data).hexdigest(), tuple(numbers)), read)


def _remembered(key: _Key, read: Callable[[], dict[int, str]]) -> dict[int, str]:
    """What ``read`` reads of a file, kept by ``key`` for the last :data:`KEPT` files."""
    with _kept_lock:
        if key in _kept:
            _kept.move_to_end(key)
            return dict(_kept[key])
    found = read()
    with _kept_lock:
        _kept[key] = dict(found)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return found


@contextmanager
def _opened(where: Path | str, data: bytes) -> Iterator[PdfDocument]:
    """The PDF ``data`` opened by pdfium, closed after the block.

    Raises:
        InputError: pdfium cannot open it; the message names ``where``.
    """
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise InputError(
            f"{where}: the PDF cannot be opened for OCR ({error}); upload its text as .txt"
        ) from None
    try:
        yield document
    finally:
        document.close()


def read_image(where: Path | str, data: bytes) -> str:
    """The text OCR reads in the image ``data`` (PNG, JPEG, TIFF, WebP, GIF, BMP), its
    frames (the pages of a multi-page TIFF) in order, a blank line between them and between
    paragraphs; ``""`` where it reads none.

    Raises:
        InputError: OCR is not installed, not an image Pillow reads, more pixels than its
            decompression-bomb limit, more than :data:`MAX_PAGES` frames, or Tesseract
            fails; the message names ``where``.
    """
    if not available():
        raise InputError(
            f"{where}: an image's text is read by OCR, which is not installed (Debian: apt "
            "install tesseract-ocr); install it, or upload the text as .txt"
        )
    found = _remembered((hashlib.sha256(data).hexdigest(), ()), lambda: _read_frames(where, data))
    return "\n\n".join(text for _, text in sorted(found.items()) if text)


def _read_frames(where: Path | str, data: bytes) -> dict[int, str]:
    """What Tesseract reads on each frame of the image ``data``, by frame number: a core's
    worth of frames prepared at a time (as :func:`_read_pages` renders pages), so that no
    more are held at once.

    Raises:
        InputError: not an image Pillow reads, too many pixels, or too many frames.
    """
    from PIL import Image as Images
    from PIL import ImageSequence

    cores = os.cpu_count() or 1
    found: dict[int, str] = {}
    try:
        with warnings.catch_warnings():
            # Past the limit, a warning; past twice the limit, an error: both refused here.
            warnings.simplefilter("error", Images.DecompressionBombWarning)
            with Images.open(io.BytesIO(data)) as image, ThreadPoolExecutor(cores) as pool:
                count = getattr(image, "n_frames", 1)
                if count > MAX_PAGES:
                    raise InputError(
                        f"{where}: the image has {count} pages; OCR reads up to {MAX_PAGES} of "
                        "one file: split it, or upload its text as .txt"
                    )
                log.info("%s: reading an image of %d frame(s) by OCR", where, count)
                read = functools.partial(_read, where, languages())
                frames = enumerate(ImageSequence.Iterator(image))
                # Each frame is prepared as it is reached: the iterator moves the one image.
                while batch := [
                    (n, _prepared(frame)) for n, frame in itertools.islice(frames, cores)
                ]:
                    numbers = [number for number, _ in batch]
                    pages = [page for _, page in batch]
                    found.update(zip(numbers, pool.map(read, numbers, pages), strict=True))
        return found
    except InputError:
        raise
    except (Images.DecompressionBombError, Images.DecompressionBombWarning):
        raise InputError(
            f"{where}: the image has more pixels than {Images.MAX_IMAGE_PIXELS:,} (a poster, "
            "or a damaged file?); make it smaller, or upload its text as .txt"
        ) from None
    except Exception as error:  # Pillow raises many kinds for a damaged or unknown image
        raise InputError(
            f"{where}: not an image that can be read ({type(error).__name__}); save it again "
            "as .png or .jpg, or upload its text as .txt"
        ) from None


def _prepared(frame: Image, small_side: int = SMALL_SIDE) -> tuple[Image, int] | None:
    """A frame made ready for Tesseract (see the module's notes), with the resolution to
    tell it; ``None`` if it has no ink. ``small_side`` is there for
    ``benchmarks/bench_ocr_images.py`` to measure what enlarging brings."""
    from PIL import Image as Images
    from PIL import ImageOps

    image = ImageOps.exif_transpose(frame) or frame
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        white = Images.new("RGBA", image.size, (255, 255, 255, 255))
        image = Images.alpha_composite(white, image.convert("RGBA"))
    image = image.convert("L")
    longest = max(image.size)
    scale = min(2.0 if longest < small_side else 1.0, MAX_SIDE / max(longest, 1))
    if scale != 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Images.Resampling.LANCZOS)
    return None if np.asarray(image).min() > _NO_INK else (image, DPI)


def _read_pages(where: Path | str, data: bytes, numbers: Sequence[int]) -> dict[int, str]:
    cores = os.cpu_count() or 1
    found: dict[int, str] = {}
    read_in = ""  # the languages, asked once a page with ink needs them
    with _opened(where, data) as document:
        with ThreadPoolExecutor(max_workers=cores) as pool:
            # pdfium renders on this thread (it is not thread-safe), a core's worth of pages
            # at a time, so that no more than that many rendered pages are held at once.
            for start in range(0, len(numbers), cores):
                batch = numbers[start : start + cores]
                images = [_render(where, document, number) for number in batch]
                if not read_in and any(image is not None for image in images):
                    read_in = languages()
                texts = pool.map(functools.partial(_read, where, read_in), batch, images)
                found.update(zip(batch, texts, strict=True))
    return found


def _inked(where: Path | str, data: bytes, numbers: Sequence[int]) -> int:
    """How many of the pages ``numbers`` have ink, seen at :data:`_INK_DPI`."""
    with _opened(where, data) as document:
        return sum(_render(where, document, number, _INK_DPI) is not None for number in numbers)


def _render(
    where: Path | str, document: PdfDocument, number: int, dpi: int = DPI
) -> tuple[Image, int] | None:
    """Page ``number`` in grey with the resolution it was rendered at; ``None`` if blank."""
    import pypdfium2

    try:
        page = document[number]
    except pypdfium2.PdfiumError as error:
        raise InputError(
            f"{where}: page {number + 1} cannot be read for OCR ({error}); upload its text as .txt"
        ) from None
    try:
        width, height = page.get_size()  # in points, 72 to the inch
        scale = min(dpi / 72, MAX_SIDE / max(width, height, 1))
        image = page.render(scale=scale, grayscale=True).to_pil()
    except pypdfium2.PdfiumError as error:
        raise InputError(
            f"{where}: page {number + 1} cannot be rendered for OCR ({error}); upload its "
            "text as .txt"
        ) from None
    finally:
        page.close()
    darkest, _ = image.getextrema()
    return None if darkest > _NO_INK else (image, round(scale * 72))


def _read(where: Path | str, read_in: str, number: int, page: tuple[Image, int] | None) -> str:
    """What Tesseract reads on a rendered page (one thread; nothing on a blank page)."""
    if page is None:
        return ""
    image, dpi = page
    png = io.BytesIO()
    image.save(png, "PNG")
    program = shutil.which("tesseract") or "tesseract"
    # TSV (each word with its box) asked for by its setting, not by the "tsv" config file:
    # a desk's own TESSDATA_PREFIX folder of language packs need not hold Tesseract's configs.
    tsv = ["-c", "tessedit_create_tsv=1"]
    command = [program, "stdin", "stdout", "-l", read_in, "--dpi", str(dpi), *tsv]
    try:
        done = subprocess.run(
            command,
            input=png.getvalue(),
            capture_output=True,
            timeout=PAGE_SECONDS,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            f"{where}: OCR of page {number + 1} took over {PAGE_SECONDS} s; upload its text as .txt"
        ) from None
    except OSError as error:  # the program gone, or not runnable
        raise InputError(
            f"{where}: OCR could not run on page {number + 1} ({error.strerror}); check that "
            "tesseract-ocr is installed, or upload its text as .txt"
        ) from None
    if done.returncode != 0:
        said = " ".join(done.stderr.decode("utf-8", "replace").split())[-200:]
        raise InputError(
            f"{where}: OCR failed on page {number + 1} ({said}); upload its text as .txt"
        )
    return page_text(done.stdout.decode("utf-8", "replace"))


class _Line(NamedTuple):
    key: tuple[str, ...]  # Tesseract's block, paragraph and line numbers
    left: int
    top: int
    right: int
    bottom: int
    words: str


def _lines(tsv: str) -> list[_Line]:
    """The lines of Tesseract's TSV output, in its reading order, with their boxes."""
    boxes: dict[tuple[str, ...], list[int]] = {}
    words: dict[tuple[str, ...], list[str]] = {}
    for row in tsv.splitlines()[1:]:  # after the header
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue  # not a word (a page, block, paragraph or line), or an empty one
        key = tuple(cells[2:5])
        left, top, width, height = (int(value) for value in cells[6:10])
        box = boxes.setdefault(key, [left, top, left + width, top + height])
        box[:] = [
            min(box[0], left),
            min(box[1], top),
            max(box[2], left + width),
            max(box[3], top + height),
        ]
        words.setdefault(key, []).append(cells[11].strip())
    return [
        _Line(key, left, top, right, bottom, " ".join(words[key]))
        for key, (left, top, right, bottom) in boxes.items()
    ]


def page_text(tsv: str) -> str:
    """A page's text from Tesseract's TSV output: its lines, a blank line where it saw a
    new block or paragraph, but for one that splits a paragraph: where the next line sits
    right under a full-width line (as far below it as the lines inside the page's
    paragraphs are from each other), at the page's left margin (not an indented first
    line), the two lines run on. :func:`verifier.pdf.paragraphs` joins the lines as it
    joins a text layer's."""
    lines = _lines(tsv)
    if not lines:
        return ""
    height = statistics.median(line.bottom - line.top for line in lines)
    # From a line to the next inside Tesseract's own paragraphs (double in a court filing).
    inside = [
        line.top - above.top
        for above, line in itertools.pairwise(lines)
        if above.key[:2] == line.key[:2] and line.top > above.top
    ]
    pitch = statistics.median(inside) if inside else 1.3 * height
    widths = sorted(line.right - line.left for line in lines)
    usual = statistics.median(widths[len(widths) // 2 :])  # a full line's width
    margin = sorted(line.left for line in lines)[len(lines) // 4]
    text = lines[0].words
    for above, line in itertools.pairwise(lines):
        runs_on = (
            0 < line.top - above.top <= 1.25 * pitch
            and abs(line.left - margin) < height
            and above.right - above.left >= 0.8 * usual
        )
        text += ("\n" if above.key[:2] == line.key[:2] or runs_on else "\n\n") + line.words
    return text + "\n"
