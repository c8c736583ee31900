"""Preparing decision cases: from a proposal that is ready for governance, or from a
change request on a running initiative; the options, their costs and benefits, and the
funding split. Facilitators and programme admins prepare (``Action.FACILITATE``); they
never decide (``decide`` in ``decisions.py``).

Every case has a "do nothing" option (``do_nothing=True``) that cannot be deleted: a forum
always sees what happens if it says no.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nytte.benefits.models import Contribution
from nytte.core.actors import Actor, actor_user, require_actor
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, require
from nytte.core.services import object_create, object_delete, object_update
from nytte.costbenefit.choices import LineKind
from nytte.costbenefit.models import ExtraLine
from nytte.costbenefit.services import snapshot_freeze
from nytte.economics import CBAInputError
from nytte.portfolio.models import Initiative
from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal

from ..choices import OPEN_CASE_STATUSES, CaseKind, CaseStatus, ChangeKind, FundingKey
from ..models import CaseOption, DecisionCase, FundingShare, OptionBenefit, OptionCost

logger = logging.getLogger(__name__)


def _next_number(programme: Programme) -> int:
    # Lock the programme row so two cases prepared at once get different numbers.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    latest = DecisionCase.objects.filter(programme=programme).aggregate(n=Max("number"))["n"]
    return (latest or 0) + 1


def _refuse_open_case(**subject: Any) -> None:
    open_case = DecisionCase.objects.filter(status__in=OPEN_CASE_STATUSES, **subject).first()
    if open_case is not None:
        raise ValidationError(
            _("%(case)s is already being prepared for this; continue with it.")
            % {"case": open_case.reference},
            code="case_open",
        )


def _proposal_background(proposal: Proposal) -> str:
    parts = [proposal.need.strip(), proposal.idea.strip(), proposal.expected_benefits.strip()]
    return "\n\n".join(p for p in parts if p)


def _costs_from_analysis(proposal: Proposal) -> dict[tuple[int, int, str], int]:
    """The proposal's cost lines (its own, with a paying organisation) per organisation,
    year and category, most likely amounts."""
    costs: dict[tuple[int, int, str], int] = defaultdict(int)
    lines = ExtraLine.objects.filter(
        proposal=proposal, alternative__isnull=True, kind=LineKind.COST, organisation__isnull=False
    )
    for line in lines:
        for year in range(line.first_year, line.last_year + 1):
            costs[(line.organisation_id, year, line.category)] += line.likely
    return costs


@transaction.atomic
def prepare_case_from_proposal(
    proposal: Proposal, acting_user: Actor, *, freeze_snapshot: bool = True
) -> DecisionCase:
    """A case for a proposal that is ready for governance: the background from the proposal,
    a "do nothing" option and a "carry out" option with the costs per organisation and year
    and the benefits by where they arise from the proposal's cost-benefit analysis, whose
    snapshot is frozen for the case (when the analysis can be computed)."""
    require(require_actor(acting_user), Action.FACILITATE, proposal)
    if proposal.stage != Stage.READY:
        raise ValidationError(
            _("Only a proposal that is ready for governance becomes a decision case."),
            code="not_ready",
        )
    _refuse_open_case(proposal=proposal)
    programme = proposal.programme
    case = object_create(
        DecisionCase(
            programme=programme,
            number=_next_number(programme),
            title=proposal.title,
            kind=CaseKind.PROPOSAL,
            proposal=proposal,
            background=_proposal_background(proposal),
            prepared_by=actor_user(acting_user),
        ),
        acting_user=acting_user,
    )
    _do_nothing(
        case, acting_user, _("The proposal is not carried out; the portfolio stays as it is.")
    )
    affected = list(proposal.affected_organisations.all())
    snapshot = None
    if freeze_snapshot:
        try:
            snapshot = snapshot_freeze(
                subject=proposal,
                note=_("For %(case)s") % {"case": case.reference},
                acting_user=acting_user,
            )
        except CBAInputError as exc:
            logger.info("No snapshot for %s: %s", case.reference, exc)
    option = object_create(
        CaseOption(
            case=case,
            order=1,
            title=_("Carry out the proposal"),
            description=proposal.idea,
            snapshot=snapshot,
            new_code=_free_code(programme, proposal.reference),
            owner_organisation=affected[0] if affected else programme.owner,
        ),
        acting_user=acting_user,
    )
    for (org_id, year, category), amount in sorted(_costs_from_analysis(proposal).items()):
        object_create(
            OptionCost(
                option=option, organisation_id=org_id, year=year, category=category, amount=amount
            ),
            acting_user=acting_user,
        )
    benefit_lines = ExtraLine.objects.filter(
        proposal=proposal, alternative__isnull=True, kind=LineKind.BENEFIT
    ).order_by("name", "pk")
    for line in benefit_lines:
        object_create(
            OptionBenefit(
                option=option,
                organisation_id=line.organisation_id,
                description=line.name[:300],
                annual_amount=line.likely,
            ),
            acting_user=acting_user,
        )
    object_update(case, acting_user=acting_user, data={"recommended_option": option})
    return case


def _free_code(programme: Programme, wanted: str) -> str:
    if not Initiative.objects.filter(programme=programme, code=wanted).exists():
        return wanted
    return ""


def _do_nothing(case: DecisionCase, acting_user: Actor, description: str) -> CaseOption:
    option = CaseOption(case=case, order=0, title=_("Do nothing"), description=description)
    option.do_nothing = True
    return object_create(option, acting_user=acting_user)


def _initiative_costs(initiative: Initiative) -> dict[tuple[int, int, str], int]:
    costs: dict[tuple[int, int, str], int] = defaultdict(int)
    for line in initiative.costs.all():
        costs[(line.organisation_id, line.year, line.category)] += line.likely
    return costs


def _initiative_benefits(initiative: Initiative) -> list[tuple[int | None, str, int]]:
    """(organisation, description, yearly amount): each priced benefit's largest yearly
    most-likely amount times the initiative's share of it."""
    rows = []
    contributions = (
        Contribution.objects.filter(initiative=initiative, benefit__priced=True)
        .select_related("benefit")
        .prefetch_related("benefit__amounts")
        .order_by("benefit__code")
    )
    for contribution in contributions:
        benefit = contribution.benefit
        yearly = max((a.likely for a in benefit.amounts.all()), default=0)
        amount = int(Decimal(yearly) * contribution.share / 100)
        rows.append(
            (benefit.arises_in_organisation_id, f"{benefit.code} {benefit.title}"[:300], amount)
        )
    return rows


CHANGE_TITLES = {
    ChangeKind.SCOPE: gettext_lazy("New scope for %(code)s"),
    ChangeKind.BUDGET: gettext_lazy("New budget for %(code)s"),
    ChangeKind.TIMELINE: gettext_lazy("New timeline for %(code)s"),
    ChangeKind.STOP: gettext_lazy("Stop %(code)s"),
}


@transaction.atomic
def prepare_change_request(
    initiative: Initiative, change_kind: str, acting_user: Actor, *, reason: str = ""
) -> DecisionCase:
    """A case asking to change a running initiative's scope, budget or timeline, or to stop
    it: "do nothing" keeps today's plan (its costs and benefits), the change option starts
    as a copy of it to edit (a stop keeps only the costs of years already begun and loses
    the benefits)."""
    require(require_actor(acting_user), Action.FACILITATE, initiative)
    if change_kind not in ChangeKind.values:
        raise ValidationError({"change_kind": _("Say what the change request asks for.")})
    _refuse_open_case(initiative=initiative, change_kind=change_kind)
    programme = initiative.programme
    title = str(CHANGE_TITLES[ChangeKind(change_kind)]) % {"code": initiative.code}
    case = object_create(
        DecisionCase(
            programme=programme,
            number=_next_number(programme),
            title=title,
            kind=CaseKind.CHANGE,
            initiative=initiative,
            change_kind=change_kind,
            background=reason or initiative.description,
            prepared_by=actor_user(acting_user),
        ),
        acting_user=acting_user,
    )
    costs = _initiative_costs(initiative)
    benefits = _initiative_benefits(initiative)
    keep = _do_nothing(
        case, acting_user, _("Today's plan for %(code)s stands.") % {"code": initiative.code}
    )
    stop = change_kind == ChangeKind.STOP
    change = object_create(
        CaseOption(
            case=case,
            order=1,
            title=title,
            new_scope=initiative.description if change_kind == ChangeKind.SCOPE else "",
            new_phase="close" if stop else "",
            new_start=initiative.planned_start if change_kind == ChangeKind.TIMELINE else None,
            new_end=initiative.planned_end if change_kind == ChangeKind.TIMELINE else None,
            owner_organisation=initiative.owner_organisation,
        ),
        acting_user=acting_user,
    )
    this_year = timezone.localdate().year
    for option in (keep, change):
        for (org_id, year, category), amount in sorted(costs.items()):
            if option is change and stop and year > this_year:
                continue
            object_create(
                OptionCost(
                    option=option,
                    organisation_id=org_id,
                    year=year,
                    category=category,
                    amount=amount,
                ),
                acting_user=acting_user,
            )
        for org_id, description, amount in benefits:
            object_create(
                OptionBenefit(
                    option=option,
                    organisation_id=org_id,
                    description=description,
                    annual_amount=amount,
                    gained=not (option is change and stop),
                ),
                acting_user=acting_user,
            )
    return case


# ---------------------------------------------------------------------------------------------
# Editing


def _refuse_decided(case: DecisionCase) -> None:
    if case.status == CaseStatus.DECIDED:
        raise ValidationError(
            _("The case is decided; record an amendment instead."), code="decided"
        )


CASE_FIELDS = frozenset(
    {
        "title",
        "background",
        "assessment",
        "recommendation",
        "recommended_option",
        "proposed_decision",
        "status",
        "forum",
        "scenario",
        "scenario_run",
    }
)


@transaction.atomic
def case_update(*, case: DecisionCase, data: Mapping[str, Any], acting_user: Actor) -> DecisionCase:
    require(require_actor(acting_user), Action.FACILITATE, case)
    _refuse_decided(case)
    unknown = set(data) - CASE_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    if data.get("status") == CaseStatus.DECIDED:
        raise ValidationError({"status": _("A case is decided by recording the forum's decision.")})
    option = data.get("recommended_option")
    if option is not None and option.case_id != case.pk:
        raise ValidationError({"recommended_option": _("Recommend one of the case's options.")})
    for name in ("forum", "scenario"):
        other = data.get(name)
        if other is not None and other.programme_id != case.programme_id:
            raise ValidationError({name: _("It belongs to another programme.")})
    run = data.get("scenario_run")
    if run is not None and run.scenario.programme_id != case.programme_id:
        raise ValidationError({"scenario_run": _("It belongs to another programme.")})
    return object_update(case, acting_user=acting_user, data=data)


@transaction.atomic
def option_create(*, case: DecisionCase, data: Mapping[str, Any], acting_user: Actor) -> CaseOption:
    require(require_actor(acting_user), Action.FACILITATE, case)
    _refuse_decided(case)
    last = case.options.aggregate(n=Max("order"))["n"]
    data = {"order": (last or 0) + 1, **data}
    return object_create(CaseOption(case=case, **data), acting_user=acting_user)


@transaction.atomic
def option_update(*, option: CaseOption, data: Mapping[str, Any], acting_user: Actor) -> CaseOption:
    require(require_actor(acting_user), Action.FACILITATE, option)
    _refuse_decided(option.case)
    if "do_nothing" in data or "case" in data:
        raise ValidationError(_("An option cannot change what it is or which case it is in."))
    return object_update(option, acting_user=acting_user, data=data)


@transaction.atomic
def option_delete(*, option: CaseOption, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.FACILITATE, option)
    _refuse_decided(option.case)
    if option.do_nothing:
        raise ValidationError(
            _("The “do nothing” option is always part of a case and cannot be deleted."),
            code="do_nothing",
        )
    if option.case.recommended_option_id == option.pk:
        object_update(option.case, acting_user=acting_user, data={"recommended_option": None})
    object_delete(option, acting_user=acting_user)


def _child_write(instance: OptionCost | OptionBenefit, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.FACILITATE, instance.option)
    _refuse_decided(instance.option.case)


@transaction.atomic
def cost_create(*, option: CaseOption, data: Mapping[str, Any], acting_user: Actor) -> OptionCost:
    cost = OptionCost(option=option, **data)
    _child_write(cost, acting_user)
    return object_create(cost, acting_user=acting_user)


@transaction.atomic
def cost_update(*, cost: OptionCost, data: Mapping[str, Any], acting_user: Actor) -> OptionCost:
    _child_write(cost, acting_user)
    return object_update(cost, acting_user=acting_user, data=data)


@transaction.atomic
def cost_delete(*, cost: OptionCost, acting_user: Actor) -> None:
    _child_write(cost, acting_user)
    object_delete(cost, acting_user=acting_user)


@transaction.atomic
def benefit_create(
    *, option: CaseOption, data: Mapping[str, Any], acting_user: Actor
) -> OptionBenefit:
    benefit = OptionBenefit(option=option, **data)
    _child_write(benefit, acting_user)
    return object_create(benefit, acting_user=acting_user)


@transaction.atomic
def benefit_update(
    *, benefit: OptionBenefit, data: Mapping[str, Any], acting_user: Actor
) -> OptionBenefit:
    _child_write(benefit, acting_user)
    return object_update(benefit, acting_user=acting_user, data=data)


@transaction.atomic
def benefit_delete(*, benefit: OptionBenefit, acting_user: Actor) -> None:
    _child_write(benefit, acting_user)
    object_delete(benefit, acting_user=acting_user)


@transaction.atomic
def funding_set(
    *,
    option: CaseOption,
    key: str,
    reason: str = "",
    bases: Mapping[Organisation, Decimal | int | float] | Iterable[tuple[Organisation, Any]] = (),
    acting_user: Actor,
) -> CaseOption:
    """Choose the option's funding key and, for size, use and judgement, each organisation's
    basis (replacing the earlier ones). Judgement needs a reason."""
    require(require_actor(acting_user), Action.FACILITATE, option)
    _refuse_decided(option.case)
    if key not in FundingKey.values:
        raise ValidationError({"funding_key": _("Choose a funding key.")})
    if key == FundingKey.JUDGEMENT and not reason.strip():
        raise ValidationError({"funding_reason": _("Give the reason for a split by judgement.")})
    pairs = list(bases.items()) if isinstance(bases, Mapping) else list(bases)
    for organisation, basis in pairs:
        if Decimal(str(basis)) < 0:
            raise ValidationError(
                {"basis": _("A basis cannot be negative (%(org)s).") % {"org": organisation.label}}
            )
    object_update(
        option, acting_user=acting_user, data={"funding_key": key, "funding_reason": reason}
    )
    if key != FundingKey.BENEFITS or pairs:
        wanted = {org.pk: Decimal(str(basis)) for org, basis in pairs}
        for share in list(option.funding_shares.all()):
            if share.organisation_id not in wanted:
                object_delete(share, acting_user=acting_user)
            else:
                if share.basis != wanted[share.organisation_id]:
                    object_update(
                        share,
                        acting_user=acting_user,
                        data={"basis": wanted[share.organisation_id]},
                    )
                wanted.pop(share.organisation_id)
        for org_id, basis in wanted.items():
            object_create(
                FundingShare(option=option, organisation_id=org_id, basis=basis),
                acting_user=acting_user,
            )
    return option
