"""Calibration: how optimistic the programme's estimates have been. For every measured
benefit, the realisation ratio (``realised``: realised share over planned share by now;
1.0 on plan) grouped by benefit kind, by the organisation where it arises, and by the
assessors of the proposal the initiative came from. A group's ratio is the mean of its
benefits' ratios, shown with their count; the amount-weighted ratio beside it.

The ratio can be applied, by choice and visibly, to a new analysis's benefit estimates
(``apply_adjustment``: the reference-class adjustment, stored on the analysis settings and
shown on the analysis page)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.benefits.choices import BenefitKind, BenefitStatus
from nytte.benefits.models import Benefit
from nytte.core.actors import Actor
from nytte.core.models import Programme
from nytte.costbenefit import services as cba_services
from nytte.costbenefit.models import AnalysisSettings, Subject
from nytte.proposals.choices import Stage
from nytte.proposals.models import Assessment

from . import realised

DIMENSIONS = ("kind", "organisation", "assessor")


@dataclass
class Group:
    dimension: str
    key: str
    label: str
    ratios: list[float] = field(default_factory=list)
    expected: float = 0.0
    realised: float = 0.0

    @property
    def count(self) -> int:
        return len(self.ratios)

    @property
    def ratio(self) -> float | None:
        return sum(self.ratios) / len(self.ratios) if self.ratios else None

    @property
    def weighted(self) -> float | None:
        return self.realised / self.expected if self.expected else None

    def as_dict(self) -> dict[str, object]:
        return {
            "dimension": self.dimension,
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "weighted_ratio": None if self.weighted is None else round(self.weighted, 3),
        }


@dataclass
class Calibration:
    groups: dict[str, list[Group]]
    overall: Group

    def find(self, dimension: str, key: str) -> Group | None:
        if dimension == "all":
            return self.overall
        return next((g for g in self.groups.get(dimension, []) if g.key == key), None)

    def rows(self) -> list[dict[str, object]]:
        return [self.overall.as_dict()] + [
            g.as_dict() for d in DIMENSIONS for g in self.groups.get(d, [])
        ]


def _assessors(programme: Programme) -> dict[int, list[tuple[str, str]]]:
    """Initiative id → the (id, name) of the assessors of the proposal it was adopted from."""
    rows = Assessment.objects.filter(
        proposal__programme=programme,
        proposal__stage=Stage.ADOPTED,
        proposal__attached_to__isnull=False,
        submitted_at__isnull=False,
    ).values_list("proposal__attached_to_id", "assessor_id", "assessor__full_name")
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for initiative_id, assessor_id, name in rows:
        found[initiative_id].append((str(assessor_id), name or str(assessor_id)))
    return found


def calibration(*, programme: Programme, today: dt.date | None = None) -> Calibration:
    """Forecast against realised over the programme's measured benefits."""
    today = today or timezone.localdate()
    benefits = realised.prefetched_benefits(
        Benefit.objects.filter(programme=programme).exclude(status=BenefitStatus.IDENTIFIED)
    ).order_by("code")
    assessors = _assessors(programme)
    kinds = dict(BenefitKind.choices)
    overall = Group("all", "all", _("All measured benefits"))
    groups: dict[tuple[str, str], Group] = {}

    def add(dimension: str, key: str, label: str, row: realised.BenefitRealisation) -> None:
        group = groups.setdefault((dimension, key), Group(dimension, key, label))
        assert row.ratio is not None
        group.ratios.append(row.ratio)
        group.expected += row.expected_to_date
        group.realised += row.realised_to_date or 0

    for benefit in realised.benefits_with_progress(benefits, today=today):
        row = realised.realisation_of(benefit, None, today=today)
        if row.ratio is None:
            continue
        overall.ratios.append(row.ratio)
        overall.expected += row.expected_to_date
        overall.realised += row.realised_to_date or 0
        add("kind", benefit.kind, str(kinds.get(benefit.kind, benefit.kind)), row)
        org = benefit.arises_in_organisation
        if org is not None:
            add("organisation", str(org.pk), org.short_name or org.name, row)
        seen: set[str] = set()
        for contribution in benefit.contributions.all():
            for key, name in assessors.get(contribution.initiative_id, []):
                if key not in seen:
                    seen.add(key)
                    add("assessor", key, name, row)
    by_dimension: dict[str, list[Group]] = {d: [] for d in DIMENSIONS}
    for (dimension, _key), group in sorted(groups.items(), key=lambda i: (i[0][0], i[1].label)):
        by_dimension[dimension].append(group)
    return Calibration(groups=by_dimension, overall=overall)


@transaction.atomic
def apply_adjustment(
    *, subject: Subject, ratio: Decimal | float | None, basis: str = "", acting_user: Actor
) -> AnalysisSettings:
    """Apply (or with ``None`` remove) a reference-class adjustment to an analysis: its
    benefit estimates are multiplied by ``ratio``; ``basis`` says where the ratio is from.
    Rights are the analysis's own (``costbenefit.services.settings_save``)."""
    if ratio is not None:
        ratio = Decimal(str(ratio)).quantize(Decimal("0.001"))
        if ratio <= 0:
            raise ValidationError({"ratio": _("The ratio must be above zero.")})
    saved = cba_services.settings_save(
        subject=subject,
        data={
            "benefit_adjustment": ratio,
            "adjustment_basis": basis[:300] if ratio is not None else "",
        },
        acting_user=acting_user,
    )
    subject.analysis_settings = saved  # what the caller builds next reads the new settings
    return saved


def apply_group_adjustment(
    *,
    subject: Subject,
    result: Calibration,
    dimension: str,
    key: str,
    basis: str = "",
    acting_user: Actor,
) -> AnalysisSettings | None:
    """Adjust by the ratio one group of ``result`` measured (its description is the basis
    unless ``basis`` is given); None when there is no such group with a ratio."""
    group = result.find(dimension, key)
    if group is None or group.ratio is None:
        return None
    return apply_adjustment(
        subject=subject,
        ratio=group.ratio,
        basis=basis or basis_text(group),
        acting_user=acting_user,
    )


def basis_text(group: Group) -> str:
    return _("Calibration: %(label)s, %(n)s benefits, ratio %(ratio)s.") % {
        "label": group.label,
        "n": group.count,
        "ratio": f"{group.ratio:.3f}" if group.ratio is not None else "–",
    }
