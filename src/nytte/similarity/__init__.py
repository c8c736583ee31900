"""Find initiatives and proposals similar to a text (pure Python, no Django).

Typical use::

    index = build_index(Document(str(p.pk), f"{p.title}\\n{p.description}", "proposal")
                        for p in proposals)
    index.update(Document(...))        # on save
    index.remove(str(pk))              # on delete
    matches = index.query(text, k=10, kinds={"initiative"}, exclude_ids={str(pk)})

See docs/similarity.md.
"""

from nytte.similarity.analysis import Analyzer, AnalyzerConfig
from nytte.similarity.backends import BACKENDS, build_index
from nytte.similarity.bands import DEFAULT_BANDS, Band, Bands, band_of
from nytte.similarity.documents import Document, Index, Match, Passage
from nytte.similarity.lexical import BM25Params, LexicalIndex
from nytte.similarity.signals import Signals, SignalWeights

__all__ = [
    "BACKENDS",
    "DEFAULT_BANDS",
    "Analyzer",
    "AnalyzerConfig",
    "BM25Params",
    "Band",
    "Bands",
    "Document",
    "Index",
    "LexicalIndex",
    "Match",
    "Passage",
    "SignalWeights",
    "Signals",
    "band_of",
    "build_index",
]
