from pathlib import Path

import numpy as np
import pytest

from index import IndexStoreError, PassageIndex


def unit(rows: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_search_returns_our_ids_best_first() -> None:
    index = PassageIndex("m", 16)
    vectors = unit(50)
    ids = np.arange(1000, 1050)
    index.add(ids, vectors)
    scores, found = index.search(vectors[[3, 7]], k=4)
    assert found[:, 0].tolist() == [1003, 1007]
    assert scores[0, 0] == pytest.approx(1.0, abs=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-6).all()


def test_add_replaces_and_remove_needs_no_rebuild() -> None:
    index = PassageIndex("m", 16)
    vectors = unit(10)
    index.add(range(10), vectors)
    index.add([4], vectors[[9]])  # same id again: replaced, not duplicated
    assert len(index) == 10
    np.testing.assert_allclose(index.vector(4), vectors[9], atol=1e-6)
    assert index.remove({2, 3, 99}) == 2
    assert index.ids() == {0, 1, 4, 5, 6, 7, 8, 9}
    _, found = index.search(vectors[[2]], k=8)
    assert 2 not in found


def test_save_load_roundtrip_with_manifest(tmp_path: Path) -> None:
    index = PassageIndex("model-a", 16)
    index.add([5, 6, 7], unit(3))
    index.save(tmp_path)
    manifest = PassageIndex.read_manifest(tmp_path)
    assert manifest is not None
    assert (manifest["model"], manifest["dim"], manifest["count"]) == ("model-a", 16, 3)
    loaded = PassageIndex.load(tmp_path, "model-a", 16)
    assert loaded.ids() == {5, 6, 7}
    assert not list(tmp_path.glob("*.tmp"))


def test_load_refuses_other_model_and_corrupt_files(tmp_path: Path) -> None:
    index = PassageIndex("model-a", 16)
    index.add([1], unit(1))
    index.save(tmp_path)
    with pytest.raises(IndexStoreError, match="built with model-a"):
        PassageIndex.load(tmp_path, "model-b", 16)
    (tmp_path / "passages.faiss").write_bytes(b"garbage")
    with pytest.raises(IndexStoreError, match="cannot be read.*verifier index rebuild"):
        PassageIndex.load(tmp_path, "model-a", 16)


def test_empty_folder_gives_empty_index_and_empty_search(tmp_path: Path) -> None:
    index = PassageIndex.load(tmp_path, "m", 16)
    assert len(index) == 0
    scores, ids = index.search(unit(2), k=5)
    assert scores.shape == (2, 0) and ids.shape == (2, 0)


def test_wrong_shapes_are_refused() -> None:
    index = PassageIndex("m", 16)
    with pytest.raises(IndexStoreError, match="16-d"):
        index.add([1], unit(1, dim=8))
    with pytest.raises(IndexStoreError, match="2 ids for 1 vectors"):
        index.add([1, 2], unit(1))
