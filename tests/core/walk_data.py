"""Data for the authorisation walk and the persona matrix: the demo's two programmes, with
one object of every kind the URLs name, and the values that fill each URL's parameters.

Framtidens innkreving is "the victim": every URL is filled with its objects and requested by
people with no role there."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nytte.core.actors import SYSTEM
from nytte.core.choices import Role
from nytte.core.models import ApiToken, Organisation, Programme, ProgrammeMembership, User
from nytte.core.services import api_token_create

VICTIM = "framtidens-innkreving"
OTHER = "starte-og-drive-bedrift"
# A parameter this module does not know yet (a new app's) gets this value; add the new kind
# of object to ``objects_of`` and the values below so that the walk reaches a real one.
UNKNOWN = "1"
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass
class Objects:
    """One programme's objects, by the names the URLs give their parameters."""

    programme: Programme
    initiative: Any
    benefit: Any
    proposal: Any
    scenario: Any
    run: Any
    snapshot: Any = None
    proposal_snapshot: Any = None
    attachment: Any = None
    link: Any = None
    analysis_line: Any = None
    alternative: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.programme.slug


def objects_of(programme: Programme) -> Objects:
    """One of each kind in ``programme`` (creating those the demo lacks)."""
    from nytte.benefits.models import Benefit, Indicator, Measurement, Target
    from nytte.costbenefit.models import ExtraAlternative, ExtraLine, Snapshot
    from nytte.costbenefit.services import snapshot_freeze
    from nytte.portfolio.models import CostLine, Dependency, Initiative, Risk, StatusReport
    from nytte.proposals.models import Attachment, Proposal, ProposalLink
    from nytte.proposals.services.capture import proposal_submit
    from nytte.scenarios.models import ScenarioRun
    from nytte.scenarios.services import scenario_create

    initiatives = Initiative.objects.filter(programme=programme)
    snapshot = Snapshot.objects.filter(initiative__programme=programme).first()
    initiative = snapshot.initiative if snapshot else initiatives.order_by("code").first()
    if snapshot is None:
        snapshot = snapshot_freeze(subject=initiative, note="Walk", acting_user=SYSTEM)
    alternative = ExtraAlternative.objects.filter(initiative=initiative).first()
    if alternative is None:
        alternative = ExtraAlternative.objects.create(initiative=initiative, name="Walk")
    proposal_snapshot = Snapshot.objects.filter(proposal__programme=programme).first()
    proposals = Proposal.objects.filter(programme=programme).order_by("number")
    received = proposals.filter(stage="received").first()
    if received is None:
        received, _token = proposal_submit(
            programme=programme,
            data={"title": "Walk", "need": "A need", "idea": "An idea"},
            acting_user=SYSTEM,
        )
    proposal = proposal_snapshot.proposal if proposal_snapshot else proposals.first()
    line = ExtraLine.objects.filter(initiative=initiative).first()
    if line is None:
        line = ExtraLine.objects.create(
            initiative=initiative,
            name="Walk",
            kind="cost",
            category="investment",
            organisation=programme.owner,
            first_year=2027,
            last_year=2028,
            low=1000,
            likely=1000,
            high=1000,
        )
    scenario = scenario_create(programme=programme, name="Walk", acting_user=SYSTEM)
    run = ScenarioRun.objects.create(scenario=scenario, input={"format": "walk"})
    attachment = Attachment.objects.create(
        proposal=proposal, file="walk.txt", name="walk.txt", content_type="text/plain", size=4
    )
    link = ProposalLink.objects.filter(proposal__programme=programme).first()
    if link is None and proposals.count() > 1:
        link = ProposalLink.objects.create(
            proposal=proposal,
            target_proposal=proposals.exclude(pk=proposal.pk).first(),
            kind="related",
        )
    indicator = Indicator.objects.filter(benefit__programme=programme).first()
    from nytte.governance.models import Forum
    from nytte.governance.services import forum_create, prepare_change_request

    forum = Forum.objects.filter(programme=programme).first() or forum_create(
        programme=programme, data={"name": "Walk board"}, acting_user=SYSTEM
    )
    # On another initiative than the one the walk deletes: a case protects its initiative.
    subject = initiatives.exclude(pk=initiative.pk).order_by("code").first() or initiative
    case = prepare_change_request(subject, "budget", SYSTEM, reason="Walk")
    return Objects(
        programme=programme,
        initiative=initiative,
        benefit=Benefit.objects.filter(programme=programme).order_by("code").first(),
        proposal=proposal,
        scenario=scenario,
        run=run,
        snapshot=snapshot,
        proposal_snapshot=proposal_snapshot,
        attachment=attachment,
        link=link,
        analysis_line=line,
        alternative=alternative,
        extra={
            "forum": forum,
            "case": case,
            "cost": CostLine.objects.filter(initiative__programme=programme).first(),
            "dependency": Dependency.objects.filter(source__programme=programme).first(),
            "risk": Risk.objects.filter(initiative__programme=programme).first(),
            "report": StatusReport.objects.filter(initiative__programme=programme).first(),
            "indicator": indicator,
            "target": Target.objects.filter(indicator__benefit__programme=programme).first(),
            "measurement": Measurement.objects.filter(
                indicator__benefit__programme=programme
            ).first(),
            "goal": programme.goals.first(),
            "received": received,
        },
    )


def _pk(obj: Any, default: int = 999_999) -> int:
    return obj.pk if obj is not None else default


def page_values(route: str, objs: Objects) -> dict[str, Any]:
    """Values for a page route's parameters, pointing at ``objs``' objects."""
    version = objs.snapshot.version if objs.snapshot else 1
    if "proposals/<int:number>/cost-benefit" in route and objs.proposal_snapshot:
        version = objs.proposal_snapshot.version
    values: dict[str, Any] = {
        "slug": objs.slug,
        "code": objs.benefit.code if "benefits/<str:code>" in route else objs.initiative.code,
        "number": objs.proposal.number,
        "version": version,
        "run": objs.run.pk,
        "fmt": "pdf",
        "token": "no-such-token",
    }
    if "cases/<int:number>" in route and "case" in objs.extra:
        values["number"] = objs.extra["case"].number
    if "scenarios/<int:pk>" in route:
        values["pk"] = objs.scenario.pk
    elif "attachments/<int:pk>" in route:
        values["pk"] = objs.attachment.pk
    elif "links/<int:pk>" in route:
        values["pk"] = _pk(objs.link)
    elif "organisations/<int:pk>" in route:
        values["pk"] = objs.programme.owner_id
    return values


def api_values(objs: Objects) -> dict[str, Any]:
    """Values for the API's path parameters (OpenAPI names), pointing at ``objs``' objects."""
    extra = objs.extra
    return {
        "slug": objs.slug,
        "code": objs.initiative.code,
        "number": objs.proposal.number,
        "version": objs.snapshot.version if objs.snapshot else 1,
        "pk": objs.scenario.pk,
        "run_id": objs.run.pk,
        "line_id": _pk(extra["cost"]),
        "dependency_id": _pk(extra["dependency"]),
        "risk_id": _pk(extra["risk"]),
        "report_id": _pk(extra["report"]),
        "indicator_id": _pk(extra["indicator"]),
        "target_id": _pk(extra["target"]),
        "measurement_id": _pk(extra["measurement"]),
        "goal_code": extra["goal"].code if extra["goal"] else "none",
        "alternative_id": _pk(objs.alternative),
        "link_id": _pk(objs.link),
        "year": 2027,
        "organisation_id": objs.programme.owner_id,
        "event_slug": "none",
        "fmt": "docx",
    }


# Required query parameters of API operations, so that the walk reaches the permission check
# instead of a validation error (baselines 1 and 2 are the governance demo's).
API_QUERIES: dict[str, str] = {"/api/v1/programmes/{slug}/baselines/compare": "a=1&b=2"}


def api_path(path: str, objs: Objects) -> str:
    """An OpenAPI path with its ``{parameters}`` filled; analysis lines by their own ids."""
    values = api_values(objs)
    if path.startswith("/api/v1/analysis-lines/"):
        values["line_id"] = _pk(objs.analysis_line)
    if "/cases/{number}" in path and "case" in objs.extra:
        values["number"] = objs.extra["case"].number
    filled = re.sub(r"{(\w+)}", lambda m: str(values.get(m.group(1), UNKNOWN)), path)
    query = API_QUERIES.get(path)
    return f"{filled}?{query}" if query else filled


def fill(route: str, values: dict[str, Any]) -> str:
    return "/" + PARAM.sub(lambda m: str(values.get(m.group("name"), UNKNOWN)), route)


def user_with_role(username: str, programme: Programme | None, role: str | None) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
    if programme is not None and role is not None:
        ProgrammeMembership.objects.get_or_create(user=user, programme=programme, role=role)
    return user


def token_for(user: User) -> str:
    _token, key = api_token_create(user=user, name="walk", acting_user=SYSTEM)
    return key


__all__ = [
    "OTHER",
    "VICTIM",
    "ApiToken",
    "Objects",
    "Organisation",
    "Role",
    "api_path",
    "fill",
    "objects_of",
    "page_values",
    "token_for",
    "user_with_role",
]
