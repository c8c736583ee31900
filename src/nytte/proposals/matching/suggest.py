"""Suggestions for the harmonisation tab, the typing box and the API: the initiatives and
proposals most like a text, each with its band (likely the same thing / possibly related /
weak), the sentences and shared organisations and life events that explain it, and
whether it was found through a link the facilitator confirmed earlier. Pairs dismissed as
"not related" are never suggested again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from nytte.core.models import Organisation, Programme
from nytte.portfolio.models import Initiative, LifeEvent
from nytte.similarity import DEFAULT_BANDS, Band, Match, Signals
from nytte.similarity.analysis import normalise
from nytte.similarity.fusion import FusedIndex
from nytte.similarity.signals import LIFE_EVENTS, ORGANISATIONS

from ..models import Dismissal, Proposal, supporter_count
from .index import fresh
from .texts import (
    EXCLUDED_STAGES,
    INITIATIVE,
    KINDS,
    PROPOSAL,
    Why,
    doc_id,
    document_text,
    field_at,
    mark,
    signals_of,
    split_id,
)

#: Shown as "close in meaning" when the installed model ranks a suggestion this high or higher.
MEANING_RANK = 10


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An initiative or proposal similar to a text: score in [0, 1], its band, and why."""

    kind: str
    obj: Initiative | Proposal
    score: float
    passages: tuple[Why, ...] = ()
    band: Band = Band.WEAK
    shared_life_events: tuple[str, ...] = ()
    shared_organisations: tuple[str, ...] = ()
    via: Proposal | None = None  # found through this proposal's confirmed link
    semantic_rank: int | None = None  # among the installed model's nearest (1 = nearest)

    @property
    def by_meaning(self) -> bool:
        """The installed embedding model puts it among the query's nearest texts: a reason
        worth showing (its own words may not match at all)."""
        return self.semantic_rank is not None and self.semantic_rank <= MEANING_RANK

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
    def is_close(self) -> bool:
        """Likely the same thing or possibly related: shown without asking."""
        return self.band != Band.WEAK

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


@dataclass(frozen=True, slots=True)
class Suggestions:
    """What a search found, and what it looked through (for "no close match among …")."""

    items: tuple[Suggestion, ...] = ()
    n_initiatives: int = 0
    n_proposals: int = 0
    close: tuple[Suggestion, ...] = field(init=False)
    weak: tuple[Suggestion, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "close", tuple(s for s in self.items if s.is_close))
        object.__setattr__(self, "weak", tuple(s for s in self.items if not s.is_close))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Suggestion:
        return self.items[i]


def _why(obj: Initiative | Proposal, match: Match) -> tuple[Why, ...]:
    return tuple(
        Why(
            text=p.text,
            field=field_at(obj, p.start, p.end, p.text),
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
        # Merged ones too: a suggestion found through a merged proposal names it (the loop
        # below never suggests one).
        rows = Proposal.objects.filter(programme=programme, pk__in=pks).annotate(
            n_supports=supporter_count()
        )
    found = {}
    for obj in rows:
        obj.programme = programme  # their URLs need the slug; no query per row
        found[obj.pk] = obj
    return found


def dismissals_of(proposal: Proposal) -> QuerySet[Dismissal]:
    """The dismissals that concern ``proposal``, either way round."""
    return Dismissal.objects.filter(Q(proposal=proposal) | Q(target_proposal=proposal))


def dismissed_ids(proposal: Proposal, dismissals: Iterable[Dismissal] | None = None) -> set[str]:
    """Index ids the facilitator dismissed for ``proposal`` (either way round), from its
    ``dismissals_of`` when the caller has them already (else one query)."""
    if dismissals is None:
        rows: Iterable[tuple[int, int | None, int | None]] = dismissals_of(proposal).values_list(
            "proposal_id", "target_proposal_id", "target_initiative_id"
        )
    else:
        rows = [(d.proposal_id, d.target_proposal_id, d.target_initiative_id) for d in dismissals]
    ids = set()
    for source, other, initiative in rows:
        if initiative:
            ids.add(doc_id(INITIATIVE, initiative))
        elif source == proposal.pk:
            ids.add(doc_id(PROPOSAL, other))
        else:
            ids.add(doc_id(PROPOSAL, source))
    return ids


def _names(matches: list[Match]) -> dict[tuple[str, str], str]:
    """Display names of the shared signals, (kind, key) → name, in at most two queries."""
    wanted: dict[str, set[int]] = {LIFE_EVENTS: set(), ORGANISATIONS: set()}
    for m in matches:
        for kind, values in m.shared:
            wanted[kind].update(int(v) for v in values if v.isdigit())
    names: dict[tuple[str, str], str] = {}
    if wanted[LIFE_EVENTS]:
        for pk, name in LifeEvent.objects.filter(pk__in=wanted[LIFE_EVENTS]).values_list(
            "pk", "name"
        ):
            names[(LIFE_EVENTS, str(pk))] = name
    if wanted[ORGANISATIONS]:
        for org in Organisation.objects.filter(pk__in=wanted[ORGANISATIONS]):
            names[(ORGANISATIONS, str(org.pk))] = org.label
    return names


def similar(
    programme: Programme,
    text: str,
    *,
    k: int = 5,
    exclude_proposal: Proposal | None = None,
    signals: Signals | None = None,
    kinds: Iterable[str] = KINDS,
    dismissals: Iterable[Dismissal] | None = None,
) -> Suggestions:
    """The ``k`` initiatives and open proposals of ``programme`` most like ``text``, best
    first, with their bands; ``exclude_proposal`` leaves that proposal and the suggestions
    dismissed for it out (and supplies the signals when ``signals`` is None). ``dismissals``
    are ``dismissals_of(exclude_proposal)`` when the caller has read them already."""
    entry = fresh(programme.pk)
    n_initiatives, n_proposals = entry.counts()
    if exclude_proposal is not None and doc_id(PROPOSAL, exclude_proposal.pk) in entry.index:
        n_proposals -= exclude_proposal.pk not in entry.merged  # "among the others"
    if not text.strip() or k <= 0:
        return Suggestions((), n_initiatives, n_proposals)
    exclude: set[str] = set()
    if exclude_proposal is not None:
        exclude = {
            doc_id(PROPOSAL, exclude_proposal.pk),
            *dismissed_ids(exclude_proposal, dismissals),
        }
        if signals is None:
            signals = signals_of(exclude_proposal)
    index = entry.index
    if isinstance(index, FusedIndex):
        # The proposal's stored vector spares encoding its text again (a symmetric model).
        own = (
            index.stored_query_vector(doc_id(PROPOSAL, exclude_proposal.pk), text)
            if exclude_proposal is not None
            else None
        )
        matches = index.query(
            text, k=k, kinds=set(kinds), exclude_ids=exclude, signals=signals, vector=own
        )
    else:
        matches = index.query(text, k=k, kinds=set(kinds), exclude_ids=exclude, signals=signals)
    wanted: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for m in matches:
        kind, pk = split_id(m.id)
        wanted[kind].append(pk)
    via_pks = [split_id(m.via)[1] for m in matches if m.via]
    wanted[PROPOSAL] += [pk for pk in via_pks if pk not in wanted[PROPOSAL]]
    objects = {kind: _objects(programme, kind, pks) for kind, pks in wanted.items()}
    names = _names(matches) if any(m.shared for m in matches) else {}
    items = []
    for m in matches:
        kind, pk = split_id(m.id)
        obj = objects[kind].get(pk)
        if obj is None or (kind == PROPOSAL and obj.stage in EXCLUDED_STAGES):
            continue  # deleted or merged since the index last looked
        shared = dict(m.shared)
        items.append(
            Suggestion(
                kind=kind,
                obj=obj,
                score=m.score,
                passages=_why(obj, m),
                band=DEFAULT_BANDS.of_match(m),
                shared_life_events=tuple(
                    names.get((LIFE_EVENTS, v), v) for v in shared.get(LIFE_EVENTS, ())
                ),
                shared_organisations=tuple(
                    names.get((ORGANISATIONS, v), v) for v in shared.get(ORGANISATIONS, ())
                ),
                via=objects[PROPOSAL].get(split_id(m.via)[1]) if m.via else None,
                semantic_rank=m.semantic_rank,
            )
        )
    return Suggestions(tuple(items), n_initiatives, n_proposals)


def score_of(
    programme: Programme, proposal: Proposal, kind: str, pk: int, *, depth: int = 20
) -> float | None:
    """How similar ``proposal`` is to one initiative or proposal (None if not among the
    ``depth`` best): recorded with a link, so the number is the server's, not a form's."""
    index = fresh(programme.pk).index
    exclude = {doc_id(PROPOSAL, proposal.pk)}
    wanted = doc_id(kind, pk)
    for m in index.query(
        document_text(proposal),
        k=depth,
        kinds={kind},
        exclude_ids=exclude,
        signals=signals_of(proposal),
    ):
        if m.id == wanted:
            return round(m.score, 4)
    return None
