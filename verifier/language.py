"""Which language a text is written in, and what that means for the bundled model.

Detection is py3langid's (a small n-gram model shipped in the package, no download). Sentence
splitting and check-worthiness take the language (:mod:`verifier.sentences`,
:mod:`verifier.claims`); the embedding model is English-only, which the app says beside an
article in another language.
"""

from __future__ import annotations

import py3langid

#: Languages the bundled embedding model (all-MiniLM-L6-v2) was trained on.
MODEL_LANGUAGES = frozenset({"en"})
#: Letters needed before a guess is trusted; shorter texts are taken as English.
_MIN_LETTERS = 20
_SAMPLE_CHARS = 5000


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in (``en`` when too short to
    tell). Reads the first few thousand characters."""
    sample = text[:_SAMPLE_CHARS]
    if sum(char.isalpha() for char in sample) < _MIN_LETTERS:
        return "en"
    code, _ = py3langid.classify(sample)
    return str(code)


def model_reads(language: str) -> bool:
    """Whether the bundled embedding model was trained on ``language``."""
    return language in MODEL_LANGUAGES
