"""Applying a chosen option to the portfolio (called by ``decide`` inside its transaction).

- A proposal case: a new initiative with the option's code, the proposal's title and idea,
  the option's owning organisation, the affected organisations as participants, the life
  events, one cost line per option cost (low = likely = high = the amount), the proposal's
  cost-benefit benefit lines and extra alternatives copied to the initiative (its cost lines
  are now the initiative's cost lines, so they are not copied, or they would count twice),
  and harmonisation links to initiatives kept as dependencies (depends on → requires,
  enables, conflicts with). The proposal is *adopted*: ``stage = ADOPTED`` and
  ``attached_to`` the new initiative, so its supporters, comments and history stay with it.
- A change request: the option's new scope (the initiative's description), phase and dates,
  and its costs as the initiative's new cost plan (an existing line keeps its low/high
  spread around the new most-likely amount).
- A stop: phase *close*, planned end on the decision date, costs of later years removed and
  the status reason saying which decision stopped it. The initiative stays in the register
  (its benefits may still be realised) and baselines mark it ``stopped``.

The writes use the generic services with the deciding forum member as actor; their right
is the decision right checked by ``decide`` (a forum member has no edit right of their own).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nytte.core.actors import Actor
from nytte.core.services import object_create, object_delete, object_update
from nytte.costbenefit.choices import LineKind
from nytte.costbenefit.models import ExtraAlternative, ExtraLine
from nytte.portfolio.choices import DependencyKind, Phase
from nytte.portfolio.models import CostLine, Dependency, Initiative
from nytte.portfolio.services import refresh_cost_totals
from nytte.proposals.choices import LinkKind, Stage
from nytte.proposals.models import Proposal
from nytte.proposals.services import proposal_decided

from ..choices import ChangeKind
from ..models import CaseOption, Decision

LINK_DEPENDENCY = {
    LinkKind.DEPENDS_ON: DependencyKind.REQUIRES,
    LinkKind.ENABLES: DependencyKind.ENABLES,
    LinkKind.CONFLICTS: DependencyKind.CONFLICTS,
}

_LINE_FIELDS = (
    "name",
    "kind",
    "category",
    "organisation_id",
    "group",
    "public_budget",
    "first_year",
    "last_year",
    "low",
    "likely",
    "high",
    "real_growth",
    "distribution",
    "note",
)


def _copy_line(
    line: ExtraLine, initiative: Initiative, alternative: ExtraAlternative | None, actor: Actor
) -> None:
    copy = ExtraLine(initiative=initiative, alternative=alternative)
    for name in _LINE_FIELDS:
        setattr(copy, name, getattr(line, name))
    object_create(copy, acting_user=actor)


def adopt_proposal(decision: Decision, option: CaseOption, actor: Actor) -> Initiative:
    proposal: Proposal = decision.case.proposal
    programme = proposal.programme
    code = option.new_code.strip()
    if not code:
        raise ValidationError({"option": _("Give the code of the new initiative in the option.")})
    if Initiative.objects.filter(programme=programme, code=code).exists():
        raise ValidationError(
            {"option": _("An initiative with code %(code)s already exists.") % {"code": code}}
        )
    owner = option.owner_organisation or programme.owner
    affected = list(proposal.affected_organisations.all())
    initiative = object_create(
        Initiative(
            programme=programme,
            code=code,
            title=proposal.title,
            description=option.new_scope or proposal.idea,
            owner_organisation=owner,
            phase=option.new_phase or Phase.IDEA,
            planned_start=option.new_start,
            planned_end=option.new_end,
        ),
        acting_user=actor,
        m2m={
            "participants": [o for o in affected if o.pk != owner.pk],
            "life_events": list(proposal.life_events.all()),
        },
    )
    for cost in option.costs.all():
        object_create(
            CostLine(
                initiative=initiative,
                organisation_id=cost.organisation_id,
                year=cost.year,
                category=cost.category,
                low=cost.amount,
                likely=cost.amount,
                high=cost.amount,
                note=_("From %(case)s") % {"case": decision.case.reference},
            ),
            acting_user=actor,
        )
    refresh_cost_totals(initiative)
    for line in ExtraLine.objects.filter(proposal=proposal, alternative__isnull=True):
        if line.kind == LineKind.BENEFIT or line.organisation_id is None:
            _copy_line(line, initiative, None, actor)
    for alternative in ExtraAlternative.objects.filter(proposal=proposal).prefetch_related("lines"):
        copy = object_create(
            ExtraAlternative(
                initiative=initiative, name=alternative.name, description=alternative.description
            ),
            acting_user=actor,
        )
        for line in alternative.lines.all():
            _copy_line(line, initiative, copy, actor)
    for link in proposal.links.filter(target_initiative__isnull=False).select_related(
        "target_initiative"
    ):
        kind = LINK_DEPENDENCY.get(link.kind)
        if kind is None or link.target_initiative_id == initiative.pk:
            continue
        object_create(
            Dependency(
                source=initiative, target=link.target_initiative, kind=kind, note=link.note[:500]
            ),
            acting_user=actor,
        )
    proposal_decided(
        proposal=proposal,
        to=Stage.ADOPTED,
        reason=decision.rationale,
        acting_user=actor,
        initiative=initiative,
    )
    return initiative


def _apply_costs(initiative: Initiative, option: CaseOption, actor: Actor) -> None:
    wanted = {(c.organisation_id, c.year, c.category): c.amount for c in option.costs.all()}
    for line in list(initiative.costs.all()):
        key = (line.organisation_id, line.year, line.category)
        if key not in wanted:
            object_delete(line, acting_user=actor)
            continue
        amount = wanted.pop(key)
        if amount != line.likely:
            ratio_low = Decimal(line.low) / line.likely if line.likely else Decimal(1)
            ratio_high = Decimal(line.high) / line.likely if line.likely else Decimal(1)
            object_update(
                line,
                acting_user=actor,
                data={
                    "low": int(amount * ratio_low),
                    "likely": amount,
                    "high": int(amount * ratio_high),
                },
            )
    for (org_id, year, category), amount in sorted(wanted.items()):
        object_create(
            CostLine(
                initiative=initiative,
                organisation_id=org_id,
                year=year,
                category=category,
                low=amount,
                likely=amount,
                high=amount,
            ),
            acting_user=actor,
        )
    refresh_cost_totals(initiative)


def change_initiative(decision: Decision, option: CaseOption, actor: Actor) -> Initiative:
    case = decision.case
    initiative = Initiative.objects.select_for_update().get(pk=case.initiative_id)
    data: dict[str, object] = {}
    if case.change_kind == ChangeKind.STOP:
        data = {
            "phase": Phase.CLOSE,
            "planned_end": decision.decided_on,
            "status_reason": (
                _("Stopped by decision %(case)s on %(date)s.")
                % {"case": case.reference, "date": decision.decided_on.isoformat()}
            )[:500],
        }
    else:
        if option.new_scope.strip():
            data["description"] = option.new_scope
        if option.new_phase:
            data["phase"] = option.new_phase
        if option.new_start:
            data["planned_start"] = option.new_start
        if option.new_end:
            data["planned_end"] = option.new_end
        if (
            option.owner_organisation_id
            and option.owner_organisation_id != initiative.owner_organisation_id
        ):
            data["owner_organisation"] = option.owner_organisation
    object_update(initiative, acting_user=actor, data=data)
    if option.costs.exists() or case.change_kind == ChangeKind.STOP:
        _apply_costs(initiative, option, actor)
    return initiative
