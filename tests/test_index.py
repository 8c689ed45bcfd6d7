import json
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
    vector_file = tmp_path / str(PassageIndex.read_manifest(tmp_path)["file"])  # type: ignore[index]
    vector_file.write_bytes(b"garbage")
    with pytest.raises(IndexStoreError, match="cannot be read.*verifier index rebuild"):
        PassageIndex.load(tmp_path, "model-a", 16)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("[1, 2]", "not an index manifest"),
        ("{", "not an index manifest"),
        ("[" * 100_000, "not an index manifest"),
        ('{"file": "/dev/zero", "model": "m", "dim": 16}', "not an index file"),
        ('{"file": "../passages.faiss", "model": "m", "dim": 16}', "not an index file"),
    ],
)
def test_a_manifest_that_is_not_ours_is_refused(
    tmp_path: Path, manifest: str, message: str
) -> None:
    (tmp_path / "manifest.json").write_text(manifest)
    with pytest.raises(IndexStoreError, match=message):
        PassageIndex.load(tmp_path, "m", 16)
    assert PassageIndex.verify(tmp_path)


def test_verify_names_a_changed_vector_file_and_a_changed_manifest(tmp_path: Path) -> None:
    index = PassageIndex("m", 16)
    index.add(list(range(50)), unit(50))
    index.save(tmp_path)
    assert PassageIndex.verify(tmp_path) == []
    manifest = PassageIndex.read_manifest(tmp_path)
    assert manifest is not None
    vector_file = tmp_path / manifest["file"]
    data = bytearray(vector_file.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one stored vector: still loads
    vector_file.write_bytes(bytes(data))
    assert len(PassageIndex.load(tmp_path, "m", 16)) == 50
    (problem,) = PassageIndex.verify(tmp_path)
    assert str(vector_file) in problem and "checksum" in problem
    index.save(tmp_path)
    assert PassageIndex.verify(tmp_path) == []
    text = (tmp_path / "manifest.json").read_text().replace('"count": 50', '"count": 49')
    (tmp_path / "manifest.json").write_text(text)
    (problem,) = PassageIndex.verify(tmp_path)
    assert "manifest.json does not match its checksum" in problem


def test_save_leaves_one_vector_file_and_clears_leftovers(tmp_path: Path) -> None:
    index = PassageIndex("m", 16)
    index.add([1], unit(1))
    (tmp_path / ".passages.faiss.99.tmp").write_bytes(b"half a save")
    (tmp_path / "passages.faiss").write_bytes(b"an older layout")
    index.save(tmp_path)
    index.add([2], unit(1))
    index.save(tmp_path)
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == ["manifest.json", PassageIndex.read_manifest(tmp_path)["file"]]  # type: ignore[index]


def test_an_index_saved_before_checksums_still_loads_and_is_reported(tmp_path: Path) -> None:
    index = PassageIndex("m", 16)
    index.add([1, 2], unit(2))
    index.save(tmp_path)
    manifest = PassageIndex.read_manifest(tmp_path)
    assert manifest is not None
    (tmp_path / manifest["file"]).rename(tmp_path / "passages.faiss")
    old = {key: manifest[key] for key in ("format", "model", "dim", "count", "saved_at")}
    (tmp_path / "manifest.json").write_text(json.dumps(old))
    assert PassageIndex.load(tmp_path, "m", 16).ids() == {1, 2}
    (problem,) = PassageIndex.verify(tmp_path)
    assert "without checksums" in problem


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
