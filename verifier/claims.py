"""Extract check-worthy claims from an article, with character offsets.

Each sentence gets a check-worthiness score in [0, 1] from transparent features that
fact-checkers use to triage: concrete figures, named people/places/bodies, dates, attribution
to a speaker, and a factual (not interrogative or opinion) form. Boilerplate ("Leave a
comment"), questions and fragments score low. Sentences at or above the threshold are claims;
repeated sentences (the same words up to quotes and case) are kept once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from verifier.sentences import sentences
from verifier.text import normalise

_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|dozens|"
    r"hundred|hundreds|thousand|thousands|million|millions|billion|percent|half)\b",
    re.I,
)
_TIME = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|yesterday|today|"
    r"last (?:week|month|year)|(?:19|20)\d\d)\b",
    re.I,
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|announced|stated|reported|claimed|confirmed|denied|according to|"
    r"suggests?|showed?|indicat\w+)\b",
    re.I,
)
_FACTUAL_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|did|does)\b|\b\w{3,}ed\b", re.I
)
_OPINION = re.compile(
    r"\b(?:i think|i believe|i feel|in my (?:view|opinion)|we hope|hopefully|should|must)\b",
    re.I,
)
_BOILERPLATE = re.compile(
    r"^(?:leave a comment|click here|read more|subscribe|share this|sign up|advertisement|"
    r"related:|see also|follow us)",
    re.I,
)
_ANY_DIGIT = re.compile(r"\d")  # Unicode digits: Arabic-Indic, Devanagari...
_QUESTION_MARKS = "?؟？"
_SENTENCE_ENDS = ".!。！\"”’'»」"
_CAPITALISED = re.compile(r"(?<![.!?]\s)\b[A-Z][a-zA-Z’'.-]+")


@dataclass(frozen=True)
class ExtractedClaim:
    """A sentence worth checking: ``text == article[start:end]``."""

    text: str
    start: int
    end: int
    checkworthiness: float


def checkworthiness(sentence: str, language: str = "en") -> float:
    """Score in [0, 1]: how much a sentence looks like a checkable factual claim.

    English sentences are scored on the features above; other languages on those that hold
    in any script (:func:`_neutral_checkworthiness`)."""
    if language != "en":
        return _neutral_checkworthiness(sentence)
    text = sentence.strip()
    words = text.split()
    if _BOILERPLATE.match(text) or len(words) < 4:
        return 0.0
    names = [w for w in _CAPITALISED.findall(text)[1:] if w not in {"I", "I’m", "I'm"}]
    score = 0.25
    score += 0.2 if _NUMBER.search(text) else 0.0
    score += min(len(names), 3) * 0.07
    score += 0.1 if _TIME.search(text) else 0.0
    score += 0.1 if _ATTRIBUTION.search(text) else 0.0
    score += 0.1 if re.search(r"\baccording to\b", text, re.I) else 0.0
    score += 0.15 if _FACTUAL_VERB.search(text) else 0.0
    if text.endswith("?"):
        score -= 0.4
    if _OPINION.search(text):
        score -= 0.15
    if text[-1] not in ".!\"”’'":
        score -= 0.2  # captions, headings, fragments
    if len(words) < 7:
        score -= 0.2
    elif len(words) > 80:
        score -= 0.1
    return round(min(max(score, 0.0), 1.0), 3)


def _neutral_checkworthiness(sentence: str) -> float:
    """Score in [0, 1] from what marks a checkable claim in any language: figures (digits of
    any script), capitalised names (in scripts that have capitals), a full declarative
    sentence of a readable length; questions and fragments score low."""
    text = sentence.strip()
    words = text.split()
    # Scripts written without spaces (Chinese, Japanese): about two characters a word.
    count = len(words) if len(words) > 2 else len(text) // 2
    if count < 4:
        return 0.0
    names = [word for word in words[1:] if word[:1].isupper()]
    score = 0.3
    score += 0.25 if _ANY_DIGIT.search(text) else 0.0
    score += min(len(names), 3) * 0.07
    score += 0.15 if 7 <= count <= 80 else 0.0
    if text[-1] in _QUESTION_MARKS:
        score -= 0.4
    elif text[-1] not in _SENTENCE_ENDS:
        score -= 0.2  # captions, headings, fragments
    if count < 7:
        score -= 0.2
    return round(min(max(score, 0.0), 1.0), 3)


def extract_claims(
    article: str,
    threshold: float = 0.5,
    language: str = "en",
    scorer: Callable[[list[str]], Sequence[float]] | None = None,
) -> list[ExtractedClaim]:
    """Check-worthy sentences of ``article`` in reading order.

    Args:
        article: the article text.
        threshold: minimum check-worthiness for a sentence to count as a claim.
        language: ISO 639-1 code of the article's language (:mod:`verifier.language`).
        scorer: scores English sentences (given all of them, in reading order) in place of
            :func:`checkworthiness`: the desk's trained model (:mod:`verifier.checkworthy_model`).
    """
    spans = []
    seen: set[str] = set()
    for span in sentences(article, language):
        key = normalise(span.text)
        if key not in seen:
            seen.add(key)
            spans.append(span)
    scores = _scores([span.text for span in spans], language, scorer)
    return [
        ExtractedClaim(span.text, span.start, span.end, score)
        for span, score in zip(spans, scores)
        if score >= threshold
    ]


def listed_claims(
    texts: Sequence[str],
    language: str = "en",
    scorer: Callable[[list[str]], Sequence[float]] | None = None,
) -> tuple[str, list[ExtractedClaim]]:
    """A list of claims (a desk's sheet of claims going round) as an article text with its
    claims: one claim per line, each line a claim whatever its check-worthiness (the desk
    chose them; the score is kept for ordering), a repeated claim once. ``texts`` are one
    line each (:func:`verifier.text.claim_text`); ``language`` and ``scorer`` are as for
    :func:`extract_claims`."""
    kept: list[str] = []
    seen: set[str] = set()
    for text in texts:
        key = normalise(text)
        if text.strip() and key not in seen:
            seen.add(key)
            kept.append(text.strip())
    found, start = [], 0
    for text, score in zip(kept, _scores(kept, language, scorer)):
        found.append(ExtractedClaim(text, start, start + len(text), score))
        start += len(text) + 1
    return "\n".join(kept), found


def _scores(
    texts: list[str], language: str, scorer: Callable[[list[str]], Sequence[float]] | None
) -> list[float]:
    """Check-worthiness of ``texts``: by ``scorer`` for English, else :func:`checkworthiness`."""
    if scorer is not None and language == "en" and texts:
        return [round(float(score), 3) for score in scorer(texts)]
    return [checkworthiness(text, language) for text in texts]
