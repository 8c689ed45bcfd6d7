"""Calibration texts for int8 quantisation, shipped with the package (no data set download).

``calibration.jsonl`` holds every distinct document, passage and sentence of the sample
corpus's sources and article (written by the team, so free to ship): whole texts the model
cuts at 256 tokens, passages, and short claim-like sentences, the lengths the model meets.
It is made by :func:`make_texts`; a test checks the shipped file is what
``scripts/make_calibration.py`` makes from ``sample_corpus/`` today.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

FILE = Path(__file__).with_name("calibration.jsonl")


@lru_cache(maxsize=1)
def calibration_texts() -> tuple[str, ...]:
    """The shipped calibration texts, in file order."""
    with open(FILE, encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


def texts_hash(texts: tuple[str, ...] | list[str]) -> str:
    return hashlib.sha256(json.dumps(list(texts)).encode("utf-8")).hexdigest()


def make_texts(documents: Iterable[str]) -> list[str]:
    """Distinct whole documents, passages and sentences of ``documents`` (their texts): the
    lengths the model meets, from one-line claims to texts it cuts at 256 tokens."""
    from verifier.passages import split_passages
    from verifier.sentences import sentences

    texts = list(documents)
    passages = [span.text for text in texts for span in split_passages(text)]
    lines = [span.text for text in texts for span in sentences(text)]
    return list(dict.fromkeys(texts + passages + lines))


def write_texts(texts: list[str], path: Path = FILE) -> None:
    path.write_text("".join(json.dumps(text) + "\n" for text in texts), encoding="utf-8")
