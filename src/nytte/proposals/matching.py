"""The bridge between the pure text matcher (``nytte.similarity``) and the database.

Each process keeps one index per programme over its initiatives (title and description) and
its live proposals (title, need, idea and expected benefits; merged and rejected ones are
left out), built on first use. Before every query the index is brought up to date cheaply:
one query reads, for each kind, the number of rows and the newest ``updated_at``; only when
that signature moved are the rows' (id, updated_at) pairs compared with what the index holds,
so changed texts are re-indexed and deleted ones removed. A query therefore never returns a
deleted, merged or stale text, whichever process made the change. Writes that leave
``updated_at`` alone (``QuerySet.update`` of a text field) are caught by comparing the texts
themselves, which replaces the signature check once every ``RECONCILE_SECONDS``.

``similar()`` answers in a fixed number of queries: the signature (or the periodic
comparison, one per kind), one fetch per kind of the suggested rows, and after changes two
more per changed kind.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Max, Model, QuerySet, Subquery
from django.utils.text import capfirst

from nytte.core.models import Programme
from nytte.portfolio.models import Initiative
from nytte.similarity import Document, Index, Match, build_index
from nytte.similarity.analysis import normalise

from .choices import Stage
from .models import Proposal

logger = logging.getLogger(__name__)

INITIATIVE = "initiative"
PROPOSAL = "proposal"
KINDS: tuple[str, ...] = (INITIATIVE, PROPOSAL)
# The text fields each kind is matched on, in the order they are joined.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    INITIATIVE: ("title", "description"),
    PROPOSAL: ("title", "need", "idea", "expected_benefits"),
}
# Proposals that are no longer a place to join: never suggested.
EXCLUDED_STAGES: tuple[str, ...] = (Stage.MERGED, Stage.REJECTED)
# A full (id, updated_at) comparison at least this often, whatever the signature says.
RECONCILE_SECONDS = 60.0
# Fetch rows by id up to this many; beyond it, read the programme's rows whole.
MAX_IDS_PER_QUERY = 500

_WORD = re.compile(r"[^\W_]+")


# ---------------------------------------------------------------------------------------------
# What a query returns


@dataclass(frozen=True, slots=True)
class Why:
    """A matched sentence of a suggestion: which field it is from, the words that matched,
    and the sentence cut into (text, matched) segments so a template can mark the words."""

    text: str
    field: str
    terms: tuple[str, ...]
    segments: tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An initiative or proposal similar to a text, with its score in [0, 1] and why."""

    kind: str
    obj: Initiative | Proposal
    score: float
    passages: tuple[Why, ...] = ()

    @property
    def is_proposal(self) -> bool:
        return self.kind == PROPOSAL

    @property
    def reference(self) -> str:
        return self.obj.reference if isinstance(self.obj, Proposal) else self.obj.code

    @property
    def title(self) -> str:
        return self.obj.title

    @property
    def url(self) -> str:
        return self.obj.get_absolute_url()

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def target(self) -> str:
        """The value forms post to name this suggestion (see ``parse_target``)."""
        return f"{self.kind}:{self.obj.pk}"

    @property
    def why(self) -> Why | None:
        """The passage that explains most beyond the title (which is shown anyway)."""
        title = self.obj.title.strip()
        return next((w for w in self.passages if w.text.strip() != title), None) or (
            self.passages[0] if self.passages else None
        )

    @property
    def terms(self) -> tuple[str, ...]:
        """Every matched word of every passage, once, in order of appearance."""
        seen: dict[str, str] = {}
        for why in self.passages:
            for term in why.terms:
                seen.setdefault(normalise(term), term)
        return tuple(seen.values())


def parse_target(value: str) -> tuple[str, int] | None:
    """``"initiative:12"`` → ("initiative", 12); None for anything else."""
    kind, _sep, pk = (value or "").partition(":")
    if kind in KINDS and pk.isdigit():
        return kind, int(pk)
    return None


def mark(text: str, terms: Iterable[str]) -> tuple[tuple[str, bool], ...]:
    """Cut ``text`` into segments, flagging the words that are among ``terms``."""
    wanted = {normalise(t) for t in terms}
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in _WORD.finditer(text):
        if normalise(match.group()) not in wanted:
            continue
        if match.start() > position:
            segments.append((text[position : match.start()], False))
        segments.append((match.group(), True))
        position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return tuple(segments)


# ---------------------------------------------------------------------------------------------
# Texts


def text_parts(obj: Initiative | Proposal) -> list[tuple[str, str]]:
    """(field name, text) of the non-empty fields an object is matched on."""
    kind = PROPOSAL if isinstance(obj, Proposal) else INITIATIVE
    parts = []
    for name in TEXT_FIELDS[kind]:
        value = (getattr(obj, name, "") or "").strip()
        if value:
            parts.append((name, value))
    return parts


def document_text(obj: Initiative | Proposal) -> str:
    """The text an object is indexed (and a proposal queried) with."""
    return "\n".join(value for _name, value in text_parts(obj))


def _field_label(obj: Model, name: str) -> str:
    return str(capfirst(obj._meta.get_field(name).verbose_name))


def _field_at(obj: Initiative | Proposal, start: int, end: int, passage: str) -> str:
    """The label of the field a passage lies in; "" if the text has changed meanwhile."""
    offset = 0
    for name, value in text_parts(obj):
        if offset <= start and end <= offset + len(value):
            return (
                _field_label(obj, name) if value[start - offset : end - offset] == passage else ""
            )
        offset += len(value) + 1
    return ""


def doc_id(kind: str, pk: int) -> str:
    return f"{kind[0]}:{pk}"


def _split_id(value: str) -> tuple[str, int]:
    prefix, _sep, pk = value.partition(":")
    return (INITIATIVE if prefix == "i" else PROPOSAL), int(pk)


def _queryset(kind: str, programme_id: int) -> QuerySet[Any]:
    if kind == INITIATIVE:
        return Initiative.objects.filter(programme_id=programme_id)
    return Proposal.objects.filter(programme_id=programme_id).exclude(stage__in=EXCLUDED_STAGES)


def _document(kind: str, obj: Initiative | Proposal) -> Document:
    return Document(id=doc_id(kind, obj.pk), text=document_text(obj), kind=kind)


# ---------------------------------------------------------------------------------------------
# The per-programme index


Signature = tuple[int, datetime | None]
# What the index holds of one row: its updated_at and a digest of its text.
Seen = tuple[datetime, int]


@dataclass
class _ProgrammeIndex:
    """One programme's index and what it was built from: pk → (updated_at, text digest)
    per kind."""

    index: Index
    seen: dict[str, dict[int, Seen]] = field(default_factory=dict)
    checked_at: float = -1.0  # monotonic time of the last full comparison; < 0: never built
    built_size: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def signature(self, kind: str) -> Signature:
        rows = self.seen.get(kind, {})
        return len(rows), (max(stamp for stamp, _digest in rows.values()) if rows else None)


_INDEXES: dict[tuple[str, int], _ProgrammeIndex] = {}
_INDEXES_LOCK = threading.Lock()


def reset() -> None:
    """Forget every index of this process (tests; after restoring a database)."""
    with _INDEXES_LOCK:
        _INDEXES.clear()


def _new_index() -> Index:
    backend = getattr(settings, "NYTTE_SIMILARITY_BACKEND", "lexical")
    try:
        return build_index((), backend=backend)
    except (ImportError, ValueError):
        # A stronger backend that cannot load must not take the harmonisation view down.
        logger.warning("similarity backend %r unavailable; using lexical", backend)
        return build_index(())


def _signatures(programme_id: int) -> dict[str, Signature]:
    """(count, newest updated_at) of each kind, in one query (a subquery per figure)."""

    def figure(kind: str, name: str, aggregate: Any) -> Subquery:
        rows = (
            _queryset(kind, programme_id)
            .order_by()
            .values("programme_id")
            .annotate(**{name: aggregate})
            .values(name)
        )
        return Subquery(rows)

    annotations = {}
    for kind in KINDS:
        annotations[f"{kind}_n"] = figure(kind, "n", Count("pk"))
        annotations[f"{kind}_latest"] = figure(kind, "latest", Max("updated_at"))
    row = (
        Programme.objects.filter(pk=programme_id)
        .annotate(**annotations)
        .values(*annotations)
        .first()
    ) or {}
    return {kind: (row.get(f"{kind}_n") or 0, row.get(f"{kind}_latest")) for kind in KINDS}


def _texts(kind: str, programme_id: int, pks: Sequence[int] | None) -> QuerySet[Any]:
    """The rows to (re-)index: those with ``pks``, or all when None."""
    rows = _queryset(kind, programme_id).only("pk", "updated_at", *TEXT_FIELDS[kind])
    return rows if pks is None else rows.filter(pk__in=pks)


def _put(entry: _ProgrammeIndex, kind: str, obj: Initiative | Proposal) -> None:
    """Index one row unless the index already holds exactly this text."""
    doc = _document(kind, obj)
    digest = hash(doc.text)
    rows = entry.seen.setdefault(kind, {})
    held = rows.get(obj.pk)
    if held is None or held[1] != digest:
        entry.index.update(doc)
    rows[obj.pk] = (obj.updated_at, digest)


def _drop(entry: _ProgrammeIndex, kind: str, pk: int) -> None:
    entry.index.remove(doc_id(kind, pk))
    entry.seen.get(kind, {}).pop(pk, None)


def _sync_kind(entry: _ProgrammeIndex, kind: str, programme_id: int, *, full: bool) -> None:
    """Bring one kind up to date: re-index changed rows, drop vanished ones.

    Normally rows are compared by ``updated_at`` (two small queries); ``full`` compares the
    texts themselves (one query reading every text), which also catches writes that left
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


def _build(entry: _ProgrammeIndex, programme_id: int) -> None:
    """Index all of a programme's texts at once (learning compounds from all of them)."""
    entry.index = _new_index()
    entry.seen = {}
    docs = []
    for kind in KINDS:
        rows = entry.seen.setdefault(kind, {})
        for obj in _texts(kind, programme_id, None):
            doc = _document(kind, obj)
            docs.append(doc)
            rows[obj.pk] = (obj.updated_at, hash(doc.text))
    entry.index.add(docs)
    entry.built_size = len(docs)
    entry.checked_at = time.monotonic()


def index_for(programme: Programme | int, *, using: str = DEFAULT_DB_ALIAS) -> Index:
    """The programme's index, built on first use and brought up to date now."""
    return _fresh(programme if isinstance(programme, int) else programme.pk, using).index


def _fresh(programme_id: int, using: str) -> _ProgrammeIndex:
    key = (using, programme_id)
    with _INDEXES_LOCK:
        entry = _INDEXES.get(key)
        if entry is None:
            entry = _INDEXES[key] = _ProgrammeIndex(index=_new_index())
    with entry.lock:
        if entry.checked_at < 0:
            _build(entry, programme_id)
            return entry
        now = time.monotonic()
        overdue = now - entry.checked_at > RECONCILE_SECONDS
        if overdue:
            for kind in KINDS:
                _sync_kind(entry, kind, programme_id, full=True)
            entry.checked_at = now
        else:
            signatures = _signatures(programme_id)
            for kind in KINDS:
                if signatures[kind] != entry.signature(kind):
                    _sync_kind(entry, kind, programme_id, full=False)
        size = len(entry.index)
        rebuild = getattr(entry.index, "rebuild", None)
        if rebuild is not None and size >= 50 and size > 2 * entry.built_size:
            # The compound vocabulary is learned at build time; re-learn as the index grows.
            rebuild()
            entry.built_size = size
    return entry


# ---------------------------------------------------------------------------------------------
# Queries


def _why(obj: Initiative | Proposal, match: Match) -> tuple[Why, ...]:
    return tuple(
        Why(
            text=p.text,
            field=_field_at(obj, p.start, p.end, p.text),
            terms=p.terms,
            segments=mark(p.text, p.terms),
        )
        for p in match.passages
    )


def _objects(programme: Programme, kind: str, pks: list[int]) -> dict[int, Any]:
    if not pks:
        return {}
    if kind == INITIATIVE:
        rows: QuerySet[Any] = Initiative.objects.filter(
            programme=programme, pk__in=pks
        ).select_related("owner_organisation")
    else:
        rows = (
            Proposal.objects.filter(programme=programme, pk__in=pks)
            .exclude(stage__in=EXCLUDED_STAGES)
            .annotate(n_supports=Count("supports", distinct=True))
        )
    found = {}
    for obj in rows:
        obj.programme = programme  # their URLs need the slug; no query per row
        found[obj.pk] = obj
    return found


def similar(
    programme: Programme,
    text: str,
    *,
    k: int = 5,
    exclude_proposal: Proposal | None = None,
    min_score: float = 0.0,
    kinds: Iterable[str] = KINDS,
) -> list[Suggestion]:
    """The ``k`` initiatives and proposals of ``programme`` most like ``text``, best first.

    ``exclude_proposal`` leaves a proposal out (its own text); merged and rejected proposals
    never appear. Each suggestion carries the object (one query per kind), its score and
    the sentences that matched.
    """
    if not text.strip() or k <= 0:
        return []
    index = index_for(programme)
    exclude = {doc_id(PROPOSAL, exclude_proposal.pk)} if exclude_proposal is not None else set()
    matches = [
        m
        for m in index.query(text, k=k, kinds=set(kinds), exclude_ids=exclude)
        if m.score >= min_score
    ]
    wanted: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for m in matches:
        kind, pk = _split_id(m.id)
        wanted[kind].append(pk)
    objects = {kind: _objects(programme, kind, pks) for kind, pks in wanted.items()}
    suggestions = []
    for m in matches:
        kind, pk = _split_id(m.id)
        obj = objects[kind].get(pk)
        if obj is None:  # deleted or merged since the index last looked
            continue
        suggestions.append(Suggestion(kind=kind, obj=obj, score=m.score, passages=_why(obj, m)))
    return suggestions


def score_of(
    programme: Programme, proposal: Proposal, kind: str, pk: int, *, depth: int = 20
) -> float | None:
    """How similar ``proposal`` is to one initiative or proposal (None if not among the
    ``depth`` best): recorded with a link, so the number is the server's, not a form's."""
    index = index_for(programme)
    exclude = {doc_id(PROPOSAL, proposal.pk)}
    wanted = doc_id(kind, pk)
    for m in index.query(document_text(proposal), k=depth, kinds={kind}, exclude_ids=exclude):
        if m.id == wanted:
            return round(m.score, 4)
    return None
