"""What an anchoring page lists beside its checklist, read along with the initiatives or
proposals themselves as JSON rows (``core.jsonrows``): their organisations, leadership
commitments and (initiatives) RACI lines, one query for all, handed to the relations and
to the page as a prefetch would be."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, QuerySet

from nytte.core.jsonrows import json_rows, ordered, prefetched, restore
from nytte.core.models import Organisation
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from .models import LeadershipCommitment, RaciAssignment
from .rules import Subject

_ORGANISATION = ("id", "name", "short_name", "orgnr", "kind", "parent_id")


def _organisation_rows(through: QuerySet, key: str, prefix: str = "organisation__") -> Any:
    """The organisations of ``through`` rows as JSON, by name (their model's order)."""
    return json_rows(
        through,
        key,
        ["name"],
        **{name: f"{prefix}{name.replace('_id', '')}" for name in _ORGANISATION},
    )


def _subject_key(model: type[Initiative] | type[Proposal]) -> str:
    return "initiative" if model is Initiative else "proposal"


def with_organisations(subjects: QuerySet[Subject]) -> QuerySet[Subject]:
    """Initiatives with their participants, or proposals with their affected organisations,
    read along as JSON; ``remember_organisations`` hands them to the relation's ``.all()``."""
    model = subjects.model
    relation = "participants" if model is Initiative else "affected_organisations"
    key = _subject_key(model)
    through = getattr(model, relation).through.objects.filter(**{key: OuterRef("pk")})
    return subjects.annotate(organisation_rows=_organisation_rows(through, key))


def remember_organisations(subjects: Iterable[Subject]) -> None:
    for subject in subjects:
        relation = "participants" if isinstance(subject, Initiative) else "affected_organisations"
        rows = restore(Organisation, subject.organisation_rows, ["name"])
        prefetched(subject, relation, rows)


def with_page_lines(subjects: QuerySet[Subject]) -> QuerySet[Subject]:
    """Subjects with what their anchoring page lists besides the checklist, read along as
    JSON: their organisations, leadership commitments and (initiatives) RACI lines;
    ``remember_page_lines`` hands them to ``commitments`` and ``raci_for``."""
    key = _subject_key(subjects.model)
    on_subject = {key: OuterRef("pk")}
    subjects = with_organisations(subjects).annotate(
        commitment_rows=json_rows(
            LeadershipCommitment.objects.filter(**on_subject),
            key,
            id="id",
            organisation_id="organisation",
            committed="committed",
            document="document",
            reference="reference",
            committed_on="committed_on",
            confirmed_by="confirmed_by",
            recorded_by_id="recorded_by",
        )
    )
    if subjects.model is not Initiative:
        return subjects
    raci_order = ["organisation_name", "letter", "person", "id"]
    return subjects.annotate(
        raci_rows=json_rows(
            RaciAssignment.objects.filter(**on_subject),
            key,
            raci_order,
            id="id",
            letter="letter",
            person="person",
            **{f"organisation_{name}": f"organisation__{name}" for name in _ORGANISATION[1:-1]},
            organisation_id="organisation",
            organisation_parent_id="organisation__parent",
        )
    )


def remember_page_lines(subject: Subject) -> None:
    remember_organisations([subject])
    subject.commitment_list = restore(LeadershipCommitment, subject.commitment_rows)
    if not isinstance(subject, Initiative):
        return
    lines = []
    for row in ordered(subject.raci_rows or [], ["organisation_name", "letter", "person", "id"]):
        organisation = {
            k.removeprefix("organisation_"): row.pop(k)
            for k in list(row)
            if k.startswith("organisation_")
        }
        line = RaciAssignment(initiative=subject, **row)
        (line.organisation,) = restore(Organisation, [organisation])
        lines.append(line)
    subject.raci_list = lines
