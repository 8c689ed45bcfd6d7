"""A check-worthiness model a desk trains on its own labelled sentences.

The heuristic in :mod:`verifier.claims` is transparent but ranks check-worthy sentences only
about three times better than chance. A desk that has sentences it did and did not check
(transcripts, past articles) can train this model with ``verifier claims model train``:
a logistic regression over each sentence's embedding, the heuristic's score and the mean
embedding of the sentences either side of it (claims come in runs), pooled with a second
logistic regression over the sentence's words and word pairs (TF-IDF), which catches the
wording a desk checks ("percent", "voted for") that a sentence embedding blurs. It is kept
in the database (table ``trained_models``, so every app server sharing the database uses
it), and extraction uses it for English articles when it is there; otherwise, and for
other languages, the heuristic stays.

No model ships with the project: the public check-worthiness data (CLEF CheckThat!) is for
research use only, so a model trained on it stays with whoever trained it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from verifier.claims import checkworthiness
from verifier.db.models import TrainedModel, utcnow
from verifier.embed import Embedder
from verifier.errors import InputError, SettingsError
from verifier.readers import TABLE_SUFFIXES, read_table

#: Regularisation: chosen by leave-one-debate-out mean average precision on the shared
#: CheckThat! 2019 debates (C = 0.01-0.2 all within 0.012; docs/benchmarks.md).
REGULARISATION = 0.05
#: The word model: its regularisation (scikit-learn's default) and its share of the pooled
#: log-odds, chosen on the same debates (0.3 of 0.2-0.5; docs/benchmarks.md).
WORD_REGULARISATION = 1.0
WORD_WEIGHT = 0.3
#: Words and word pairs seen in fewer training sentences than this are left out.
WORD_MIN_SENTENCES = 2
#: Fields that may name the document a sentence comes from, in order of preference.
GROUP_FIELDS = ("document", "debate", "article")
TRUE_WORDS = {"1", "true", "yes", "y"}
FALSE_WORDS = {"0", "false", "no", "n", ""}
#: Format 2 adds the word model; format 1 (embeddings only) is still read.
FORMAT = 2
FORMATS = (1, 2)
MODEL_NAME = "checkworthiness"


@dataclass(frozen=True)
class LabelledSentence:
    """One training sentence, in its document's reading order."""

    text: str
    checkworthy: bool
    document: str


def _label(value: object, where: str) -> bool:
    """A training label: JSON true/false, or 1/0, true/false, yes/no in any case (a blank
    cell counts as 0, as a desk's "checked" column is usually left empty when it was not)."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise InputError(f"{where}: 'checkworthy' is {value!r}; use 1 or 0 (true/false, yes/no)")


def read_labelled(
    path: Path, max_bytes: int, encoding: str | None = None
) -> list[LabelledSentence]:
    """Sentences of a ``.jsonl`` or ``.csv`` file with ``text`` and ``checkworthy`` (1/0) and
    optionally the document each comes from (``document``, ``debate`` or ``article``), in
    reading order.

    Raises:
        InputError: another file type, a missing field, a label that is not 1/0, or fewer
            than two check-worthy and two other sentences.
    """
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            f"{path}: labelled sentences must be in {', '.join(TABLE_SUFFIXES)}, not {suffix}"
        )
    rows = read_table(path, max_bytes, encoding, "text")
    sentences = []
    for number, record in rows:
        if "checkworthy" not in record:
            raise InputError(
                f"{path}:{number}: no 'checkworthy' field; give 1 for a sentence worth "
                "checking and 0 for one that is not"
            )
        text = str(record["text"]).strip()
        if not text:
            continue  # a blank row, as in every other file verifier reads
        group = next((str(record[f]) for f in GROUP_FIELDS if record.get(f) is not None), "")
        label = _label(record["checkworthy"], f"{path}:{number}")
        sentences.append(LabelledSentence(text, label, group))
    positives = sum(s.checkworthy for s in sentences)
    if positives < 2 or len(sentences) - positives < 2:
        raise InputError(
            f"{path}: {positives} check-worthy and {len(sentences) - positives} other "
            "sentence(s); training needs at least two of each"
        )
    return sentences


def features(
    texts: Sequence[str], vectors: np.ndarray, documents: Sequence[str] | None = None
) -> np.ndarray:
    """The model's inputs per sentence: its embedding, the heuristic's score and the mean
    embedding of the sentences before and after it in the same document (``texts`` in
    reading order; all one document when ``documents`` is ``None``)."""
    if len(texts) == 0:
        return np.zeros((0, 2 * vectors.shape[1] + 1))
    of = np.asarray(documents if documents is not None else [""] * len(texts), dtype=object)
    starts = np.r_[True, of[1:] != of[:-1]]
    ends = np.r_[of[1:] != of[:-1], True]
    zero = np.zeros((1, vectors.shape[1]), dtype=vectors.dtype)
    before = np.vstack([zero, vectors[:-1]])
    after = np.vstack([vectors[1:], zero])
    before[starts] = 0
    after[ends] = 0
    heuristic = np.array([[checkworthiness(t)] for t in texts])
    return np.hstack([vectors, heuristic, 0.5 * (before + after)])


def average_precision(scores: np.ndarray, gold: np.ndarray) -> float:
    """Average precision of ``gold`` (0/1) ranked by ``scores`` (CheckThat!'s measure)."""
    order = np.argsort(-scores, kind="stable")
    hits = np.asarray(gold)[order]
    if not hits.any():
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits == 1].mean())


class WordModel:
    """Logistic regression over a sentence's words and word pairs (TF-IDF, sublinear term
    frequency), as log-odds; kept as its vocabulary, inverse document frequencies and
    weights."""

    def __init__(
        self, vocabulary: list[str], idf: np.ndarray, weights: np.ndarray, bias: float
    ) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vocabulary, self.idf, self.weights, self.bias = vocabulary, idf, weights, bias
        self._vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, vocabulary=vocabulary
        )
        self._vectorizer.idf_ = idf

    @classmethod
    def fit(cls, texts: Sequence[str], gold: np.ndarray) -> WordModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        # A handful of sentences may share no word twice: then every word is kept.
        least = WORD_MIN_SENTENCES if len(texts) >= 10 * WORD_MIN_SENTENCES else 1
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=least)
        x = vectorizer.fit_transform(texts)
        model = LogisticRegression(C=WORD_REGULARISATION, class_weight="balanced", max_iter=3000)
        model.fit(x, gold)
        vocabulary = vectorizer.get_feature_names_out().tolist()
        return cls(vocabulary, vectorizer.idf_, model.coef_[0], float(model.intercept_[0]))

    def log_odds(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._vectorizer.transform(texts) @ self.weights + self.bias)

    def to_json(self) -> dict[str, object]:
        return {
            "vocabulary": self.vocabulary,
            "idf": self.idf.tolist(),
            "weights": self.weights.tolist(),
            "bias": self.bias,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WordModel:
        return cls(
            list(data["vocabulary"]),
            np.array(data["idf"], dtype=float),
            np.array(data["weights"], dtype=float),
            float(data["bias"]),
        )


class CheckworthinessModel:
    """Logistic regression over :func:`features`, pooled with a :class:`WordModel` (their
    log-odds weighted ``1 - WORD_WEIGHT`` and ``WORD_WEIGHT``); :meth:`score` gives the
    probability-like score extraction compares with its threshold (classes weighted equally
    in training, so 0.5 means "more like the check-worthy sentences than the others"). A
    model stored in format 1 has no word model and scores by the embeddings alone."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: float,
        words: WordModel | None,
        embedder: str,
        trained: dict[str, object],
    ) -> None:
        self.weights, self.bias, self.words = weights, bias, words
        self.embedder, self.trained = embedder, trained

    @classmethod
    def fit(
        cls,
        x: np.ndarray,
        texts: Sequence[str],
        gold: np.ndarray,
        embedder: str,
        trained: dict[str, object],
        words: bool = True,
    ) -> CheckworthinessModel:
        """``words=False``: the embeddings alone (a format-1 model), for comparison."""
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=3000)
        model.fit(x, gold)
        word_model = WordModel.fit(texts, gold) if words else None
        return cls(model.coef_[0], float(model.intercept_[0]), word_model, embedder, trained)

    def score(self, x: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Scores of sentences ``texts`` with :func:`features` ``x``."""
        log_odds = x @ self.weights + self.bias
        if self.words is not None:
            log_odds = (1 - WORD_WEIGHT) * log_odds + WORD_WEIGHT * self.words.log_odds(texts)
        return np.asarray(1 / (1 + np.exp(-log_odds)))

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "embedder": self.embedder,
            "weights": self.weights.tolist(),
            "bias": self.bias,
            "words": None if self.words is None else self.words.to_json(),
            "trained": self.trained,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckworthinessModel:
        """Raises:
        SettingsError: the model was stored by a verifier whose format this one lacks."""
        if data.get("format") not in FORMATS:
            raise SettingsError(
                f"the check-worthiness model is stored in format {data.get('format')!r}, which "
                f"this verifier (format {FORMAT}) cannot read; upgrade verifier, or train it "
                "again (`verifier claims model train`)"
            )
        weights = np.array(data["weights"], dtype=float)
        words = WordModel.from_json(data["words"]) if data.get("words") else None
        return cls(
            weights, float(data["bias"]), words, str(data["embedder"]), dict(data["trained"])
        )


def stored_model(session: Session, embedder: Embedder) -> CheckworthinessModel | None:
    """The desk's model, or ``None`` when none was trained (the heuristic is used).

    Raises:
        SettingsError: it was trained with another embedder (other vectors), or stored in a
            format this verifier cannot read.
    """
    row = session.get(TrainedModel, MODEL_NAME)
    if row is None:
        return None
    model = CheckworthinessModel.from_json(row.body)
    if len(model.weights) != 2 * embedder.dim + 1 or model.embedder != embedder.name:
        raise SettingsError(
            f"the check-worthiness model was trained with the embedder {model.embedder}, "
            f"not {embedder.name}; train it again (`verifier claims model train`) or drop "
            "it (`verifier claims model forget`)"
        )
    return model


def store_model(session: Session, model: CheckworthinessModel) -> None:
    """Keep ``model`` as the desk's, replacing any earlier one."""
    row = session.get(TrainedModel, MODEL_NAME)
    if row is None:
        session.add(TrainedModel(name=MODEL_NAME, body=model.to_json(), trained_at=utcnow()))
    else:
        row.body, row.trained_at = model.to_json(), utcnow()


def forget_model(session: Session) -> bool:
    """Drop the desk's model (extraction goes back to the heuristic); whether there was one."""
    row = session.get(TrainedModel, MODEL_NAME)
    if row is not None:
        session.delete(row)
    return row is not None


@dataclass(frozen=True)
class TrainingReport:
    """What ``verifier claims model train`` did, with its leave-documents-out measure."""

    sentences: int
    checkworthy: int
    documents: int
    map_model: float | None
    map_heuristic: float | None

    def summary(self) -> str:
        return (
            f"trained on {self.sentences} sentences ({self.checkworthy} check-worthy) "
            f"from {self.documents} document(s)"
        )

    def measure(self) -> str:
        """How the model ranked each document when trained on the others, beside the
        heuristic; or why it was not measured."""
        if self.map_model is None or self.map_heuristic is None:
            return (
                "not measured: it takes two documents or more, each leaving both kinds of "
                "sentence in the others (name them in a `document` field)"
            )
        return (
            f"mean average precision, each document left out: model {self.map_model:.3f}, "
            f"heuristic {self.map_heuristic:.3f}"
        )

    @property
    def no_better(self) -> bool:
        """Measured, and ranking no better than the heuristic."""
        measured = self.map_model is not None and self.map_heuristic is not None
        return measured and (self.map_model or 0.0) <= (self.map_heuristic or 0.0)


def left_out_scores(
    x: np.ndarray,
    texts: Sequence[str],
    gold: np.ndarray,
    documents: Sequence[str],
    words: bool = True,
) -> np.ndarray:
    """Each document's scores from a model trained on the other documents (``words=False``:
    without the word model)."""
    of = np.asarray(documents, dtype=object)
    texts_of = np.asarray(texts, dtype=object)
    scores = np.zeros(len(gold))
    for document in dict.fromkeys(documents):
        held = of == document
        rest = gold[~held]
        if rest.all() or not rest.any():
            raise InputError(
                f"without document {document!r} the sentences hold only one class; "
                "give more documents with both kinds of sentence"
            )
        model = CheckworthinessModel.fit(x[~held], texts_of[~held], rest, "", {}, words)
        scores[held] = model.score(x[held], texts_of[held])
    return scores


def mean_average_precision(
    scores: np.ndarray, gold: np.ndarray, documents: Sequence[str]
) -> float | None:
    """Mean over documents holding a check-worthy sentence; ``None`` when none does."""
    of = np.asarray(documents, dtype=object)
    per = [
        average_precision(scores[of == d], gold[of == d])
        for d in dict.fromkeys(documents)
        if gold[of == d].any()
    ]
    return float(np.mean(per)) if per else None


def measurable(gold: np.ndarray, documents: Sequence[str]) -> bool:
    """Whether :func:`left_out_scores` can run: two documents or more, and without any one of
    them both kinds of sentence are left to train on."""
    of = np.asarray(documents, dtype=object)
    names = dict.fromkeys(documents)
    return len(names) >= 2 and all(0 < gold[of != d].sum() < (of != d).sum() for d in names)


def train(
    sentences: Sequence[LabelledSentence], embedder: Embedder
) -> tuple[CheckworthinessModel, TrainingReport]:
    """Fit the model on every sentence and measure it by leave-one-document-out mean average
    precision against the heuristic (when the documents allow it: :func:`measurable`)."""
    texts = [s.text for s in sentences]
    documents = [s.document for s in sentences]
    gold = np.array([s.checkworthy for s in sentences], dtype=int)
    x = features(texts, embedder.embed(texts), documents)
    count = len(dict.fromkeys(documents))
    measured = measurable(gold, documents)
    map_model = (
        mean_average_precision(left_out_scores(x, texts, gold, documents), gold, documents)
        if measured
        else None
    )
    heuristic = x[:, embedder.dim]
    map_heuristic = mean_average_precision(heuristic, gold, documents) if measured else None
    report = TrainingReport(len(texts), int(gold.sum()), count, map_model, map_heuristic)
    trained: dict[str, object] = {
        "sentences": report.sentences,
        "checkworthy": report.checkworthy,
        "documents": report.documents,
        "map_left_out": map_model,
        "map_heuristic": map_heuristic,
    }
    return CheckworthinessModel.fit(x, texts, gold, embedder.name, trained), report
