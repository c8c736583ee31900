"""Filling a decision memo (``memo.MemoContent``) from a live case, and the governance-
dialogue export (``memo.DialogueExport``) from dialogue items. The memo package lays them
out; this module only reads the governance models (``selectors``), in the active language."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core.actors import Actor

from . import memo
from .models import DecisionCase, DialogueItem
from .selectors import OptionView, case_context


def _share(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _option(view: OptionView, recommended: bool) -> memo.Option:
    option = view.option
    content = memo.Option(
        name=option.title,
        description=option.description,
        is_zero=option.do_nothing,
        costs=tuple(
            memo.Cost(organisation=c.organisation.label, year=c.year, amount=c.amount)
            for c in option.costs.all()
        ),
        nnv=view.nnv,
        nnv_per_budget_krone=view.nnb,
        snapshot=f"v{option.snapshot.version}" if option.snapshot_id else "",
        benefits=tuple(
            memo.BenefitEffect(
                benefit=b.description,
                arises_in=b.organisation.label
                if b.organisation_id
                else _("Outside the organisations"),
                gained=b.gained,
                amount=b.annual_amount,
                note=_("per year"),
            )
            for b in option.benefits.all()
        ),
        portfolio=(
            (memo.Consequence(subject=_("Portfolio"), description=option.portfolio_consequences),)
            if option.portfolio_consequences
            else ()
        ),
        funding_key=option.get_funding_key_display() if not option.do_nothing else "",
        funding_reason=option.funding_reason,
        funding=tuple(
            memo.FundingRow(
                organisation=r.organisation.label,
                share=_share(r.share),
                amount=r.amount,
                benefit_share=_share(r.benefit_share),
            )
            for r in view.split
        ),
        recommended=recommended,
    )
    charts = tuple(c for c in (memo.funding_split_chart(content), memo.costs_chart(content)) if c)
    return dataclasses.replace(content, charts=charts)


def _dependencies(case: DecisionCase, links: list) -> tuple[memo.Consequence, ...]:
    """What carrying the case out touches: a proposal's harmonisation links to initiatives
    that become dependencies, or a running initiative's own dependencies."""
    from .services.apply import LINK_DEPENDENCY

    if case.initiative_id:
        initiative = case.initiative
        out = [
            memo.Consequence(subject=str(d.target), description=str(d.get_kind_display()))
            for d in initiative.dependencies_out.select_related("target")
        ]
        out += [
            memo.Consequence(subject=str(d.source), description=str(d.get_kind_display()))
            for d in initiative.dependencies_in.select_related("source")
        ]
        return tuple(out)
    return tuple(
        memo.Consequence(subject=str(link.target), description=str(link.get_kind_display()))
        for link in links
        if link.target_initiative_id and link.kind in LINK_DEPENDENCY
    )


def _anchoring(case: DecisionCase) -> tuple[memo.AnchoringLine, ...]:
    """Each participating organisation's leadership commitment (the anchoring app is
    installed: ``case_context`` found its summary)."""
    from nytte.anchoring.selectors import commitment_statuses

    labels = {
        "committed": _("Committed"),
        "not_committed": _("Not committed"),
        "not_recorded": _("Not recorded"),
    }
    subject = case.proposal if case.proposal_id else case.initiative
    return tuple(
        memo.AnchoringLine(
            organisation=s.organisation,
            status=labels.get(s.state, s.state),
            note=s.document_label or s.reference,
        )
        for s in commitment_statuses(subject)
    )


def build_memo_content(case: DecisionCase, user: Actor | None = None) -> memo.MemoContent:
    """The memo of ``case`` as it stands: background, harmonisation links, assessment and
    matrix position, anchoring, the options with costs, NNV, benefits, what in the portfolio
    must move, and who pays beside who gains, the recommendation and proposed decision."""
    from nytte.core.actors import SYSTEM

    context = case_context(case, user if user is not None else SYSTEM)
    assessment = context.assessment or {}
    position = ""
    if assessment.get("potential") is not None:
        position = _("Innovation potential %(p)s and complexity %(c)s of 100: %(track)s") % {
            "p": assessment["potential"],
            "c": assessment["complexity"],
            "track": assessment.get("suggested_label") or "–",
        }
    warnings = []
    anchoring: tuple[memo.AnchoringLine, ...] = ()
    if context.anchoring is not None:
        anchoring = _anchoring(case)
        if not context.anchoring.complete:
            warnings.append(_("Anchoring is not complete."))
        if context.anchoring.missing_commitments:
            warnings.append(
                _("No leadership commitment yet from")
                + ": "
                + ", ".join(context.anchoring.missing_commitments)
            )
    for view in context.options:
        if view.split_error and not view.option.do_nothing:
            warnings.append(f"{view.option.title}: {view.split_error}")
    portfolio = ()
    if context.comparison is not None:
        portfolio = tuple(
            memo.Consequence(subject=c.name, description=c.change)
            for c in context.comparison.changes
            if c.change in ("starts", "moves", "stops")
        )
    dependencies = _dependencies(case, context.links)
    meeting = case.meetings.order_by("-date").first()
    options = tuple(_option(v, case.recommended_option_id == v.option.pk) for v in context.options)
    options = tuple(
        o
        if o.is_zero
        else dataclasses.replace(o, portfolio=o.portfolio + portfolio, dependencies=dependencies)
        for o in options
    )
    return memo.MemoContent(
        title=case.title,
        case_reference=case.reference,
        forum=str(case.forum or (meeting.forum if meeting else "")),
        meeting_date=meeting.date if meeting else None,
        prepared_by=case.prepared_by.display_name if case.prepared_by_id else "",
        programme=case.programme.name,
        background=case.background,
        assessment=memo.Assessment(matrix_position=position, summary=case.assessment),
        anchoring=anchoring,
        harmonisation=tuple(
            memo.HarmonisationLink(
                relation=str(link.get_kind_display()), target=str(link.target), note=link.note
            )
            for link in context.links
        ),
        options=options,
        recommendation=case.recommendation,
        proposed_decision=case.proposed_decision,
        warnings=tuple(warnings),
    )


def build_dialogue_export(
    items: Iterable[DialogueItem], programme_name: str
) -> memo.DialogueExport:
    return memo.DialogueExport(
        title=_("Governance dialogue"),
        programme=programme_name,
        prepared_on=timezone.localdate(),
        items=tuple(
            memo.DialogueItem(
                ministry=i.ministry.label,
                agency=i.agency.label if i.agency_id else "",
                kind=memo.DialogueKind(i.kind),
                text=i.text,
                budget_year=i.budget_year,
                case_reference=i.case.reference if i.case_id else "",
                decided_on=i.decision.decided_on if i.decision_id else None,
                source=str(i.decision.forum) if i.decision_id else "",
            )
            for i in items
        ),
    )
