"""Similar items in *other* programmes (issue 16, part 4): overlap between programmes is
what siloed agencies miss, but a programme's content is for its own members.

A proposal is compared with the saved indexes of other programmes (``index.fresh``, the
same memory-mapped files the tab uses); for each item found at *possibly related* or above
the viewer learns that it exists, its band, which programme holds it and who facilitates
there. The item's reference, title, link and matched sentence are attached only when the
viewer has a role in that programme (``can(viewer, VIEW, programme)``); otherwise the row
carries no field that was read from the item (it is never even loaded beyond its id).

Cost: both programmes must take part (``Programme.match_across``, on by default); at most
``MAX_PROGRAMMES`` others are asked, those sharing most organisations first; each is asked
for ``PER_PROGRAMME`` items, with its index taken as it stood up to ``MAX_AGE`` seconds ago
(no query), and weak matches are dropped. A programme whose index no worker has built yet
is skipped (building it is for its own pages). Measured in docs/similarity.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Q

from nytte.core.choices import Role
from nytte.core.models import Programme, ProgrammeMembership
from nytte.core.permissions import Action, can
from nytte.portfolio.models import Initiative
from nytte.similarity import DEFAULT_BANDS, Band

from ..models import Proposal
from .index import available, fresh
from .texts import (
    EXCLUDED_STAGES,
    INITIATIVE,
    KINDS,
    PROPOSAL,
    Why,
    document_text,
    field_at,
    mark,
    signals_of,
    split_id,
)

#: Compare with at most this many other programmes (those sharing most organisations first).
MAX_PROGRAMMES = 20
#: Ask each of them for this many items.
PER_PROGRAMME = 3
#: Show at most this many items from other programmes in all.
SHOWN = 5
#: Another programme's index may be this many seconds behind its database rows.
MAX_AGE = 30.0


@dataclass(frozen=True, slots=True)
class CrossSuggestion:
    """An item of another programme like a proposal. ``obj`` and ``why`` are set only when
    the viewer may see that programme; ``facilitators`` are names, for whom to ask."""

    programme: Programme
    kind: str
    pk: int
    score: float
    band: Band
    facilitators: tuple[str, ...]
    visible: bool
    obj: Initiative | Proposal | None = None
    why: Why | None = None
    notified: bool = False

    @property
    def target(self) -> str:
        """What the notice form posts: ids only, never content."""
        return f"{self.programme.pk}:{self.kind}:{self.pk}"

    @property
    def is_proposal(self) -> bool:
        return self.kind == PROPOSAL

    @property
    def reference(self) -> str:
        if self.obj is None:
            return ""
        return self.obj.reference if isinstance(self.obj, Proposal) else self.obj.code

    @property
    def title(self) -> str:
        return self.obj.title if self.obj is not None else ""

    @property
    def url(self) -> str:
        return self.obj.get_absolute_url() if self.obj is not None else ""


def other_programmes(programme: Programme) -> list[Programme]:
    """The programmes a proposal of ``programme`` is compared with: both take part, at most
    ``MAX_PROGRAMMES``, those sharing most organisations (owner or participants) first."""
    if not programme.match_across:
        return []
    theirs = Programme.participants.through.objects.filter(programme_id=programme.pk)
    shared = Q(participants__in=theirs.values("organisation_id")) | Q(
        participants=programme.owner_id
    )
    return list(
        Programme.objects.filter(match_across=True)
        .exclude(pk=programme.pk)
        .annotate(shared=Count("participants", filter=shared, distinct=True))
        .order_by("-shared", "name", "pk")[:MAX_PROGRAMMES]
    )


def facilitators_of(programmes: Iterable[Programme]) -> dict[int, list[Any]]:
    """Active facilitators per programme id (one query), by name."""
    found: dict[int, list[Any]] = {}
    rows = (
        ProgrammeMembership.objects.filter(
            programme__in=list(programmes), role=Role.FACILITATOR, user__is_active=True
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    for membership in rows:
        found.setdefault(membership.programme_id, []).append(membership.user)
    return found


def person_name(user: Any) -> str:
    return user.get_full_name() or user.username


def _load(hits: Iterable[tuple[str, int]], visible: set[int]) -> dict[tuple[str, int], Any]:
    """The hits' rows: whole in programmes the viewer may see; elsewhere only the id, the
    programme and a proposal's stage (to leave closed ones out). Four queries at most."""
    wanted: dict[str, list[int]] = {INITIATIVE: [], PROPOSAL: []}
    for kind, pk in hits:
        wanted[kind].append(pk)
    bare = {INITIATIVE: ("pk", "programme_id"), PROPOSAL: ("pk", "programme_id", "stage")}
    models = {INITIATIVE: Initiative, PROPOSAL: Proposal}
    rows: dict[tuple[str, int], Any] = {}
    for kind, pks in wanted.items():
        if not pks:
            continue
        found = models[kind].objects.filter(pk__in=pks)
        seen = found.filter(programme_id__in=visible)
        hidden = found.exclude(programme_id__in=visible).only(*bare[kind])
        for obj in [*(seen if visible else ()), *hidden]:
            rows[(kind, obj.pk)] = obj
    return rows


def across(
    proposal: Proposal,
    viewer: Any,
    *,
    notified: Callable[[Proposal], Iterable[str]] | None = None,
) -> tuple[CrossSuggestion, ...]:
    """Items of other programmes like ``proposal``, best first, each told only as far as
    ``viewer`` may see it. ``notified(proposal)`` gives the targets whose facilitators were
    already told (asked only when something is found)."""
    others = other_programmes(proposal.programme)
    if not others:
        return ()
    text = document_text(proposal)
    if not text.strip():
        return ()
    signals = signals_of(proposal)
    matches: list[tuple[float, Programme, str, int, Any]] = []
    for other in others:
        if not available(other.pk, created=other.created_at):
            continue  # never built: not at this page's expense (its own tab builds it)
        entry = fresh(other.pk, max_age=MAX_AGE)
        for m in entry.index.query(text, k=PER_PROGRAMME, kinds=set(KINDS), signals=signals):
            if DEFAULT_BANDS.of_match(m) == Band.WEAK:
                continue
            kind, pk = split_id(m.id)
            matches.append((m.score, other, kind, pk, m))
    if not matches:
        return ()
    matches.sort(key=lambda hit: -hit[0])
    matches = matches[: SHOWN * 2]  # room for rows gone since their index last looked
    visible = {p.pk for p in {hit[1] for hit in matches} if can(viewer, Action.VIEW, p)}
    rows = _load([(k, pk) for _s, _p, k, pk, _m in matches], visible)
    people = facilitators_of({hit[1] for hit in matches})
    told = set(notified(proposal)) if notified is not None else set()
    result = []
    for score, other, kind, pk, match in matches:
        obj = rows.get((kind, pk))
        if obj is None or obj.programme_id != other.pk:
            continue  # deleted (or moved) since the index last looked
        if kind == PROPOSAL and obj.stage in EXCLUDED_STAGES:
            continue
        see = other.pk in visible
        why = None
        if see:
            obj.programme = other  # its URL needs the slug
            passage = next(
                (p for p in match.passages if p.text.strip() != obj.title.strip()), None
            ) or (match.passages[0] if match.passages else None)
            if passage is not None:
                why = Why(
                    text=passage.text,
                    field=field_at(obj, passage.start, passage.end, passage.text),
                    terms=passage.terms,
                    segments=mark(passage.text, passage.terms),
                )
        suggestion = CrossSuggestion(
            programme=other,
            kind=kind,
            pk=pk,
            score=score,
            band=DEFAULT_BANDS.of_match(match),
            facilitators=tuple(person_name(u) for u in people.get(other.pk, ())),
            visible=see,
            obj=obj if see else None,
            why=why,
        )
        if suggestion.target in told:
            suggestion = replace(suggestion, notified=True)
        result.append(suggestion)
        if len(result) >= SHOWN:
            break
    return tuple(result)
