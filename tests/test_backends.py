"""Embedding backends: same vectors as PyTorch fp32, a verified IR cache, a fallback that says
so, and an index that never mixes vectors from two backends."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from verifier import Settings, Workbench, pipeline
from verifier.cache import DbVectorCache
from verifier.config import MODEL_NAME
from verifier.embed import TorchEmbedder, bundled_model_dir, make_embedder, preferred_backend
from verifier.embed.calibration import calibration_texts, make_texts
from verifier.embed.openvino_backend import OpenVINOEmbedder, Tokenizer, _pad_rows, ir_folder
from verifier.errors import ModelError, SettingsError, VerifierError
from verifier.memory import release_free_memory
from verifier.sources import read_sources
from verifier.text import text_hash

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "Russia is building an air base near Latakia.",
    "Satellite images show crews extending the runways and building helicopter pads and an "
    "air traffic control tower at the Syrian airport, US officials said on Monday.",
    "Spartak beat Zenit 2-1.",
    "Die Bundesregierung äußerte sich nicht; 「東京」 — ñandú, café, 🙂.",
    " ".join(["A very long passage about the airfield and the runway."] * 60),  # > 256 tokens
]


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """The session's shared IR cache (conftest points VERIFIER_MODEL_CACHE at it)."""
    return Path(os.environ["VERIFIER_MODEL_CACHE"])


@pytest.fixture(scope="session")
def reference(model_embedder: TorchEmbedder) -> np.ndarray:
    return model_embedder.embed(TEXTS)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


def test_preferred_backend_follows_what_the_cpu_offers() -> None:
    assert preferred_backend({"avx2", "avx512_bf16", "avx512_vnni"}) == "openvino-int8"
    assert preferred_backend({"avx512_bf16", "avx512_vnni", "amx_bf16", "amx_int8"}) == "openvino"
    assert preferred_backend({"avx2"}) == "openvino"
    assert preferred_backend({"avx2"}, openvino=False) == "torch"
    assert preferred_backend({"avx512_bf16"}, openvino=False) == "torch-bf16"
    assert preferred_backend({"amx_bf16"}, openvino=False) == "torch-bf16"


def test_an_unknown_backend_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="VERIFIER_BACKEND .* must be one of auto, torch"):
        Settings.from_env({"VERIFIER_BACKEND": "onnx"}, home=tmp_path)


def test_the_tokenizer_reads_texts_as_sentence_transformers_does(
    model_embedder: TorchEmbedder,
) -> None:
    ours = Tokenizer(bundled_model_dir())(TEXTS)
    theirs = model_embedder.model.tokenize(TEXTS)
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        np.testing.assert_array_equal(ours[key], theirs[key].numpy())
    assert ours["input_ids"].shape[1] == 256  # the long text is cut where the model cuts it


def test_openvino_batches_pad_to_a_few_lengths_without_changing_the_tokens() -> None:
    plain = Tokenizer(bundled_model_dir())(TEXTS[:3])
    padded = Tokenizer(bundled_model_dir(), multiple_of=8)(TEXTS[:3])
    width = plain["input_ids"].shape[1]
    assert padded["input_ids"].shape[1] % 8 == 0 and padded["input_ids"].shape[1] >= width
    np.testing.assert_array_equal(padded["input_ids"][:, :width], plain["input_ids"])
    assert not padded["attention_mask"][:, width:].any()  # the extra tokens are masked


def test_openvino_batches_pad_to_a_few_row_counts_without_changing_the_vectors(
    model_cache: Path,
) -> None:
    tokens = Tokenizer(bundled_model_dir())(TEXTS)
    assert [
        len(_pad_rows({k: v[:n] for k, v in tokens.items()})["input_ids"]) for n in (1, 2, 3, 5)
    ] == [1, 2, 4, 8]
    padded = _pad_rows({k: v[:3] for k, v in tokens.items()})
    np.testing.assert_array_equal(padded["input_ids"][3], tokens["input_ids"][2])
    embedder = OpenVINOEmbedder(model_cache, precision="f32")
    together = embedder.encode(TEXTS[:3])  # 3 rows, run as 4
    alone = np.vstack([embedder.encode([text]) for text in TEXTS[:3]])
    assert together.shape == (3, embedder.dim)
    assert cosines(together, alone).min() >= 0.99999


def test_freed_memory_goes_back_to_the_os_on_glibc() -> None:
    assert release_free_memory()  # Debian and this machine run glibc


def test_openvino_keeps_the_vectors(model_cache: Path, reference: np.ndarray) -> None:
    embedder = OpenVINOEmbedder(model_cache)
    assert embedder.name == f"{MODEL_NAME}+openvino-{embedder.precision}"
    vectors = embedder.embed(TEXTS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosines(vectors, reference).min() >= 0.9999


def test_openvino_f32_is_exact(model_cache: Path, reference: np.ndarray) -> None:
    vectors = OpenVINOEmbedder(model_cache, precision="f32").embed(TEXTS)
    assert cosines(vectors, reference).min() >= 0.99999


def test_int8_passes_its_quality_gate(model_cache: Path, reference: np.ndarray) -> None:
    embedder = OpenVINOEmbedder(model_cache, int8=True)
    assert embedder.name.startswith(f"{MODEL_NAME}+openvino-int8-")
    assert cosines(embedder.embed(TEXTS), reference).mean() >= 0.99


def test_torch_bf16_keeps_the_vectors(reference: np.ndarray) -> None:
    embedder = TorchEmbedder(bf16=True)
    assert embedder.name == f"{MODEL_NAME}+torch-bf16"
    assert cosines(embedder.embed(TEXTS), reference).min() >= 0.9999


def test_the_converted_model_is_reused_and_a_damaged_one_made_again(
    model_cache: Path, tmp_path: Path, reference: np.ndarray, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "models"
    folder = ir_folder(cache, int8=False)
    OpenVINOEmbedder(model_cache)  # converted once for the run; the copy is this test's own
    shutil.copytree(ir_folder(model_cache, int8=False), folder)
    saved = json.loads((folder / "checksums.json").read_text())
    assert set(saved["files"]) == {"model.xml", "model.bin"}
    stamp = (folder / "model.bin").stat().st_mtime_ns
    OpenVINOEmbedder(cache)
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # reused, not converted again

    with open(folder / "model.bin", "r+b") as handle:  # one flipped byte in the weights
        handle.seek(4096)
        byte = handle.read(1)
        handle.seek(4096)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with caplog.at_level(logging.WARNING):
        again = OpenVINOEmbedder(cache)
    assert "model.bin does not match its checksum" in caplog.text
    assert cosines(again.embed(TEXTS), reference).min() >= 0.9999
    assert not list(cache.glob("*.partial-*"))


def test_a_backend_that_cannot_load_falls_back_to_pytorch_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the model cache should go")
    settings = Settings(home=tmp_path, backend="openvino", model_cache=blocker / "models")
    with caplog.at_level(logging.WARNING):
        embedder = make_embedder(settings)
    assert isinstance(embedder, TorchEmbedder) and embedder.name == MODEL_NAME
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "embedding backend openvino cannot load" in warnings[0].getMessage()
    assert "using PyTorch instead" in warnings[0].getMessage()


def test_weights_that_fail_the_checksum_are_refused_not_fallen_back_from(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    for backend in ("openvino", "openvino-int8", "torch", "auto"):
        settings = Settings(home=tmp_path / "home", backend=backend, model_dir=tmp_path)
        with pytest.raises(ModelError, match="refusing model weights"):
            make_embedder(settings)


def test_the_cache_keeps_each_backends_vectors_apart(
    model_bench: Workbench, model_cache: Path
) -> None:
    other = OpenVINOEmbedder(model_cache)
    with model_bench.db.session() as session:
        cache = DbVectorCache(session)
        model_bench.embedder.embed(TEXTS[:2], cache=cache)
        other.embed(TEXTS[:2], cache=cache)
        for name in (model_bench.embedder.name, other.name):
            assert set(cache.get_many(name, [text_hash(t) for t in TEXTS[:2]])) == {
                text_hash(t) for t in TEXTS[:2]
            }
        assert model_bench.embedder.name != other.name


def test_switching_backend_refuses_then_rebuild_re_embeds(
    tmp_path: Path, sources: Path, model_cache: Path
) -> None:
    def at(**chosen: str) -> Settings:
        return Settings(home=tmp_path / "home", model_cache=model_cache, **chosen)  # type: ignore[arg-type]

    with Workbench.open(at(backend="torch"), upgrade=True) as bench:
        pipeline.ingest(bench, [sources])
        built = len(bench.corpus.index())
    # Named explicitly, another backend is refused, with the command that fixes it.
    with pytest.raises(VerifierError, match=r"built with all-MiniLM-L6-v2 .*index rebuild"):
        Workbench.open(at(backend="openvino"))
    # auto keeps the backend the index was built with...
    with Workbench.open(at()) as bench:
        assert bench.embedder.name == MODEL_NAME
    # ...until a rebuild moves it to the preferred one.
    with Workbench.open(at(), repair=False, keep_index_backend=False) as bench:
        assert bench.embedder.name != MODEL_NAME
        assert bench.corpus.rebuild() == built
    with Workbench.open(at()) as bench:
        assert bench.embedder.name.startswith(f"{MODEL_NAME}+openvino-")
        hits = pipeline.score_claims(bench, ["Russia moved equipment to the Latakia airfield"])
        assert "Latakia" in hits[0].evidence[0].text


def test_auto_keeps_an_index_built_at_another_openvino_precision(
    tmp_path: Path, sources: Path, model_cache: Path
) -> None:
    settings = Settings(home=tmp_path / "home", model_cache=model_cache)
    f32 = OpenVINOEmbedder(model_cache, precision="f32")
    with Workbench.open(settings, upgrade=True, embedder=f32) as bench:
        pipeline.ingest(bench, [sources])
    with Workbench.open(settings) as bench:
        assert bench.embedder.name == f"{MODEL_NAME}+openvino-f32"
        assert not bench.corpus.check()


def test_the_shipped_calibration_texts_are_made_from_the_sample_corpus() -> None:
    sample = ROOT / "sample_corpus"
    docs = read_sources([sample / "sources", sample / "article.md"], max_bytes=10 * 1024 * 1024)
    expected = make_texts(doc.text for doc in docs)
    assert list(calibration_texts()) == expected, "run scripts/make_calibration.py"
    lengths = sorted(len(text) for text in expected)
    assert len(expected) >= 80 and lengths[0] < 80 and lengths[-1] > 400  # claims and passages
