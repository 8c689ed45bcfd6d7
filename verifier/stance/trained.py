"""The trained stance model: a cross-encoder reads each passage against the claim, a small
claim-level head weighs the sources, and the rules stay as features and as the fallback.

1. **Per passage**: a cross-encoder made from the bundled all-MiniLM-L6-v2 (its embeddings and
   lower layers as shipped, its upper layers fine-tuned) gives support / refute / neutral
   probabilities for "source title. sentence" against the claim, for each sentence of the
   passage; the passage takes its most telling (least neutral) sentence's
   (:func:`read_passages`). Only the tuned tensors ship (``model/stance-*.safetensors``,
   fp16); the rest is the bundled model, checked by sha256.
2. **Per claim**: :func:`claim_features` sums up the passages (strongest support and
   refutation per source, the closest passage, how close the evidence is, what the rules
   say), and a multinomial logistic head turns them into verdict probabilities, scaled by a
   temperature so that the confidence is a calibrated probability. The head is fitted on
   cross-fitted probabilities: each tuning claim read by a cross-encoder trained without it.
   The verdict is the label with the highest probability after per-label decision weights
   (fitted for macro-F1); the confidence is that label's probability.
3. **Rules as the fallback**, both ways: when the rules find a decisive conflict in a close
   passage (a different figure, a fact-check rating word, a denial or negation of the claim:
   :data:`DECISIVE_CUES`), the verdict is ``disputed``; when a passage is a close paraphrase
   of the claim (:data:`~verifier.stance.rules.PARAPHRASE_SIMILARITY`) and the rules find no
   conflict in any passage (same figures, no rating word, negations agreeing), it is
   ``supported``. The reason then says so first, and the confidence stays the head's
   probability of that label (so a desk that auto-accepts above a threshold does not accept
   these unseen).
   And per sentence: a sentence that restates the claim
   (:func:`~verifier.stance.rules.restates`) but that the cross-encoder read as refuting it
   is read as supporting it (:func:`settle_restatements`).

Trained by ``scripts/train_stance.py``; data, licences and figures in ``model/MODEL_CARD.md``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from verifier.copies import independent_sources
from verifier.errors import SettingsError, first_line
from verifier.labels import Label
from verifier.retrieve.base import Evidence
from verifier.sentences import sentences
from verifier.stance.base import Cue, EvidenceStance, Stance, Suggestion
from verifier.stance.nli import quote
from verifier.stance.rules import (
    PARAPHRASE_SIMILARITY,
    quotes_checked_claim,
    restates,
    unconfirmed,
)
from verifier.stance.rules import suggest as rules_suggest

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).parent / "model"
MODEL_NAME = "stance-v2"
#: The cross-encoder's output columns.
PAIR_STANCES = (Stance.SUPPORTS, Stance.REFUTES, Stance.NEUTRAL)
#: How a sentence that says nothing for or against the claim is read (:func:`read_passages`).
NEUTRAL_READ = (0.0, 0.0, 1.0)
#: The claim-level head's output columns.
VERDICTS = (Label.SUPPORTED, Label.DISPUTED, Label.UNVERIFIED)
MAX_TOKENS = 128
#: Conflicts the rules find that decide ``disputed`` whatever the head says: a source giving
#: another figure for the same thing, a fact-check's rating word, or a sentence denying the
#: claim in its own words, negating it ("Moscow has not deployed any jets") or reporting its
#: state reversed ("Russia withdrew its jets from Hmeimim" against "Russia's jets are at
#: Hmeimim"). Rare in the public training data, so the head cannot learn them (it reads a
#: close sentence the model calls refuting as support), but they are what a desk looks for
#: first.
DECISIVE_CUES = frozenset({Cue.FIGURE, Cue.RATING_WORD, Cue.DENIAL, Cue.NEGATION, Cue.REVERSAL})
#: Part of the model's version: bumped when the code around the weights changes a suggestion.
RULES_VERSION = "18"
FEATURES = (
    "max_support",
    "max_refute",
    "top3_support",
    "top3_refute",
    "first_support",
    "first_refute",
    "sources_support",
    "sources_refute",
    "max_similarity",
    "top3_similarity",
    "rules_supported",
    "rules_disputed",
    "rules_conflicts",
)


def premise(evidence: Evidence, text: str | None = None) -> str:
    """What the cross-encoder reads: the source's title, then the passage (or ``text``, one
    of its sentences)."""
    title = (evidence.document or "").strip()
    body = evidence.text if text is None else text
    return f"{title}. {body}" if title else body


def sentence_premises(evidence: Sequence[Evidence]) -> tuple[list[str], list[int], list[str]]:
    """What the cross-encoder reads of the passages: a premise per sentence, the index of the
    passage each belongs to, and the sentence. A heading that repeats the source's title is
    not read again."""
    premises, owner, texts = [], [], []
    for i, item in enumerate(evidence):
        title = (item.document or "").strip()
        # A heading that is the title (a markdown source's "# Title") is in every premise already.
        said = [span.text for span in sentences(item.text)]
        for text in [t for t in said if t.lstrip("#").strip() != title] or [item.text]:
            premises.append(premise(item, text))
            owner.append(i)
            texts.append(text)
    return premises, owner, texts


def read_passages(
    pairs: PairModel, claim: str, evidence: Sequence[Evidence]
) -> tuple[np.ndarray, list[str]]:
    """Each passage read sentence by sentence against the claim: per passage, the
    :data:`PAIR_STANCES` probabilities of its most telling sentence (the least neutral) and
    that sentence. Sentences are what the cross-encoder was trained on, and a passage read
    whole would be cut at :data:`MAX_TOKENS` (:func:`sentence_premises`).

    A fact-check's statement of the claim it checks ("Claim: ...") is read as neutral: it
    quotes the claim, and the cross-encoder would read the copy as support (or, a claim
    worded otherwise, as refutation); the fact-check's rating and reasons are what say
    something, in the sentences after it. So is a sentence that reports the claim as
    unconfirmed ("..., but this could not be independently confirmed": the rules'
    :func:`~verifier.stance.rules.unconfirmed`), which the cross-encoder reads as refuting it."""
    premises, owner, texts = sentence_premises(evidence)
    read = pairs.probabilities(claim, premises)
    quoted = [quotes_checked_claim(text) or bool(unconfirmed(claim, text)) for text in texts]
    if any(quoted):
        read = read.copy()
        read[np.array(quoted)] = NEUTRAL_READ
    of = np.array(owner)
    rows = np.zeros((len(evidence), len(PAIR_STANCES)))
    telling = []
    for i in range(len(evidence)):  # every passage has at least one premise
        mine = np.flatnonzero(of == i)
        best = mine[np.argmin(read[mine, 2])]
        rows[i] = read[best]
        telling.append(texts[best])
    return rows, telling


def settle_restatements(
    claim: str, probs: np.ndarray, telling: Sequence[str]
) -> tuple[np.ndarray, list[bool]]:
    """The passages' probabilities with support and refutation swapped where the telling
    sentence restates the claim but was read as refuting it, and which were. The
    cross-encoder reads a near copy of a sentence as refuting it (0.5-0.7, a copy too): on a
    desk's own sources, where reports of the same event repeat each other, that is its
    commonest error, and one no reviewer would make."""
    settled = probs.copy()
    swapped = []
    for i, text in enumerate(telling):
        wrong = bool(settled[i, 1] > settled[i, 0]) and restates(claim, text)
        if wrong:
            settled[i, [0, 1]] = settled[i, [1, 0]]
        swapped.append(wrong)
    return settled, swapped


def read_claim(
    pairs: PairModel, claim: str, evidence: Sequence[Evidence]
) -> tuple[np.ndarray, list[str], list[bool]]:
    """What the model goes on for a claim: :func:`read_passages`, then
    :func:`settle_restatements`. Returns the passages' probabilities, their telling
    sentences, and which were settled as restatements."""
    read, telling = read_passages(pairs, claim, evidence)
    probs, restated = settle_restatements(claim, read, telling)
    return probs, telling, restated


def claim_features(
    claim: str,
    evidence: Sequence[Evidence],
    probs: np.ndarray,
    rules: Suggestion | None = None,
) -> np.ndarray:
    """The claim-level head's inputs (:data:`FEATURES`) from the passages' probabilities
    (rows in :data:`PAIR_STANCES` order, one per passage, rank order) and the rules'
    suggestion (made here when not given)."""
    if len(evidence) == 0:
        return np.zeros(len(FEATURES))
    support, refute = probs[:, 0], probs[:, 1]
    # A copy of another source's passage speaks for that source (:mod:`verifier.copies`).
    speaks_for = independent_sources([e.text for e in evidence], [e.uri for e in evidence])
    by_source: dict[str, tuple[float, float]] = {}
    for source, s, r in zip(speaks_for, support, refute):
        held = by_source.get(source, (0.0, 0.0))
        by_source[source] = (max(held[0], float(s)), max(held[1], float(r)))
    similarity = np.array([e.score for e in evidence])
    rules = rules or rules_suggest(claim, evidence)
    conflicts = sum(s.stance is Stance.REFUTES for s in rules.stances)
    return np.array(
        [
            support.max(),
            refute.max(),
            np.sort(support)[-3:].mean(),
            np.sort(refute)[-3:].mean(),
            support[0],
            refute[0],
            sum(s > 0.5 for s, _ in by_source.values()) / len(by_source),
            sum(r > 0.5 for _, r in by_source.values()) / len(by_source),
            similarity.max(),
            np.sort(similarity)[-3:].mean(),
            float(rules.label is Label.SUPPORTED),
            float(rules.label is Label.DISPUTED),
            min(conflicts, 3) / 3,
        ]
    )


class ClaimHead:
    """Multinomial logistic regression over :func:`claim_features`, with a temperature and
    per-label decision weights (all stored as JSON)."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        mean: np.ndarray,
        scale: np.ndarray,
        temperature: float = 1.0,
        decision: np.ndarray | None = None,
    ) -> None:
        self.weights, self.bias = weights, bias
        self.mean, self.scale = mean, scale
        self.temperature = temperature
        self.decision = np.ones(len(VERDICTS)) if decision is None else decision

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        x = (np.atleast_2d(features) - self.mean) / self.scale
        logits = (x @ self.weights.T + self.bias) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def decide(self, probs: np.ndarray) -> np.ndarray:
        """Index of the chosen verdict per row."""
        return np.argmax(np.atleast_2d(probs) * self.decision, axis=1)

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "verdicts": [v.value for v in VERDICTS],
            "weights": self.weights.tolist(),
            "bias": self.bias.tolist(),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "temperature": self.temperature,
            "decision": self.decision.tolist(),
        }

    @classmethod
    def from_json(cls, data: dict) -> ClaimHead:
        if data.get("features") != list(FEATURES):
            raise SettingsError("the stance model's claim head was made for other features")
        return cls(
            np.array(data["weights"]),
            np.array(data["bias"]),
            np.array(data["mean"]),
            np.array(data["scale"]),
            float(data["temperature"]),
            np.array(data["decision"]),
        )


#: How the cross-encoder sums up its tokens before the classifier: ``mean`` (the mean of the
#: last layer's token vectors, as the bundled encoder was trained to; ``stance-v2``) or ``cls``
#: (BERT's pooler on the first token; ``stance-v1``).
POOLINGS = ("mean", "cls")


def pair_network(base: Path, pooling: str) -> Any:
    """The cross-encoder's network (PyTorch), the bundled encoder ``base`` under a new 3-way
    classifier, untrained: its forward takes the tokenizer's tensors and returns logits."""
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification

    if pooling not in POOLINGS:
        raise SettingsError(f"unknown cross-encoder pooling {pooling!r}: one of {POOLINGS}")
    if pooling == "cls":
        return AutoModelForSequenceClassification.from_pretrained(
            base, num_labels=len(PAIR_STANCES)
        )

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(base, add_pooling_layer=False)
            self.dropout = torch.nn.Dropout(0.1)
            self.classifier = torch.nn.Linear(self.bert.config.hidden_size, len(PAIR_STANCES))

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any = None) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return self.classifier(self.dropout((hidden * mask).sum(1) / mask.sum(1)))

    return MeanPooled()


def logits_of(output: Any) -> Any:
    """The logits tensor of :func:`pair_network`'s output (a transformers classifier returns
    them in an output object, the mean-pooled network bare)."""
    return getattr(output, "logits", output)


class PairModel:
    """The fine-tuned cross-encoder: the bundled encoder with the shipped tensors on top.

    Args:
        tensors: the tuned tensors (``stance-v2.safetensors``).
        runtime: ``torch`` (PyTorch fp32, the reference, and what training uses) or
            ``openvino`` (the same network converted with ``openvino.convert_model`` when it
            is loaded, about 2.5 s, and run in OpenVINO's precision for this CPU: bf16 where
            the CPU has it, about 2.4 times as fast on 2 cores, probabilities within about
            0.01 of PyTorch's; docs/benchmarks.md). Where OpenVINO cannot convert or
            compile it on this machine, the PyTorch model runs instead, with one warning;
            :attr:`runtime` says which runs.
        pooling: how the network was built (:data:`POOLINGS`; the model's JSON says). Tensors
            trained with the other pooling are refused with a :class:`SettingsError`.
    """

    def __init__(self, tensors: Path, runtime: str = "torch", pooling: str = "mean") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        from verifier.embed.model_files import bundled_model_dir, verify_model_dir

        base = verify_model_dir(bundled_model_dir())
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        self.model = pair_network(base, pooling)
        tuned = {name: t.float() for name, t in load_file(str(tensors)).items()}
        missing = set(tuned) - set(self.model.state_dict())
        if missing:
            raise SettingsError(f"{tensors} holds tensors the model lacks: {sorted(missing)[:3]}")
        # Both networks share their other tensor names: the tuned pooler tells them apart.
        if any(name.startswith("bert.pooler.") for name in tuned) != (pooling == "cls"):
            raise SettingsError(
                f"{tensors} was not trained with {pooling} pooling; reinstall verifier, "
                "or set VERIFIER_STANCE_MODEL=rules"
            )
        self.model.load_state_dict(tuned, strict=False)
        self.model.eval()
        # The app's sessions share one model: the tokenizer (a Rust one, which refuses a
        # second caller mid-call) and the compiled network are used by one call at a time.
        self._busy = threading.Lock()
        self._compiled: Any = None
        self.runtime = "torch"
        if runtime == "openvino":
            try:
                self._compiled = self._compile()
                self.runtime = "openvino"
            except Exception as error:  # a CPU or model OpenVINO cannot handle
                log.warning(
                    "the trained stance model cannot run on OpenVINO here (%s); "
                    "using PyTorch instead",
                    first_line(error),
                )

    def _compile(self) -> Any:
        """The network converted by OpenVINO and compiled for this CPU."""
        import openvino

        example = self.tokenizer(["A title. A sentence."], ["A claim."], return_tensors="pt")
        with warnings.catch_warnings():  # tracing warnings of transformers' attention code
            warnings.simplefilter("ignore")
            converted = openvino.convert_model(self.model, example_input=dict(example))
        return openvino.Core().compile_model(converted, "CPU")

    def probabilities(self, claim: str, premises: Sequence[str], batch: int = 32) -> np.ndarray:
        """Rows of :data:`PAIR_STANCES` probabilities, one per premise."""
        return self.read_pairs([(text, claim) for text in premises], batch)

    def read_pairs(self, pairs: Sequence[tuple[str, str]], batch: int = 32) -> np.ndarray:
        """Rows of :data:`PAIR_STANCES` probabilities, one per (premise, claim) pair, in
        batches of ``batch`` pairs as given. Reading many claims' pairs together, or sorted by
        length, gains under a fifth on 2 cores, within run-to-run noise, so ``suggest`` reads
        one claim at a time (benchmarks/bench_stance.py)."""
        torch = self._torch
        rows = []
        with self._busy, torch.inference_mode():
            for start in range(0, len(pairs), batch):
                chunk = pairs[start : start + batch]
                encoded = self.tokenizer(
                    [premise for premise, _ in chunk],
                    [claim for _, claim in chunk],
                    truncation="longest_first",
                    max_length=MAX_TOKENS,
                    padding=True,
                    return_tensors="np" if self._compiled is not None else "pt",
                )
                if self._compiled is not None:
                    logits = np.asarray(self._compiled(dict(encoded))[0], dtype=np.float64)
                else:
                    logits = logits_of(self.model(**encoded)).double().numpy()
                logits -= logits.max(axis=1, keepdims=True)
                rows.append(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))
        return np.concatenate(rows) if rows else np.zeros((0, len(PAIR_STANCES)))


def runtime_for(backend: str = "auto") -> str:
    """What runs the cross-encoder for the embedding ``backend`` setting: ``torch`` when the
    desk asked for PyTorch (or OpenVINO is not installed), else ``openvino-<precision>`` with
    the precision OpenVINO computes in on this CPU (``bf16`` or ``f32``)."""
    if backend.startswith("torch"):
        return "torch"
    try:
        import openvino
    except ImportError:
        return "torch"
    hint = openvino.Core().get_property("CPU", "INFERENCE_PRECISION_HINT")
    return f"openvino-{hint.to_string()}"


class TrainedStance:
    """The trained stance model (``VERIFIER_STANCE_MODEL=trained``). See the module's docstring.

    Args:
        folder: holds ``stance-v2.safetensors`` and ``stance-v2.json``.
        backend: the embedding backend setting; the cross-encoder runs on OpenVINO unless it
            is a PyTorch one (:func:`runtime_for`). The version says which, since bf16
            probabilities differ from PyTorch's in the second decimal at most.
    """

    name = "trained"

    def __init__(self, folder: Path = MODEL_DIR, backend: str = "auto") -> None:
        meta_path = folder / f"{MODEL_NAME}.json"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SettingsError(
                f"the trained stance model cannot be read from {meta_path} ({error}); "
                "reinstall verifier, or set VERIFIER_STANCE_MODEL=rules"
            ) from error
        self.runtime = runtime_for(backend)
        self._weights_version = f"{meta['version']}.{RULES_VERSION}"
        self.head = ClaimHead.from_json(meta["head"])
        # The head was fitted on this many passages a claim: its features (top-3 means, the
        # share of sources) and so its calibration hold there.
        self.depth = int(meta.get("head_training", {}).get("top_k", 10))
        # stance-v1's JSON predates the setting: it pooled by BERT's pooler.
        self.pooling = str(meta.get("pairs", {}).get("pooling", "cls"))
        if self.pooling not in POOLINGS:  # found now, not at the first claim scored
            raise SettingsError(
                f"the trained stance model in {meta_path} names an unknown pooling "
                f"{self.pooling!r}; reinstall verifier, or set VERIFIER_STANCE_MODEL=rules"
            )
        self._tensors = folder / f"{MODEL_NAME}.safetensors"
        if not self._tensors.is_file():
            raise SettingsError(
                f"the trained stance model's weights are missing ({self._tensors}); "
                "reinstall verifier, or set VERIFIER_STANCE_MODEL=rules"
            )
        self._pairs: PairModel | None = None
        self._loading = threading.Lock()

    @property
    def version(self) -> str:
        """The weights' and rules' version, and the runtime unless PyTorch (its reference)."""
        if self.runtime == "torch":
            return self._weights_version
        return f"{self._weights_version}+{self.runtime}"

    @property
    def pairs(self) -> PairModel:
        """The cross-encoder, loaded once, when the first claim is scored (PyTorch and the
        weights take seconds): opening a workbench to ingest or export does not wait for it.
        The app's sessions share one workbench, hence the lock. Where OpenVINO cannot convert
        or compile it on this machine, it runs on PyTorch, with one warning, and the version
        says so from then on (as the embedder falls back)."""
        with self._loading:
            if self._pairs is None:
                self._pairs = PairModel(self._tensors, self.runtime.partition("-")[0], self.pooling)
                if self._pairs.runtime == "torch":
                    self.runtime = "torch"
            return self._pairs

    def suggest(self, claim: str, evidence: Sequence[Evidence]) -> Suggestion:
        if not evidence:
            fallback = rules_suggest(claim, evidence)
            return Suggestion(Label.UNVERIFIED, fallback.confidence, fallback.reason)
        probs, telling, restated = read_claim(self.pairs, claim, evidence)
        rules = rules_suggest(claim, evidence)
        verdict = self.head.probabilities(claim_features(claim, evidence, probs, rules))[0]
        label = VERDICTS[int(self.head.decide(verdict)[0])]
        overruled = rules_verdict(rules, evidence)
        if overruled is not None:
            label = overruled
        stances = []
        for item, row, rule, swapped in zip(evidence, probs, rules.stances, restated):
            stance = PAIR_STANCES[int(np.argmax(row))]
            why = f"{stance.value} {row.max():.2f}"
            if swapped:
                why += "; the rules: it restates the claim (the model read it as refuting)"
            if stance is Stance.REFUTES and rule.stance is Stance.REFUTES and rule.why:
                why += f"; {rule.why}"
            elif stance is Stance.NEUTRAL and rule.cue is Cue.UNCONFIRMED:
                why += f"; {rule.why}"
            stances.append(EvidenceStance(item.passage_id, stance, why))
        reason = _reason(label, evidence, probs, stances, telling)
        if overruled in (Label.DISPUTED, Label.UNVERIFIED):
            reason = f"the rules: {rules.reason}; the model: {reason}"
        elif overruled is Label.SUPPORTED:
            reason = f"the rules: {rules.reason}, none in conflict; the model: {reason}"
        return Suggestion(
            label,
            round(float(verdict[VERDICTS.index(label)]), 3),
            reason,
            [e.passage_id for e, s in zip(evidence, stances) if s.stance is not Stance.NEUTRAL],
            stances,
        )


def rules_verdict(rules: Suggestion, evidence: Sequence[Evidence]) -> Label | None:
    """The verdict the rules settle whatever the head says, or ``None``: ``disputed`` for a
    decisive conflict (:data:`DECISIVE_CUES`), ``unverified`` where the only close sources
    report the claim as unconfirmed (the head reads a close passage as support, whatever it
    says), ``supported`` for a close paraphrase with no conflict in any passage. The
    cross-encoder reads two reports of the same thing that differ in wording as a refutation
    (near copies of a sentence read as refuting it at 0.6-0.7), which is what a desk's own
    sources mostly are."""
    if rules.label is Label.DISPUTED and any(s.cue in DECISIVE_CUES for s in rules.stances):
        return Label.DISPUTED
    if rules.label is Label.UNVERIFIED and any(s.cue is Cue.UNCONFIRMED for s in rules.stances):
        return Label.UNVERIFIED  # the close sources only report it as unconfirmed
    # The closest passage the rules read as agreeing (an unconfirmed report does not).
    closest = max(
        (e.score for e, s in zip(evidence, rules.stances) if s.stance is Stance.SUPPORTS),
        default=0.0,
    )
    if (
        rules.label is Label.SUPPORTED
        and closest >= PARAPHRASE_SIMILARITY
        and not any(s.stance is Stance.REFUTES for s in rules.stances)
    ):
        return Label.SUPPORTED
    return None


def _reason(
    label: Label,
    evidence: Sequence[Evidence],
    probs: np.ndarray,
    stances: Sequence[EvidenceStance],
    telling: Sequence[str],
) -> str:
    """The passages the verdict rests on, best first, with what the model saw in them: the
    sentence it read as supporting or refuting, and the rules' conflict where they found one.
    Where no passage reads that way (the head weighs how close the sources are too, and on
    the public data a close passage read as refuting was more often a paraphrase), the
    closest passage and what the model did read in it, so that a reviewer sees what the
    verdict rests on."""
    column = {Label.SUPPORTED: 0, Label.DISPUTED: 1}.get(label)
    if column is None:
        return (
            "no passage clearly supports or refutes it (strongest support "
            f"{probs[:, 0].max():.2f}, refutation {probs[:, 1].max():.2f})"
        )
    order = np.argsort(-probs[:, column], kind="stable")[:2]
    side = PAIR_STANCES[column]
    parts = []
    for i in order:
        if probs[i, column] < 0.3:
            continue
        said = stances[i].why if stances[i].stance is side and stances[i].why else None
        detail = said or f"{side.value} {probs[i, column]:.2f}"
        parts.append(f"{detail}: {quote(telling[i])!r} ({evidence[i].document})")
    if parts:
        return "; ".join(parts)
    closest = int(np.argmax([e.score for e in evidence]))
    read = PAIR_STANCES[int(np.argmax(probs[closest]))]
    strongest = probs[order[0], column]
    return (
        f"no passage reads as {('supporting', 'refuting')[column]} it (strongest "
        f"{strongest:.2f}); the closest, read as {read.value} {probs[closest].max():.2f}: "
        f"{quote(telling[closest])!r} ({evidence[closest].document})"
    )
