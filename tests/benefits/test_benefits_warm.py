"""Warming after a change: once a change to the registers commits, the worker computes what
the first views of the benefits map, who pays, the follow-up, the register and the
programme's realisation plan would, so
those views are served from the cache; many changes in a row ask for one warm, and a warm
that runs after later changes warms the current versions."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from nytte.benefits import totals
from nytte.benefits.analysis import pages
from nytte.benefits.plan import paging as plan_paging
from nytte.benefits.services.benefits import benefit_update
from nytte.benefits.services.measurements import measurement_create
from nytte.core import registercache
from nytte.core import tasks as core_tasks
from nytte.core.actors import SYSTEM
from nytte.core.tasks import warm_register_cache
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganisationFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

# The module, not the function of the same name that the package exports.
follow_up = importlib.import_module("nytte.benefits.analysis.follow_up")
PAGES = ("map", "flows", "dashboard", "benefit_list", "programme_plan")
PORTFOLIO = "nytte.benefits.warm.warm_portfolio"
FOLLOW_UP = "nytte.benefits.warm.warm_follow_up"
PLAN = "nytte.benefits.warm.warm_plan"
OVERVIEW = "nytte.portfolio.selectors.warm_overview"


def _url(programme, page: str) -> str:
    return reverse(f"benefits:{page}", kwargs={"slug": programme.slug})


@pytest.fixture
def register(programme):
    """A goal, an initiative with a cost, a priced benefit and one behind plan."""
    programme.start_year = timezone.localdate().year
    programme.save()
    impact = GoalFactory(programme=programme, code="E1", level="impact")
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    initiative = InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske)
    CostLineFactory(initiative=initiative, organisation=ske, year=programme.start_year)
    benefit = BenefitFactory(
        programme=programme, code="G-1", title="Raskere svar", impact_goal=impact
    )
    BenefitAmountFactory(
        benefit=benefit, year=programme.start_year, low=1000, likely=1000, high=1000
    )
    ContributionFactory(benefit=benefit, initiative=initiative, share=50)
    today = timezone.localdate()
    indicator = IndicatorFactory(
        benefit=benefit,
        frequency="monthly",
        baseline_value=0,
        baseline_date=today - dt.timedelta(days=200),
    )
    TargetFactory(indicator=indicator, date=today + dt.timedelta(days=165), value=100)
    MeasurementFactory(indicator=indicator, date=today - dt.timedelta(days=10), value=25)
    return benefit


@pytest.fixture
def computing(monkeypatch):
    """What the pages compute on a miss, counted: the map's, who pays' and the follow-up's
    rows, the register's totals and the summary of the programme's realisation plan."""
    calls: list[str] = []

    def counted(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls.append(name)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counted(pages, "map_rows")
    counted(pages, "flow_rows")
    counted(follow_up, "summarise")
    counted(totals, "queryset_totals")
    counted(plan_paging, "plan_summary")
    return calls


def _change(benefit, title: str, capture) -> None:
    """A change through the service, committed (its on-commit callbacks run)."""
    with capture(execute=True):
        benefit_update(benefit=benefit, data={"title": title}, acting_user=SYSTEM)


def _enqueued(programme) -> int:
    path = warm_register_cache.module_path
    return DBTaskResult.objects.filter(task_path=path, args_kwargs__args=[programme.pk]).count()


def _as_a_fresh_worker() -> None:
    """A server worker other than the task's: nothing in its memory, the shared cache only."""
    registercache._store.clear()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_after_a_change_and_the_warm_the_pages_are_served_from_the_cache(
    language, programme, register, viewer, client_for, computing, django_capture_on_commit_callbacks
):
    _change(register, "Mye raskere svar", django_capture_on_commit_callbacks)
    assert _enqueued(programme) == 1  # once the change committed

    ran = warm_register_cache.call(programme.pk)  # what `nytte worker` runs
    assert {PORTFOLIO, FOLLOW_UP, PLAN, OVERVIEW} <= set(ran)
    # Computed in the worker, in each language from rows read once for both.
    assert computing.count("map_rows") == computing.count("flow_rows") == 1
    assert computing.count("summarise") == computing.count("queryset_totals") == 2
    assert computing.count("plan_summary") == 1  # it holds no text: once for both

    computing.clear()
    _as_a_fresh_worker()
    client = client_for(viewer, language=language)
    for page in PAGES:
        response = client.get(_url(programme, page))
        assert response.status_code == 200
        assert "Mye raskere svar" in response.content.decode(), page
    assert computing == []  # every page found its data warm
    assert client.get(_url(programme, "dashboard")).context["report"].counts["behind"] == 1
    assert client.get(_url(programme, "benefit_list")).context["totals"].likely == 1000


def test_a_measurement_warms_the_follow_up_only(
    programme, register, viewer, client_for, computing, django_capture_on_commit_callbacks
):
    warm_register_cache.call(programme.pk)
    indicator = register.indicators.get()
    with django_capture_on_commit_callbacks(execute=True):
        measurement_create(
            indicator=indicator, date=timezone.localdate(), value=Decimal(90), acting_user=SYSTEM
        )
    assert _enqueued(programme) == 1
    computing.clear()

    # The map, who pays, the totals, the plan's summary and the overview read no
    # indicator: still warm.
    assert warm_register_cache.call(programme.pk) == [FOLLOW_UP]
    # In the worker the day's summary is brought up to date, not computed anew.
    assert computing == ["summarise", "summarise"]
    computing.clear()
    _as_a_fresh_worker()
    response = client_for(viewer, language="en").get(_url(programme, "dashboard"))
    assert response.context["report"].counts["behind"] == 0  # caught up
    assert computing == []


def test_many_changes_in_one_transaction_ask_once(
    programme, register, django_capture_on_commit_callbacks
):
    """An import makes thousands of changes in one transaction: one callback, not one each."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(5):
            benefit_update(benefit=register, data={"title": f"Svar {n}"}, acting_user=SYSTEM)
    assert len([c for c in callbacks if isinstance(c, registercache._Enqueue)]) == 1
    assert _enqueued(programme) == 1


@pytest.mark.django_db(transaction=True)
def test_many_changes_in_a_row_enqueue_one_warm(programme, register):
    """Changes committed one by one (as requests do) while the warm waits for the worker:
    one task; once the worker has started on it, the next change asks for another."""
    for n in range(3):
        benefit_update(benefit=register, data={"title": f"Svar {n}"}, acting_user=SYSTEM)
    assert _enqueued(programme) == 1
    warm_register_cache.call(programme.pk)
    benefit_update(benefit=register, data={"title": "Enda et svar"}, acting_user=SYSTEM)
    assert _enqueued(programme) == 2


def test_a_warm_that_runs_after_later_changes_warms_the_current_versions(
    programme, register, viewer, client_for, computing, django_capture_on_commit_callbacks
):
    _change(register, "Første svar", django_capture_on_commit_callbacks)
    warm_register_cache.call(programme.pk)
    # Two more changes; the warm enqueued for the first of them runs after both.
    _change(register, "Andre svar", django_capture_on_commit_callbacks)
    _change(register, "Tredje svar", django_capture_on_commit_callbacks)
    assert {PORTFOLIO, FOLLOW_UP, OVERVIEW} <= set(warm_register_cache.call(programme.pk))
    assert warm_register_cache.call(programme.pk) == []  # a duplicate finds it warm
    computing.clear()
    _as_a_fresh_worker()
    client = client_for(viewer)
    for page in PAGES:
        html = client.get(_url(programme, page)).content.decode()
        # Whole titles: a reader's generated name may hold a word such as "Andre".
        assert "Tredje svar" in html and "Andre svar" not in html, page
    assert computing == []


def test_a_warm_for_a_deleted_programme_does_nothing(programme):
    pk = programme.pk
    programme.delete()
    assert warm_register_cache.call(pk) == []


def test_a_rolled_back_change_asks_for_no_warm(
    programme, register, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        benefit_update(benefit=register, data={"title": "Angret"}, acting_user=SYSTEM)
        raise RuntimeError("a later step failed")
    assert callbacks == [] and _enqueued(programme) == 0


def test_without_the_setting_nothing_is_enqueued_and_pages_compute_on_demand(
    settings, programme, register, viewer, client_for, computing, django_capture_on_commit_callbacks
):
    settings.REGISTER_CACHE_WARM = False
    _change(register, "Uten arbeider", django_capture_on_commit_callbacks)
    assert _enqueued(programme) == 0
    response = client_for(viewer).get(_url(programme, "map"))
    assert "Uten arbeider" in response.content.decode()
    assert computing == ["map_rows"]


def test_a_failed_enqueue_is_logged_and_the_change_stands(
    programme, register, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args):
        raise RuntimeError("the task table is gone")

    monkeypatch.setattr(core_tasks, "warm_register_cache", SimpleNamespace(enqueue=broken))
    _change(register, "Står likevel", django_capture_on_commit_callbacks)
    register.refresh_from_db()
    assert register.title == "Står likevel"
    assert f"enqueue_warm({programme.pk})" in caplog.text
    monkeypatch.undo()
    assert registercache.enqueue_warm(programme.pk)  # no marker left behind: asked again


def test_the_follow_up_summary_is_computed_once_for_every_language(
    programme, register, viewer, client_for, monkeypatch
):
    """It holds no text: the first view in the other language brings the same one along."""
    anew = []
    original = follow_up.summarise

    def summarise(**kwargs):
        anew.append(kwargs.get("previous") is None)
        return original(**kwargs)

    monkeypatch.setattr(follow_up, "summarise", summarise)
    for language in ("nb", "en"):
        response = client_for(viewer, language=language).get(_url(programme, "dashboard"))
        assert response.context["report"].counts["behind"] == 1
    assert anew == [True, False]
