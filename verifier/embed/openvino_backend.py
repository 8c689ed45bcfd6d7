"""The OpenVINO backend: the bundled model converted to OpenVINO IR on first use, run on the CPU.

Route: OpenVINO's own converter (``openvino.convert_model``) on the PyTorch model that
sentence-transformers loads from the checksum-verified bundled weights; mean pooling and
normalisation are done here in NumPy, and texts are tokenised with the model's own
``tokenizer.json`` (the ``tokenizers`` library). That needs one new package (``openvino``; plus
``nncf`` for int8) and, once the IR is cached, no PyTorch at all: a cold command starts
faster too. (sentence-transformers' own OpenVINO backend goes through ``optimum-intel``, which
pins its own transformers range and exports through a further layer.)

The IR is written to ``<cache>/<model>-openvino[-int8]/`` with ``checksums.json`` (sha256 of
each file, the source weights' sha256, the OpenVINO version and, for int8, the calibration
texts' hash). A cache whose files do not match is converted again, under a file lock so two
processes never write it at once; a new IR is written beside the old and renamed into place.

Precision: OpenVINO computes in bf16 on CPUs with bf16 instructions and in f32 elsewhere;
:attr:`OpenVINOEmbedder.name` says which (``all-MiniLM-L6-v2+openvino-bf16``). ``int8`` is
static quantisation (NNCF) calibrated on texts the project ships (:mod:`calibration`).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from verifier.config import MODEL_NAME, MODEL_SHA256
from verifier.embed.base import Embedder
from verifier.embed.calibration import calibration_texts, texts_hash
from verifier.embed.model_files import (
    bundled_model_dir,
    file_sha256,
    max_seq_length,
    verify_model_dir,
)
from verifier.locks import file_lock

log = logging.getLogger(__name__)

_IR_FILES = ("model.xml", "model.bin")
_CHECKSUMS = "checksums.json"
_PAD_TO = 8  # token lengths rounded up to a multiple of this: fewer distinct input shapes
_SHAPE_CACHE = 64  # input shapes whose compiled kernels OpenVINO keeps (32 lengths x a few)


def _pad_rows(inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``inputs`` with rows added (copies of the last) up to the next power of two.

    A batch of texts is a (rows, tokens) input shape, and OpenVINO keeps memory for each
    shape it meets beyond its bounded kernel cache. Without this, the short last batch of
    every call has a new row count, and ingest's memory grew with the input. Rows are
    independent in the model, so the copies change nothing; the caller drops their vectors.
    """
    rows = len(inputs["input_ids"])
    extra = (1 << (rows - 1).bit_length()) - rows if rows else 0
    if not extra:
        return inputs
    return {
        key: np.concatenate([value, np.repeat(value[-1:], extra, axis=0)])
        for key, value in inputs.items()
    }


class Tokenizer:
    """The model's own fast tokenizer, set up as sentence-transformers uses it: texts cut at
    the model's ``max_seq_length`` tokens, each batch padded to its longest text (rounded up
    to a multiple of ``multiple_of``; padding is masked, so it does not change the vectors)."""

    def __init__(self, model_dir: Path, multiple_of: int = 1) -> None:
        from tokenizers import Tokenizer as FastTokenizer

        self._tokenizer = FastTokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_seq_length(model_dir))
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]", pad_to_multiple_of=multiple_of)

    def __call__(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        encodings = self._tokenizer.encode_batch(list(texts))
        return {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }


def ir_folder(cache_dir: Path, int8: bool) -> Path:
    return cache_dir / f"{MODEL_NAME}-openvino{'-int8' if int8 else ''}"


def _expected_meta(int8: bool) -> dict[str, str]:
    import openvino

    meta = {"source_sha256": MODEL_SHA256, "openvino": openvino.__version__}
    if int8:  # the version from metadata: importing nncf takes 1.5 s and loads PyTorch
        meta["nncf"] = importlib.metadata.version("nncf")
        meta["calibration"] = texts_hash(calibration_texts())
    return meta


def _cache_problem(folder: Path, int8: bool) -> str | None:
    """Why the IR in ``folder`` cannot be used (``None`` when it can)."""
    try:
        saved = json.loads((folder / _CHECKSUMS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "not converted yet"
    except (OSError, ValueError) as error:
        return f"unreadable {_CHECKSUMS} ({error})"
    for key, value in _expected_meta(int8).items():
        if saved.get(key) != value:
            return f"made with {key} {saved.get(key)}, not {value}"
    for name in _IR_FILES:
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if file_sha256(path) != saved.get("files", {}).get(name):
            return f"{name} does not match its checksum"
    return None


def prepare_ir(model_dir: Path, cache_dir: Path, int8: bool = False) -> Path:
    """The cached IR's ``model.xml``, converting (and quantising) it first if needed.

    Raises:
        ModelError: the bundled weights fail their checksum.
    """
    verify_model_dir(model_dir)
    folder = ir_folder(cache_dir, int8)
    if _cache_problem(folder, int8) is None:
        return folder / "model.xml"
    with file_lock(cache_dir / ".lock"):
        problem = _cache_problem(folder, int8)  # another process may have just made it
        if problem is None:
            return folder / "model.xml"
        if folder.exists():
            log.warning("converting the OpenVINO model again: %s (%s)", problem, folder)
        started = time.perf_counter()
        partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            _convert(model_dir, partial, int8)
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(partial, folder)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        log.info(
            "converted %s to OpenVINO%s in %.1f s (%s)",
            MODEL_NAME,
            " int8" if int8 else "",
            time.perf_counter() - started,
            folder,
        )
    return folder / "model.xml"


def _convert(model_dir: Path, out: Path, int8: bool) -> None:
    import openvino
    import torch

    from verifier.embed.torch_backend import load_model

    tokenizer = Tokenizer(model_dir)
    transformer: Any = load_model(model_dir)[0].auto_model
    transformer.eval()
    example = {k: torch.from_numpy(v) for k, v in tokenizer(["an example", "texts"]).items()}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about the model's Python branches
        model = openvino.convert_model(transformer, example_input=example)
    if int8:
        model = _quantise(model, tokenizer)
    # Weights stay fp32 in the file (the default would halve them to fp16 and move vectors).
    openvino.save_model(model, out / "model.xml", compress_to_fp16=False)
    meta: dict[str, Any] = dict(_expected_meta(int8))
    meta["files"] = {name: file_sha256(out / name) for name in _IR_FILES}
    (out / _CHECKSUMS).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def _quantise(model: Any, tokenizer: Tokenizer) -> Any:
    import nncf

    texts = calibration_texts()
    batches = [tokenizer(texts[i : i + 16]) for i in range(0, len(texts), 16)]
    nncf.set_log_level(logging.ERROR)
    # NNCF draws progress bars on stdout; a command's output must stay its own.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return nncf.quantize(
            model,
            nncf.Dataset(batches),
            model_type=nncf.ModelType.TRANSFORMER,
            subset_size=len(texts),
        )


class OpenVINOEmbedder(Embedder):
    """The bundled model in OpenVINO on the CPU.

    Args:
        cache_dir: where the converted IR is kept (``<home>/models`` by default).
        model_dir: model folder; the bundled one when ``None``.
        batch_size: texts per model call (``None``: 32, which gave 10% more texts/s than 64).
        int8: use the statically quantised model.
        precision: force ``bf16`` or ``f32`` compute (``None``: OpenVINO's choice for the CPU).

    Raises:
        ModelError: the weights fail their checksum.
        ImportError, RuntimeError: OpenVINO is missing or cannot compile the model (the
            caller falls back to PyTorch).
    """

    dim = 384
    default_batch_size = 32

    def __init__(
        self,
        cache_dir: Path,
        model_dir: Path | None = None,
        batch_size: int | None = None,
        int8: bool = False,
        precision: str | None = None,
    ) -> None:
        import openvino

        self.model_dir = model_dir or bundled_model_dir()
        self.batch_size = batch_size or self.default_batch_size
        xml = prepare_ir(self.model_dir, cache_dir, int8)
        # OpenVINO compiles and keeps kernels for every input shape it meets; unbounded, that
        # cache made ingest's memory grow with the input. Lengths padded to a multiple of 8
        # and a bounded cache keep it flat, at the same speed (docs/benchmarks.md).
        config: dict[str, str] = {
            "PERFORMANCE_HINT": "LATENCY",
            "CPU_RUNTIME_CACHE_CAPACITY": str(_SHAPE_CACHE),
        }
        if precision:
            config["INFERENCE_PRECISION_HINT"] = precision
        self._compiled = openvino.Core().compile_model(str(xml), "CPU", config)
        self.precision = self._compiled.get_property("INFERENCE_PRECISION_HINT").to_string()
        if precision and self.precision != precision:
            raise RuntimeError(f"this CPU computes in {self.precision}, not {precision}")
        self.name = f"{MODEL_NAME}+openvino-{'int8-' if int8 else ''}{self.precision}"
        self._tokenizer = Tokenizer(self.model_dir, multiple_of=_PAD_TO)

    def encode(self, texts: list[str]) -> np.ndarray:
        inputs = self._tokenizer(texts)
        # One infer request per call: the app's threads share this embedder.
        request = self._compiled.create_infer_request()
        hidden = request.infer(_pad_rows(inputs))[0][: len(texts)]
        mask = inputs["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.astype(np.float32, copy=False)
