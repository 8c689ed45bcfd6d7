"""A sentence-transformers CrossEncoder NLI model from a local folder as the stance model.

``VERIFIER_STANCE_MODEL=/path/to/folder`` loads it (nothing is downloaded: the folder must
hold the model's config, weights and tokenizer). Each evidence passage is read as the premise
and the claim as the hypothesis; the model's labels are mapped from its config
(``entailment``/``support`` -> supports, ``contradiction``/``refute`` -> refutes,
``neutral``/``not enough info`` -> neutral), so any three-way NLI cross-encoder fits.

The claim-level verdict weighs sources, not passages: each document counts once, with its
strongest support and its strongest refutation. The strongest of those across documents
decides, if it is above one half; otherwise the claim is ``unverified``. The confidence is
that probability as the model gives it: it is not calibrated on our data.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from verifier.embed.model_files import file_sha256
from verifier.errors import SettingsError
from verifier.labels import Label
from verifier.retrieve.base import Evidence
from verifier.stance.base import EvidenceStance, Stance, Suggestion
from verifier.stance.rules import conflict

_LABEL_WORDS = [
    (Stance.SUPPORTS, re.compile(r"entail|support|true", re.I)),
    (Stance.REFUTES, re.compile(r"contradict|refut|false", re.I)),
    (Stance.NEUTRAL, re.compile(r"neutral|not.?enough|nei|unrelated", re.I)),
]
_QUOTE_CHARS = 90


def stance_of_label(name: str) -> Stance | None:
    """The stance an NLI label name stands for (``None``: not an NLI label)."""
    found = {stance for stance, words in _LABEL_WORDS if words.search(name)}
    return found.pop() if len(found) == 1 else None


def quote(text: str, limit: int = _QUOTE_CHARS) -> str:
    """``text`` on one line, cut at a word after about ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


class NliStance:
    """Stance from a CrossEncoder NLI model in ``folder``.

    Args:
        folder: the model folder (``config.json`` with ``id2label``, weights, tokenizer).
        batch_size: pairs per model call.

    Raises:
        SettingsError: the folder holds no loadable model, or one whose labels are not
            support / refute / neutral.
    """

    def __init__(self, folder: Path, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import CrossEncoder

        try:
            self._model = CrossEncoder(str(folder), device="cpu", local_files_only=True)
        except (OSError, ValueError, KeyError) as error:
            raise SettingsError(
                f"VERIFIER_STANCE_MODEL: no CrossEncoder model can be loaded from {folder} "
                f"({str(error).strip().splitlines()[0] if str(error).strip() else error!r}); "
                "give a folder holding its config.json, weights and tokenizer"
            ) from error
        names = {int(i): str(name) for i, name in self._model.config.id2label.items()}
        self._stances = [stance_of_label(names[i]) for i in sorted(names)]
        if sorted(s for s in self._stances if s) != sorted(Stance) or len(names) != 3:
            raise SettingsError(
                f"VERIFIER_STANCE_MODEL: the model in {folder} has labels "
                f"{', '.join(names.values())}; a stance model needs three: entailment "
                "(support), contradiction (refute) and neutral"
            )
        self.batch_size = batch_size
        self.name = f"nli:{folder.name}"
        self.version = _weights_digest(folder)
        self.depth = 0
        self._busy = threading.Lock()  # the app's sessions share it; see trained.PairModel

    def probabilities(self, claim: str, passages: Sequence[str]) -> np.ndarray:
        """Rows of (supports, refutes, neutral) probabilities, one per passage."""
        if not passages:
            return np.zeros((0, 3))
        with self._busy:
            raw = self._model.predict(
                [(text, claim) for text in passages],
                batch_size=self.batch_size,
                apply_softmax=True,
                show_progress_bar=False,
            )
        columns = [
            self._stances.index(s) for s in (Stance.SUPPORTS, Stance.REFUTES, Stance.NEUTRAL)
        ]
        return np.asarray(raw, dtype=np.float64)[:, columns]

    def suggest(self, claim: str, evidence: Sequence[Evidence]) -> Suggestion:
        probs = self.probabilities(claim, [e.text for e in evidence])
        order = (Stance.SUPPORTS, Stance.REFUTES, Stance.NEUTRAL)
        stances = []
        for item, row in zip(evidence, probs):
            stance = order[int(np.argmax(row))]
            why = f"{stance.value} {row.max():.2f}"
            if stance is Stance.REFUTES and (figure := conflict(claim, item.text)):
                why += f"; {figure}"
            stances.append(EvidenceStance(item.passage_id, stance, why))
        # Sources, not passages: each document once, with its strongest passage either way;
        # then the strongest document each way (on a tie, the higher-ranked passage).
        top: dict[Stance, tuple[float, int]] = {}
        for column, stance in ((0, Stance.SUPPORTS), (1, Stance.REFUTES)):
            best: dict[str, tuple[float, int]] = {}
            for index, (item, row) in enumerate(zip(evidence, probs)):
                held = best.get(item.uri)
                if held is None or row[column] > held[0]:
                    best[item.uri] = (float(row[column]), index)
            top[stance] = max(best.values(), key=lambda hit: (hit[0], -hit[1]), default=(0.0, -1))
        (p_sup, i_sup), (p_ref, i_ref) = top[Stance.SUPPORTS], top[Stance.REFUTES]
        if max(p_sup, p_ref) < 0.5:
            return Suggestion(
                Label.UNVERIFIED,
                round(1 - max(p_sup, p_ref), 3),
                "no passage supports or refutes it clearly "
                f"(strongest support {p_sup:.2f}, refutation {p_ref:.2f})",
                stances=stances,
            )
        label = Label.DISPUTED if p_ref >= p_sup else Label.SUPPORTED
        sides = [(p_ref, i_ref), (p_sup, i_sup)]
        parts = []
        for p, index in sides if label is Label.DISPUTED else sides[::-1]:
            if p >= 0.5:
                item, said = evidence[index], stances[index]
                parts.append(f"{said.why}: {quote(item.text)!r} ({item.document})")
        used = [e.passage_id for e, s in zip(evidence, stances) if s.stance is not Stance.NEUTRAL]
        return Suggestion(label, round(max(p_sup, p_ref), 3), "; ".join(parts), used, stances)


def _weights_digest(folder: Path) -> str:
    """First 12 hex digits of a sha256 over the model's weight files: the version."""
    files = sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin"))
    joined = "".join(file_sha256(path) for path in files)
    return hashlib.sha256(joined.encode()).hexdigest()[:12]
