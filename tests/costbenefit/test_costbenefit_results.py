"""The live analysis is cached by its inputs: a page view or an API read does not simulate
when nothing changed; a change of inputs shows the last result with its time and has a
background task recompute it; a frozen snapshot never changes."""

from __future__ import annotations

import pytest
from django.test import Client

from nytte.core.actors import SYSTEM
from nytte.costbenefit import results, selectors, services, tasks
from nytte.costbenefit.build import build_analysis
from nytte.costbenefit.models import AnalysisResult, Snapshot
from nytte.costbenefit.tasks import recompute_analysis
from nytte.portfolio.models import CostLine
from tests.api.test_api_core import bearer
from tests.costbenefit import test_costbenefit_pages as pages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_in_english")]

case = pages.case  # the page tests' initiative with costs and benefits (a fixture)
url = pages.url
API = "/api/v1/programmes/framtidens-innkreving/initiatives/FI-1/analysis"


@pytest.fixture
def simulations(monkeypatch):
    """Count the Monte Carlo runs."""
    calls: list[int] = []
    real = selectors.simulate

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(selectors, "simulate", counting)
    return calls


@pytest.fixture
def enqueued(monkeypatch):
    """The tasks enqueued (run at once when the test asks)."""
    queued: list[tuple] = []

    class Recorder:
        @staticmethod
        def enqueue(*args):
            queued.append(args)

    monkeypatch.setattr(tasks, "recompute_analysis", Recorder)
    return queued


def _more_cost(case):
    line = CostLine.objects.filter(initiative=case).first()
    CostLine.objects.filter(pk=line.pk).update(likely=line.likely + 100_000, high=line.high * 2)


def test_a_cache_hit_avoids_the_simulation_on_the_page_and_the_api(
    case, viewer, client_for, simulations
):
    page = client_for(viewer)
    assert page.get(url(case)).status_code == 200
    assert len(simulations) == 1  # no result yet: computed once, synchronously
    assert AnalysisResult.objects.filter(initiative=case).count() == 1
    assert page.get(url(case)).status_code == 200
    api = Client(**bearer(viewer))
    body = api.get(API).json()
    assert len(simulations) == 1  # both read the stored result
    assert body["computing"] is False
    assert body["computed_at"]
    assert body["result"]["alternatives"]


def test_an_input_change_shows_the_last_result_and_schedules_one_task(
    case, viewer, client_for, simulations, enqueued, django_capture_on_commit_callbacks
):
    first = results.current(case)
    assert len(simulations) == 1
    _more_cost(case)
    with django_capture_on_commit_callbacks(execute=True):
        page = client_for(viewer).get(url(case))
    assert page.status_code == 200
    assert page.context["computing"] is True
    assert "a newer result is being computed" in page.content.decode()
    assert len(simulations) == 1  # the GET did not simulate
    with django_capture_on_commit_callbacks(execute=True):
        again = results.current(case)
    assert again.stale and again.evaluated == first.evaluated
    assert enqueued == [("initiative", case.pk)]  # once per new inputs, not per view
    with django_capture_on_commit_callbacks(execute=True):
        body = Client(**bearer(viewer)).get(API).json()
    assert body["computing"] is True


def test_the_task_recomputes_and_then_views_hit_the_cache(case, simulations, enqueued):
    before = results.current(case).evaluated
    _more_cost(case)
    assert results.current(case).stale
    assert recompute_analysis.call("initiative", case.pk) is True
    assert len(simulations) == 2
    after = results.current(case)
    assert not after.stale
    assert after.evaluated != before
    assert len(simulations) == 2
    # Run again with nothing changed: nothing to do.
    recompute_analysis.call("initiative", case.pk)
    assert len(simulations) == 2
    assert recompute_analysis.call("proposal", 999_999) is False


SETTINGS = {
    "action": "settings",
    "settings-parameter_set": "R-109:2021",
    "settings-iterations": "1000",
    "settings-seed": "1",
}


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "without-javascript"])
def test_an_edit_on_the_page_shows_the_new_numbers_at_once(
    case, facilitator, client_for, simulations, enqueued, htmx
):
    client = client_for(facilitator)
    client.get(url(case))
    before = AnalysisResult.objects.get().inputs_key
    headers = {"HX-Request": "true", "HX-Target": "cost-benefit"} if htmx else {}
    data = {**SETTINGS, "settings-base_year": "2026"}
    response = client.post(url(case), data, headers=headers, follow=not htmx)
    assert response.status_code == 200
    assert not response.context.get("computing")
    assert AnalysisResult.objects.get().inputs_key != before
    assert enqueued == []  # answered at once, nothing left for the worker


def test_an_edit_the_engine_refuses_is_shown_at_once_without_javascript_too(
    case, facilitator, client_for, enqueued
):
    client = client_for(facilitator)
    client.get(url(case))  # a good result is stored
    data = {**SETTINGS, "settings-base_year": "2027"}  # after the first cost
    page = client.post(url(case), data, follow=True)
    assert page.status_code == 200
    assert "cba-error" in page.content.decode()
    assert 'id="result-table"' not in page.content.decode()


def test_a_frozen_snapshot_is_not_touched_by_the_cache(case, simulations, enqueued):
    results.current(case)
    snapshot = services.snapshot_freeze(subject=case, acting_user=SYSTEM)
    frozen = (snapshot.results, snapshot.simulation)
    _more_cost(case)
    recompute_analysis.call("initiative", case.pk)
    snapshot = Snapshot.objects.get(pk=snapshot.pk)
    assert (snapshot.results, snapshot.simulation) == frozen
    assert results.current(case).evaluated.results != snapshot.results


def test_the_result_joined_by_the_lookup_is_used_once(
    case, simulations, enqueued, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A page's lookup joins the stored result; ``current`` uses that copy instead of reading
    it, and only once: a later call on the same object sees what was stored since."""
    results.current(case)
    _more_cost(case)
    subject = selectors.subject_get(case.programme, code=case.code, with_result=True)
    built = build_analysis(subject)
    # One query: marking the recomputation pending; the stored result is not read again.
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(1):
        first = results.current(subject, built)
    assert first.stale and enqueued == [("initiative", case.pk)]
    results.refresh(selectors.subject_get(case.programme, code=case.code))  # the worker
    again = results.current(subject, built)
    assert not again.stale and again.computed_at > first.computed_at
    assert len(simulations) == 2
