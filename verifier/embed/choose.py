"""Which embedding backend runs: the one ``VERIFIER_BACKEND`` names, or for ``auto`` (the
default) the fastest one measured to keep the vectors on a CPU like this one.

``auto`` also keeps a data folder working across an upgrade: when its index was built by
another backend of the same model, that backend is used (if it runs here) until
``verifier index rebuild`` re-embeds the passages with the preferred one.

A backend that cannot load (OpenVINO missing, or unable to compile on this CPU) falls back to
PyTorch with one warning line. Weights that fail their checksum are never a reason to fall
back: that error stops the command.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path
from typing import get_args

from verifier.config import MODEL_NAME, BackendName, Settings
from verifier.embed.base import Embedder
from verifier.embed.model_files import bundled_model_dir, verify_model_dir
from verifier.embed.torch_backend import TorchEmbedder
from verifier.errors import ModelError, first_line

log = logging.getLogger(__name__)

BACKENDS: tuple[str, ...] = get_args(BackendName)

#: CPU flags (``/proc/cpuinfo``) of native bf16 arithmetic.
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
#: CPU flags of int8 dot products (what makes int8 inference pay off).
VNNI_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags as Linux lists them (empty where it cannot be read)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def preferred_backend(flags: Collection[str], openvino: bool = True) -> str:
    """The backend ``auto`` means on a CPU with ``flags`` (figures: docs/benchmarks.md).

    * OpenVINO int8 where the CPU has int8 dot-product instructions (VNNI) but no AMX: on an
      AMD EPYC with avx512_vnni it embedded 3.7-4.3x (passages) and 3.2-3.4x (claims) as fast
      as PyTorch fp32 in two runs, and passed the int8 gate (mean cosine 0.993 / 0.996 to
      fp32, recall@5 within 0.01 on SciFact and CLIMATE-FEVER), ahead of OpenVINO bf16
      (2.5-2.8x / 2.0-2.4x).
    * OpenVINO in the CPU's own precision elsewhere: with AMX it computes in bf16, which
      measured as fast as int8 on passages and faster on short claims; without VNNI int8
      has not been measured, and f32 is exact.
    * Without OpenVINO, PyTorch bf16 autocast where the CPU does bf16 natively (2.0x / 2.3x
      on the EPYC), else PyTorch fp32.
    """
    flags = set(flags)
    if not openvino:
        return "torch-bf16" if BF16_FLAGS & flags else "torch"
    if "amx_bf16" not in flags and VNNI_FLAGS & flags:
        return "openvino-int8"
    return "openvino"


def make_embedder(settings: Settings, index_model: str | None = None) -> Embedder:
    """The embedder ``settings.backend`` asks for, ready to use.

    Args:
        settings: ``backend``, ``model_dir``, ``model_cache_dir``, ``batch_size``.
        index_model: the embedder name the data folder's index was built with, if any; with
            ``backend="auto"`` that backend is kept while it runs here.

    Raises:
        ModelError: the model weights are missing or fail their checksum.
    """
    model_dir = verify_model_dir(settings.model_dir or bundled_model_dir())
    choice: str = settings.backend
    if choice == "auto":
        choice = preferred_backend(cpu_flags(), _has_openvino())
        kept = _parse(index_model) if index_model else None
        if kept is not None:
            try:
                embedder = _load(kept[0], settings, model_dir, precision=kept[1])
            except ModelError:
                raise
            except Exception as error:
                log.info("cannot run %s here (%s)", index_model, first_line(error))
            else:
                if kept[0] != choice:
                    log.info(
                        "the index was built with %s, which is kept; `verifier index rebuild`"
                        " re-embeds it with %s, the faster backend here",
                        index_model,
                        choice,
                    )
                return embedder
    try:
        return _load(choice, settings, model_dir)
    except ModelError:
        raise
    except Exception as error:  # missing package, unsupported CPU, failed conversion
        log.warning(
            "embedding backend %s cannot load (%s); using PyTorch instead",
            choice,
            first_line(error),
        )
        return TorchEmbedder(model_dir, settings.batch_size)


def _load(
    choice: str, settings: Settings, model_dir: Path, precision: str | None = None
) -> Embedder:
    """The embedder for backend ``choice`` (raises if it cannot load)."""
    if choice in ("torch", "torch-bf16"):
        return TorchEmbedder(model_dir, settings.batch_size, bf16=choice == "torch-bf16")
    from verifier.embed.openvino_backend import OpenVINOEmbedder

    return OpenVINOEmbedder(
        settings.model_cache_dir,
        model_dir,
        settings.batch_size,
        int8=choice == "openvino-int8",
        precision=precision,
    )


def _parse(name: str) -> tuple[str, str | None] | None:
    """``(backend, precision)`` of an embedder name of this model; ``None`` for another model.

    ``all-MiniLM-L6-v2`` -> ``("torch", None)``; ``...+openvino-int8-bf16`` ->
    ``("openvino-int8", "bf16")``.
    """
    model, _, backend = name.partition("+")
    if model != MODEL_NAME:
        return None
    if backend in ("", "torch", "torch-bf16"):
        return backend or "torch", None
    engine, _, precision = backend.rpartition("-")
    return (engine, precision) if engine in ("openvino", "openvino-int8") else None


def _has_openvino() -> bool:
    return importlib.util.find_spec("openvino") is not None
