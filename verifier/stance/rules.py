"""Today's verdict rules as a stance model: transparent, so a reviewer can follow them.

Not a trained NLI model:

* evidence below ``relevant`` cosine similarity does not count (stance: neutral);
* a relevant passage *refutes* the claim when it gives a different figure for the same unit
  ("100 miles" vs "200 miles"), carries fact-check language ("false", "no evidence"...), has
  a sentence that denies the claim in its own words ("the ministry denies that ...") or
  negates it ("Moscow has not deployed any jets" against "Moscow has deployed jets"), has one
  that reports the claim's state reversed ("Russia withdrew its jets from Hmeimim" against
  "Russia's jets are at Hmeimim"), or is a close paraphrase with the negation flipped;
  otherwise it *supports* it;
* a relevant passage that reports the claim as unconfirmed ("..., but this could not be
  independently confirmed") is *neutral*, a report of it and no more;
* no relevant evidence -> ``unverified``, more confidently the weaker the best match;
* sources are weighed, not passages: each document counts once, with its best similarity,
  and against the claim if any of its close passages refutes it; a passage that copies another
  source's (the same wire story in several outlets, :mod:`verifier.copies`) counts for that
  source, not as another;
* the weight of refuting sources against supporting ones decides ``disputed`` vs
  ``supported``; confidence grows with the margin and with the best similarity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from verifier.copies import independent_sources
from verifier.labels import Label
from verifier.retrieve.base import Evidence
from verifier.sentences import sentences
from verifier.stance import negation
from verifier.stance.base import Cue, EvidenceStance, Stance, Suggestion
from verifier.text import normalise

# Rating words of fact-checks and flat contradictions. Verbs of reported speech ("denied",
# "dismissed", "rejected") are left out: news copy uses them for what someone said, which is
# no verdict on the claim. What someone denies, though, they negate (:data:`DENIALS`).
_REFUTING = re.compile(
    r"\b(?:false|falsely|untrue|not true|misleading|fabricated|fake|debunked|no evidence|"
    r"baseless|hoax|incorrect|inaccurate|pants on fire)\b",
    re.I,
)
#: A denial negates what is denied: "the ministry denies that 28 jets landed" does not say
#: that they did. "Rejected" and "dismissed" alone are no negation (one rejects a proposal),
#: only with the report they dismiss (:data:`_DISMISSAL`).
DENIALS = ("deny", "denies", "denied", "denying")
#: A negation or a denial, in :func:`~verifier.text.normalise`'s form: whether a claim or a
#: passage is negated at all (what a negation governs: :mod:`verifier.stance.negation`).
NEGATION_OR_DENIAL = re.compile(rf"\b(?:{'|'.join(negation.NEGATIONS + DENIALS)})\b|n't\b", re.I)
#: Dismissing a report is denying it too: "rejected reports that", "dismissed the claims
#: that", "refuted allegations of" (a verb alone is not: one rejects a proposal).
_DISMISSAL = (
    r"(?:reject|dismiss|refute)(?:s|es|ed|d|ing)?\s+(?:\w+\s+){0,2}?"
    r"(?:reports?|claims?|allegations?|suggestions?|accounts?|rumou?rs?|assertions?)"
)
_DENIAL = re.compile(rf"\b(?:{'|'.join(DENIALS)}|{_DISMISSAL})\b", re.I)
#: A claim about where something is now (it "is", "remains", "is stationed" somewhere), which
#: a report of its withdrawal contradicts (:func:`_reverses`). A claim about an event ("Russia
#: deployed jets to Hmeimim") is not one: a later withdrawal presupposes it.
_STATE_WORDS = frozenset(
    "is are remain remains stay stays still stationed based present now currently".split()
)
_STATE = re.compile(rf"\b(?:{'|'.join(sorted(_STATE_WORDS))})\b", re.I)
#: A withdrawal reported as done: "withdrew its jets from", "has pulled its troops out of",
#: "evacuated".
_REVERSAL = re.compile(
    r"\b(?:withdr(?:ew|awn)|evacuated|pulled\s+(?:\w+\s+){0,3}?(?:out|back))\b", re.I
)
#: What makes a withdrawal a plan or a possibility, not a report: "will withdraw", "plans to
#: pull its jets out", "could be evacuated".
_NOT_DONE = re.compile(
    r"\b(?:will|would|could|may|might|should|must|to|plans?|planning|threatens?|threatened)"
    r"\s+(?:\w+\s+){0,2}$",
    re.I,
)
#: Where a withdrawal was from: "from the Hmeimim air base", "out of Syria" (up to where to:
#: "from Crimea to Hmeimim" withdraws from Crimea).
_ORIGIN = re.compile(r"\b(?:from|out of)\b(.*?)(?:\b(?:to|into|towards?|for)\b|$)", re.I)
#: A passive withdrawal, what was withdrawn said before it: "the marines were evacuated".
_PASSIVE = re.compile(r"\b(?:was|were|been|being|be)\s+(?:\w+ly\s+)?$", re.I)
#: "Without" makes a negation conditional ("could not have deployed jets without Iranian
#: airspace"): a sentence that holds one negates no claim (:func:`_negates`).
_WITHOUT = re.compile(r"\bwithout\b", re.I)
#: A report the source itself says is not confirmed ("..., but this could not be
#: independently confirmed"; "officials declined to confirm", "would not say whether"): it
#: neither supports nor refutes what it reports.
_UNCONFIRMED = re.compile(
    r"\b(?:unconfirmed|unverified|no independent (?:confirmation|verification)|"
    r"(?:not|never|cannot|declined to|refused to)\s+(?:yet\s+)?(?:be\s+|been\s+)?"
    r"(?:independently\s+)?(?:confirm(?:ed)?|verif(?:y|ied))|"
    r"(?:not|declined to|refused to)\s+(?:say|comment on|specify)\s+(?:whether|if))\b|"
    r"n['’]t\s+(?:yet\s+)?(?:be\s+|been\s+)?(?:independently\s+)?(?:confirm(?:ed)?|"
    r"verif(?:y|ied)|say\s+whether|say\s+if|comment\s+on\s+whether)\b",
    re.I,
)
#: Similarity from which a passage counts as evidence about the claim (below it, the rules
#: call it unrelated and the review page shows it apart).
RELEVANT_SIMILARITY = 0.6
#: Similarity from which a passage is a close paraphrase of the claim: a negation in one and
#: not the other then counts as a conflict (in looser matches the "not" is usually about
#: something else).
PARAPHRASE_SIMILARITY = 0.75
# Spelled-out counts as news copy writes them ("four jets", "a dozen tanks"). "one" is left
# out: "one official said" is no figure to compare with "two officials said".
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split(),
        start=2,
    )
} | {"dozen": "12"}
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ONES = "one two three four five six seven eight nine".split()
_NUMBER_WORDS |= {tens: str(20 + 10 * n) for n, tens in enumerate(_TENS)}
_NUMBER_WORDS |= {  # "twenty-eight" is 28, not the "eight" after its hyphen
    f"{tens}-{one}": str(20 + 10 * n + m + 1)
    for n, tens in enumerate(_TENS)
    for m, one in enumerate(_ONES)
}
_QUANTITY = re.compile(
    # The lookahead lets the engine skip, at a glance, the words no figure begins with: about
    # four times as fast as trying every number word at every word.
    rf"\b(?=[\d{''.join(sorted({word[0] for word in _NUMBER_WORDS}))}])(\d[\d,]*(?:\.\d+)?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")\s+([a-z]+)",
    re.I,
)
#: Share of the claim's content words a sentence must hold to restate it (:func:`restates`):
#: three in four. No label changed on the public sets at any value from 0.6 to 1.0.
RESTATEMENT_OVERLAP = 0.75
_WORD = re.compile(r"[a-z0-9]+")
#: What an apostrophe joins to a word ("Russia's", "they're", "didn't"): no word of its own.
_CLITIC = re.compile(r"'(?:s|t|re|ll|ve|d|m)\b")
#: A fact-check's line that states the claim it checks ("Claim: ..."): it quotes the claim,
#: it does not assert it.
_CHECKED_CLAIM = re.compile(r"^\W*claim(?:ed)?[\s*_]*[:\-–]", re.I)
_STOP_UNITS = {"the", "a", "an", "and", "or", "of", "in", "on", "to", "at", "by", "for"}
# A result or tally such as "2-1" (not part of a date like 2015-09-14).
_RESULT = re.compile(r"(?<![\d-])(\d{1,3})\s?[-–]\s?(\d{1,3})(?![\d-])")


def _quantities(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for number, unit in _QUANTITY.findall(text):
        unit = unit.lower().rstrip("s")
        if unit not in _STOP_UNITS:
            value = _NUMBER_WORDS.get(number.lower(), number.replace(",", ""))
            found.setdefault(unit, set()).add(value)
    for first, second in _RESULT.findall(text):
        found.setdefault("result", set()).add(f"{first}-{second}")
    return found


@dataclass(frozen=True)
class _ClaimFacts:
    """What the rules look for in a claim, found once per claim, not once per passage."""

    text: str
    quantities: dict[str, set[str]]
    refuting: bool
    negated: bool
    state: bool

    @classmethod
    def of(cls, claim: str) -> _ClaimFacts:
        return cls(
            claim,
            _quantities(claim),
            bool(_REFUTING.search(claim)),
            bool(NEGATION_OR_DENIAL.search(normalise(claim))),
            bool(_STATE.search(claim)),
        )

    @cached_property
    def words(self) -> frozenset[str]:
        """Its content words, when first needed (highlighting conflicts needs none)."""
        return frozenset(content_words(self.text))

    @cached_property
    def stems(self) -> frozenset[str]:
        """Its content words' stems (:func:`~verifier.stance.negation.stem`)."""
        return _stems(self.text)

    @cached_property
    def negated_stems(self) -> frozenset[str]:
        """The stems of its content words its negations govern
        (:func:`~verifier.stance.negation.governed_stems`): empty for a claim negated by a
        denial alone ("denied")."""
        return negation.governed_stems(self.text) & self.stems


def _stems(text: str) -> frozenset[str]:
    """The stems of ``text``'s content words (:func:`~verifier.stance.negation.stem`)."""
    return frozenset(negation.stem(word) for word in content_words(text))


@lru_cache(maxsize=1024)
def _facts(claim: str) -> _ClaimFacts:
    """:meth:`_ClaimFacts.of`, kept for the claims seen last: a report or the review page
    compares one claim with several passages, one call each (:func:`conflicting_spans`)."""
    return _ClaimFacts.of(claim)


def conflict(claim: str, passage: str, similarity: float = 1.0) -> str | None:
    """Why ``passage`` contradicts ``claim``, or ``None`` when nothing suggests it does.

    A negation present in one text and not the other only counts when the two are close
    paraphrases (:data:`PARAPHRASE_SIMILARITY`).
    """
    stance, _, why = _reading(_facts(claim), passage, similarity)
    return why if stance is Stance.REFUTES else None


def _reading(
    claim: _ClaimFacts, passage: str, similarity: float
) -> tuple[Stance, Cue | None, str | None]:
    """How the rules read a relevant passage, by which reading (:class:`Cue`), and why:
    refuting for another figure, a rating word or a denial of the claim; neutral for a report
    of the claim as unconfirmed (its "not" says so, and negates nothing); refuting for a
    sentence negating the claim, for one reporting the claim's state reversed ("withdrew its
    jets from the base"), or for a close paraphrase with the negation flipped; else
    supporting."""
    passage_q = _quantities(passage)
    for unit, values in claim.quantities.items():
        if unit in passage_q and not values & passage_q[unit]:
            said, found = ", ".join(sorted(values)), ", ".join(sorted(passage_q[unit]))
            why = f"{Cue.FIGURE} ({unit}): claim {said}, source {found}"
            return Stance.REFUTES, Cue.FIGURE, why
    refuting = _REFUTING.search(passage)
    if refuting and not claim.refuting:
        return Stance.REFUTES, Cue.RATING_WORD, f"{Cue.RATING_WORD} ({refuting.group(0)!r})"
    if not claim.negated and _DENIAL.search(passage):
        for sentence in sentences(passage):
            denial = _denied(claim, sentence.text)
            if denial:
                return Stance.REFUTES, Cue.DENIAL, f"{Cue.DENIAL} ({denial!r})"
    hedge = _unconfirmed(claim, passage)
    if hedge:
        return Stance.NEUTRAL, Cue.UNCONFIRMED, f"{Cue.UNCONFIRMED} ({hedge!r})"
    passage_neg = bool(NEGATION_OR_DENIAL.search(normalise(passage)))
    if not claim.negated and negation.has_negation(passage):
        negated = [s.text for s in sentences(passage) if negation.has_negation(s.text)]
        for text in negated:
            span = _negates(claim, text)
            if span:
                why = f"{Cue.NEGATION} ({text[slice(*span)]!r})"
                return Stance.REFUTES, Cue.NEGATION, why
        # A sentence that says the claim in its words and negates something else ("..., though
        # they would not say how they knew", "jets, not helicopters") is no negated paraphrase.
        passage_neg = any(not _says_and_negates_else(claim, text) for text in negated)
    if claim.state and not claim.negated and _REVERSAL.search(passage):
        for sentence in sentences(passage):
            reversal = _reverses(claim, sentence.text)
            if reversal:
                why = f"{Cue.REVERSAL} ({reversal.group(0)!r})"
                return Stance.REFUTES, Cue.REVERSAL, why
    if similarity < PARAPHRASE_SIMILARITY or claim.negated == passage_neg:
        return Stance.SUPPORTS, None, None
    if claim.negated and claim.negated_stems and not claim.negated_stems & _stems(passage):
        # A passage that says none of what the claim negates does not flip it: it quotes
        # the claim's other clause ("US officials said, as Putin insisted" against "..., as
        # Putin insisted the group cannot be beaten without Assad's help").
        return Stance.SUPPORTS, None, None
    return Stance.REFUTES, Cue.NEGATED_PARAPHRASE, str(Cue.NEGATED_PARAPHRASE)


def _negates(claim: _ClaimFacts, sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` negates the claim (from the negation to the claim's word after it,
    :func:`~verifier.stance.negation.negated_word`), or ``None``: it holds
    :data:`RESTATEMENT_OVERLAP` of the claim's content words and negates exactly one of them.
    A sentence with a denial or a "without" as well is no negation of the claim ("denied it
    had not deployed", "could not have deployed jets without Iranian airspace"), nor is any
    sentence against a claim that is itself negated."""
    if claim.negated or _DENIAL.search(sentence) or _WITHOUT.search(sentence):
        return None
    if not _holds_claim(claim, sentence):
        return None
    return negation.negated_word(claim.stems, sentence)


def _reverses(claim: _ClaimFacts, sentence: str) -> re.Match[str] | None:
    """Where ``sentence`` reports the claim's state reversed, or ``None``: it holds
    :data:`RESTATEMENT_OVERLAP` of the claim's content words (its state words aside:
    "remain", "stationed") and reports a withdrawal as done (:data:`_REVERSAL`: "Russia
    withdrew its fighter jets from the Hmeimim air base" against "Russia's fighter jets are
    at the Hmeimim air base"). What was withdrawn is some of them (the object, or the subject
    of a passive or of "Russian forces withdrew from Syria"), and where its clause says where
    from, that place is one the claim names. Not "civilians were evacuated from the
    airfield" nor "withdrew its advisers from the base" (something else withdrawn),
    "withdrew its jets from Crimea to Hmeimim" (from elsewhere), "has not withdrawn"
    (negated), nor "will withdraw" or "plans to pull its jets out" (not done)."""
    wanted = claim.words - _STATE_WORDS  # a withdrawal does not say "remain"
    if not _holds(wanted, content_words(sentence)):
        return None
    for reversal in _REVERSAL.finditer(sentence):
        before = sentence[: reversal.start()]
        if _NOT_DONE.search(before) or negation.governed(sentence, reversal.start()):
            continue
        clause = reversal.group(0) + negation.clause_after(sentence, reversal.end())
        origin = _ORIGIN.search(clause)
        if origin and not content_words(origin.group(1)) & wanted:
            continue  # withdrawn from elsewhere
        # What was withdrawn: the subject of a passive ("the marines ... were evacuated") or
        # of an intransitive ("Russian forces withdrew from Syria"), else the object.
        subject = content_words(negation.clause_before(sentence, reversal.start()))
        taken = content_words(clause[: origin.start()] if origin else clause)
        taken -= content_words(reversal.group(0).split()[0])  # the verb
        what = subject if _PASSIVE.search(before) or not taken else taken
        if what & wanted:
            return reversal
    return None


def _says_and_negates_else(claim: _ClaimFacts, sentence: str) -> bool:
    """Whether ``sentence`` holds :data:`RESTATEMENT_OVERLAP` of the claim's content words
    and negates none of them (:func:`~verifier.stance.negation.negates_any`): "..., though
    they would not say how they knew"; "jets, not helicopters". When it holds every one of
    them, only the first word a negation governs counts ("has no plans to withdraw the jets
    it deployed" negates the plans); when it lacks some, its negation may say one in other
    words ("did not arrive at the base" against "landed at the base"), so any counts."""
    said = content_words(sentence)
    if not _holds(claim.words, said):
        return False
    return not negation.negates_any(claim.stems, sentence, first_only=claim.words <= said)


def unconfirmed(claim: str, sentence: str) -> str | None:
    """The words by which ``sentence`` reports the claim as not confirmed ("Local media
    reported that seven tanks had arrived, but this could not be independently confirmed"),
    or ``None``: it holds :data:`RESTATEMENT_OVERLAP` of the claim's content words and says
    the report is unconfirmed or unverified. Such a report neither supports the claim nor
    refutes it."""
    return _unconfirmed(_facts(claim), sentence)


def _unconfirmed(claim: _ClaimFacts, passage: str) -> str | None:
    if not _UNCONFIRMED.search(passage):
        return None
    for sentence in sentences(passage):
        hedge = _UNCONFIRMED.search(sentence.text)
        if hedge and _holds_claim(claim, sentence.text):
            return hedge.group(0)
    return None


def _holds_claim(claim: _ClaimFacts, sentence: str) -> bool:
    """Whether ``sentence`` holds :data:`RESTATEMENT_OVERLAP` of the claim's content words."""
    return _holds(claim.words, content_words(sentence))


def _holds(wanted: frozenset[str], said: set[str]) -> bool:
    """Whether the words ``said`` hold :data:`RESTATEMENT_OVERLAP` of the words ``wanted``."""
    return bool(wanted) and len(wanted & said) >= RESTATEMENT_OVERLAP * len(wanted)


def _denied(claim: _ClaimFacts, sentence: str) -> str | None:
    """The words by which ``sentence`` denies the claim, or ``None``: it holds
    :data:`RESTATEMENT_OVERLAP` of the claim's content words and a denial (:data:`DENIALS`:
    "The ministry denies that 28 jets landed at Hmeimim" against "28 jets landed at
    Hmeimim"; or a dismissal of reports: "rejected reports that 28 jets landed"), and neither
    it nor the claim holds another negation ("did not deny", or a claim that is itself
    negated, is no plain denial). A stray "not" in a sentence that repeats the claim ("...,
    but would not say how many") is no denial, so only these count."""
    said = normalise(sentence)
    denial = _DENIAL.search(said)
    if claim.negated or denial is None:
        return None
    negations = len(NEGATION_OR_DENIAL.findall(said))
    others = negations - int(bool(NEGATION_OR_DENIAL.match(denial.group(0))))
    if others > 0:
        return None
    return denial.group(0) if _holds_claim(claim, sentence) else None


def content_words(text: str) -> set[str]:
    """Words and figures of :func:`~verifier.text.normalise`'s form, English stop words left
    out."""
    # Here, not at the top: scikit-learn takes about 2 s to import, and opening a workbench
    # (the app's first page) need not wait for it.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = _WORD.findall(_CLITIC.sub("", normalise(text)))
    return {w for w in words if w not in ENGLISH_STOP_WORDS}


def quotes_checked_claim(sentence: str) -> bool:
    """Whether ``sentence`` is a fact-check's statement of the claim it checks ("Claim: ...",
    "Claimed: ..."): it quotes the claim, and says nothing for or against it."""
    return bool(_CHECKED_CLAIM.match(sentence))


def restates(claim: str, sentence: str) -> bool:
    """Whether ``sentence`` says what ``claim`` says: it holds at least
    :data:`RESTATEMENT_OVERLAP` of the claim's content words, the rules find no conflict
    between them (the same figures, no fact-check rating word, negations agreeing), and it is
    neither a fact-check's statement of the claim it checks ("Claim: ...") nor a report of it
    as unconfirmed (:func:`unconfirmed`)."""
    facts = _facts(claim)
    if quotes_checked_claim(sentence) or not _holds_claim(facts, sentence):
        return False
    return _reading(facts, sentence, 1.0)[0] is Stance.SUPPORTS


def conflicting_spans(claim: str, passage: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the figures in ``passage`` that differ from the claim's for the same
    unit ("six jets" against a claim of "28 jets"), of refuting language the claim does not
    use, and of the words that negate it ("not deployed", :func:`_negates`): what a reviewer
    should see highlighted."""
    facts = _facts(claim)
    spans = []
    for match in _QUANTITY.finditer(passage):
        number, unit = match.group(1), match.group(2).lower().rstrip("s")
        value = _NUMBER_WORDS.get(number.lower(), number.replace(",", ""))
        if unit in facts.quantities and value not in facts.quantities[unit]:
            spans.append(match.span())
    if not facts.refuting:
        spans += [m.span() for m in _REFUTING.finditer(passage)]
    for sentence in sentences(passage) if negation.has_negation(passage) else ():
        span = _negates(facts, sentence.text)
        if span:
            spans.append((sentence.start + span[0], sentence.start + span[1]))
    reversible = facts.state and not facts.negated and _REVERSAL.search(passage)
    for sentence in sentences(passage) if reversible else ():
        reversal = _reverses(facts, sentence.text)
        if reversal:
            spans.append((sentence.start + reversal.start(), sentence.start + reversal.end()))
    return sorted(spans)


def stances(
    claim: str, evidence: Sequence[Evidence], relevant: float = RELEVANT_SIMILARITY
) -> list[EvidenceStance]:
    """Each passage's stance: neutral below ``relevant``, else as the rules read it
    (:func:`_reading`)."""
    facts = _facts(claim)
    found = []
    for item in evidence:
        if item.score < relevant:
            found.append(
                EvidenceStance(item.passage_id, Stance.NEUTRAL, str(Cue.NOT_CLOSE), Cue.NOT_CLOSE)
            )
            continue
        stance, cue, why = _reading(facts, item.text, item.score)
        found.append(EvidenceStance(item.passage_id, stance, why, cue))
    return found


def suggest(
    claim: str,
    evidence: Sequence[Evidence],
    relevant: float = RELEVANT_SIMILARITY,
    strong: float = 0.85,
) -> Suggestion:
    """Suggested verdict for ``claim`` given its ranked ``evidence``.

    Evidence is weighed per source document: a document counts once, with the similarity of
    its closest passage, and it counts against the claim if any of its close passages
    refutes it (a fact-check that restates the claim and then rates it false is one
    refuting source, not one supporting and one refuting). A passage that copies a
    higher-ranked one from another source counts for that source: one wire story run by
    three outlets is one source, not three.

    Args:
        claim: the claim text.
        evidence: passages, best first, with cosine similarity scores.
        relevant: similarity from which a passage counts as evidence.
        strong: similarity at which a passage is as close as a paraphrase.
    """
    per_passage = stances(claim, evidence, relevant)
    best = max((e.score for e in evidence), default=0.0)
    speaks_for = independent_sources([e.text for e in evidence], [e.uri for e in evidence])
    used = [
        (e, s, source)
        for e, s, source in zip(evidence, per_passage, speaks_for)
        if s.stance is not Stance.NEUTRAL
    ]
    if not used:
        confidence = 0.5 + 0.5 * max(relevant - max(best, 0.0), 0.0) / relevant
        reason = f"no source passage is close enough (best similarity {best:.2f} < {relevant:.2f})"
        hedged = [
            f"{item.document!r}: {stance.why}"
            for item, stance in zip(evidence, per_passage)
            if stance.cue is Cue.UNCONFIRMED
        ]
        if hedged:
            reason = "the close sources report it unconfirmed: " + "; ".join(hedged[:2])
        return Suggestion(
            Label.UNVERIFIED, round(min(confidence, 0.99), 3), reason, stances=per_passage
        )
    weight: dict[str, float] = {}
    objections: dict[str, str] = {}
    titles: dict[str, str] = {}
    for item, stance, source in used:
        weight[source] = max(weight.get(source, 0.0), item.score)
        titles.setdefault(source, item.document)
        if stance.stance is Stance.REFUTES and source not in objections:
            objections[source] = stance.why or "refutes"
    # Outlets that count only through another's text (each of their passages a copy).
    repeats = len({item.uri for item, _, _ in used} - set(weight))
    disagree = sum(w for uri, w in weight.items() if uri in objections)
    agree = sum(w for uri, w in weight.items() if uri not in objections)
    closeness = min((best - relevant) / (strong - relevant), 1.0)
    if disagree > agree:
        label, share = Label.DISPUTED, disagree / (agree + disagree)
        reason = "; ".join(f"{titles[uri]!r}: {why}" for uri, why in list(objections.items())[:2])
    else:
        label, share = Label.SUPPORTED, agree / (agree + disagree)
        count = len(weight) - len(objections)
        reason = f"{count} source(s) agree (best similarity {best:.2f})"
        if objections:
            reason += f"; {len(objections)} conflict"
    if repeats:
        reason += f"; {repeats} more repeat another's text, counted once"
    confidence = 0.4 + 0.3 * closeness + 0.3 * (share - 0.5) * 2
    return Suggestion(
        label,
        round(min(max(confidence, 0.05), 0.99), 3),
        reason,
        [item.passage_id for item, _, _ in used],
        per_passage,
    )


class RuleStance:
    """The rules above as a :class:`~verifier.stance.base.StanceModel`.

    Args:
        relevant: similarity from which a passage counts as evidence.
        strong: similarity at which a passage is as close as a paraphrase.
    """

    name = "rules"
    # 2: copies count for their source; 3: denials; 4: unconfirmed; 5: dismissals;
    # 6: negations of the claim, and "declined to confirm" reports; 7: irregular verbs, and
    # no negation of the claim's word said unnegated too; 8: "cannot" is a negation, and a
    # sentence with all the claim's words negates it only where a negation governs one first;
    # 9: a withdrawal reverses a claim about a state; 10: "'s", "n't" are no content words;
    # 11: a withdrawal from elsewhere, or of something else, reverses nothing; 12: a negated
    # claim is flipped only by a passage that says some of what its negation governs
    version = "12"
    depth = 0

    def __init__(self, relevant: float = RELEVANT_SIMILARITY, strong: float = 0.85) -> None:
        self.relevant = relevant
        self.strong = strong

    def suggest(self, claim: str, evidence: Sequence[Evidence]) -> Suggestion:
        return suggest(claim, evidence, self.relevant, self.strong)
