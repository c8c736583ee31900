"""Demo analysis for a proposal on its way into the governance dialogue: the consent-based
sharing of payment ability in NAV's guidance. NAV and Skatteetaten pay; NAV's advisers save
time and citizens get payment plans that hold. One alternative (manual collection with a
power of attorney) costs less and gives less; a frozen snapshot is what the decision case
refers to.

Years are relative to today, so the demo reads the same whenever it is loaded. Idempotent: a
proposal that already has lines is left alone, edits included. Initiatives need no demo
here: their analyses are computed from the portfolio and benefits demos.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from nytte.core.models import Organisation, User
from nytte.proposals.models import Proposal

from . import services
from .models import ExtraAlternative, ExtraLine

TITLE = "Betalingsevne delt med samtykke i NAV-veiledningen"
ALTERNATIVE = "Manuell innhenting med fullmakt"
M = 1_000_000

# (name, kind, category, organisation or group, public budget, first and last year from
# next year, low/likely/high per year, alternative or None)
LINES: tuple[tuple[Any, ...], ...] = (
    ("Tilpasning av NAVs veilederverktøy", "cost", "investment", "NAV", True, 0, 0,
     (6 * M, 8 * M, 12 * M), None),
    ("Samtykke-API hos Skatteetaten", "cost", "investment", "SKE", True, 0, 0,
     (3 * M, 4 * M, 6 * M), None),
    ("Forvaltning og drift", "cost", "operation", "NAV", True, 1, 10,
     (1 * M, 1.5 * M, 2.5 * M), None),
    ("Spart tid for NAV-veiledere", "benefit", "efficiency", "NAV", False, 1, 10,
     (3 * M, 5 * M, 7 * M), None),
    ("Betalingsavtaler som holder", "benefit", "external", "citizens", False, 1, 10,
     (1 * M, 2.5 * M, 4 * M), None),
    ("Opplæring i fullmaktsrutinen", "cost", "operation", "NAV", True, 0, 10,
     (0.5 * M, 0.8 * M, 1.2 * M), ALTERNATIVE),
    ("Spart tid for NAV-veiledere", "benefit", "efficiency", "NAV", False, 1, 10,
     (0.5 * M, 1.5 * M, 2.5 * M), ALTERNATIVE),
)  # fmt: skip


@transaction.atomic
def load_costbenefit_demo() -> int:
    """Add the demo analysis if the proposal has none; return the number of objects made."""
    proposal = Proposal.objects.select_related("programme").filter(title=TITLE).first()
    facilitator = User.objects.filter(username="fasilitator").first()
    if proposal is None or facilitator is None:
        return 0
    if ExtraLine.objects.filter(proposal=proposal).exists():
        return 0
    orgs = {o.short_name: o for o in Organisation.objects.filter(short_name__in=("NAV", "SKE"))}
    if len(orgs) < 2:
        return 0
    start = timezone.localdate().year + 1
    alternative = services.line_create(
        ExtraAlternative(
            proposal=proposal,
            name=ALTERNATIVE,
            description="Veilederen henter opplysningene med brukerens fullmakt, uten API.",
        ),
        acting_user=facilitator,
    )
    created = 1
    for name, kind, category, where, public, first, last, amounts, alt in LINES:
        low, likely, high = (int(a) for a in amounts)
        services.line_create(
            ExtraLine(
                proposal=proposal,
                alternative=alternative if alt else None,
                name=name,
                kind=kind,
                category=category,
                organisation=orgs.get(where),
                group="" if where in orgs else where,
                public_budget=public,
                first_year=start + first,
                last_year=start + last,
                low=low,
                likely=likely,
                high=high,
            ),
            acting_user=facilitator,
        )
        created += 1
    services.snapshot_freeze(
        subject=proposal,
        note="Beslutningssak til styringsdialogen med AID og FIN",
        acting_user=facilitator,
    )
    return created + 1
