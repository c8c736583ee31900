"""The values that cross the engine's boundary: documents in, matches out."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from nytte.similarity.signals import Signals


#: Document.meta key: offset in ``text`` where words taught by confirmed links begin.
TAUGHT_AT = "taught_at"


@dataclass(frozen=True, slots=True)
class Document:
    """A text to match against: an initiative (tiltak) or a proposal.

    ``text`` should hold the title and the description (e.g. ``f"{title}\\n{body}"``);
    ``kind`` is free text such as "initiative" or "proposal" and filters queries.
    ``meta`` may carry structured signals (``signals.py``) and ``TAUGHT_AT``: the offset
    where text learned from confirmed links begins (indexed at a lower weight).
    """

    id: str
    text: str
    kind: str = "initiative"
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of a matched document and the words in it that matched the query."""

    text: str
    start: int
    end: int
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """One suggestion: ``score`` is in [0, 1], the share of the query's own
    self-match score that this document reaches (1.0 ≈ the same text)."""

    id: str
    score: float
    kind: str
    passages: tuple[Passage, ...] = ()
    #: Structured signals shared with the query, by kind ("life_events", "organisations").
    shared: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Found through a confirmed link: the id of the linked text the query resembled.
    via: str | None = None
    #: Rank among an installed embedding model's nearest texts (1 = nearest); None
    #: without a model or beyond its candidates (``fusion.FusedIndex``).
    semantic_rank: int | None = None
    #: How many of the query's words the match rests on (``BM25Scorer.evidence_words``:
    #: 1 = one word and what it brings, such as its themes); the bands discount a score
    #: resting on few words (``bands.Bands.words``). None when not measured.
    words: float | None = None
    #: The same count for the query against itself: how many words it offers at all (a
    #: title of three words cannot be matched on five).
    query_words: float | None = None


@runtime_checkable
class Index(Protocol):
    """What every backend offers; the Django app talks only to this."""

    def add(self, docs: Iterable[Document]) -> None: ...

    def update(self, doc: Document) -> None: ...

    def remove(self, doc_id: str) -> None: ...

    def __contains__(self, doc_id: object) -> bool: ...

    def __len__(self) -> int: ...

    def query(
        self,
        text: str,
        k: int = 10,
        kinds: Collection[str] | None = None,
        exclude_ids: Collection[str] = (),
        signals: Signals | None = None,
    ) -> list[Match]: ...
