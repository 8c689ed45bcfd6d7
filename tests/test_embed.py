from pathlib import Path

import numpy as np
import pytest
from fakes import HashEmbedder

from verifier.config import MODEL_SHA256
from verifier.embed import (
    Embedder,
    TorchEmbedder,
    bundled_model_dir,
    file_sha256,
    verify_model_dir,
)
from verifier.errors import ModelError
from verifier.text import text_hash


def test_bundled_weights_have_the_pinned_sha256() -> None:
    assert file_sha256(bundled_model_dir() / "model.safetensors") == MODEL_SHA256
    assert verify_model_dir(bundled_model_dir()) == bundled_model_dir()


def test_other_weights_are_refused(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    with pytest.raises(ModelError, match="refusing model weights.*sha256"):
        verify_model_dir(tmp_path)
    with pytest.raises(ModelError, match="refusing"):
        TorchEmbedder(model_dir=tmp_path).embed(["x"])


def test_missing_weights_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model.safetensors"):
        verify_model_dir(tmp_path)


def test_vectors_are_normalised_and_meaningful(model_embedder: Embedder) -> None:
    vectors = model_embedder.embed(
        [
            "Russia is building an air base near Latakia.",
            "Moscow is constructing an airfield close to Latakia.",
            "Spartak beat Zenit in the football derby.",
        ]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


class DictCache:
    def __init__(self) -> None:
        self.store: dict[tuple[str, str], np.ndarray] = {}

    def get_many(self, model, hashes):  # type: ignore[no-untyped-def]
        return {h: self.store[(model, h)] for h in hashes if (model, h) in self.store}

    def put_many(self, model, vectors):  # type: ignore[no-untyped-def]
        self.store.update({(model, h): v for h, v in vectors.items()})


def test_cache_is_keyed_by_model_and_text_hash(embedder: Embedder) -> None:
    cache = DictCache()
    first = embedder.embed(["alpha claim", "beta claim", "alpha claim"], cache=cache)
    assert set(cache.store) == {
        (embedder.name, text_hash("alpha claim")),
        (embedder.name, text_hash("beta claim")),
    }
    np.testing.assert_allclose(first[0], first[2])
    # A planted vector proves the second call reads the cache instead of the model.
    planted = np.zeros(384, dtype=np.float32)
    planted[0] = 1.0
    cache.store[(embedder.name, text_hash("alpha claim"))] = planted
    again = embedder.embed(["alpha claim"], cache=cache)
    np.testing.assert_array_equal(again[0], planted)


def test_cache_hits_skip_the_model_and_batches_follow_batch_size(embedder: HashEmbedder) -> None:
    cache = DictCache()
    embedder.batch_size = 2
    embedder.embed([f"text {i}" for i in range(5)], cache=cache)
    assert embedder.calls == 3  # 5 texts in batches of 2
    embedder.embed([f"text {i}" for i in range(5)], cache=cache)
    assert embedder.calls == 3  # all from the cache
    assert embedder.embed([]).shape == (0, 384)


def test_progress_counts_every_text(embedder: Embedder) -> None:
    done: list[int] = []
    embedder.embed([f"text {i}" for i in range(5)] + ["text 0"], progress=done.append)
    assert sum(done) == 6


def test_hub_is_switched_off_before_the_model_loads(model_embedder: Embedder) -> None:
    import os

    model_embedder.embed(["loaded"])
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    from huggingface_hub import constants

    assert constants.HF_HUB_OFFLINE
