"""The one place the optimiser's input (``nytte-optimise/1``) is built from the registers:
a scenario's candidates, budgets and rules as the portfolio, proposals and cost-benefit
analyses stand now, and the baseline (the portfolio as planned) a run is compared with.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from nytte.core.models import Organisation, Programme
from nytte.costbenefit.build import build_analysis
from nytte.costbenefit.models import ExtraLine
from nytte.economics import compute
from nytte.economics.montecarlo import nnv_samples
from nytte.portfolio.choices import DependencyKind, Phase
from nytte.portfolio.models import CostLine, Dependency, Initiative
from nytte.proposals.assessment import criteria_for, results_from
from nytte.proposals.models import Proposal, Score

from .models import Scenario

FORMAT = "nytte-optimise/1"
#: Monte Carlo draws per candidate for the risk constraint: one binary per draw in the
#: model, so few; the estimate of P(NNV < 0) has a standard error of about 1-3 points.
RISK_SAMPLES = 200
#: Phases whose initiatives are candidates: running (fixed) and planned (may move).
RUNNING_PHASES = (Phase.EXECUTE,)
PLANNED_PHASES = (Phase.IDEA, Phase.CONCEPT, Phase.PLAN)


def initiative_key(initiative: Initiative) -> str:
    return initiative_key_of(initiative.code)


def initiative_key_of(code: str) -> str:
    return f"initiative:{code}"


def proposal_key(proposal: Proposal) -> str:
    return f"proposal:{proposal.number}"


# ---------------------------------------------------------------------------------------------
# Reading the registers


def portfolio_initiatives(programme: Programme) -> list[Initiative]:
    """The current portfolio's running and planned initiatives, with their cost lines."""
    return list(
        portfolio_rows(programme)
        .select_related("owner_organisation")
        .prefetch_related("costs__organisation")
        .order_by("code")
    )


def portfolio_rows(programme: Programme) -> QuerySet[Initiative]:
    """The current portfolio's running and planned initiatives: the candidates."""
    return Initiative.objects.filter(
        programme=programme, phase__in=[*RUNNING_PHASES, *PLANNED_PHASES]
    )


def portfolio_labels(programme: Programme) -> list[tuple[str, str, str]]:
    """Code, title and phase of the current portfolio's initiatives, for the forms' lists:
    no cost lines, which ``portfolio_initiatives`` reads for the optimiser."""
    return list(portfolio_rows(programme).order_by("code").values_list("code", "title", "phase"))


def _planned_start(initiative: Initiative) -> int | None:
    years = [line.year for line in initiative.costs.all()]
    if initiative.planned_start:
        years.append(initiative.planned_start.year)
    return min(years) if years else None


def default_budgets(programme: Programme, first_year: int, years: int) -> dict[str, list[int]]:
    """Each paying organisation's planned most-likely cost per plan year, over the current
    portfolio's running and planned initiatives: the portfolio as planned just fits."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0] * years)
    for line in CostLine.objects.filter(
        initiative__programme=programme,
        initiative__phase__in=[*RUNNING_PHASES, *PLANNED_PHASES],
        year__gte=first_year,
        year__lt=first_year + years,
    ).only("organisation_id", "year", "likely"):
        totals[line.organisation_id][line.year - first_year] += line.likely
    return {str(org): amounts for org, amounts in sorted(totals.items())}


def _nnv(
    subject: Initiative | Proposal, code: str, warnings: list[str], samples: int = 0
) -> tuple[float, list[float] | None]:
    """The subject's NNV (most likely figures) from the cost-benefit engine, and with
    ``samples`` that many Monte Carlo draws of it (seeded by the subject's code, so the
    same register gives the same draws); 0 with a warning when its analysis cannot be
    computed."""
    try:
        analysis = build_analysis(subject)
        nnv = float(compute(analysis).alternative(code).nnv)
        draws = None
        if samples:
            seed = zlib.crc32(code.encode())
            draws = [float(x) for x in nnv_samples(analysis, samples, seed)[code]]
        return nnv, draws
    except (ValueError, KeyError) as exc:
        warnings.append(
            _("%(code)s: no cost-benefit result (%(error)s); its value is taken as 0.")
            % {"code": code, "error": exc}
        )
        return 0.0, [0.0] * samples if samples else None


def potential_scores(programme: Programme, proposals: list[Proposal]) -> dict[int, float]:
    """Each proposal's assessed innovation potential (0–100, criteria-weighted) from its
    submitted assessments; proposals without any are left out."""
    criteria = criteria_for(programme=programme)
    rows: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for proposal_id, assessment_id, criterion_id, value in Score.objects.filter(
        assessment__proposal__in=proposals, assessment__submitted_at__isnull=False
    ).values_list("assessment__proposal_id", "assessment_id", "criterion_id", "value"):
        rows[proposal_id].append((assessment_id, criterion_id, value))
    out = {}
    for proposal_id, scores in rows.items():
        potential = results_from(criteria, scores, with_spread=False).potential
        if potential is not None:
            out[proposal_id] = potential
    return out


def _labels(org_ids: Iterable[int]) -> dict[int, str]:
    """A unique label per organisation (its short name, or name; the id if two clash)."""
    orgs = Organisation.objects.in_bulk(set(org_ids))
    labels: dict[int, str] = {}
    seen: dict[str, int] = {}
    for pk in sorted(orgs):
        label = orgs[pk].label
        if label in seen:
            label = f"{label} ({pk})"
        seen[label] = pk
        labels[pk] = label
    return labels


def _profile(lines: Mapping[tuple[int, str], dict[int, int]], start: int) -> list[dict[str, Any]]:
    """Cost lines per (organisation id, kind) with ``{year: amount}`` as amounts relative to
    ``start`` (years before ``start`` are dropped)."""
    out = []
    for (org, kind), by_year in sorted(lines.items()):
        last = max(by_year)
        if last < start:
            continue
        amounts = [by_year.get(year, 0) for year in range(start, last + 1)]
        if any(amounts):
            out.append({"organisation": org, "kind": kind, "amounts": amounts})
    return out


def scenario_input(
    scenario: Scenario, *, displace: Proposal | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The optimiser's input (``nytte-optimise/1``, docs/optimise.md) for ``scenario`` as the
    registers stand now, and the baseline it is compared with (the portfolio as planned).

    * running initiatives (phase *execute*) are fixed at their start; planned ones (idea,
      concept, plan) may start in any plan year; proposals likewise;
    * costs: the most-likely cost lines per paying organisation and year, relative to the
      start (an initiative's start is its first cost year or planned start, whichever is
      earlier); a proposal's costs are its cost-benefit analysis' own cost lines that fall on
      an organisation;
    * value: NNV from the cost-benefit engine's deterministic result (as of the analysis'
      base year; read as of the candidate's start);
    * "requires" dependencies (B waits until A's planned end, or its cost profile ends when
      it has none; ignored once B runs) and conflicts (exclusions) between candidates;
    * budgets from the scenario (organisations without one are not constrained).
    """
    programme = scenario.programme
    first, n = scenario.first_year, scenario.years
    warnings: list[str] = []
    risk = scenario.max_probability_negative
    samples = RISK_SAMPLES if risk is not None else 0
    excluded = set(scenario.excluded)
    initiatives = [i for i in portfolio_initiatives(programme) if initiative_key(i) not in excluded]
    proposals = list(scenario.proposals.filter(programme=programme).order_by("number"))
    if displace is not None and displace.pk not in {p.pk for p in proposals}:
        proposals.append(displace)
    proposal_lines: dict[int, list[ExtraLine]] = defaultdict(list)
    for line in ExtraLine.objects.filter(
        proposal__in=proposals, kind="cost", alternative__isnull=True, organisation__isnull=False
    ):
        proposal_lines[line.proposal_id].append(line)

    org_ids = {int(k) for k in scenario.budgets}
    stop_costs = dict(scenario.stop_costs or {})
    org_ids |= {
        i.owner_organisation_id
        for i in initiatives
        if initiative_key(i) in stop_costs and i.owner_organisation_id
    }
    org_ids |= {line.organisation_id for i in initiatives for line in i.costs.all()}
    org_ids |= {line.organisation_id for lines in proposal_lines.values() for line in lines}
    labels = _labels(org_ids)

    candidates: list[dict[str, Any]] = []
    starts: dict[str, int] = {}
    baseline_costs: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    mandatory = set(scenario.mandatory)
    for initiative in initiatives:
        key = initiative_key(initiative)
        by_line: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
        for line in initiative.costs.all():
            cell = by_line[(line.organisation_id, line.category)]
            cell[line.year] = cell.get(line.year, 0) + line.likely
            if first <= line.year < first + n:
                baseline_costs[labels[line.organisation_id]][line.year] += line.likely
        start = _planned_start(initiative)
        running = initiative.phase in RUNNING_PHASES
        if start is None:
            start = first
            if running:
                warnings.append(
                    _("%(code)s is running but has neither a planned start nor costs.")
                    % {"code": initiative.code}
                )
        costs = _profile(by_line, start)
        for line in costs:
            line["organisation"] = labels[line["organisation"]]
        nnv, draws = _nnv(initiative, initiative.code, warnings, samples)
        candidate: dict[str, Any] = {
            "id": key,
            "name": f"{initiative.code} {initiative.title}",
            "status": "running" if running else "planned",
            "nnv": nnv,
            "costs": costs,
            "mandatory": initiative.mandatory or key in mandatory,
        }
        if draws is not None:
            candidate["nnv_samples"] = draws
        if initiative.planned_end and initiative.planned_end.year >= start:
            # Cost lines run on into operation; "finish" dependencies wait for the project.
            candidate["duration"] = initiative.planned_end.year - start + 1
        if running:
            candidate["start"] = start
            starts[key] = start
            if key in stop_costs:
                candidate["stoppable"] = True
                amount = stop_costs[key]
                if amount and initiative.owner_organisation_id:
                    owner = labels[initiative.owner_organisation_id]
                    candidate["stop_costs"] = [{"organisation": owner, "amounts": [amount]}]
        else:
            plan_start = min(max(start, first), first + n - 1)
            candidate["earliest_start"] = first
            candidate["latest_start"] = first + n - 1
            starts[key] = plan_start
        candidates.append(candidate)

    scores = potential_scores(programme, proposals) if scenario.score_weight else {}
    for proposal in proposals:
        key = proposal_key(proposal)
        by_line = defaultdict(dict)
        for line in proposal_lines[proposal.pk]:
            cell = by_line[(line.organisation_id, line.category)]
            for year in range(line.first_year, line.last_year + 1):
                cell[year] = cell.get(year, 0) + line.likely
        origin = min((y for cell in by_line.values() for y in cell), default=first)
        costs = _profile(by_line, origin)
        for line in costs:
            line["organisation"] = labels[line["organisation"]]
        if not costs:
            warnings.append(
                _("%(ref)s has no cost lines on an organisation in its cost-benefit analysis.")
                % {"ref": proposal.reference}
            )
        nnv, draws = _nnv(proposal, proposal.reference, warnings, samples)
        candidates.append(
            {
                "id": key,
                "name": f"{proposal.reference} {proposal.title}",
                "status": "proposal",
                "nnv": nnv,
                **({"nnv_samples": draws} if draws is not None else {}),
                "score": scores.get(proposal.pk, 0.0),
                "costs": costs,
                "earliest_start": first,
                "latest_start": first + n - 1,
                "mandatory": key in mandatory,
            }
        )

    keys = {c["id"] for c in candidates}
    running_keys = {c["id"] for c in candidates if c["status"] == "running"}
    by_pk = {i.pk: initiative_key(i) for i in initiatives}
    dependencies, exclusions = [], []
    for dep in Dependency.objects.filter(
        source__programme=programme, kind__in=[DependencyKind.REQUIRES, DependencyKind.CONFLICTS]
    ).order_by("pk"):
        source, target = by_pk.get(dep.source_id), by_pk.get(dep.target_id)
        if source is None or target is None:
            continue
        if dep.kind == DependencyKind.REQUIRES:
            if source in running_keys:
                continue  # already started: the requirement is history
            dependencies.append({"candidate": source, "requires": target, "kind": "finish"})
        else:
            exclusions.append({"name": str(dep), "candidates": [source, target]})

    def known(values: list[str], field: str) -> list[str]:
        unknown = [v for v in values if v not in keys]
        if unknown:
            warnings.append(
                _("%(field)s: %(keys)s are not candidates of this scenario and are ignored.")
                % {"field": field, "keys": ", ".join(unknown)}
            )
        return [v for v in values if v in keys]

    funds = [_fund_input(f, labels, keys, warnings) for f in scenario.funds or []]
    budgets = {
        labels[int(org)]: [float(a) for a in amounts]
        for org, amounts in sorted(scenario.budgets.items(), key=lambda kv: int(kv[0]))
        if int(org) in labels  # an organisation deleted since has no budget to keep
    }
    share = float(scenario.flexibility) / 100
    data: dict[str, Any] = {
        "format": FORMAT,
        "name": scenario.name,
        "first_year": first,
        "years": n,
        "objective": {"nnv_weight": 1.0, "score_weight": float(scenario.score_weight)},
        "budgets": budgets,
        "flexibility": {org: share for org in budgets} if share > 0 else {},
        "candidates": candidates,
        "dependencies": dependencies,
        "exclusions": exclusions,
        "funds": funds,
        "forced_in": known(list(scenario.forced_in), "forced_in"),
        "forced_out": known(list(scenario.forced_out), "forced_out"),
    }
    if risk is not None:
        data["risk"] = {"max_probability_negative": float(risk) / 100}
    unknown_stops = sorted(set(stop_costs) - running_keys)
    if unknown_stops:
        warnings.append(
            _("%(keys)s are not running initiatives of this scenario; stop costs ignored.")
            % {"keys": ", ".join(unknown_stops)}
        )
    baseline = {
        "starts": dict(starts),
        "costs": {
            org: {str(y): a for y, a in sorted(c.items())} for org, c in baseline_costs.items()
        },
        "organisations": {label: pk for pk, label in labels.items()},
        "baseline_ref": scenario.baseline_ref,
        "warnings": warnings,
    }
    return data, baseline


def _fund_input(
    fund: Mapping[str, Any], labels: Mapping[int, str], keys: set[str], warnings: list[str]
) -> dict[str, Any]:
    """A scenario's fund in the optimiser's format: organisation ids become the labels the
    budgets use, and candidates that are not in the scenario are dropped (with a note)."""
    out = dict(fund)
    if out.get("organisations") is not None:
        out["organisations"] = [labels[int(o)] for o in out["organisations"] if int(o) in labels]
    if out.get("candidates") is not None:
        unknown = [c for c in out["candidates"] if c not in keys]
        if unknown:
            warnings.append(
                _("Fund %(fund)s: %(keys)s are not candidates of this scenario and are ignored.")
                % {"fund": out.get("name") or out.get("id"), "keys": ", ".join(unknown)}
            )
        out["candidates"] = [c for c in out["candidates"] if c in keys]
    return out
