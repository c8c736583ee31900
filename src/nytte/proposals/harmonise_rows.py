"""The links and dismissals the harmonisation tab shows, both ways round, read in the
proposal's own query as JSON rows (core.jsonrows) instead of two queries more.

``with_harmonisation`` annotates the proposals; ``harmonisation_rows`` turns the rows back
into links and dismissals with the proposals, initiatives and users the tab names (the
fields it shows of them), or reads them as before where the proposal was read without.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from nytte.core.jsonrows import as_datetime, json_rows, ordered
from nytte.core.models import User
from nytte.portfolio.models import Initiative

from .matching import dismissals_of
from .models import Dismissal, Proposal, ProposalLink


@dataclass(frozen=True)
class HarmonisationRows:
    """Its links (model order), the links to it (likewise) and its dismissals either way."""

    links: list[ProposalLink]
    links_in: list[ProposalLink]
    dismissed: list[Dismissal]


# The fields read of the rows the links and dismissals name: what the tab shows of them.
_PROPOSAL = ("id", "number", "title", "stage", "programme_id")
_INITIATIVE = ("id", "code", "title", "programme_id")
_USER = ("id", "username", "first_name", "last_name", "full_name")

# All the concrete fields of a link and a dismissal, the time last (``_restore``).
_LINK = (
    "id",
    "proposal_id",
    "kind",
    "target_proposal_id",
    "target_initiative_id",
    "note",
    "score",
    "created_by_id",
    "created_at",
)
_DISMISSAL = (
    "id",
    "proposal_id",
    "target_proposal_id",
    "target_initiative_id",
    "dismissed_by_id",
    "dismissed_at",
)

# The model order (``["proposal", "created_at"]``, a proposal by its number, newest first)
# with the id to settle ties.
_LINKS_ORDER = ["created_at", "id"]
_LINKS_IN_ORDER = ["-from_number", "created_at", "id"]
_DISMISSALS_ORDER = ["dismissed_at", "id"]


def _fields(own: tuple[str, ...], user: str, source: bool) -> dict[str, str]:
    """The JSON fields of a row: its ``own`` and, prefixed, those of the proposal it points
    to ("to_"), the initiative ("in_"), the ``user`` who made it ("by_") and, with
    ``source``, the proposal it is from ("from_")."""
    fields = {name: name.removesuffix("_id") for name in own}
    related = {"to": ("target_proposal", _PROPOSAL), "in": ("target_initiative", _INITIATIVE)}
    related["by"] = (user, _USER)
    if source:
        related["from"] = ("proposal", _PROPOSAL)
    for prefix, (relation, names) in related.items():
        for name in names:
            fields[f"{prefix}_{name}"] = f"{relation}__{name.removesuffix('_id')}"
    return fields


# Each JSON read: its annotation, the model, the key it is read by, its order, its own
# fields, who made it and whether the proposal it is from is named too.
_READS: dict[str, tuple[type[Any], str, list[str], tuple[str, ...], str, bool]] = {
    "link_rows": (ProposalLink, "proposal", _LINKS_ORDER, _LINK, "created_by", False),
    "link_in_rows": (
        ProposalLink,
        "target_proposal",
        _LINKS_IN_ORDER,
        _LINK,
        "created_by",
        True,
    ),
    "dismissal_rows": (
        Dismissal,
        "proposal",
        _DISMISSALS_ORDER,
        _DISMISSAL,
        "dismissed_by",
        False,
    ),
    "dismissal_in_rows": (
        Dismissal,
        "target_proposal",
        _DISMISSALS_ORDER,
        _DISMISSAL,
        "dismissed_by",
        False,
    ),
}


def with_harmonisation(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The proposals with their links and dismissals, both ways, as JSON rows."""
    return proposals.annotate(**_reads())


@cache
def _reads() -> dict[str, Subquery]:
    """The JSON reads, built once per process: resolving their hundred fields, most through
    joins, was half the CPU of the proposal's query (some 5 ms a harmonisation tab), and
    they never change. Each query that annotates with them resolves a copy."""
    return {
        name: json_rows(
            model.objects.filter(**{key: OuterRef("pk")}),
            key,
            order,
            **_fields(own, user, source=source),
        )
        for name, (model, key, order, own, user, source) in _READS.items()
    }


def _named(model: type[Any], row: dict[str, Any], prefix: str, names: tuple[str, ...]) -> Any:
    """The ``prefix``ed row ``row`` names, as an unsaved ``model`` of ``names``, or None."""
    if row[f"{prefix}_id"] is None:
        return None
    return model(**{name: row[f"{prefix}_{name}"] for name in names})


def _restore(model: type[Any], row: dict[str, Any], own: tuple[str, ...], user: str) -> Any:
    """A link or dismissal from its JSON row, with the rows it names (as select_related)."""
    values = {name: row[name] for name in own}
    moment = own[-1]
    values[moment] = as_datetime(values[moment])
    instance = model(**values)
    instance.target_proposal = _named(Proposal, row, "to", _PROPOSAL)
    instance.target_initiative = _named(Initiative, row, "in", _INITIATIVE)
    setattr(instance, user, _named(User, row, "by", _USER))
    if "from_id" in row:
        instance.proposal = _named(Proposal, row, "from", _PROPOSAL)
    return instance


def harmonisation_rows(proposal: Proposal) -> HarmonisationRows:
    """``proposal``'s links both ways and dismissals either way: from its JSON rows when
    it was read ``with_harmonisation``, else in two queries."""
    if not hasattr(proposal, "link_rows"):
        return _queried(proposal)

    def restored(name: str) -> list[Any]:
        model, _key, order, own, user, _source = _READS[name]
        rows = ordered(list(getattr(proposal, name) or ()), order)
        return [_restore(model, row, own, user) for row in rows]

    links, links_in = restored("link_rows"), restored("link_in_rows")
    dismissed = restored("dismissal_rows") + restored("dismissal_in_rows")
    for item in (*links, *dismissed):
        if item.proposal_id == proposal.pk:
            item.proposal = proposal
    for link in links_in:
        link.target_proposal = proposal
    for dismissal in dismissed:
        if dismissal.target_proposal_id == proposal.pk:
            dismissal.target_proposal = proposal
    return HarmonisationRows(links, links_in, dismissed)


def _queried(proposal: Proposal) -> HarmonisationRows:
    """The same read in two queries (each list in the model's order)."""
    both_ways = list(
        ProposalLink.objects.filter(
            Q(proposal=proposal) | Q(target_proposal=proposal)
        ).select_related("proposal", "target_proposal", "target_initiative", "created_by")
    )
    dismissed = list(
        dismissals_of(proposal).select_related(
            "target_proposal", "target_initiative", "dismissed_by"
        )
    )
    return HarmonisationRows(
        links=[link for link in both_ways if link.proposal_id == proposal.pk],
        links_in=[link for link in both_ways if link.target_proposal_id == proposal.pk],
        dismissed=dismissed,
    )
