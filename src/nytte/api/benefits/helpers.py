"""Lookups and output shapes shared by the benefits routers."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.benefits import selectors
from nytte.benefits.models import (
    Benefit,
    BenefitAmount,
    Contribution,
    Indicator,
    Measurement,
    Target,
)
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme, User
from nytte.core.permissions import Action, check
from nytte.portfolio.models import Goal, Initiative, Risk

from ..common import find_organisation, find_user, org_out

FOUR_PLACES = Decimal("0.0001")
P = "/programmes/{slug}"
B = P + "/benefits/{code}"


# -- lookups --


def with_lines(benefits: QuerySet[Benefit], *, listed: bool = False) -> QuerySet[Benefit]:
    """What a benefit's output needs besides the list's own joins: fixed number of queries.
    Its progress is attached apart (``selectors.attach_progress_summary``, one query). A
    ``listed`` page reads who confirmed each benefit as a name in a subquery, not as a
    sixth join: PostgreSQL took longer to plan the list's query (about 3 ms more) than to
    run it."""
    risks = Prefetch("risks", queryset=Risk.objects.only("pk").order_by("pk"))
    if listed:
        confirmed_by = User.objects.filter(pk=OuterRef("confirmed_by_id")).values("username")
        # Of each contribution the output shows the initiative's code and the share.
        contributions = Prefetch(
            "contributions",
            queryset=Contribution.objects.select_related("initiative")
            .only("benefit_id", "share", "initiative__code")
            .order_by("initiative__code"),
        )
        return (
            benefits.annotate(confirmed_by_name=Subquery(confirmed_by))
            .prefetch_related(None)
            .prefetch_related(contributions, risks)
        )
    return benefits.select_related("confirmed_by").prefetch_related(risks)


def _confirmed_by(benefit: Benefit) -> str | None:
    if hasattr(benefit, "confirmed_by_name"):  # read as a name (``with_lines(listed=True)``)
        return benefit.confirmed_by_name
    return benefit.confirmed_by.username if benefit.confirmed_by else None


def benefit_or_404(request: HttpRequest, slug: str, code: str) -> Benefit:
    programme = programme_or_404(request, slug)
    benefits = with_lines(selectors.benefit_list(programme=programme, user=request.user))
    benefit = selectors.with_owner_role(benefits, request.user).filter(code=code).first()
    if benefit is None:
        raise Http404
    selectors.remember_owner_role([benefit], request.user)
    return benefit


def line_or_404(request: HttpRequest, model: type[Model], pk: int) -> Any:
    """An indicator, target or measurement by id, visible only to the programme's roles."""
    via = "benefit" if model is Indicator else "indicator__benefit"
    try:
        # The queryset gate: an object in a programme the caller has no role in is not found.
        obj = model.objects.for_user(request.user).select_related(f"{via}__programme").get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc
    check(request.user, Action.VIEW, obj)
    return obj


def indicator_or_404(request: HttpRequest, pk: int) -> Indicator:
    """An indicator with its targets and measurements, for its progress."""
    indicator = line_or_404(request, Indicator, pk)
    return indicators_with_lines(Indicator.objects.filter(pk=indicator.pk))[0]


def indicators_with_lines(indicators: QuerySet[Indicator]) -> list[Indicator]:
    return list(
        indicators.select_related("benefit__programme").prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("date")),
            Prefetch("measurements", queryset=Measurement.objects.order_by("date")),
        )
    )


def amount_or_404(request: HttpRequest, slug: str, code: str, year: int) -> BenefitAmount:
    benefit = benefit_or_404(request, slug, code)
    amount = BenefitAmount.objects.filter(benefit=benefit, year=year).first()
    if amount is None:
        raise Http404
    amount.benefit = benefit
    return amount


def goal_by_code(programme: Programme, code: str) -> Goal:
    goal = Goal.objects.filter(programme=programme, code=code).first()
    if goal is None:
        raise ValidationError(
            {"impact_goal": _("No goal has the code “%(code)s”.") % {"code": code}}
        )
    return goal


def shares_by_code(programme: Programme, links: list[dict[str, Any]]) -> dict[Initiative, Any]:
    codes = [link["initiative"] for link in links]
    found = {i.code: i for i in Initiative.objects.filter(programme=programme, code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError(
            {
                "contributions": _("No initiative has the code “%(code)s” in this programme.")
                % {"code": missing[0]}
            }
        )
    if len(set(codes)) < len(codes):
        raise ValidationError({"contributions": _("An initiative is listed twice.")})
    return {found[link["initiative"]]: link["share"] for link in links}


def risks_by_id(programme: Programme, ids: list[int]) -> list[Risk]:
    found = {
        r.pk: r
        for r in Risk.objects.filter(pk__in=ids, initiative__programme=programme).select_related(
            "initiative"
        )
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {"risks": _("No risk in this programme has the ID %(id)s.") % {"id": missing[0]}}
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def benefit_data(programme: Programme, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the natural keys of a payload into objects; returns the relations apart."""
    relations: dict[str, Any] = {}
    if "arises_in_group" in data and data["arises_in_group"] is None:
        data["arises_in_group"] = ""  # no group: the benefit arises in an organisation
    for name in ("arises_in_organisation", "owner_organisation"):
        if name in data:
            data[name] = find_organisation(data[name], name) if data[name] else None
    if "owner" in data:
        data["owner"] = find_user(data["owner"])
    if "impact_goal" in data:
        data["impact_goal"] = (
            goal_by_code(programme, data["impact_goal"]) if data["impact_goal"] else None
        )
    if data.get("contributions") is not None:
        relations["contributions"] = shares_by_code(programme, data["contributions"])
    if data.get("risks") is not None:
        relations["risks"] = risks_by_id(programme, data["risks"])
    data.pop("contributions", None)
    data.pop("risks", None)
    return relations


# -- output --


def benefit_out(benefit: Benefit) -> dict[str, Any]:
    """A benefit whose progress is attached (``selectors.attach_progress_summary``)."""
    return {
        **{
            name: getattr(benefit, name)
            for name in (
                "code",
                "title",
                "description",
                "kind",
                "priced",
                "arises_in_group",
                "budget_cut_share",
                "plus_minus",
                "plus_minus_reasoning",
                "preconditions",
                "status",
                "confirmed_on",
                "total_low",
                "total_likely",
                "total_high",
                "behind",
                "overdue",
                "has_baseline",
                "realised_percent",
            )
        },
        "impact_goal": benefit.impact_goal.code if benefit.impact_goal else None,
        "arises_in_organisation": org_out(benefit.arises_in_organisation),
        "owner_organisation": org_out(benefit.owner_organisation),
        "owner": benefit.owner.username if benefit.owner else None,
        "confirmed_by": _confirmed_by(benefit),
        "contributions": [
            {"initiative": c.initiative.code, "share": c.share} for c in benefit.contributions.all()
        ],
        "risks": [r.pk for r in benefit.risks.all()],
    }


def benefit_detail_out(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return benefit_out(selectors.attach_progress_summary([benefit_or_404(request, slug, code)])[0])


def amount_out(amount: BenefitAmount) -> dict[str, Any]:
    return {
        "benefit": amount.benefit.code,
        **{f: getattr(amount, f) for f in ("year", "low", "likely", "high")},
    }


def indicator_out(indicator: Indicator) -> dict[str, Any]:
    """An indicator with targets and measurements prefetched."""
    benefit = indicator.benefit
    progress = selectors.indicator_progress(
        indicator,
        today=timezone.localdate(),
        tolerance=float(benefit.programme.behind_plan_tolerance),
    )
    fields = (
        "name",
        "unit",
        "method",
        "data_source",
        "measuring_cost",
        "direction",
        "frequency",
        "baseline_value",
        "baseline_date",
    )
    return {
        "id": indicator.pk,
        "benefit": benefit.code,
        **{f: getattr(indicator, f) for f in fields},
        "realised_percent": progress.realised_percent,
        "behind": progress.behind,
        # As on the benefit: only benefits on their way have measurements due.
        "overdue": progress.overdue and benefit.status in selectors.MEASURED_STATUSES,
        "next_due": progress.next_due,
    }


def stored(value: Decimal) -> Decimal:
    """A value as the database keeps it (four decimals), so a write answers as a read does."""
    return value.quantize(FOUR_PLACES)


def target_out(target: Target) -> dict[str, Any]:
    return {
        "id": target.pk,
        "indicator": target.indicator_id,
        "date": target.date,
        "value": stored(Decimal(target.value)),
    }


def measurement_out(measurement: Measurement) -> dict[str, Any]:
    return {
        "id": measurement.pk,
        "indicator": measurement.indicator_id,
        "benefit": measurement.indicator.benefit.code,
        **{f: getattr(measurement, f) for f in ("date", "source", "comment")},
        "value": stored(Decimal(measurement.value)),
        "recorded_by": measurement.recorded_by.username if measurement.recorded_by else None,
    }
