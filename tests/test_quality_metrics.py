"""The quality harness's measures (benchmarks/quality/metrics.py): the figures issue 8's
targets are judged by, checked on cases small enough to work out by hand."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from verifier import Label

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from quality.metrics import (  # noqa: E402
    calibration,
    calibration_noise,
    evaluated,
    ndcg,
    recall,
    rrf,
    verdict_table,
)

S, D, U = Label.SUPPORTED, Label.DISPUTED, Label.UNVERIFIED


def test_ndcg_and_recall_by_hand() -> None:
    assert ndcg(["a", "b", "c"], {"a"}) == 1.0
    assert ndcg(["x", "a"], {"a"}) == pytest.approx(1 / math.log2(3))
    # Two gold documents at ranks 1 and 3 of an ideal 1 and 2.
    ideal = 1 + 1 / math.log2(3)
    assert ndcg(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 0.5) / ideal)
    assert ndcg(["x", "y"], {"a"}) == 0.0
    assert recall(["a", "x", "b", "c"], {"a", "b", "z"}, 2) == pytest.approx(1 / 3)
    assert recall(["a", "x", "b", "c"], {"a", "b", "z"}, 3) == pytest.approx(2 / 3)


def test_reciprocal_rank_fusion_favours_what_both_rank_high() -> None:
    assert rrf(["a", "b", "c"], ["b", "c", "a"])[0] == "b"
    assert set(rrf(["a"], ["z"])) == {"a", "z"}


def test_verdict_row_reads_accuracy_macro_f1_and_disputed_recall() -> None:
    gold = [S, S, D, D, U, U]
    assert verdict_table("perfect", gold, gold) == (
        "| perfect | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 |"
    )
    # Always "supported": accuracy 1/3; F1 supported 2*(1/3*1)/(1/3+1) = 0.5, others 0.
    assert verdict_table("majority", gold, [S] * 6) == (
        "| majority | 0.333 | 0.167 | 0.500 | 0.000 | 0.000 | 0.000 |"
    )
    # One of the two disputed claims caught.
    assert verdict_table("half", gold, [S, S, D, U, U, U]).endswith("| 0.500 |")


def test_calibration_error_by_hand() -> None:
    confidence = np.full(10, 0.8)
    # Eight of ten right at 0.8: calibrated. Five of ten: 0.3 off.
    assert calibration(confidence, np.array([1.0] * 8 + [0.0] * 2))[0] == pytest.approx(0.0)
    assert calibration(confidence, np.array([1.0] * 5 + [0.0] * 5))[0] == pytest.approx(0.3)
    # Two bins, weighed by their claims: 0.05 off on 4 claims (1 of 4 right at 0.3), 0.4 off
    # on 6 (3 of 6 right at 0.9).
    mixed = np.array([0.3] * 4 + [0.9] * 6)
    right = np.array([1.0, 0, 0, 0] + [1.0, 1, 1, 0, 0, 0])
    ece, table = calibration(mixed, right)
    assert ece == pytest.approx(0.4 * 0.05 + 0.6 * 0.4)
    assert "| 0.3-0.4 | 4 | 0.300 | 0.250 |" in table


def test_calibration_noise_shrinks_with_more_claims() -> None:
    rng = np.random.default_rng(1)
    few, many = rng.uniform(0.3, 0.9, 178), rng.uniform(0.3, 0.9, 20_000)
    few_mean, few_95 = calibration_noise(few, draws=200)
    many_mean, _ = calibration_noise(many, draws=20)
    # A perfectly calibrated model on 178 claims still shows an error of about 0.07; on
    # 20,000, under 0.01.
    assert 0.05 < few_mean < 0.09 < few_95
    assert many_mean < 0.01


def test_evaluated_claims_are_the_held_out_half() -> None:
    assert not evaluated({"id": 1, "split": "train"})
    assert evaluated({"id": 1, "split": "dev"})
    chosen = [evaluated({"id": n}) for n in range(2000)]
    assert 0.45 < np.mean(chosen) < 0.55
