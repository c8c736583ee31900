"""One index per programme and process, kept fresh against the database.

Each process keeps one index per programme over its initiatives (title and description),
its open proposals (title, need, idea and expected benefits) and its merged ones (kind
``merged``: never suggested, but they carry their confirmed links), with each row's
organisations and life events as signals, and the programme's confirmed links. On first
use the index is loaded from the file another process saved (``store.py``) or built.
Before every query it is brought up to date cheaply: one query reads, for each kind and
for the links, the number of rows and the newest ``updated_at``/``created_at``; only when
that signature moved are the rows' (id, updated_at) pairs compared with what the index
holds, so changed texts are re-indexed and deleted ones removed. A query therefore never
returns a deleted, merged or stale text, whichever process made the change. Writes that
leave ``updated_at`` alone (``QuerySet.update``, a change of organisations or life events)
are caught by comparing texts and signals, which replaces the signature check once every
``RECONCILE_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Max, QuerySet, Subquery

from nytte.core.models import Programme
from nytte.portfolio.models import Initiative
from nytte.similarity import Index, build_index
from nytte.similarity.fusion import FusedIndex
from nytte.similarity.lexical import LexicalIndex

from ..choices import Stage
from ..models import Proposal, ProposalLink
from . import store, vectors
from .texts import (
    INITIATIVE,
    KINDS,
    PROPOSAL,
    TEXT_FIELDS,
    digest,
    doc_id,
    document,
    with_signals,
)

logger = logging.getLogger(__name__)

# A full (id, updated_at) comparison at least this often, whatever the signature says.
RECONCILE_SECONDS = 60.0
# Fetch rows by id up to this many; beyond it, read the programme's rows whole.
MAX_IDS_PER_QUERY = 500
LINKS = "links"

Signature = tuple[int, datetime | None]
# What the index holds of one row: its updated_at and a digest of its text and signals.
Seen = tuple[datetime, int]


@dataclass
class ProgrammeIndex:
    """One programme's index and what it was built from: pk → (updated_at, digest) per
    kind, the merged proposals among them, and the links' signature."""

    index: Index
    seen: dict[str, dict[int, Seen]] = field(default_factory=dict)
    merged: set[int] = field(default_factory=set)
    links: Signature = (0, None)
    vectors: Signature = (0, None)  # of the stored vectors loaded (fused index only)
    checked_at: float = -1.0  # monotonic time of the last full comparison; < 0: never built
    synced_at: float = -1.0  # monotonic time of the last signature check (or build)
    built_size: int = 0
    changes: int = 0  # rows re-indexed or dropped since the index was saved or loaded
    lock: threading.RLock = field(default_factory=threading.RLock)
    # ``signature`` of each kind until its rows change (``forget``): every freshness check
    # compares it, and the newest of 15,000 stamps costs some 2 ms to find again.
    held: dict[str, Signature] = field(default_factory=dict)

    def signature(self, kind: str) -> Signature:
        held = self.held.get(kind)
        if held is None:
            rows = self.seen.get(kind, {})
            latest = max(stamp for stamp, _digest in rows.values()) if rows else None
            held = self.held[kind] = (len(rows), latest)
        return held

    def forget(self, kind: str | None = None) -> None:
        """Drop the held signature of ``kind`` (of every kind: None) as its rows change."""
        if kind is None:
            self.held.clear()
        else:
            self.held.pop(kind, None)

    def counts(self) -> tuple[int, int]:
        """(initiatives, open proposals) the index compares against."""
        n_proposals = len(self.seen.get(PROPOSAL, {})) - len(self.merged)
        return len(self.seen.get(INITIATIVE, {})), n_proposals


_INDEXES: dict[tuple[str, int], ProgrammeIndex] = {}
_INDEXES_LOCK = threading.Lock()


def reset() -> None:
    """Forget every index of this process (tests; after restoring a database)."""
    with _INDEXES_LOCK:
        _INDEXES.clear()
    store.forget()


def new_index() -> Index:
    model = vectors.embedder()
    if model is not None:
        # An installed embedding model: its ranking is fused with the words' (fusion.py).
        lexical = build_index(())
        assert isinstance(lexical, LexicalIndex)
        weight = getattr(settings, "NYTTE_EMBEDDING_WEIGHT", 0.1)
        return FusedIndex(lexical, model, embedding_weight=weight)
    backend = getattr(settings, "NYTTE_SIMILARITY_BACKEND", "lexical")
    try:
        return build_index((), backend=backend)
    except (ImportError, ValueError):
        # A stronger backend that cannot load must not take the harmonisation view down.
        logger.warning("similarity backend %r unavailable; using lexical", backend)
        return build_index(())


def _queryset(kind: str, programme_id: int) -> QuerySet[Any]:
    if kind == INITIATIVE:
        return Initiative.objects.filter(programme_id=programme_id)
    return Proposal.objects.filter(programme_id=programme_id).exclude(stage=Stage.REJECTED)


def _links_queryset(programme_id: int) -> QuerySet[Any]:
    return ProposalLink.objects.filter(proposal__programme_id=programme_id)


def _signatures(programme_id: int) -> dict[str, Signature]:
    """(count, newest updated_at) of each kind and of the links, in one query."""
    row = _signature_query(programme_id).first() or {}
    return {
        name: (row.get(f"{name}_n") or 0, row.get(f"{name}_latest")) for name in (*KINDS, LINKS)
    }


@lru_cache(maxsize=256)
def _signature_query(programme_id: int) -> QuerySet[Any]:
    """The query of ``_signatures``, built once per programme and process (each use runs
    a copy): it is asked before every suggestion. The newest of each kind is the first row
    in the (programme, updated_at) index, read backwards: a ``MAX`` grouped by programme
    reads every row (some 7 ms of SQL at 15,000 texts on SQLite). The counts are of rows
    (``COUNT(*)``), not of ids: PostgreSQL then counts from the programme's index alone
    (1 ms instead of 4–5 ms of reading 10,000 initiatives)."""

    def figure(rows: QuerySet[Any], key: str, name: str, aggregate: Any) -> Subquery:
        return Subquery(rows.order_by().values(key).annotate(**{name: aggregate}).values(name))

    annotations = {}
    for kind in KINDS:
        rows = _queryset(kind, programme_id)
        annotations[f"{kind}_n"] = figure(rows, "programme_id", "n", Count("*"))
        annotations[f"{kind}_latest"] = Subquery(
            rows.order_by("-updated_at").values("updated_at")[:1]
        )
    links = _links_queryset(programme_id)
    key = "proposal__programme_id"
    annotations[f"{LINKS}_n"] = figure(links, key, "n", Count("*"))
    annotations[f"{LINKS}_latest"] = figure(links, key, "latest", Max("created_at"))
    programme = Programme.objects.filter(pk=programme_id).order_by()
    return programme.annotate(**annotations).values(*annotations)


def _texts(kind: str, programme_id: int, pks: Sequence[int] | None) -> QuerySet[Any]:
    """The rows to (re-)index: those with ``pks``, or all when None."""
    fields = ["pk", "updated_at", *TEXT_FIELDS[kind]]
    fields += ["stage"] if kind == PROPOSAL else ["owner_organisation_id"]
    rows = with_signals(kind, _queryset(kind, programme_id).only(*fields))
    return rows if pks is None else rows.filter(pk__in=pks)


def _put(entry: ProgrammeIndex, kind: str, obj: Initiative | Proposal) -> None:
    """Index one row unless the index already holds exactly this text and signals."""
    doc = document(kind, obj)
    mark = digest(doc)
    rows = entry.seen.setdefault(kind, {})
    held = rows.get(obj.pk)
    if held is None or held[1] != mark:
        entry.index.update(doc)
        entry.changes += 1
    rows[obj.pk] = (obj.updated_at, mark)
    entry.forget(kind)
    if kind == PROPOSAL:
        if obj.stage == Stage.MERGED:
            entry.merged.add(obj.pk)
        else:
            entry.merged.discard(obj.pk)


def _drop(entry: ProgrammeIndex, kind: str, pk: int) -> None:
    entry.index.remove(doc_id(kind, pk))
    entry.seen.get(kind, {}).pop(pk, None)
    entry.forget(kind)
    entry.merged.discard(pk)
    entry.changes += 1


def _sync_kind(entry: ProgrammeIndex, kind: str, programme_id: int, *, full: bool) -> None:
    """Bring one kind up to date: re-index changed rows, drop vanished ones.

    Normally rows are compared by ``updated_at`` (two small queries); ``full`` compares the
    texts and signals themselves (reading every row), which also catches writes that left
    ``updated_at`` alone.
    """
    seen = entry.seen.setdefault(kind, {})
    if full:
        rows = {obj.pk: obj for obj in _texts(kind, programme_id, None)}
        for pk in [pk for pk in seen if pk not in rows]:
            _drop(entry, kind, pk)
        for obj in rows.values():
            _put(entry, kind, obj)
        return
    current = dict(_queryset(kind, programme_id).values_list("pk", "updated_at"))
    for pk in [pk for pk in seen if pk not in current]:
        _drop(entry, kind, pk)
    changed = {pk for pk, stamp in current.items() if seen.get(pk, (None,))[0] != stamp}
    if not changed:
        return
    pks = sorted(changed) if len(changed) <= MAX_IDS_PER_QUERY else None
    for obj in _texts(kind, programme_id, pks):
        if obj.pk in changed:
            _put(entry, kind, obj)
            changed.discard(obj.pk)
    for pk in changed:  # gone between the two reads
        _drop(entry, kind, pk)


def link_pairs(programme_id: int) -> list[tuple[str, str]]:
    """(source, target) index ids of the programme's confirmed links: a proposal leads to
    the initiative it is linked to, and two linked proposals to each other."""
    pairs = []
    rows = _links_queryset(programme_id).values_list(
        "proposal_id", "target_proposal_id", "target_initiative_id"
    )
    for source, other, initiative in rows:
        if initiative:
            pairs.append((doc_id(PROPOSAL, source), doc_id(INITIATIVE, initiative)))
        elif other:
            pairs.append((doc_id(PROPOSAL, source), doc_id(PROPOSAL, other)))
            pairs.append((doc_id(PROPOSAL, other), doc_id(PROPOSAL, source)))
    return pairs


def _set_links(entry: ProgrammeIndex, programme_id: int, signature: Signature) -> None:
    target = getattr(entry.index, "lexical", entry.index)  # the hybrid wraps a lexical index
    setter = getattr(target, "set_links", None)
    if setter is not None:
        setter(link_pairs(programme_id))
    entry.links = signature
    entry.changes += 1


def _sync_vectors(entry: ProgrammeIndex, programme_id: int) -> None:
    """Load the stored vectors made (or remade) since the index last looked."""
    index = entry.index
    if not isinstance(index, FusedIndex) or index.embedder is None:
        return
    model_id = getattr(index.embedder, "model_id", "")
    signature = vectors.signature(programme_id, model_id)
    if signature == entry.vectors:
        return
    held_n, held_latest = entry.vectors
    since = held_latest if held_latest is not None and signature[0] >= held_n else None
    vectors.load(index, programme_id, model_id, since)
    entry.vectors = signature


def _build(entry: ProgrammeIndex, programme_id: int) -> None:
    """Index all of a programme's texts at once (learning compounds from all of them)."""
    entry.index = new_index()
    entry.seen = {}
    entry.merged = set()
    docs = []
    for kind in KINDS:
        rows = entry.seen.setdefault(kind, {})
        for obj in _texts(kind, programme_id, None):
            doc = document(kind, obj)
            docs.append(doc)
            rows[obj.pk] = (obj.updated_at, digest(doc))
            if kind == PROPOSAL and obj.stage == Stage.MERGED:
                entry.merged.add(obj.pk)
    entry.forget()
    entry.index.add(docs)
    entry.built_size = len(docs)
    _set_links(entry, programme_id, _signatures(programme_id)[LINKS])
    entry.vectors = (0, None)
    _sync_vectors(entry, programme_id)
    entry.checked_at = time.monotonic()
    entry.changes = 0


def available(
    programme_id: int, using: str = DEFAULT_DB_ALIAS, *, created: dt.datetime | None = None
) -> bool:
    """Whether asking for the programme's index is cheap: built or loaded in this process,
    or saved by another (loading maps a file). False when asking would build it now, which
    another programme's page must not pay for (``across``). With saving off, building is
    the only way, so True."""
    entry = _INDEXES.get((using, programme_id))
    if entry is not None and entry.checked_at >= 0:
        return True
    path = store.path_for(programme_id, using, created=created)
    return path is None or path.exists()


def index_for(programme: Programme | int, *, using: str = DEFAULT_DB_ALIAS) -> Index:
    """The programme's index, built (or loaded) on first use and brought up to date now."""
    return fresh(programme if isinstance(programme, int) else programme.pk, using).index


def fresh(
    programme_id: int, using: str = DEFAULT_DB_ALIAS, *, max_age: float = 0.0
) -> ProgrammeIndex:
    """The programme's index, up to date now; with ``max_age``, one checked less than that
    many seconds ago is taken as it is (no query: other programmes' indexes, ``across``)."""
    key = (using, programme_id)
    with _INDEXES_LOCK:
        entry = _INDEXES.get(key)
        if entry is None:
            entry = _INDEXES[key] = ProgrammeIndex(index=new_index())
    with entry.lock:
        if max_age > 0 and entry.synced_at >= 0 and time.monotonic() - entry.synced_at < max_age:
            return entry
        if entry.checked_at < 0:
            # One process builds and saves; the others wait for the lock and load.
            with store.building(programme_id):
                if not store.load(entry, programme_id, wait=False):
                    _build(entry, programme_id)
                    store.save(entry, programme_id)
                    gc.freeze()  # as after loading: long-lived, not for the collector
                    entry.synced_at = time.monotonic()
                    return entry
        now = time.monotonic()
        signatures = _signatures(programme_id)
        if now - entry.checked_at > RECONCILE_SECONDS:
            for kind in KINDS:
                _sync_kind(entry, kind, programme_id, full=True)
            entry.checked_at = now
        else:
            for kind in KINDS:
                if signatures[kind] != entry.signature(kind):
                    _sync_kind(entry, kind, programme_id, full=False)
        if signatures[LINKS] != entry.links:
            _set_links(entry, programme_id, signatures[LINKS])
        _sync_vectors(entry, programme_id)
        size = len(entry.index)
        rebuild = getattr(entry.index, "rebuild", None)
        if rebuild is not None and size >= 50 and size > 2 * entry.built_size:
            # The compound vocabulary is learned at build time; re-learn as the index grows.
            rebuild()
            entry.built_size = size
            entry.changes += store.RESAVE_AFTER
        store.maybe_resave(entry, programme_id)
        entry.synced_at = time.monotonic()
    return entry
