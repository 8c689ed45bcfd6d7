"""Sentence embeddings from the bundled all-MiniLM-L6-v2, on the fastest backend that keeps them.

* :mod:`base`: the :class:`Embedder` interface (cache, de-duplication, length-sorted batches);
* :mod:`model_files`: the bundled model folder and its weights checksum;
* :mod:`torch_backend`: PyTorch fp32 (the reference) and bf16;
* :mod:`openvino_backend`: OpenVINO IR converted locally, in the CPU's precision or int8;
* :mod:`choose`: which backend ``VERIFIER_BACKEND`` (``auto`` by default) means on this CPU.
"""

from verifier.embed.base import Embedder, VectorCache
from verifier.embed.choose import BACKENDS, make_embedder, preferred_backend
from verifier.embed.model_files import bundled_model_dir, file_sha256, verify_model_dir
from verifier.embed.torch_backend import TorchEmbedder

__all__ = [
    "BACKENDS",
    "Embedder",
    "TorchEmbedder",
    "VectorCache",
    "bundled_model_dir",
    "file_sha256",
    "make_embedder",
    "preferred_backend",
    "verify_model_dir",
]
