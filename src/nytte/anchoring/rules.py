"""The rules about a subject (an initiative or a proposal) that pages, API, Excel and the
summary share: which organisations take part, and whether it touches municipal services.

**Municipal rule.** A subject touches municipal services when one of its organisations is a
municipality or KS: for an initiative, the owning or a participating organisation, or an
organisation or group of *municipalities* among its stakeholders; for a proposal, an
affected organisation. KS is recognised by its organisation number
(``settings.ANCHORING_KS_ORGNR``, default 971 032 146). Where the rule holds, the KS
question is required and may not be answered "not relevant"; the heat-map flags it until
answered.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from nytte.core.choices import OrganisationKind
from nytte.core.models import Organisation
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from .choices import StakeholderGroup

Subject = Initiative | Proposal
DEFAULT_KS_ORGNR = "971032146"
# The annotation (``selectors.with_municipal_stakeholders``) saying whether an initiative has
# a stakeholder that makes it touch municipal services.
MUNICIPAL_STAKEHOLDER = "has_municipal_stakeholder"


def ks_orgnr() -> str:
    return getattr(settings, "ANCHORING_KS_ORGNR", DEFAULT_KS_ORGNR)


def subject_kind(subject: Subject) -> str:
    """ "initiative" or "proposal"; anything else is a programming error."""
    if isinstance(subject, Initiative):
        return "initiative"
    if isinstance(subject, Proposal):
        return "proposal"
    raise TypeError(f"not an anchoring subject: {subject!r}")


def subject_filter(subject: Subject, prefix: str = "") -> dict[str, Any]:
    """The lookup of rows that belong to ``subject`` (``{"initiative": …}`` or proposal)."""
    return {f"{prefix}{subject_kind(subject)}": subject}


def subject_label(subject: Subject) -> str:
    return subject.code if isinstance(subject, Initiative) else subject.reference


def participating_organisations(subject: Subject) -> list[Organisation]:
    """The organisations whose leadership must commit: an initiative's owning and
    participating organisations, a proposal's affected organisations; by name."""
    if isinstance(subject, Initiative):
        orgs = {o.pk: o for o in subject.participants.all()}
        orgs.setdefault(subject.owner_organisation_id, subject.owner_organisation)
    else:
        orgs = {o.pk: o for o in subject.affected_organisations.all()}
    return sorted(orgs.values(), key=lambda o: o.name)


def is_municipal(organisation: Organisation) -> bool:
    return organisation.kind == OrganisationKind.MUNICIPALITY or organisation.orgnr == ks_orgnr()


def municipal_stakeholders() -> Q:
    """The stakeholders that make their initiative touch municipal services: the group of
    municipalities, or a municipality or KS as organisation (:func:`is_municipal`)."""
    return (
        Q(group=StakeholderGroup.MUNICIPALITIES)
        | Q(organisation__kind=OrganisationKind.MUNICIPALITY)
        | Q(organisation__orgnr=ks_orgnr())
    )


def touches_municipal_services(
    subject: Subject, organisations: list[Organisation] | None = None
) -> bool:
    """The municipal rule of this module's docstring. An initiative read with
    ``selectors.with_municipal_stakeholders`` knows its stakeholder part already."""
    orgs = participating_organisations(subject) if organisations is None else organisations
    if any(is_municipal(o) for o in orgs):
        return True
    if isinstance(subject, Initiative):
        known = getattr(subject, MUNICIPAL_STAKEHOLDER, None)
        if known is not None:
            return known
        from .models import Stakeholder

        return Stakeholder.objects.filter(municipal_stakeholders(), initiative=subject).exists()
    return False
