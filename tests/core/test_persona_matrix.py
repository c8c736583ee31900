"""The persona matrix (issue 18, "Authorisation"): one declarative table of who may do what
to which object, asked through the API and the pages, in the personas' own programme and in
another one.

``ALLOWED[(object, action)]`` lists the personas that may; every other persona is refused:
a member of the programme gets 403, someone without an account 401 (the API) or the login
page, and in *another* programme every persona but the superuser gets 404, never 403.
The data (the demo, plus the personas) is built once for the module."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from nytte.core.actors import SYSTEM
from nytte.core.choices import Role
from nytte.core.models import OrganisationMembership, Programme, User
from tests.core.walk_data import OTHER, VICTIM, objects_of, token_for, user_with_role

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "external_proposer",
    "viewer",
    "contributor",
    "assessor",
    "facilitator",
    "initiative_owner",
    "benefit_owner_elsewhere",
    "forum_member",
    "programme_admin",
    "superuser",
]
MEMBERS = set(PERSONAS) - {"anonymous", "external_proposer"}
EVERYONE_WHO_SEES = MEMBERS
EDITORS = {"facilitator", "programme_admin", "superuser"}
CONTRIBUTORS = {"contributor", "initiative_owner", "benefit_owner_elsewhere"} | EDITORS

# The table. ``None``: the action does not exist for the object (left out of the matrix).
ALLOWED: dict[tuple[str, str], set[str] | None] = {
    ("initiative", "list"): EVERYONE_WHO_SEES,
    ("initiative", "view"): EVERYONE_WHO_SEES,
    ("initiative", "create"): EDITORS,
    ("initiative", "edit"): EDITORS | {"initiative_owner"},
    ("initiative", "delete"): EDITORS,
    ("initiative", "decide"): None,  # decisions are the governance app's
    ("initiative", "export"): EVERYONE_WHO_SEES,
    ("benefit", "list"): EVERYONE_WHO_SEES,
    ("benefit", "view"): EVERYONE_WHO_SEES,
    ("benefit", "create"): EDITORS,
    ("benefit", "edit"): EDITORS | {"benefit_owner_elsewhere"},
    ("benefit", "delete"): EDITORS,
    # Confirming the estimate is the benefit owner's alone (not the facilitator's either).
    ("benefit", "decide"): {"benefit_owner_elsewhere"},
    ("benefit", "export"): EVERYONE_WHO_SEES,
    ("proposal", "list"): EVERYONE_WHO_SEES,
    ("proposal", "view"): EVERYONE_WHO_SEES,
    ("proposal", "create"): CONTRIBUTORS,
    ("proposal", "edit"): EDITORS,  # and its own proposer, while it is received
    ("proposal", "delete"): None,  # proposals are rejected or parked, never deleted
    ("proposal", "decide"): EDITORS,  # move it on (to harmonisation)
    ("proposal", "export"): EVERYONE_WHO_SEES,
    ("analysis", "list"): EVERYONE_WHO_SEES,  # its frozen versions
    ("analysis", "view"): EVERYONE_WHO_SEES,
    ("analysis", "create"): EDITORS | {"initiative_owner"},  # a line
    ("analysis", "edit"): EDITORS | {"initiative_owner"},  # the settings
    ("analysis", "delete"): EDITORS | {"initiative_owner"},  # a line
    ("analysis", "decide"): EDITORS | {"initiative_owner"},  # freeze a version
    ("analysis", "export"): EVERYONE_WHO_SEES,
    ("scenario", "list"): EVERYONE_WHO_SEES,
    ("scenario", "view"): EVERYONE_WHO_SEES,
    ("scenario", "create"): EDITORS,
    ("scenario", "edit"): EDITORS,
    ("scenario", "delete"): None,
    ("scenario", "decide"): EDITORS,  # run it
    ("scenario", "export"): EVERYONE_WHO_SEES,  # the run's input
    # A decision case: prepared by the facilitator, decided only by a seated member of the
    # forum (not the facilitator, the programme admin or the superuser).
    ("case", "list"): EVERYONE_WHO_SEES,
    ("case", "view"): EVERYONE_WHO_SEES,
    ("case", "create"): EDITORS,
    ("case", "edit"): EDITORS,
    ("case", "delete"): None,  # a case is withdrawn, never deleted
    ("case", "decide"): {"forum_member"},
    ("case", "export"): EVERYONE_WHO_SEES,  # the memo
}
CASES = [key for key, allowed in ALLOWED.items() if allowed is not None]


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    body: dict[str, Any] | None = None
    page: bool = False  # a page (session login), else the API (a bearer token)


def call_for(obj: str, action: str, world, slug: str) -> Call:
    o = world["objs"][slug]
    api = f"/api/v1/programmes/{slug}"
    ini, ben, prop = o.initiative.code, o.benefit.code, o.extra["received"].number
    case = o.extra["case"]
    analysis = f"{api}/initiatives/{ini}/analysis"
    table: dict[tuple[str, str], Call] = {
        ("initiative", "list"): Call("GET", f"{api}/initiatives"),
        ("initiative", "view"): Call("GET", f"{api}/initiatives/{ini}"),
        ("initiative", "create"): Call(
            "POST",
            f"{api}/initiatives",
            {"code": "MX-1", "title": "Matrise", "owner_organisation": world["orgnr"][slug]},
        ),
        ("initiative", "edit"): Call("PATCH", f"{api}/initiatives/{ini}", {"title": "Endret"}),
        ("initiative", "delete"): Call("DELETE", f"{api}/initiatives/{ini}"),
        ("initiative", "export"): Call("GET", f"/p/{slug}/portfolio/export.xlsx", page=True),
        ("benefit", "list"): Call("GET", f"{api}/benefits"),
        ("benefit", "view"): Call("GET", f"{api}/benefits/{ben}"),
        ("benefit", "create"): Call(
            "POST", f"{api}/benefits", {"code": "MX-G", "title": "Matrise", "kind": "efficiency"}
        ),
        ("benefit", "edit"): Call("PATCH", f"{api}/benefits/{ben}", {"title": "Endret"}),
        ("benefit", "delete"): Call("DELETE", f"{api}/benefits/{ben}"),
        ("benefit", "decide"): Call("POST", f"{api}/benefits/{ben}/confirm", {}),
        ("benefit", "export"): Call("GET", f"/p/{slug}/benefits/export.xlsx", page=True),
        ("proposal", "list"): Call("GET", f"{api}/proposals"),
        ("proposal", "view"): Call("GET", f"{api}/proposals/{prop}"),
        ("proposal", "create"): Call(
            "POST", f"{api}/proposals", {"title": "Matrise", "need": "Behov", "idea": "Idé"}
        ),
        ("proposal", "edit"): Call("PATCH", f"{api}/proposals/{prop}", {"title": "Endret"}),
        ("proposal", "decide"): Call(
            "POST", f"{api}/proposals/{prop}/move", {"to": "harmonisation"}
        ),
        ("proposal", "export"): Call("GET", f"/p/{slug}/proposals/export/", page=True),
        ("analysis", "list"): Call("GET", f"{analysis}/snapshots"),
        ("analysis", "view"): Call("GET", analysis),
        ("analysis", "create"): Call(
            "POST",
            f"{analysis}/lines",
            {
                "name": "Matrise",
                "kind": "cost",
                "category": "investment",
                "organisation": world["orgnr"][slug],
                "first_year": 2027,
                "last_year": 2028,
                "low": 1000,
                "likely": 1000,
                "high": 1000,
            },
        ),
        ("analysis", "edit"): Call("PUT", f"{analysis}/settings", {"iterations": 1000}),
        ("analysis", "delete"): Call("DELETE", f"/api/v1/analysis-lines/{o.analysis_line.pk}"),
        ("analysis", "decide"): Call("POST", f"{analysis}/snapshots", {"note": "Matrise"}),
        ("analysis", "export"): Call(
            "GET", f"/p/{slug}/initiatives/{ini}/cost-benefit/export.xlsx", page=True
        ),
        ("scenario", "list"): Call("GET", f"{api}/scenarios"),
        ("scenario", "view"): Call("GET", f"{api}/scenarios/{o.scenario.pk}"),
        ("scenario", "create"): Call("POST", f"{api}/scenarios", {"name": "Matrise"}),
        ("scenario", "edit"): Call("PATCH", f"{api}/scenarios/{o.scenario.pk}", {"name": "Ny"}),
        ("scenario", "decide"): Call("POST", f"{api}/scenarios/{o.scenario.pk}/runs", {}),
        ("scenario", "export"): Call(
            "GET", f"/p/{slug}/scenarios/{o.scenario.pk}/runs/{o.run.pk}/input.json", page=True
        ),
        ("case", "list"): Call("GET", f"{api}/cases"),
        ("case", "view"): Call("GET", f"{api}/cases/{case.number}"),
        # Each programme has an open budget case for the initiative: ask for a scope one.
        ("case", "create"): Call(
            "POST", f"{api}/cases", {"initiative": ini, "change_kind": "scope", "reason": "X"}
        ),
        ("case", "edit"): Call("PATCH", f"{api}/cases/{case.number}", {"title": "Endret"}),
        ("case", "decide"): Call(
            "POST",
            f"{api}/cases/{case.number}/decide",
            {
                "outcome": "rejected",
                "rationale": "Matrise",
                "forum": o.extra["forum"].pk,
                "decided_on": "2026-12-01",
                "review_date": "2027-12-01",
            },
        ),
        ("case", "export"): Call("GET", f"{api}/cases/{case.number}/memo.docx"),
    }
    return table[(obj, action)]


def _persona_users(victim: Programme, world_objs) -> dict[str, User | None]:
    users: dict[str, User | None] = {"anonymous": None, "external_proposer": None}
    roles = {
        "viewer": Role.VIEWER,
        "contributor": Role.CONTRIBUTOR,
        "assessor": Role.VIEWER,
        "facilitator": Role.FACILITATOR,
        "initiative_owner": Role.OWNER,
        "benefit_owner_elsewhere": Role.OWNER,
        "forum_member": Role.FORUM_MEMBER,
        "programme_admin": Role.PROGRAMME_ADMIN,
    }
    for persona, role in roles.items():
        users[persona] = user_with_role(f"mx-{persona}", victim, role)
    superuser = user_with_role("mx-superuser", None, None)
    superuser.is_superuser = True
    superuser.save()
    users["superuser"] = superuser
    objs = world_objs[VICTIM]
    # The initiative owner owns the initiative (and so its analysis).
    type(objs.initiative).objects.filter(pk=objs.initiative.pk).update(
        owner=users["initiative_owner"]
    )
    # The benefit's owner works for another agency than the one the benefit belongs to.
    elsewhere = victim.participants.exclude(pk=objs.benefit.owner_organisation_id).first()
    OrganisationMembership.objects.create(
        user=users["benefit_owner_elsewhere"], organisation=elsewhere, role=Role.OWNER
    )
    type(objs.benefit).objects.filter(pk=objs.benefit.pk).update(
        owner=users["benefit_owner_elsewhere"]
    )
    # The forum member sits in the programme's forum.
    from nytte.governance.services import member_add

    member_add(forum=objs.extra["forum"], user=users["forum_member"], acting_user=SYSTEM)
    # The assessor is asked to assess the proposal.
    from nytte.proposals.assessment.services import assessor_request

    assessor_request(
        proposal=objs.extra["received"], assessor=users["assessor"], acting_user=SYSTEM
    )
    return users


@pytest.fixture(scope="module")
def world(demo_loaded, django_db_blocker):
    with django_db_blocker.unblock():
        programmes = {slug: Programme.objects.get(slug=slug) for slug in (VICTIM, OTHER)}
        objs = {slug: objects_of(p) for slug, p in programmes.items()}
        users = _persona_users(programmes[VICTIM], objs)
        tokens = {p: token_for(u) for p, u in users.items() if u is not None}
        sessions = {}
        for persona, user in users.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            sessions[persona] = client
        return {
            "objs": objs,
            "users": users,
            "tokens": tokens,
            "sessions": sessions,
            "orgnr": {slug: p.owner.orgnr for slug, p in programmes.items()},
        }


def request(world, persona: str, call: Call):
    if call.page:
        return world["sessions"][persona].get(call.url)
    headers = {}
    if persona in world["tokens"]:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world['tokens'][persona]}"
    body = dict(call.body or {})
    if call.method == "POST":  # each persona creates its own (codes and names are unique)
        for key in ("code", "name"):
            if key in body:
                body[key] = f"{body[key]}-{PERSONAS.index(persona)}"
    body = json.dumps(body) if call.body is not None else ""
    return Client().generic(call.method, call.url, body, content_type="application/json", **headers)


def outcome(response, call: Call) -> str:
    """ "ok", "refused" (403), "hidden" (404), "login" (401 or the login page)."""
    status = response.status_code
    if status in (200, 201, 202, 204) or (status == 302 and "/login/" not in response.url):
        return "ok"
    if status == 401 or (status == 302 and "/login/" in response.url):
        return "login"
    return {403: "refused", 404: "hidden"}.get(status, f"status {status}")


def expected(persona: str, allowed: set[str], own: bool) -> str:
    if persona in ("anonymous", "external_proposer"):
        return "login"
    if not own and persona != "superuser":
        return "hidden"
    return "ok" if persona in allowed else "refused"


@pytest.mark.parametrize("own", [True, False], ids=["own programme", "another programme"])
@pytest.mark.parametrize(("obj", "action"), CASES, ids=["-".join(c) for c in CASES])
def test_persona_matrix(world, obj, action, own):
    slug = VICTIM if own else OTHER
    call = call_for(obj, action, world, slug)
    allowed = ALLOWED[(obj, action)]
    want = {p: expected(p, allowed, own) for p in PERSONAS}
    got = {}
    for persona in PERSONAS:
        # Refusals first, so that an allowed change (a deletion) cannot hide one.
        if want[persona] == "ok":
            continue
        got[persona] = outcome(request(world, persona, call), call)
    for persona in PERSONAS:
        if want[persona] == "ok":
            got[persona] = outcome(request(world, persona, call), call)
            if call.method == "DELETE" or (obj, action) in NOT_REPEATABLE:
                break  # the object is gone (or changed): later personas are asked again
    compared = {p: want[p] for p in got}
    assert got == compared, f"{call.method} {call.url}"


# Calls that change the object so that a second allowed persona would get another answer.
NOT_REPEATABLE = {
    ("proposal", "decide"),
    ("initiative", "delete"),
    ("benefit", "delete"),
    ("case", "create"),  # one open case per initiative and kind of change
    ("case", "decide"),
}


def _strings_of_workbook(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_lists_search_and_exports_leak_no_row_of_another_programme(world):
    """A member of one programme sees no row of another: in API lists (with a search for
    the other programme's words), the list of programmes, the exports and the work queue."""
    from nytte.benefits.models import Benefit
    from nytte.portfolio.models import Initiative

    own = set(Initiative.objects.filter(programme__slug=VICTIM).values_list("title", flat=True))
    foreign = [
        t
        for t in Initiative.objects.filter(programme__slug=OTHER).values_list("title", flat=True)
        if t not in own
    ]
    foreign += list(
        Benefit.objects.filter(programme__slug=OTHER)
        .exclude(title__in=Benefit.objects.filter(programme__slug=VICTIM).values("title"))
        .values_list("title", flat=True)
    )
    assert foreign
    word = foreign[0].split()[0]
    api = f"/api/v1/programmes/{VICTIM}"
    for persona in ("viewer", "programme_admin", "benefit_owner_elsewhere"):
        token = {"HTTP_AUTHORIZATION": f"Bearer {world['tokens'][persona]}"}
        programmes = Client().get("/api/v1/programmes", **token).json()
        items = programmes["items"] if isinstance(programmes, dict) else programmes
        assert {p["slug"] for p in items} == {VICTIM}
        for listing in ("initiatives", "benefits", "proposals", "scenarios"):
            for query in ({"limit": 1000}, {"q": word, "limit": 1000}):
                response = Client().get(f"{api}/{listing}", query, **token)
                assert response.status_code == 200, listing
                text = response.content.decode()
                assert not any(title in text for title in foreign), (persona, listing, query)
        session = world["sessions"][persona]
        for export in ("portfolio/export.xlsx", "benefits/export.xlsx"):
            text = _strings_of_workbook(session.get(f"/p/{VICTIM}/{export}").content)
            assert text and not any(title in text for title in foreign), (persona, export)
        for page in ("/queue/", f"/p/{VICTIM}/initiatives/?q={word}", f"/p/{VICTIM}/benefits/"):
            text = session.get(page).content.decode()
            assert not any(title in text for title in foreign), (persona, page)


def _pages(world, slug: str) -> dict[tuple[str, str], str]:
    o = world["objs"][slug]
    ini = o.initiative.code
    return {
        ("initiative", "list"): f"/p/{slug}/initiatives/",
        ("initiative", "view"): f"/p/{slug}/initiatives/{ini}/",
        ("benefit", "list"): f"/p/{slug}/benefits/",
        ("benefit", "view"): f"/p/{slug}/benefits/{o.benefit.code}/",
        ("proposal", "list"): f"/p/{slug}/proposals/",
        ("proposal", "view"): f"/p/{slug}/proposals/{o.extra['received'].number}/",
        ("analysis", "view"): f"/p/{slug}/initiatives/{ini}/cost-benefit/",
        ("scenario", "list"): f"/p/{slug}/scenarios/",
        ("scenario", "view"): f"/p/{slug}/scenarios/{o.scenario.pk}/",
        ("initiative", "edit"): f"/p/{slug}/initiatives/{ini}/edit/",
        ("benefit", "edit"): f"/p/{slug}/benefits/{o.benefit.code}/edit/",
        ("initiative", "create"): f"/p/{slug}/initiatives/new/",
        ("benefit", "create"): f"/p/{slug}/benefits/new/",
        ("proposal", "create"): f"/p/{slug}/proposals/new/",
    }


@pytest.mark.parametrize("own", [True, False], ids=["own programme", "another programme"])
def test_persona_matrix_in_pages(world, own):
    """The same table through the pages (GET): the list and detail pages, and the edit and
    create forms (which only those who may act are shown)."""
    slug = VICTIM if own else OTHER
    failures = []
    for (obj, action), url in _pages(world, slug).items():
        allowed = ALLOWED[(obj, action)]
        for persona in PERSONAS:
            want = expected(persona, allowed, own)
            got = outcome(world["sessions"][persona].get(url), Call("GET", url, page=True))
            if got != want:
                failures.append(f"{persona} {url}: {got}, not {want}")
    assert not failures, "\n".join(failures)


def test_only_the_asked_assessor_has_an_assessment_to_fill_in(world):
    """The assessor persona: asked to assess the proposal, they (and nobody else, not even
    the facilitator) have an assessment of their own there; another programme's is hidden."""
    number = world["objs"][VICTIM].extra["received"].number
    for slug, own in ((VICTIM, True), (OTHER, False)):
        n = number if own else world["objs"][OTHER].extra["received"].number
        call = Call("GET", f"/api/v1/programmes/{slug}/proposals/{n}/assessment")
        got = {p: outcome(request(world, p, call), call) for p in PERSONAS}
        want = {
            p: "login"
            if p in ("anonymous", "external_proposer")
            else ("ok" if own and p == "assessor" else "hidden")
            for p in PERSONAS
        }
        assert got == want, slug
