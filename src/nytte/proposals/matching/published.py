"""What the public proposal form suggests while someone types: published initiatives only
(``portfolio.published``), from every programme that publishes, never a proposal and
never an unpublished initiative.

The published initiatives get an index of their own, one per process, so an unpublished
text can never rank, let alone show, and the public's queries never touch a programme's
full index. Before each query one query reads the published rows' count, newest
``updated_at`` and sum of ids; only when those moved are their (id, updated_at) pairs read
and changed rows re-indexed, and those no longer published (unpublished, or their
programme stopped publishing) dropped. Published sets are small (hundreds, a few thousand at
national size: well under a second to build at about 0.4 ms a text).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Sum

from nytte.portfolio.published import PublishedInitiative, published_initiatives, published_rows
from nytte.similarity import DEFAULT_BANDS, Band, Index, Signals

from .index import MAX_IDS_PER_QUERY, new_index
from .texts import INITIATIVE, TEXT_FIELDS, Why, doc_id, document, mark, split_id, with_signals

# More changed rows than this are indexed as one batch.
BATCH = 50


@dataclass
class _Published:
    index: Index = field(default_factory=new_index)
    seen: dict[int, datetime] = field(default_factory=dict)
    signature: tuple[Any, ...] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_STATE = _Published()


def reset() -> None:
    """Forget the index (tests)."""
    global _STATE
    _STATE = _Published()


def _sync(state: _Published) -> None:
    """Re-index changed published rows and drop those no longer published (one query when
    nothing changed). Many changes at once (the first call) go in as one batch, which also
    learns the compound vocabulary from them."""
    figures = published_initiatives().aggregate(
        n=Count("pk"), latest=Max("updated_at"), ids=Sum("pk")
    )
    signature = (figures["n"], figures["latest"], figures["ids"])
    if signature == state.signature:
        return  # the same rows, none changed since: one small query
    state.signature = signature
    current = dict(published_initiatives().values_list("pk", "updated_at"))
    for pk in [pk for pk in state.seen if pk not in current]:
        state.index.remove(doc_id(INITIATIVE, pk))
        del state.seen[pk]
    changed = {pk for pk, stamp in current.items() if state.seen.get(pk) != stamp}
    if not changed:
        return
    fields = ["pk", "updated_at", "owner_organisation_id", *TEXT_FIELDS[INITIATIVE]]
    rows = published_initiatives().only(*fields)
    if len(changed) <= MAX_IDS_PER_QUERY:
        rows = rows.filter(pk__in=changed)
    docs = []
    for obj in with_signals(INITIATIVE, rows):
        if obj.pk in changed:
            docs.append(document(INITIATIVE, obj))
            state.seen[obj.pk] = obj.updated_at
    if len(docs) > BATCH:
        state.index.add(docs)
    else:
        for doc in docs:
            state.index.update(doc)


@dataclass(frozen=True, slots=True)
class PublicSuggestion:
    """A published initiative like the typed text: its public row, band and best sentence."""

    row: PublishedInitiative
    band: Band
    why: Why | None

    @property
    def is_close(self) -> bool:
        return self.band != Band.WEAK


def similar_published(
    text: str, *, k: int = 5, signals: Signals | None = None
) -> tuple[PublicSuggestion, ...]:
    """The ``k`` published initiatives most like ``text`` that are at least *possibly
    related* (a weak match is no help to someone outside), best first."""
    state = _STATE
    with state.lock:
        _sync(state)
        matches = state.index.query(text, k=k, kinds={INITIATIVE}, signals=signals)
    matches = [m for m in matches if DEFAULT_BANDS.of_match(m) != Band.WEAK]
    if not matches:
        return ()
    # Read again through the one selector: a row unpublished a moment ago is left out.
    rows = {row.id: row for row in published_rows(pks=[split_id(m.id)[1] for m in matches])}
    found = []
    for m in matches:
        row = rows.get(split_id(m.id)[1])
        if row is None:
            continue
        title = row.title.strip()
        passage = next((p for p in m.passages if p.text.strip() != title), None)
        why = None
        if passage is not None:
            segments = mark(passage.text, passage.terms)
            why = Why(text=passage.text, field="", terms=passage.terms, segments=segments)
        found.append(PublicSuggestion(row=row, band=DEFAULT_BANDS.of_match(m), why=why))
    return tuple(found)
