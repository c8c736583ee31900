"""Who pays: an option's funding split between organisations (fordelingsnøkkel), beside
where its benefits arise (domain §6b).

- By where the benefits arise: each organisation's share is its part of the option's gained
  yearly benefits that arise *in organisations* (benefits with users or society outside the
  organisations pay nothing and are left out); no such benefits is a clear refusal.
- By size, by use, by judgement: shares are proportional to each organisation's ``basis``
  (budget or headcount, transactions or users, an agreed weight); judgement needs a reason.

Amounts are share × the option's total cost, rounded to whole kroner by the largest
remainder so that they add up to the total exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nytte.core.models import Organisation

from .choices import FundingKey
from .models import CaseOption


@dataclass(frozen=True)
class ShareRow:
    """One organisation's part: what it pays, beside what it gains."""

    organisation: Organisation
    basis: Decimal
    share: Fraction  # of the total cost, 0–1
    amount: int  # NOK
    benefit: int  # gained yearly benefit arising in the organisation
    benefit_share: Fraction  # of the gained yearly benefits arising in organisations

    @property
    def share_percent(self) -> float:
        return round(float(self.share) * 100, 1)

    @property
    def benefit_percent(self) -> float:
        return round(float(self.benefit_share) * 100, 1)

    def to_dict(self) -> dict[str, object]:
        return {
            "organisation": self.organisation.pk,
            "organisation_name": self.organisation.label,
            "basis": str(self.basis),
            "share": self.share_percent,
            "amount": self.amount,
            "benefit": self.benefit,
            "benefit_share": self.benefit_percent,
        }


def largest_remainder(total: int, weights: list[Fraction]) -> list[int]:
    """Whole amounts proportional to ``weights`` that add up to ``total`` exactly: floor
    each exact part, then give the kroner left over one each to the largest remainders
    (the earlier row first on a tie)."""
    weight_sum = sum(weights, Fraction(0))
    if weight_sum == 0:
        return [0] * len(weights)
    exact = [Fraction(total) * w / weight_sum for w in weights]
    floors = [int(e.numerator // e.denominator) for e in exact]
    left = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def total_cost(option: CaseOption) -> int:
    return sum(cost.amount for cost in option.costs.all())


def benefits_by_organisation(option: CaseOption) -> dict[int, int]:
    """Gained yearly benefit per organisation (benefits outside organisations left out)."""
    gained: dict[int, int] = defaultdict(int)
    for benefit in option.benefits.all():
        if benefit.gained and benefit.organisation_id is not None:
            gained[benefit.organisation_id] += benefit.annual_amount
    return dict(gained)


def funding_split(option: CaseOption) -> list[ShareRow]:
    """The option's split by its key; raises ``ValidationError`` saying what is missing."""
    benefits = benefits_by_organisation(option)
    organisations = {
        b.organisation_id: b.organisation for b in option.benefits.all() if b.organisation_id
    }
    benefit_total = sum(v for v in benefits.values() if v > 0)
    if option.funding_key == FundingKey.BENEFITS:
        bases = {org_id: Decimal(max(amount, 0)) for org_id, amount in benefits.items()}
        if not sum(bases.values()):
            raise ValidationError(
                _(
                    "No gained benefit of this option arises in an organisation, so the "
                    "benefits key cannot split its cost. Record where the benefits arise, "
                    "or choose another key."
                ),
                code="no_benefits",
            )
    else:
        if option.funding_key == FundingKey.JUDGEMENT and not option.funding_reason.strip():
            raise ValidationError(
                {"funding_reason": _("Give the reason for a split by judgement.")},
                code="reason_required",
            )
        shares = list(option.funding_shares.all())
        bases = {s.organisation_id: s.basis for s in shares}
        organisations |= {s.organisation_id: s.organisation for s in shares}
        if not sum(bases.values()):
            raise ValidationError(
                _("Give each paying organisation's basis for the split (more than 0 in all)."),
                code="no_basis",
            )
    ids = sorted(set(bases) | set(benefits), key=lambda pk: (organisations[pk].label, pk))
    weights = [Fraction(bases.get(pk, Decimal(0))) for pk in ids]
    weight_sum = sum(weights, Fraction(0))
    amounts = largest_remainder(total_cost(option), weights)
    return [
        ShareRow(
            organisation=organisations[pk],
            basis=bases.get(pk, Decimal(0)),
            share=weights[i] / weight_sum,
            amount=amounts[i],
            benefit=max(benefits.get(pk, 0), 0),
            benefit_share=(
                Fraction(max(benefits.get(pk, 0), 0), benefit_total)
                if benefit_total
                else Fraction(0)
            ),
        )
        for i, pk in enumerate(ids)
    ]


def split_or_error(option: CaseOption) -> tuple[list[ShareRow], str]:
    """The split, or no rows and the reason it cannot be made (for pages and inputs)."""
    try:
        return funding_split(option), ""
    except ValidationError as exc:
        return [], " ".join(exc.messages)
