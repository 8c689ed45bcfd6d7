"""The BM25 word index (tantivy) and the hybrid fusion, on their own."""

from pathlib import Path

import pytest

from index import LexicalIndex
from verifier.retrieve.hybrid import fuse, minmax


def filled(folder: Path) -> LexicalIndex:
    index = LexicalIndex.open(folder)
    writer = index.writer()
    writer.add(
        [10, 11, 12],
        ["Hmeimim air base", "Weather report", "Port of Tartus"],
        [
            "Russia deployed six Su-27 fighters to the base near Latakia.",
            "Heavy rain is expected over the coast on Tuesday.",
            "Naval supply ships docked at the port this week.",
        ],
    )
    writer.commit()
    writer.close()
    return index


def test_search_ranks_by_bm25_and_stems_and_drops_stop_words(tmp_path: Path) -> None:
    index = filled(tmp_path / "words")
    [hits] = index.search(["How many fighter jets were deployed?"], k=5)
    assert [pid for pid, _ in hits] == [10]  # "fighter" matches "fighters", "deployed" stems
    assert index.terms("The fighters are deployed, the fighters") == ["fighter", "deploy"]


def test_the_title_is_a_field_of_its_own_with_its_own_weight(tmp_path: Path) -> None:
    index = filled(tmp_path / "words")
    assert [pid for pid, _ in index.search(["Hmeimim"], k=5)[0]] == [10]  # only in a title
    assert index.search(["Hmeimim"], k=5, title_boost=0) == [[]]
    [plain] = index.search(["Hmeimim"], k=5, title_boost=1)
    [boosted] = index.search(["Hmeimim"], k=5, title_boost=2)
    assert boosted[0][1] == pytest.approx(2 * plain[0][1])


def test_query_syntax_in_a_claim_is_read_as_words(tmp_path: Path) -> None:
    index = filled(tmp_path / "words")
    for text in ['title:"Weather" AND -rain', "(((", "", "the of and", "*:*"]:
        [hits] = index.search([text], k=5)
        assert all(pid in (10, 11, 12) for pid, _ in hits)
    assert index.search(["*:*"], 5) == [[]] and index.search(["the of"], 5) == [[]]
    [hits] = index.search(['title:"Weather" AND -rain'], 5)
    assert hits[0][0] == 11  # "weather" and "rain" are plain words, both in passage 11


def test_add_replaces_remove_forgets_and_a_reopened_index_sees_the_commit(
    tmp_path: Path,
) -> None:
    index = filled(tmp_path / "words")
    writer = index.writer()
    writer.add([11], ["Weather report"], ["Snow in the mountains."])  # same id: replaced
    writer.remove([12, 99])  # 99 is not there: ignored
    assert index.ids() == {10, 11, 12}  # nothing visible before the commit
    writer.commit()
    writer.close()
    assert index.ids() == {10, 11} and len(index) == 2
    assert index.search(["rain"], 5) == [[]] and index.search(["snow"], 5)[0][0][0] == 11
    assert LexicalIndex.open(tmp_path / "words").ids() == {10, 11}


def test_a_writer_closed_without_commit_leaves_the_last_commit(tmp_path: Path) -> None:
    index = filled(tmp_path / "words")
    writer = index.writer()
    writer.remove([10, 11, 12])
    writer.close()
    assert LexicalIndex.open(tmp_path / "words").ids() == {10, 11, 12}


def test_fusion_normalises_each_side_and_weighs_them() -> None:
    assert minmax({1: 2.0, 2: 4.0, 3: 3.0}) == {1: 0.0, 2: 1.0, 3: 0.5}
    assert minmax({1: 7.0}) == {1: 1.0} and minmax({}) == {}
    dense = {1: 0.9, 2: 0.5}  # passage 3 only found by BM25
    words = {3: 30.0, 2: 20.0, 1: 10.0}
    assert fuse(dense, words, weight=1.0)[:2] == [1, 2]
    assert fuse(dense, words, weight=0.0)[0] == 3
    assert fuse(dense, words, weight=0.5) == [1, 3, 2]  # 0.5 + 0 / 0.5 + 0.5 ... ties by id


def test_verify_checks_every_segment_file_against_its_footer_crc(tmp_path: Path) -> None:
    index = filled(tmp_path / "words")
    assert LexicalIndex.verify(index.folder) == []
    segment = max(index.folder.glob("*.store"), key=lambda path: path.stat().st_size)
    data = bytearray(segment.read_bytes())
    data[len(data) // 3] ^= 0x20
    segment.write_bytes(bytes(data))
    (problem,) = LexicalIndex.verify(index.folder)
    assert str(segment) in problem and "checksum" in problem
    segment.write_bytes(bytes(data[:-20]))
    (problem,) = LexicalIndex.verify(index.folder)
    assert "no valid footer" in problem
    (index.folder / "meta.json").write_text("[]")
    (problem,) = LexicalIndex.verify(index.folder)
    assert "not a word index's meta.json" in problem
    assert LexicalIndex.verify(tmp_path / "never-made") == []
