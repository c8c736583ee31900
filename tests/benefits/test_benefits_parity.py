"""One rule, one answer: each rule of the benefits register driven through every face that
can break it (the pages, the API, the Excel import and its command, the Django admin), each
expected to give the same answer. The rules live in ``nytte.benefits.services``; a face that
forgets one fails here.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from nytte.benefits import excel, services
from nytte.benefits.models import Benefit, BenefitAmount, Measurement
from nytte.core.actors import SYSTEM
from nytte.core.choices import ChangeAction, Role
from nytte.core.models import ChangeLogEntry, OrganisationMembership
from tests.api.test_api_core import bearer
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    MembershipFactory,
    OrganisationFactory,
    RiskFactory,
    UserFactory,
)

D = dt.date
FACES = ["page", "api", "excel", "admin"]


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def nav(programme):
    agency = OrganisationFactory(name="NAV")
    programme.participants.add(agency)
    return agency


@pytest.fixture
def initiative(programme, nav):
    return InitiativeFactory(programme=programme, code="FI-1", owner_organisation=nav)


@pytest.fixture
def nav_owner(owner, nav):
    OrganisationMembership.objects.create(user=owner, organisation=nav, role=Role.OWNER)
    return owner


@pytest.fixture
def superuser(programme):
    """The admin's user: a superuser, also a programme admin here (so the API and pages know
    the programme)."""
    user = UserFactory(username="drift", is_staff=True, is_superuser=True)
    MembershipFactory(user=user, programme=programme, role=Role.PROGRAMME_ADMIN)
    return user


@pytest.fixture
def benefit(programme, nav, nav_owner, initiative):
    benefit = BenefitFactory(
        programme=programme,
        code="G-1",
        owner_organisation=nav,
        arises_in_organisation=nav,
        owner=nav_owner,
        status="realising",
    )
    ContributionFactory(benefit=benefit, initiative=initiative, share=60)
    BenefitAmountFactory(benefit=benefit, year=2026, low=1, likely=2, high=3)
    benefit.refresh_from_db()
    return benefit


@pytest.fixture
def indicator(benefit):
    indicator = IndicatorFactory(
        benefit=benefit, name="Saker", baseline_value=1000, baseline_date=D(2026, 1, 1)
    )
    MeasurementFactory(indicator=indicator, date=D(2026, 4, 1), value=900)
    return indicator


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> Client:
    return Client(**bearer(user))


def post_json(client: Client, url: str, body) -> object:
    return client.post(url, body, content_type="application/json")


def api_fields(response) -> set[str]:
    """The fields a 422 problem names (the last part of each error's ``loc``)."""
    return {str(e["loc"][-1]) for e in response.json().get("errors", []) if e.get("loc")}


def workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_new_benefit(programme, **cells) -> bytes:
    """The programme's export with one more benefit row (``cells`` by header)."""
    data = excel.export_benefits(programme, user=SYSTEM)
    wb = load_workbook(io.BytesIO(data))
    row = dict.fromkeys(excel.BENEFITS.headers, None) | cells
    wb[excel.BENEFITS.name].append(list(row.values()))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def cli_import(command: str, slug: str, data: bytes, user=None) -> set[str]:
    """Run an import command on ``data``; the columns its errors name (empty: imported)."""
    path = f"/tmp/nytte-parity-{command}-{slug}.xlsx"
    with open(path, "wb") as file:
        file.write(data)
    err = io.StringIO()
    args = [command, slug, path, *(["--user", user.username] if user else [])]
    try:
        call_command(*args, stderr=err, stdout=io.StringIO())
    except CommandError:
        lines = [line.split(": ", 1)[0] for line in err.getvalue().splitlines() if ": " in line]
        return {line.split(", ")[-1] for line in lines} or {"?"}
    return set()


def page_benefit_post(**overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "G-9",
        "title": "Mindre papir",
        "kind": "efficiency",
        "priced": "on",
        "arises_in_group": "citizens",
        "status": "identified",
        "budget_cut_share": "0",
        "contribution-TOTAL_FORMS": "0",
        "contribution-INITIAL_FORMS": "0",
        "contribution-MIN_NUM_FORMS": "0",
        "contribution-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def admin_benefit_post(programme, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "programme": programme.pk,
        "code": "G-9",
        "title": "Mindre papir",
        "kind": "efficiency",
        "priced": "on",
        "arises_in_group": "citizens",
        "status": "identified",
        "budget_cut_share": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def admin_errors(response) -> set[str]:
    """The fields an admin form refused (a saved form redirects)."""
    if response.status_code == 302:
        return set()
    form = response.context["adminform"].form
    return set(form.errors)


# ---------------------------------------------------------------------------------------------
# The named owner must be a member of the programme


def _create_with_owner(face: str, programme, superuser, owner) -> set[str]:
    """Create benefit G-9 named as owned by ``owner`` through ``face``; the refused fields
    (empty when it was saved)."""
    if face == "page":
        response = login(superuser).post(
            reverse("benefits:benefit_create", args=[programme.slug]),
            page_benefit_post(owner=owner.pk),
        )
        return set() if response.status_code == 302 else set(response.context["form"].errors)
    if face == "api":
        response = post_json(
            api(superuser),
            f"/api/v1/programmes/{programme.slug}/benefits",
            {"code": "G-9", "title": "Mindre papir", "kind": "efficiency",
             "arises_in_group": "citizens", "owner": owner.username},
        )  # fmt: skip
        return set() if response.status_code == 201 else api_fields(response)
    if face == "excel":
        data = with_new_benefit(
            programme,
            **{"Kode": "G-9", "Tittel": "Mindre papir", "Type": "efficiency",
               "Oppstår i (gruppe)": None, "Gevinsteier (brukernavn)": owner.username},
        )  # fmt: skip
        result = excel.import_benefits(programme, data, acting_user=superuser)
        return {e.column for e in result.errors}
    if face == "cli":
        data = with_new_benefit(
            programme,
            **{"Kode": "G-9", "Tittel": "Mindre papir", "Type": "efficiency",
               "Gevinsteier (brukernavn)": owner.username},
        )  # fmt: skip
        return cli_import("import_benefits", programme.slug, data, superuser)
    response = login(superuser).post(
        reverse("admin:benefits_benefit_add"), admin_benefit_post(programme, owner=owner.pk)
    )
    return admin_errors(response)


OWNER_COLUMN = {"excel": "Gevinsteier (brukernavn)", "cli": "Gevinsteier (brukernavn)"}


@pytest.mark.parametrize("face", [*FACES, "cli"])
def test_the_named_owner_must_be_a_member_of_the_programme(
    face, programme, superuser, outsider, owner, english
):
    refused = _create_with_owner(face, programme, superuser, outsider)
    assert refused == {OWNER_COLUMN.get(face, "owner")}
    assert not Benefit.objects.filter(code="G-9").exists()

    assert _create_with_owner(face, programme, superuser, owner) == set()
    assert Benefit.objects.get(code="G-9").owner == owner


def test_a_changed_owner_must_be_a_member_too(benefit, facilitator, outsider, english):
    """Through the service every face uses for changes (API PATCH, sheet, page, admin)."""
    response = api(facilitator).patch(
        f"/api/v1/programmes/{benefit.programme.slug}/benefits/G-1",
        {"owner": outsider.username},
        content_type="application/json",
    )
    assert response.status_code == 422 and api_fields(response) == {"owner"}
    benefit.refresh_from_db()
    assert benefit.owner != outsider


# ---------------------------------------------------------------------------------------------
# Confirming the estimate is a write: the owner with edit rights, nobody merely named


def _confirm(face: str, benefit, user) -> int:
    slug = benefit.programme.slug
    if face == "page":
        url = reverse("benefits:benefit_confirm", args=[slug, benefit.code])
        return login(user).post(url).status_code
    if face == "api":
        url = f"/api/v1/programmes/{slug}/benefits/{benefit.code}/confirm"
        return post_json(api(user), url, {}).status_code
    try:
        services.benefit_confirm(benefit=benefit, acting_user=user)
    except PermissionDenied:
        return 403
    return 200


@pytest.mark.parametrize("face", ["page", "api", "service"])
def test_a_viewer_named_as_owner_may_not_confirm_the_estimate(face, benefit, viewer):
    benefit.owner = viewer  # a member, so a valid owner; but only with view rights
    benefit.save()
    assert _confirm(face, benefit, viewer) == 403
    benefit.refresh_from_db()
    assert not benefit.confirmed
    assert not services.may_confirm(viewer, benefit)


@pytest.mark.parametrize("face", ["page", "api", "service"])
def test_the_owner_with_the_owner_role_confirms_and_a_facilitator_may_not(
    face, benefit, nav_owner, facilitator
):
    assert _confirm(face, benefit, facilitator) == 403
    assert _confirm(face, benefit, nav_owner) in {200, 302}
    benefit.refresh_from_db()
    assert benefit.confirmed_by == nav_owner


# ---------------------------------------------------------------------------------------------
# Whether a quality gain is priced when nobody says: one default


def _create_quality_without_price(face: str, programme, superuser) -> Benefit:
    if face == "page":  # an unticked box sends nothing
        response = login(superuser).post(
            reverse("benefits:benefit_create", args=[programme.slug]),
            page_benefit_post(kind="quality", priced=None),
        )
        assert response.status_code == 302, response.context["form"].errors
    elif face == "api":
        response = post_json(
            api(superuser),
            f"/api/v1/programmes/{programme.slug}/benefits",
            {"code": "G-9", "title": "Mindre papir", "kind": "quality",
             "arises_in_group": "citizens"},
        )  # fmt: skip
        assert response.status_code == 201, response.json()
    elif face == "excel":
        data = with_new_benefit(
            programme,
            **{"Kode": "G-9", "Tittel": "Mindre papir", "Type": "quality", "Prissatt": None},
        )
        result = excel.import_benefits(programme, data, acting_user=superuser)
        assert result.ok, result.errors
    elif face == "cli":  # without --user: the system, as the command line
        data = with_new_benefit(
            programme,
            **{"Kode": "G-9", "Tittel": "Mindre papir", "Type": "quality", "Prissatt": None},
        )
        assert cli_import("import_benefits", programme.slug, data) == set()
        entry = ChangeLogEntry.objects.filter(action=ChangeAction.CREATE).latest("timestamp")
        assert (entry.actor, entry.actor_label) == (None, "system:cli")
    else:
        response = login(superuser).post(
            reverse("admin:benefits_benefit_add"),
            admin_benefit_post(programme, kind="quality", priced=None),
        )
        assert response.status_code == 302, admin_errors(response)
    return Benefit.objects.get(code="G-9")


@pytest.mark.parametrize("face", [*FACES, "cli"])
def test_a_quality_gain_is_not_priced_unless_said(face, programme, superuser):
    assert _create_quality_without_price(face, programme, superuser).priced is False


def test_other_kinds_are_priced_unless_said_in_the_api_and_the_sheet(programme, superuser):
    response = post_json(
        api(superuser),
        f"/api/v1/programmes/{programme.slug}/benefits",
        {
            "code": "G-8",
            "title": "Færre saker",
            "kind": "efficiency",
            "arises_in_group": "citizens",
        },
    )
    assert response.status_code == 201 and response.json()["priced"] is True
    data = with_new_benefit(
        programme, **{"Kode": "G-9", "Tittel": "Mindre papir", "Type": "others", "Prissatt": None}
    )
    assert excel.import_benefits(programme, data, acting_user=superuser).ok
    assert Benefit.objects.get(code="G-9").priced is True
    assert services.default_priced("others") and not services.default_priced("quality")


# ---------------------------------------------------------------------------------------------
# Measurements: one path, and every refusal names its field


def _record(face: str, indicator, user, date: D) -> set[str]:
    """Record a measurement of ``indicator`` on ``date``; the refused fields (empty: saved)."""
    benefit = indicator.benefit
    slug = benefit.programme.slug
    if face == "page":
        prefix = f"add-measurement-{indicator.pk}"
        response = login(user).post(
            benefit.get_absolute_url(),
            {"action": "measurement-add", "indicator": indicator.pk,
             f"{prefix}-date": date.isoformat(), f"{prefix}-value": "850"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="realisation-panel",
        )  # fmt: skip
        html = response.content.decode()
        return {"date"} if f"id_{prefix}-date-error" in html else set()
    if face == "api":
        response = post_json(
            api(user),
            f"/api/v1/indicators/{indicator.pk}/measurements",
            {"date": date.isoformat(), "value": "850"},
        )
        return set() if response.status_code == 201 else api_fields(response)
    if face == "api-bulk":
        response = post_json(
            api(user),
            f"/api/v1/programmes/{slug}/measurements",
            [{"benefit": benefit.code, "indicator": indicator.name,
              "date": date.isoformat(), "value": "850"}],
        )  # fmt: skip
        return set() if response.status_code == 201 else api_fields(response)
    sheet = workbook(
        {"Målinger": [excel.MEASUREMENTS.headers, [benefit.code, indicator.name, date, 850]]}
    )
    if face == "excel":
        result = excel.import_measurements(benefit.programme, sheet, acting_user=user)
        return {e.column for e in result.errors}
    if face == "cli":
        return cli_import("import_measurements", slug, sheet, user)
    # the admin, as a superuser: the same service
    response = login(user).post(
        reverse("admin:benefits_measurement_add"),
        {"indicator": indicator.pk, "date": date.isoformat(), "value": "850"},
    )
    return admin_errors(response)


MEASUREMENT_FACES = ["page", "api", "api-bulk", "excel", "cli", "admin"]
DATE_FIELD = {"excel": "Dato", "cli": "Dato"}


@pytest.mark.parametrize("face", MEASUREMENT_FACES)
def test_a_date_that_has_a_measurement_is_refused_on_the_date(face, indicator, superuser, english):
    assert _record(face, indicator, superuser, D(2026, 4, 1)) == {DATE_FIELD.get(face, "date")}
    assert Measurement.objects.count() == 1
    assert _record(face, indicator, superuser, D(2026, 7, 1)) == set()
    measurement = Measurement.objects.get(date=D(2026, 7, 1))
    assert measurement.value == 850 and measurement.recorded_by == superuser


def test_single_and_bulk_appends_share_one_service_path(indicator, nav_owner, english):
    """A single measurement is a batch of one: the same refusal, with the same field."""
    with pytest.raises(services.BulkError) as bulk:
        services.measurements_append(
            [services.MeasurementRow(indicator=indicator, date=D(2026, 4, 1), value=Decimal(1))],
            acting_user=nav_owner,
        )
    with pytest.raises(ValidationError) as single:
        services.measurement_create(
            indicator=indicator, date=D(2026, 4, 1), value=1, acting_user=nav_owner
        )
    single_errors = single.value.message_dict.items()
    assert [(r.field, r.message) for r in bulk.value.refusals] == [
        (name, message) for name, messages in single_errors for message in messages
    ]


# ---------------------------------------------------------------------------------------------
# A changed amount clears the owner's confirmation, whoever changes it and how


def _change_amount(face: str, benefit, user) -> None:
    amount = BenefitAmount.objects.get(benefit=benefit, year=2026)
    slug = benefit.programme.slug
    if face == "page":
        response = login(user).post(
            benefit.get_absolute_url(),
            {"action": "amount-update", "line": amount.pk, "edit-amount-year": 2026,
             "edit-amount-low": 1, "edit-amount-likely": 5, "edit-amount-high": 9},
        )  # fmt: skip
        assert response.status_code == 302
    elif face == "api":
        response = api(user).patch(
            f"/api/v1/programmes/{slug}/benefits/{benefit.code}/amounts/2026",
            {"likely": 5, "high": 9},
            content_type="application/json",
        )
        assert response.status_code == 200, response.json()
    elif face == "excel":
        data = excel.export_benefits(benefit.programme, user=SYSTEM)
        wb = load_workbook(io.BytesIO(data))
        sheet = wb[excel.AMOUNTS.name]
        headers = [c.value for c in sheet[1]]
        sheet.cell(2, headers.index("Mest sannsynlig") + 1, 5)
        sheet.cell(2, headers.index("Høy") + 1, 9)
        buffer = io.BytesIO()
        wb.save(buffer)
        result = excel.import_benefits(benefit.programme, buffer.getvalue(), acting_user=user)
        assert result.ok, result.errors
    else:
        response = login(user).post(
            reverse("admin:benefits_benefitamount_change", args=[amount.pk]),
            {"benefit": benefit.pk, "year": 2026, "low": 1, "likely": 5, "high": 9},
        )
        assert response.status_code == 302, admin_errors(response)


@pytest.mark.parametrize("face", FACES)
def test_a_changed_amount_clears_the_confirmation(face, benefit, nav_owner, superuser):
    services.benefit_confirm(benefit=benefit, acting_user=nav_owner)
    _change_amount(face, benefit, superuser)
    benefit.refresh_from_db()
    assert (benefit.total_likely, benefit.total_high) == (5, 9)
    assert not benefit.confirmed and benefit.confirmed_by is None


# ---------------------------------------------------------------------------------------------
# The admin is a write path like the others


def test_delete_selected_in_the_admin_is_logged_for_every_object(benefit, superuser):
    other = BenefitFactory(programme=benefit.programme, code="G-2")
    response = login(superuser).post(
        reverse("admin:benefits_benefit_changelist"),
        {"action": "delete_selected", "_selected_action": [benefit.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Benefit.objects.filter(pk__in=[benefit.pk, other.pk]).exists()
    deleted = ChangeLogEntry.objects.filter(action=ChangeAction.DELETE)
    assert {e.object_repr for e in deleted} >= {str(benefit), str(other)}


def test_linked_risks_changed_in_the_admin_appear_in_the_change_log(benefit, initiative, superuser):
    risk = RiskFactory(initiative=initiative, title="Leverandør svikter")
    data = admin_benefit_post(
        benefit.programme,
        code=benefit.code,
        title=benefit.title,
        kind=benefit.kind,
        arises_in_group="",
        arises_in_organisation=benefit.arises_in_organisation_id,
        owner_organisation=benefit.owner_organisation_id,
        owner=benefit.owner_id,
        status=benefit.status,
        risks=[risk.pk],
    )
    response = login(superuser).post(
        reverse("admin:benefits_benefit_change", args=[benefit.pk]), data
    )
    assert response.status_code == 302, admin_errors(response)
    entry = ChangeLogEntry.objects.filter(
        object_id=str(benefit.pk), action=ChangeAction.UPDATE
    ).latest("timestamp")
    assert "risks" in entry.changes
    assert entry.actor == superuser


def test_shares_over_100_percent_are_refused_in_the_admin_as_elsewhere(
    benefit, programme, superuser, english
):
    other = InitiativeFactory(programme=programme, code="FI-2")
    response = login(superuser).post(
        reverse("admin:benefits_contribution_add"),
        {"benefit": benefit.pk, "initiative": other.pk, "share": "41"},
    )
    assert response.status_code == 200
    assert "100" in str(response.context["adminform"].form.errors)
    assert benefit.contributions.count() == 1


def test_realisation_plans_are_read_only_in_the_admin(superuser):
    client: Client = login(superuser)
    assert client.get(reverse("admin:benefits_realisationplan_add")).status_code == 403
