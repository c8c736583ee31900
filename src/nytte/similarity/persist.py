"""Save a :class:`LexicalIndex` to one file and load it back by memory mapping.

Building an index costs about 0.4 ms a text (seconds for a national portfolio), and every
worker process used to build its own. Saved once, the posting and per-text term arrays are
mapped read-only from the file: loading takes a fraction of the build, and the pages of
the arrays are shared between the processes that map the same file (the operating system
keeps one copy). A mapped array is copied the first time an update appends to it, so an
index stays fully updatable after loading.

File layout: 8 bytes (little-endian length of the header), the pickled header (Python
state and the dtype/shape/offset of every array), then each array's bytes, 64-byte
aligned. The texts are among the arrays (UTF-8 with offsets): a loaded index reads a text
only to show its passages (``MappedDocs``). Written to a temporary file and renamed, so a
reader never sees half a file.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import numpy as np

from nytte.similarity.analysis import Analyzer
from nytte.similarity.documents import Document
from nytte.similarity.lexical import LexicalIndex
from nytte.similarity.postings import Postings
from nytte.similarity.signals import SIGNAL_KINDS, Signals, SignalStore

#: Bumped whenever the layout or the analysis changes: older files are ignored.
FORMAT = 4
_ALIGN = 64

#: LexicalIndex attributes saved as they are (small, or Python objects).
_STATE = (
    "params",
    "passages",
    "feedback_docs",
    "feedback_terms",
    "feedback_weight",
    "theme_weight",
    "theme_depth",
    "signal_weights",
    "learned_weight",
    "link_weight",
    "_links",
    "_docs",
    "_slot_of",
    "_slot_ids",
    "_kinds",
    "_term_ids",
    "_term_names",
    "_df",
    "_is_theme",
    "_total_length",
    "_dead",
    "_avgdl",
    "_signals",
    "_length",
    "_alive",
    "_kind",
)


def _extra_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The meta keys that the signals cannot give back."""
    return {k: v for k, v in (meta or {}).items() if k not in SIGNAL_KINDS}


class MappedDocs(MutableMapping[str, Document]):
    """The documents of a loaded index: texts stay in the mapped file (shared between the
    processes that load it) and a :class:`Document` is made when one is asked for;
    documents added or replaced later live in an ordinary dict beside them."""

    def __init__(
        self,
        ids: list[str],
        text: np.ndarray,
        offsets: np.ndarray,
        kinds: np.ndarray,
        kind_names: list[str],
        signals: SignalStore,
        extras: dict[str, dict[str, Any]],
    ) -> None:
        self._row = {doc_id: row for row, doc_id in enumerate(ids)}
        self._text, self._offsets, self._kinds = text, offsets, kinds
        self._kind_names = kind_names
        self._signals = signals
        self._extras = extras
        self._new: dict[str, Document] = {}

    def __getitem__(self, doc_id: str) -> Document:
        doc = self._new.get(doc_id)
        if doc is not None:
            return doc
        row = self._row[doc_id]
        a, b = int(self._offsets[row]), int(self._offsets[row + 1])
        meta = dict(self._extras.get(doc_id, {}))
        signals = self._signals.by_id.get(doc_id)
        if signals is not None:
            for kind in SIGNAL_KINDS:
                if signals.get(kind):
                    meta[kind] = sorted(signals.get(kind))
        text = self._text[a:b].tobytes().decode("utf-8")
        return Document(doc_id, text, self._kind_names[int(self._kinds[row])], meta)

    def __setitem__(self, doc_id: str, doc: Document) -> None:
        self._row.pop(doc_id, None)
        self._new[doc_id] = doc

    def __delitem__(self, doc_id: str) -> None:
        if self._new.pop(doc_id, None) is None:
            del self._row[doc_id]

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._new or doc_id in self._row

    def __iter__(self) -> Iterator[str]:
        yield from self._row
        yield from self._new

    def __len__(self) -> int:
        return len(self._row) + len(self._new)


def _flat(parts: list[np.ndarray], dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated arrays and their offsets (len(parts) + 1)."""
    sizes = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    flat = np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)
    return flat, offsets


def save(index: LexicalIndex, path: str | Path, extra: dict[str, Any] | None = None) -> None:
    """Write ``index`` (and ``extra``, any picklable data the caller wants back) to ``path``."""
    path = Path(path)
    with index._lock:
        state = {name: getattr(index, name) for name in _STATE}
        # The texts go into the mapped part (shared between workers, read when a passage
        # is shown); meta is rebuilt from the signals, so only other keys are kept.
        docs = list(index._docs.values())
        kind_names = sorted({d.kind for d in docs})
        codes = {k: i for i, k in enumerate(kind_names)}
        encoded = [d.text.encode("utf-8") for d in docs]
        state["_docs"] = (
            [d.id for d in docs],
            kind_names,
            {d.id: kept for d in docs if (kept := _extra_meta(d.meta))},
        )
        signals = index._signals
        state["_signals"] = (
            {i: (s.life_events, s.organisations) for i, s in signals.by_id.items()},
            signals.df,
        )
        analyzer = index.analyzer
        state["analyzer"] = (analyzer.config, Counter(analyzer.splitter._counts))
        arrays: dict[str, np.ndarray] = {}
        arrays["post_slots"], arrays["post_offsets"] = _flat(
            [p.slots[: p.n] for p in index._postings], np.int32
        )
        arrays["post_weights"], _ = _flat([p.weights[: p.n] for p in index._postings], np.float32)
        arrays["term_tids"], arrays["term_offsets"] = _flat(
            [t for t, _w in index._slot_terms], np.int32
        )
        arrays["term_tfs"], _ = _flat([w for _t, w in index._slot_terms], np.float32)
        arrays["doc_kinds"] = np.fromiter((codes[d.kind] for d in docs), np.int16, len(docs))
        arrays["doc_text"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        arrays["doc_offsets"] = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=arrays["doc_offsets"][1:])
        header_arrays = {}
        position = 0
        for name, array in arrays.items():
            header_arrays[name] = (array.dtype.str, array.shape, position)
            position += -(-array.nbytes // _ALIGN) * _ALIGN
        header = pickle.dumps(
            {"format": FORMAT, "state": state, "arrays": header_arrays, "extra": extra or {}},
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    start = -(-(8 + len(header)) // _ALIGN) * _ALIGN
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(len(header).to_bytes(8, "little"))
            fh.write(header)
            for name, array in arrays.items():
                fh.seek(start + header_arrays[name][2])
                fh.write(np.ascontiguousarray(array).tobytes())
            fh.truncate(max(fh.tell(), start))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: str | Path) -> tuple[LexicalIndex, dict[str, Any]] | None:
    """The index saved at ``path`` and its ``extra``; None if there is no usable file."""
    # Hundreds of thousands of new objects: without this, the collector scans them again
    # and again while they are made (about a third of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(Path(path))
    finally:
        if collecting:
            gc.enable()


def _load(path: Path) -> tuple[LexicalIndex, dict[str, Any]] | None:
    try:
        with path.open("rb") as fh:
            size = int.from_bytes(fh.read(8), "little")
            # Our own file under the data directory, trusted like the database beside it.
            header = pickle.loads(fh.read(size))
    except (OSError, EOFError, pickle.UnpicklingError, ValueError):
        return None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None
    start = -(-(8 + size) // _ALIGN) * _ALIGN
    arrays = {}
    for name, (dtype, shape, offset) in header["arrays"].items():
        if not shape[0]:
            arrays[name] = np.empty(shape, dtype)
            continue
        mapped = np.memmap(path, dtype=dtype, mode="r", offset=start + offset, shape=shape)
        # A plain view of the mapping: slicing a memmap costs ~25 µs, a view well under 1 µs.
        arrays[name] = mapped.view(np.ndarray)
    state = header["state"]
    config, counts = state.pop("analyzer")
    analyzer = Analyzer(config)
    analyzer.splitter._counts = Counter(counts)
    analyzer.splitter.learn(())  # re-derives the known parts from the counts
    index = LexicalIndex(analyzer, state["params"])
    by_id, df = state["_signals"]
    store = SignalStore()
    interned: dict[tuple[frozenset[str], frozenset[str]], Signals] = {}
    store.by_id = {
        i: interned.get(key) or interned.setdefault(key, Signals(*key)) for i, key in by_id.items()
    }
    store._interned = {s: s for s in interned.values()}
    store.df = df
    state["_signals"] = store
    ids, kind_names, extras = state["_docs"]
    state["_docs"] = MappedDocs(
        ids,
        arrays["doc_text"],
        arrays["doc_offsets"],
        arrays["doc_kinds"],
        kind_names,
        store,
        extras,
    )
    for name in _STATE:
        setattr(index, name, state[name])
    # Arrays that updates write in place must be private copies (they are small).
    for name in ("_length", "_alive", "_kind"):
        setattr(index, name, np.array(getattr(index, name)))
    slots, weights, bounds = arrays["post_slots"], arrays["post_weights"], arrays["post_offsets"]
    postings = []
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        p = Postings(0)
        p.slots, p.weights, p.n = slots[a:b], weights[a:b], b - a
        postings.append(p)
    index._postings = postings
    tids, tfs, bounds = arrays["term_tids"], arrays["term_tfs"], arrays["term_offsets"]
    index._slot_terms = [
        (tids[a:b], tfs[a:b])
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    ]
    return index, header["extra"]
