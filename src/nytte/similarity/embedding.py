"""A sentence-embedding model loaded from a local directory, run with ONNX Runtime.

An agency that wants more than word matching installs a model *as files*: it copies a
directory holding an ONNX export and its ``tokenizer.json`` (the layout the
sentence-transformers model repositories publish, ``onnx/model.onnx`` beside
``tokenizer.json``) onto the server and names it in a setting. Nothing is ever fetched:
the offline flags of the Hugging Face libraries are set before anything is loaded, a
name that is not an existing directory (such as ``intfloat/multilingual-e5-small``) is
refused, and only ``onnxruntime`` and ``tokenizers`` are imported (no torch, no hub
client). Both are optional (``pip install nytte[embedding]``): nothing here imports them
until :class:`OnnxEmbedder` is constructed.

What the directory may hold:

* ``model.onnx`` or ``onnx/model.onnx`` (else the only ``*.onnx`` there): inputs
  ``input_ids``, ``attention_mask`` and optionally ``token_type_ids``; output either token
  vectors (``last_hidden_state``, pooled here) or a pooled ``sentence_embedding``;
* ``tokenizer.json`` (required);
* ``1_Pooling/config.json`` (sentence-transformers): CLS or mean pooling (mean if absent);
* ``sentence_bert_config.json``: ``max_seq_length`` (256 if absent);
* ``nytte-embedding.json`` (ours, optional): ``query_prefix`` / ``passage_prefix`` (e5
  models want ``"query: "`` / ``"passage: "``), ``max_length``, ``pooling``
  (``"mean"``/``"cls"``), ``name``. Prefixes may also come from the ``prompts`` of
  ``config_sentence_transformers.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: Set before the tokenizer library is imported: it (and anything it pulls in) must never
#: reach for a model hub.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}
#: Our own description of a model directory (optional).
CONFIG_FILE = "nytte-embedding.json"
DEFAULT_MAX_LENGTH = 256


class ModelDirError(ValueError):
    """The configured model directory is missing, incomplete or not a directory."""


def go_offline() -> None:
    os.environ.update(OFFLINE_ENV)


def text_digest(text: str) -> str:
    """What a stored vector was computed from; a changed text needs a new vector."""
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def model_dir(value: str | os.PathLike[str]) -> Path:
    """The directory named in settings, or :class:`ModelDirError` — never a hub name."""
    path = Path(value).expanduser()
    if not path.is_dir():
        raise ModelDirError(
            f"embedding model directory {str(value)!r} does not exist or is not a directory; "
            "Nytte never downloads a model: copy the model's files to this server and name "
            "their directory"
        )
    return path.resolve()


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelDirError(f"cannot read {path}: {exc}") from exc
    return data if isinstance(data, dict) else {}


def _onnx_file(root: Path) -> Path:
    for candidate in (root / "model.onnx", root / "onnx" / "model.onnx"):
        if candidate.is_file():
            return candidate
    found = sorted(root.glob("*.onnx")) or sorted((root / "onnx").glob("*.onnx"))
    if len(found) == 1:
        return found[0]
    if not found:
        raise ModelDirError(f"no ONNX model (model.onnx or onnx/model.onnx) in {root}")
    raise ModelDirError(
        f"several ONNX files in {root} ({', '.join(p.name for p in found)}): "
        "name the one to use model.onnx"
    )


def _file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=8)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class OnnxEmbedder:
    """A sentence-embedding model in ``root`` run on ONNX Runtime; vectors are unit length.

    ``model_id`` names the model by its directory name and a digest of its files and
    settings, so a stored vector records what made it and a new model (or new prefixes)
    is noticed and re-embedded. One thread by default: the app's workers share two cores.
    """

    def __init__(self, root: str | os.PathLike[str], *, threads: int = 1, batch: int = 16) -> None:
        go_offline()
        self.root = model_dir(root)
        tokenizer_file = self.root / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise ModelDirError(f"no tokenizer.json in {self.root}")
        self.onnx_file = _onnx_file(self.root)
        ours = _read_json(self.root / CONFIG_FILE)
        st_config = _read_json(self.root / "sentence_bert_config.json")
        prompts = _read_json(self.root / "config_sentence_transformers.json").get("prompts") or {}
        pooling = _read_json(self.root / "1_Pooling" / "config.json")
        self.max_length = int(
            ours.get("max_length") or st_config.get("max_seq_length") or DEFAULT_MAX_LENGTH
        )
        self.pooling = str(
            ours.get("pooling") or ("cls" if pooling.get("pooling_mode_cls_token") else "mean")
        )
        if self.pooling not in ("mean", "cls"):
            raise ModelDirError(f"unknown pooling {self.pooling!r} (mean or cls)")
        self.query_prefix = str(ours.get("query_prefix", prompts.get("query", "")))
        self.passage_prefix = str(
            ours.get("passage_prefix", prompts.get("passage", prompts.get("document", "")))
        )
        self.batch = batch
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:  # the optional extra is not installed
            raise ImportError(
                f"the embedding backend needs onnxruntime and tokenizers "
                f"(pip install 'nytte[embedding]'): {exc}"
            ) from exc
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=self.max_length)
        self._tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(self.onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= self._inputs:
            raise ModelDirError(
                f"{self.onnx_file.name} takes {sorted(self._inputs)}; expected input_ids and "
                "attention_mask"
            )
        outputs = [o.name for o in self._session.get_outputs()]
        self._output = "sentence_embedding" if "sentence_embedding" in outputs else outputs[0]
        self._pad_id = self._tokenizer.token_to_id("[PAD]")
        if self._pad_id is None:
            self._pad_id = self._tokenizer.token_to_id("<pad>") or 0
        settings_key = json.dumps(
            [self.max_length, self.pooling, self.query_prefix, self.passage_prefix],
            ensure_ascii=False,
        )
        h = hashlib.blake2b(digest_size=6)
        for part in (_file_digest(self.onnx_file), _file_digest(tokenizer_file), settings_key):
            h.update(part.encode())
        name = str(ours.get("name") or self.root.name)
        self.model_id = f"{name[:80]}@{h.hexdigest()}"
        self.dimension = int(self.embed_passages(["dimension"]).shape[1])

    @property
    def symmetric(self) -> bool:
        """Queries and passages are embedded alike (a stored vector can serve as a query)."""
        return self.query_prefix == self.passage_prefix

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.passage_prefix + t for t in texts])

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        out = np.zeros((len(texts), 0), np.float32)
        # Similar lengths together: a batch is padded to its longest text.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch):
            rows = order[start : start + self.batch]
            vectors = self._run([encodings[i] for i in rows])
            if out.shape[1] == 0:
                out = np.zeros((len(texts), vectors.shape[1]), np.float32)
            out[rows] = vectors
        return out

    def _run(self, encodings: Sequence[Any]) -> np.ndarray:
        width = max(1, max(len(e.ids) for e in encodings))
        ids = np.full((len(encodings), width), self._pad_id, np.int64)
        mask = np.zeros((len(encodings), width), np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        (hidden,) = self._session.run([self._output], feed)
        hidden = np.asarray(hidden, np.float32)
        if hidden.ndim == 3:
            if self.pooling == "cls":
                hidden = hidden[:, 0, :]
            else:
                weights = mask[:, :, None].astype(np.float32)
                hidden = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(hidden, axis=1, keepdims=True)
        return (hidden / np.maximum(norms, 1e-12)).astype(np.float32)
