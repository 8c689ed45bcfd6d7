"""OCR of images (screenshots of posts): what each step :func:`verifier.ocr.read_image`
takes before Tesseract brings, against the image as it comes (made grey only) as the
baseline, in the same run.

Screenshots are made of the sample article's sentences, wrapped as a post is (about 50
characters a line), in a sans type from 11 to 16 pixels high, light type on dark and dark on
light, saved as PNG and as JPEG at quality 60 (a screenshot shared and saved again). Each is
read two ways: as it comes (made grey); enlarged twice, as ``read_image`` does with an image
under :data:`verifier.ocr.SMALL_SIDE` pixels. Printed: the share of the words read exactly
(aligned in order by ``difflib``), on light and on dark grounds, and seconds an image.

Run: .venv/bin/python benchmarks/bench_ocr_images.py
"""

from __future__ import annotations

import difflib
import io
import sys
import textwrap
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verifier import ocr  # noqa: E402
from verifier.sentences import sentences  # noqa: E402

WAYS = {
    "as it comes (baseline)": {"small_side": 0},
    "enlarged twice (read_image)": {"small_side": ocr.SMALL_SIDE},
}


def screenshot(text: str, size: int, dark: bool, kind: str) -> tuple[bytes, str]:
    """A post's screenshot of ``text`` in type ``size`` pixels high; with the text drawn."""
    lines = textwrap.wrap(text, 50)
    font = ImageFont.load_default(size=size)
    height = 24 + len(lines) * round(size * 1.5)
    ground, ink = ((21, 32, 43), (231, 233, 234)) if dark else ((255, 255, 255), (15, 20, 25))
    image = Image.new("RGB", (round(size * 34), height), ground)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((12, 12 + number * round(size * 1.5)), line, fill=ink, font=font)
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 60} if kind == "JPEG" else {}))
    return out.getvalue(), " ".join(lines)


def words_read(expected: str, read: str) -> tuple[int, int]:
    want, got = expected.split(), read.split()
    matcher = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()), len(want)


def main() -> None:
    article = (ROOT / "sample_corpus" / "article.md").read_text(encoding="utf-8")
    body = article.split("\n---\n", 1)[-1]
    said = [span.text for span in sentences(body) if len(span.text) > 60][:6]
    read_in = ocr.languages()
    totals = {way: [0, 0, 0.0, 0] for way in WAYS}
    # Words read right and in all, by way and ground (light, dark).
    grounds = {(way, dark): [0, 0] for way in WAYS for dark in (False, True)}
    for text in said:
        for size in (11, 13, 16):
            for dark in (False, True):
                for kind in ("PNG", "JPEG"):
                    data, expected = screenshot(text, size, dark, kind)
                    for way, options in WAYS.items():
                        started = time.perf_counter()
                        with Image.open(io.BytesIO(data)) as image:
                            page = ocr._prepared(image, **options)  # type: ignore[arg-type]
                        read = ocr._read("bench", read_in, 0, page)
                        right, count = words_read(expected, read)
                        total = totals[way]
                        total[0] += right
                        total[1] += count
                        total[2] += time.perf_counter() - started
                        total[3] += 1
                        grounds[way, dark][0] += right
                        grounds[way, dark][1] += count
    print(
        f"{totals[next(iter(WAYS))][3]} screenshots ({len(said)} sentences, 3 sizes, light and "
        "dark, PNG and JPEG)"
    )
    base = totals[next(iter(WAYS))]
    for way, (right, count, seconds, images) in totals.items():
        share = right / count
        light, dark = (grounds[way, ground] for ground in (False, True))
        print(
            f"{way:28} words read exactly {share:6.1%} ({share / (base[0] / base[1]):.2f}x "
            f"the baseline; on light {light[0] / light[1]:.1%}, on dark {dark[0] / dark[1]:.1%})"
            f"   {seconds / images:.2f} s an image"
        )


if __name__ == "__main__":
    main()
