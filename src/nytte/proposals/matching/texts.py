"""What the matcher indexes of initiatives and proposals: their texts, their structured
signals (organisations, life events) and the ids they carry in the index."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from nytte.portfolio.models import Initiative
from nytte.similarity import Document, Signals
from nytte.similarity.analysis import normalise
from nytte.similarity.signals import LIFE_EVENTS, ORGANISATIONS

from ..choices import Stage
from ..models import Proposal

INITIATIVE = "initiative"
PROPOSAL = "proposal"
#: Merged (and attached) proposals stay in the index under this kind: never suggested, but
#: the next text in their words finds what they were merged into or attached to.
MERGED = "merged"
KINDS: tuple[str, ...] = (INITIATIVE, PROPOSAL)
# The text fields each kind is matched on, in the order they are joined.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    INITIATIVE: ("title", "description"),
    PROPOSAL: ("title", "need", "idea", "expected_benefits"),
}
# Proposals that are no longer a place to join: never suggested.
EXCLUDED_STAGES: tuple[str, ...] = (Stage.MERGED, Stage.REJECTED)

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Why:
    """A matched sentence of a suggestion: which field it is from, the words that matched,
    and the sentence cut into (text, matched) segments so a template can mark the words."""

    text: str
    field: str
    terms: tuple[str, ...]
    segments: tuple[tuple[str, bool], ...]

    @property
    def marked(self) -> SafeString:
        """The sentence, escaped, with its matched words in ``<mark>``: joined here, as a
        template loop would, because a tab of long sentences has a thousand segments and
        the loop cost some 5 ms of its rendering."""
        # Safe: every segment is escaped.
        return mark_safe(
            "".join(
                f"<mark>{escape(text)}</mark>" if hit else escape(text)
                for text, hit in self.segments
            )
        )


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


def field_label(obj: Model, name: str) -> str:
    return str(capfirst(obj._meta.get_field(name).verbose_name))


def field_at(obj: Initiative | Proposal, start: int, end: int, passage: str) -> str:
    """The label of the field a passage lies in; "" if the text has changed meanwhile."""
    offset = 0
    for name, value in text_parts(obj):
        if offset <= start and end <= offset + len(value):
            return field_label(obj, name) if value[start - offset : end - offset] == passage else ""
        offset += len(value) + 1
    return ""


def doc_id(kind: str, pk: int) -> str:
    return f"{kind[0]}:{pk}"


def split_id(value: str) -> tuple[str, int]:
    prefix, _sep, pk = value.partition(":")
    return (INITIATIVE if prefix == "i" else PROPOSAL), int(pk)


# ---------------------------------------------------------------------------------------------
# Structured signals


def signals_of(obj: Initiative | Proposal) -> Signals:
    """Organisations and life events as signal keys; needs ``with_signals`` prefetching
    (or costs a query per relation)."""
    if isinstance(obj, Proposal):
        orgs = {o.pk for o in obj.affected_organisations.all()}
    else:
        orgs = {o.pk for o in obj.participants.all()}
        orgs.add(obj.owner_organisation_id)
    return Signals(
        life_events=frozenset(str(e.pk) for e in obj.life_events.all()),
        organisations=frozenset(str(pk) for pk in orgs if pk),
    )


def with_signals(kind: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    """``rows`` with what :func:`signals_of` reads prefetched (two queries)."""
    if kind == INITIATIVE:
        return rows.prefetch_related("participants", "life_events")
    return rows.prefetch_related("affected_organisations", "life_events")


def document(kind: str, obj: Initiative | Proposal) -> Document:
    """The index's view of a row: text, kind (merged proposals apart) and signals."""
    indexed_kind = MERGED if kind == PROPOSAL and obj.stage == Stage.MERGED else kind
    signals = signals_of(obj)
    meta = {
        LIFE_EVENTS: sorted(signals.life_events),
        ORGANISATIONS: sorted(signals.organisations),
    }
    return Document(id=doc_id(kind, obj.pk), text=document_text(obj), kind=indexed_kind, meta=meta)


def digest(doc: Document) -> int:
    """What decides whether a row must be re-indexed: its text, kind and signals."""
    key = (doc.text, doc.kind, doc.meta.get(LIFE_EVENTS, ()), doc.meta.get(ORGANISATIONS, ()))
    # Stable across processes (unlike hash()): a persisted index is compared by it.
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "big")
