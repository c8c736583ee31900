"""Adding a measurement on a benefit's page: the indicator and the dates it has measurements
on come with the benefit, the panel is drawn from the indicators read again, and the change
log still names who recorded it and for which organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from nytte.benefits.models import Measurement
from nytte.core.choices import Role
from nytte.core.models import ChangeLogEntry, OrganisationMembership
from tests.factories import (
    BenefitFactory,
    IndicatorFactory,
    MeasurementFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(programme):
    benefit = BenefitFactory(programme=programme, code="G-1", status="realising")
    return IndicatorFactory(benefit=benefit, name="Saker", baseline_value=100)


@pytest.fixture
def agency(facilitator):
    """The organisation the facilitator acts for."""
    organisation = OrganisationFactory(name="Skatteetaten")
    OrganisationMembership.objects.create(
        user=facilitator, organisation=organisation, role=Role.CONTRIBUTOR
    )
    return organisation


def _add(client, indicator, date: str, value: str = "123", **extra):
    prefix = f"add-measurement-{indicator.pk}"
    data = {
        "action": "measurement-add",
        "indicator": str(extra.pop("posted_indicator", indicator.pk)),
        f"{prefix}-date": date,
        f"{prefix}-value": value,
        f"{prefix}-source": "Uttrekk",
    }
    return client.post(
        indicator.benefit.get_absolute_url(),
        data,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="realisation-panel",
    )


def test_a_new_measurement_is_shown_with_who_recorded_it_and_logged_for_their_agency(
    facilitator, client_for, indicator, agency
):
    facilitator.full_name = "Kari Nordmann"
    facilitator.save()
    earlier = MeasurementFactory(indicator=indicator, date=dt.date(2026, 4, 1), value=90)

    html = _add(client_for(facilitator, language="en"), indicator, "2026-07-01").content.decode()

    added = Measurement.objects.get(indicator=indicator, date=dt.date(2026, 7, 1))
    assert added.value == Decimal("123")
    assert f'<tr id="measurement-{added.pk}">' in html
    assert "Kari Nordmann" in html  # who recorded it, read along with the measurement
    rows = [f'<tr id="measurement-{m.pk}">' for m in (earlier, added)]
    assert html.index(rows[0]) < html.index(rows[1])  # by date
    entry = ChangeLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Measurement), object_id=str(added.pk)
    )
    assert (entry.actor, entry.organisation) == (facilitator, agency)


def test_a_date_already_measured_is_refused_on_the_date(facilitator, client_for, indicator):
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 7, 1), value=90)

    html = _add(client_for(facilitator, language="en"), indicator, "2026-07-01").content.decode()

    assert "already has a measurement on 2026-07-01" in html
    assert f'id="id_add-measurement-{indicator.pk}-date-error"' in html
    assert list(indicator.measurements.values_list("value", flat=True)) == [Decimal("90")]


def test_an_indicator_of_another_benefit_is_not_found(facilitator, client_for, programme):
    mine = IndicatorFactory(benefit=BenefitFactory(programme=programme, code="G-1"))
    theirs = IndicatorFactory(benefit=BenefitFactory(programme=programme, code="G-2"))

    response = _add(client_for(facilitator), mine, "2026-07-01", posted_indicator=theirs.pk)

    assert response.status_code == 404
    assert not Measurement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_in_a_running_server_adding_a_measurement_asks_ten_queries(
    facilitator, client_for, indicator, agency, pinned_queries
):
    """As a server process answers it: the request's own transaction (no savepoints: the
    test holds none around it) and the content type already looked up by an earlier write
    of this process. The page-queries pin counts the worst case, inside a test transaction
    and with the content types forgotten."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(facilitator)
    assert _add(client, indicator, "2026-04-01").status_code == 200  # the process's first
    with CaptureQueriesContext(connection) as captured:
        assert _add(client, indicator, "2026-07-01").status_code == 200
    # The request's transaction is its own: no savepoint. Its BEGIN and COMMIT are logged on
    # SQLite (not on PostgreSQL) and are not counted as queries.
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    sql = [q for q in captured.captured_queries if not q["sql"].startswith(control)]
    assert len(sql) < len(captured.captured_queries) or connection.vendor == "postgresql"
    assert not any("SAVEPOINT" in q["sql"] for q in captured.captured_queries)
    pinned_queries.check("benefit add measurement, in a running server", sql)
    assert indicator.measurements.count() == 2
