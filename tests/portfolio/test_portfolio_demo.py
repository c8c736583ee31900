"""The demo portfolio looks like a real cross-agency programme and loads idempotently."""

from __future__ import annotations

from django.apps import apps

from nytte.core.actors import SYSTEM
from nytte.core.models import ChangeLogEntry
from nytte.demo import main as run_demo
from nytte.portfolio import rules, selectors
from nytte.portfolio.choices import DependencyKind, GoalLevel, StatusColour
from nytte.portfolio.demo import LIFE_EVENTS
from nytte.portfolio.models import Dependency, Initiative, LifeEvent


def nytte_row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("nytte.")
    }


def test_demo_after_demo_creates_nothing(framtidens, capsys):
    first = nytte_row_counts()
    run_demo()
    run_demo()
    assert nytte_row_counts() == first
    assert capsys.readouterr().out.count("nothing changed") == 2


def test_about_twenty_initiatives_across_the_three_agencies_in_several_phases(framtidens):
    initiatives = Initiative.objects.filter(programme=framtidens)
    assert 18 <= initiatives.count() <= 24
    owners = set(initiatives.values_list("owner_organisation__short_name", flat=True))
    assert {"SKE", "NAV", "BRREG"} <= owners
    assert len(set(initiatives.values_list("phase", flat=True))) >= 5
    assert initiatives.filter(mandatory=True).exists()


def test_yellow_and_red_initiatives_give_a_reason(framtidens):
    flagged = Initiative.objects.filter(programme=framtidens).exclude(status=StatusColour.GREEN)
    assert flagged.filter(status=StatusColour.RED).exists()
    assert all(i.status_reason.strip() for i in flagged)


def test_the_demo_owner_owns_the_skatteetaten_initiatives(framtidens):
    skatteetaten = Initiative.objects.filter(
        programme=framtidens, owner_organisation__short_name="SKE"
    )
    assert skatteetaten.exists()
    assert set(skatteetaten.values_list("owner__username", flat=True)) == {"eier"}


def test_a_dependency_crosses_agencies(framtidens):
    across = [
        d
        for d in Dependency.objects.filter(source__programme=framtidens).select_related(
            "source", "target"
        )
        if d.source.owner_organisation_id != d.target.owner_organisation_id
    ]
    assert any(d.kind == DependencyKind.REQUIRES for d in across)


def test_one_initiative_crosses_the_quality_assurance_threshold(framtidens):
    initiatives = selectors.with_flags(
        list(selectors.initiative_list(programme=framtidens, user=SYSTEM))
    )
    flagged = [i for i in initiatives if i.needs_qa]
    assert flagged
    assert all(i.total_likely > rules.QA_THRESHOLD_DIGITALISATION for i in flagged)


def test_cost_lines_span_several_years_with_ranges(framtidens):
    table = selectors.programme_cost_table(programme=framtidens)
    assert len(table["years"]) >= 5
    assert {"SKE", "NAV", "BRREG"} <= {row["organisation"] for row in table["rows"]}


def test_the_programme_has_a_target_picture_period_and_goal_tree(framtidens):
    assert framtidens.target_picture.startswith("## ")
    assert framtidens.start_year < framtidens.end_year
    tree = selectors.goal_tree(programme=framtidens)
    assert len(tree) == 1
    assert tree[0]["goal"].level == GoalLevel.SOCIETAL
    impact = tree[0]["children"]
    assert 3 <= len(impact) <= 4
    assert all(goal.n_initiatives > 0 for goal in impact)


def test_the_strategy_life_events_are_there_with_ministries(framtidens):
    assert LifeEvent.objects.count() >= len(LIFE_EVENTS)
    business = LifeEvent.objects.get(slug="starte-og-drive-bedrift")
    assert business.responsible.short_name == "NFD"
    assert business.initiatives.filter(programme=framtidens).exists()


def test_the_second_programme_has_initiatives_too(framtidens):
    assert Initiative.objects.filter(programme__slug="starte-og-drive-bedrift").count() >= 3


def test_risks_and_status_reports_exist(framtidens):
    initiatives = Initiative.objects.filter(programme=framtidens)
    assert initiatives.filter(risks__isnull=False).distinct().count() >= 5
    assert initiatives.filter(status_reports__isnull=False).distinct().count() >= 3


def test_the_demo_writes_the_register_change_log_as_the_system(framtidens):
    """The registers are loaded as the system; only the proposal and governance demos act as
    the people who propose, support, comment, prepare cases and decide, since those acts are
    theirs — and the one register change a person made is the forum's decision on FI-17."""
    entries = ChangeLogEntry.objects.filter(programme=framtidens).exclude(
        content_type__app_label__in=("proposals", "costbenefit", "governance")
    )
    assert entries.filter(object_repr__startswith="FI-1 ").exists()
    by_people = entries.filter(actor__isnull=False)
    assert {(e.actor.username, e.object_repr.split()[0], e.action) for e in by_people} == {
        ("forum", "FI-17", "update")
    }
