"""What a negation governs in a sentence, read off the text as written, and whether it negates
one of a claim's words.

A negation ("not", "no", "never", "didn't"...) governs the words after it up to the end of
its clause (its punctuation, a conjunction, a "that" or a question word: "would not say how
they knew" does not negate what they knew), at most :data:`SCOPE_WORDS` of them. Words are
compared by a crude stem (:func:`stem`), so "did not deploy" negates "deployed" and "did not
send" negates "sent". The rules (:mod:`verifier.stance.rules`) decide what a negation of the
claim's words means for the claim; this module only reads the sentence (and where its
clauses begin and end, which the rules' reading of a withdrawal asks too).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from verifier.text import normalise

#: The words that negate what follows ("n't" is matched apart, curly or straight).
NEGATIONS = tuple("not no never none nor neither without cannot".split())
_NEGATION_WORD = rf"\b(?:{'|'.join(NEGATIONS)})\b|n['’]t\b"
_NEGATION = re.compile(_NEGATION_WORD, re.I)
_CLAUSE_END = (
    r"[;:!?()\u2013\u2014]|[.,](?!\d)|\b(?:but|although|though|while|whereas|because|since|"
    r"that|whether|if|how|why|what|when|where|who|whom|which|unless)\b"
)
_SCOPE_TOKEN = re.compile(
    rf"(?P<negation>{_NEGATION_WORD})|(?P<end>{_CLAUSE_END})|(?P<word>\w+?(?=n['’]t\b)|\w+)",
    re.I,
)
_CLAUSE_BREAK = re.compile(_CLAUSE_END, re.I)
#: How many words after a negation it can govern.
SCOPE_WORDS = 6
#: A negation followed by these qualifies, it does not negate: "not only", "no more than 500",
#: "never before has Moscow deployed so many".
_NOT_NEGATING = set("only just merely least doubt question less more fewer sooner before".split())
#: Words a negation reaches past to what it negates, besides stop words: "not a single jet",
#: "no longer stationed".
_PASSED_OVER = {"single", "yet", "ever", "longer"}
#: An adverb by its ending: "never actually deployed", "not officially deployed" negate
#: "deployed". Not nouns and names that end the same way ("family", "supply", "Italy").
_ADVERB = re.compile(r"\w{2,}(?:al|[ectsnru])ly|\w+arily|fully|easily")

# Irregular verbs news copy uses of what was done, by their past forms: "Russia did not send
# troops" negates "Russia sent troops".
_IRREGULAR = {
    form: forms.split()[0]
    for forms in (
        "send sent, fly flew flown, take took taken, make made, leave left, hold held, "
        "fight fought, bring brought, build built, shoot shot, strike struck, see saw seen, "
        "tell told, say said, win won, lose lost, meet met, pay paid, lead led, fall fell fallen, "
        "rise rose risen, give gave given, begin began begun, run ran, come came, get got gotten, "
        "keep kept, sell sold, buy bought, seek sought, drive drove driven, break broke broken, "
        "speak spoke spoken, write wrote written, stand stood, withdraw withdrew withdrawn, "
        "draw drew drawn, arise arose arisen, grow grew grown, know knew known, "
        "throw threw thrown, ride rode ridden, hide hid hidden, freeze froze frozen, "
        "steal stole stolen, choose chose chosen, forbid forbade forbidden, shake shook shaken, "
        "sink sank sunk, swim swam swum, sing sang sung, ring rang rung, spend spent, lend lent, "
        "bend bent, feel felt, deal dealt, mean meant, sleep slept, sweep swept, teach taught, "
        "catch caught, find found, bind bound, wind wound, hear heard, lay laid, flee fled, "
        "feed fed, bleed bled, breed bred, speed sped, slide slid, light lit, go went gone, "
        "do did done, eat ate eaten, wear wore worn, tear tore torn, bear bore borne born, "
        "swear swore sworn, beat beaten, bite bit bitten, forget forgot forgotten, "
        "forgive forgave forgiven, overtake overtook overtaken, undertake undertook undertaken, "
        "understand understood, overcome overcame, become became"
    ).split(", ")
    for form in forms.split()[1:]
}

_Scopes = list[tuple[re.Match[str], list[re.Match[str]]]]


@cache
def _passed() -> frozenset[str]:
    """The words a negation reaches past to what it negates: stop words and
    :data:`_PASSED_OVER` (built once; scikit-learn loads when first asked, not on import)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS | _PASSED_OVER


def has_negation(text: str) -> bool:
    """Whether ``text`` holds a negation at all (cheap: a passage without one needs no
    reading)."""
    return _NEGATION.search(text) is not None


def stem(word: str) -> str:
    """A crude stem, enough to match "deployed" with "deploy", "landing" with "lands" and
    "sent" with "send"."""
    word = _IRREGULAR.get(word, word)
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


@lru_cache(maxsize=1024)
def scopes(text: str) -> tuple[_Scopes, frozenset[str]]:
    """Each negation in ``text`` and the words of the clause it governs, up to
    :data:`SCOPE_WORDS`: to the clause's end or the next negation; and the stems of the
    words no negation governs. A negation that only qualifies ("not only", "no more than":
    :data:`_NOT_NEGATING`) governs nothing. Kept for the sentences seen last: the rules'
    reading and the review page's highlighting ask of the same sentence."""
    found: _Scopes = []
    scope: list[re.Match[str]] | None = None
    free = set()
    for token in _SCOPE_TOKEN.finditer(text):
        if token.lastgroup == "word" and scope is not None and len(scope) < SCOPE_WORDS:
            if not scope and normalise(token.group(0)) in _NOT_NEGATING:
                found.pop()
                scope = None
                free.add(stem(normalise(token.group(0))))
            else:
                scope.append(token)
            continue
        if token.lastgroup == "word":
            free.add(stem(normalise(token.group(0))))
        scope = None
        if token.lastgroup == "negation":
            scope = []
            found.append((token, scope))
    return found, frozenset(free)


def governed_stems(text: str) -> frozenset[str]:
    """The stems of the words ``text``'s negations govern (:func:`scopes`), stop words and
    :data:`_PASSED_OVER` aside: what it says is not so ("the group cannot be beaten without
    Assad's help": beaten, help, assad)."""
    passed = _passed()
    found, _ = scopes(text)
    return frozenset(
        stem(word)
        for _, scope in found
        for word in (normalise(token.group(0)) for token in scope)
        if word not in passed
    )


def governed(sentence: str, at: int) -> bool:
    """Whether the word at offset ``at`` of ``sentence`` is governed by a negation
    (:func:`scopes`): "has not withdrawn" negates the withdrawal."""
    found, _ = scopes(sentence)
    return any(word.start() <= at < word.end() for _, scope in found for word in scope)


def clause_after(sentence: str, at: int) -> str:
    """The rest of the clause from offset ``at``: up to its punctuation, a conjunction, a
    "that" or a question word (as a negation's scope ends)."""
    end = _CLAUSE_BREAK.search(sentence, at)
    return sentence[at : end.start() if end else len(sentence)]


def clause_before(sentence: str, at: int) -> str:
    """The clause up to offset ``at``: from the last clause end before it (punctuation, a
    conjunction, a "that" or a question word)."""
    start = 0
    for end in _CLAUSE_BREAK.finditer(sentence, 0, at):
        start = end.end()
    return sentence[start:at]


def negated_word(stems: frozenset[str], sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` negates one of the words whose stems are ``stems``: from the
    negation to that word, or ``None``. Exactly one of its negations is followed by one of
    them (stop words and :data:`_PASSED_OVER` passed over: "has not deployed any jets", "no
    Russian jets", "not a single jet"), in a clause that says more of those words than of
    anything else, and that word is not said unnegated elsewhere in the sentence ("Russian
    jets landed at Hmeimim, though they did not land at Tartus" does not negate that they
    landed). A negation followed by something else ("would not say", "jets, not
    helicopters", "did not deny") negates none of them."""
    passed = _passed()
    found, unnegated = scopes(sentence)
    spans = []
    for negation, scope in found:
        said = [w for w in scope if normalise(w.group(0)) not in passed]
        said_stems = [stem(normalise(w.group(0))) for w in said]
        about = sum(s in stems for s in said_stems) > len(said_stems) / 2
        if said_stems and said_stems[0] in stems and said_stems[0] not in unnegated and about:
            spans.append((negation.start(), said[0].end()))
    return spans[0] if len(spans) == 1 else None


def negates_any(stems: frozenset[str], sentence: str, first_only: bool = False) -> bool:
    """Whether one of ``sentence``'s negations governs a word whose stem is in ``stems`` and
    that the sentence does not also say unnegated (:func:`scopes`): false for "..., though
    they would not say how they knew" and for "jets landed at the base, though they did not
    land at Tartus". With ``first_only``, only the first word a negation governs counts
    (stop words, :data:`_PASSED_OVER` and adverbs passed over: "not officially deployed"):
    "has no plans to withdraw the jets it deployed" negates the plans, not the jets."""
    passed = _passed()
    found, unnegated = scopes(sentence)
    for _, scope in found:
        said = [normalise(word.group(0)) for word in scope]
        if first_only:
            said = [w for w in said if w not in passed and not _ADVERB.fullmatch(w)][:1]
        if {stem(word) for word in said} & stems - unnegated:
            return True
    return False
