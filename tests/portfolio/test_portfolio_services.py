"""Portfolio writes check rights and log who did what; the read selectors add up right."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from nytte.core.actors import SYSTEM
from nytte.core.choices import ChangeAction
from nytte.core.models import ChangeLogEntry
from nytte.portfolio import selectors, services
from nytte.portfolio.choices import DependencyKind, GoalLevel, Phase
from nytte.portfolio.models import CostLine, Dependency, Initiative, InitiativeGoal
from tests.factories import (
    CostLineFactory,
    GoalFactory,
    InitiativeFactory,
    LifeEventFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

REQ, ENA, CON = DependencyKind.REQUIRES, DependencyKind.ENABLES, DependencyKind.CONFLICTS
COST = {"category": "investment", "low": 1_000_000, "likely": 2_000_000, "high": 3_000_000}


def log_of(instance, pk: int | None = None) -> list[ChangeLogEntry]:
    return list(
        ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance),
            object_id=str(pk or instance.pk),
        ).order_by("timestamp", "id")
    )


@pytest.fixture
def own_initiative(programme, owner) -> Initiative:
    return InitiativeFactory(programme=programme, code="FI-1", owner=owner)


@pytest.fixture
def others_initiative(programme) -> Initiative:
    return InitiativeFactory(programme=programme, code="FI-2")


# Initiatives


def test_a_facilitator_creates_an_initiative_and_the_log_names_them(programme, facilitator):
    goal = GoalFactory(programme=programme, code="SM-1")
    event = LifeEventFactory(slug="miste-og-finne-jobb")
    partner = OrganisationFactory()
    initiative = services.initiative_create(
        programme=programme,
        data={
            "code": "FI-7",
            "title": "Trekk i ytelser",
            "owner_organisation": OrganisationFactory(),
        },
        participants=[partner],
        life_events=[event],
        goals={goal: 40},
        acting_user=facilitator,
    )
    assert list(initiative.participants.all()) == [partner]
    assert list(initiative.life_events.all()) == [event]
    assert initiative.goal_links.get().contribution == 40
    [entry] = log_of(initiative)
    assert (entry.action, entry.actor, entry.programme) == (
        ChangeAction.CREATE,
        facilitator,
        programme,
    )
    assert entry.changes["code"] == {"before": None, "after": "FI-7"}


@pytest.mark.parametrize("persona", ["viewer", "owner", "contributor", "forum_member"])
def test_only_editors_create_initiatives(request, programme, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.initiative_create(
            programme=programme,
            data={"code": "FI-9", "title": "x", "owner_organisation": OrganisationFactory()},
            acting_user=user,
        )
    assert not Initiative.objects.exists()


def test_an_outsider_is_told_the_programme_does_not_exist(programme, outsider):
    with pytest.raises(Http404):
        services.initiative_create(
            programme=programme,
            data={"code": "FI-9", "title": "x", "owner_organisation": OrganisationFactory()},
            acting_user=outsider,
        )


def test_an_owner_edits_their_own_initiative_but_not_others(
    own_initiative, others_initiative, owner
):
    services.initiative_update(
        initiative=own_initiative, data={"phase": Phase.EXECUTE}, acting_user=owner
    )
    [update] = log_of(own_initiative)  # the factory wrote no entry
    assert update.actor == owner
    assert update.changes == {"phase": {"before": "plan", "after": "execute"}}
    with pytest.raises(PermissionDenied):
        services.initiative_update(
            initiative=others_initiative, data={"title": "Nytt navn"}, acting_user=owner
        )


def test_an_owner_cannot_delete_even_their_own_initiative(own_initiative, owner, facilitator):
    with pytest.raises(PermissionDenied):
        services.initiative_delete(initiative=own_initiative, acting_user=owner)
    pk = own_initiative.pk
    services.initiative_delete(initiative=own_initiative, acting_user=facilitator)
    assert not Initiative.objects.filter(pk=pk).exists()
    assert log_of(Initiative, pk)[-1].action == ChangeAction.DELETE


def test_an_initiative_cannot_move_to_another_programme(own_initiative, other_programme):
    with pytest.raises(ValidationError):
        services.initiative_update(
            initiative=own_initiative, data={"programme": other_programme}, acting_user=SYSTEM
        )


def test_an_invalid_update_is_refused_and_leaves_no_trace(own_initiative, facilitator):
    with pytest.raises(ValidationError):
        services.initiative_update(
            initiative=own_initiative, data={"status": "red"}, acting_user=facilitator
        )
    own_initiative.refresh_from_db()
    assert own_initiative.status == "green"
    assert len(log_of(own_initiative)) == 0  # the factory wrote no entry either


def test_goal_contributions_are_added_changed_and_removed_with_history(
    programme, own_initiative, facilitator
):
    root = GoalFactory(programme=programme, code="SM-1")
    em1 = GoalFactory(programme=programme, code="EM-1", level=GoalLevel.IMPACT, parent=root)
    em2 = GoalFactory(programme=programme, code="EM-2", level=GoalLevel.IMPACT, parent=root)
    services.initiative_update(
        initiative=own_initiative, data={}, goals={em1: 60, em2: 40}, acting_user=facilitator
    )
    services.initiative_update(
        initiative=own_initiative, data={}, goals={em1: 100}, acting_user=facilitator
    )
    assert dict(own_initiative.goal_links.values_list("goal__code", "contribution")) == {
        "EM-1": 100
    }
    actions = ChangeLogEntry.objects.filter(
        content_type__model="initiativegoal", actor=facilitator
    ).values_list("action", flat=True)
    assert sorted(actions) == sorted(["create", "create", "update", "delete"])
    assert InitiativeGoal.objects.count() == 1


# Cost lines and other children


def test_an_owner_adds_cost_lines_to_their_own_initiative_only(
    own_initiative, others_initiative, owner
):
    line = services.cost_line_create(
        initiative=own_initiative,
        organisation=own_initiative.owner_organisation,
        year=2027,
        acting_user=owner,
        **COST,
    )
    [entry] = log_of(line)
    assert (entry.actor, entry.programme) == (owner, own_initiative.programme)
    with pytest.raises(PermissionDenied):
        services.cost_line_create(
            initiative=others_initiative,
            organisation=others_initiative.owner_organisation,
            year=2027,
            acting_user=owner,
            **COST,
        )


def test_an_owner_changes_and_removes_their_own_cost_lines_but_not_others(
    own_initiative, others_initiative, owner
):
    mine = CostLineFactory(initiative=own_initiative, year=2027)
    theirs = CostLineFactory(initiative=others_initiative, year=2027)
    services.child_update(mine, data={"likely": 1_200_000}, acting_user=owner)
    assert log_of(mine)[-1].changes == {"likely": {"before": 1_000_000, "after": 1_200_000}}
    with pytest.raises(PermissionDenied):
        services.child_update(theirs, data={"likely": 1_200_000}, acting_user=owner)
    with pytest.raises(PermissionDenied):
        services.child_delete(theirs, acting_user=owner)
    services.child_delete(mine, acting_user=owner)
    assert list(CostLine.objects.all()) == [theirs]


def test_a_facilitator_edits_every_initiatives_cost_lines(
    own_initiative, others_initiative, facilitator
):
    for initiative in (own_initiative, others_initiative):
        line = CostLineFactory(initiative=initiative, year=2028)
        services.child_update(line, data={"high": 2_000_000}, acting_user=facilitator)
        assert log_of(line)[-1].actor == facilitator


def test_a_viewer_may_not_add_costs_and_an_outsider_does_not_see_the_initiative(
    own_initiative, viewer, outsider
):
    fields = {"organisation": own_initiative.owner_organisation, "year": 2027, **COST}
    with pytest.raises(PermissionDenied):
        services.cost_line_create(initiative=own_initiative, acting_user=viewer, **fields)
    with pytest.raises(Http404):
        services.cost_line_create(initiative=own_initiative, acting_user=outsider, **fields)
    assert not CostLine.objects.exists()


def test_an_out_of_order_cost_line_is_refused_by_the_service(own_initiative, facilitator):
    with pytest.raises(ValidationError):
        services.cost_line_create(
            initiative=own_initiative,
            organisation=own_initiative.owner_organisation,
            year=2027,
            category="investment",
            low=3,
            likely=2,
            high=1,
            acting_user=facilitator,
        )
    assert not ChangeLogEntry.objects.exists()


def test_a_line_cannot_move_to_another_initiative(own_initiative, others_initiative):
    line = CostLineFactory(initiative=own_initiative)
    with pytest.raises(ValidationError):
        services.child_update(line, data={"initiative": others_initiative}, acting_user=SYSTEM)


def test_a_status_report_is_signed_by_whoever_reports_it(own_initiative, owner):
    report = services.status_report_create(
        initiative=own_initiative,
        period="2026-T3",
        overall="green",
        plan="green",
        cost="yellow",
        benefits="green",
        stakeholders="green",
        risk="green",
        acting_user=owner,
    )
    assert report.reported_by == owner
    assert log_of(report)[0].actor == owner


def test_a_risk_on_an_own_initiative_is_logged(own_initiative, owner):
    risk = services.risk_create(
        initiative=own_initiative,
        title="Forsinket lov",
        probability=4,
        consequence=5,
        acting_user=owner,
    )
    assert risk.score == 20
    assert log_of(risk)[0].actor == owner


def test_goals_and_the_programme_frame_are_for_editors(programme, facilitator, viewer):
    goal = services.goal_save(
        programme=programme,
        data={"code": "SM-1", "level": GoalLevel.SOCIETAL, "title": "Samfunnsmål"},
        acting_user=facilitator,
    )
    services.programme_update(
        programme=programme,
        data={"target_picture": "## Målbilde", "start_year": 2022, "end_year": 2030},
        acting_user=facilitator,
    )
    assert log_of(goal)[0].actor == facilitator
    assert log_of(programme)[-1].changes["end_year"] == {"before": None, "after": 2030}
    with pytest.raises(PermissionDenied):
        services.goal_save(programme=programme, goal=goal, data={"title": "x"}, acting_user=viewer)
    with pytest.raises(ValidationError):
        services.programme_update(
            programme=programme, data={"start_year": 2031}, acting_user=facilitator
        )


def test_a_life_event_is_created_once(english):
    first = services.life_event_get_or_create(
        name="Ny i Norge", slug="ny-i-norge", acting_user=SYSTEM
    )
    again = services.life_event_get_or_create(
        name="Ny i Norge", slug="ny-i-norge", acting_user=SYSTEM
    )
    assert first == again
    assert ChangeLogEntry.objects.filter(object_repr="Ny i Norge").count() == 1


# Dependencies


@pytest.fixture
def chain(programme) -> list[Initiative]:
    """FI-1, FI-2, FI-3 in one programme, owned by different agencies."""
    return [InitiativeFactory(programme=programme, code=f"FI-{n}") for n in (1, 2, 3)]


def test_a_cycle_of_requires_is_refused_naming_the_cycle(chain, facilitator):
    fi1, fi2, fi3 = chain
    services.dependency_create(source=fi2, target=fi3, kind=REQ, acting_user=facilitator)
    services.dependency_create(source=fi3, target=fi1, kind=REQ, acting_user=facilitator)
    with pytest.raises(ValidationError) as info:
        services.dependency_create(source=fi1, target=fi2, kind=REQ, acting_user=facilitator)
    assert "FI-1 → FI-2 → FI-3 → FI-1" in info.value.messages[0]
    assert info.value.error_list[0].code == "dependency_cycle"
    assert Dependency.objects.count() == 2


def test_enables_and_conflicts_may_go_round_in_a_circle(chain):
    fi1, fi2, fi3 = chain
    services.dependency_create(source=fi1, target=fi2, kind=REQ, acting_user=SYSTEM)
    services.dependency_create(source=fi2, target=fi3, kind=REQ, acting_user=SYSTEM)
    services.dependency_create(source=fi3, target=fi1, kind=ENA, acting_user=SYSTEM)
    services.dependency_create(source=fi3, target=fi1, kind=CON, acting_user=SYSTEM)
    services.dependency_create(source=fi2, target=fi1, kind=CON, acting_user=SYSTEM)
    assert Dependency.objects.count() == 5


def test_changing_a_dependency_into_requires_is_checked_for_cycles(chain, facilitator):
    fi1, fi2, _ = chain
    services.dependency_create(source=fi1, target=fi2, kind=REQ, acting_user=SYSTEM)
    back = services.dependency_create(source=fi2, target=fi1, kind=ENA, acting_user=SYSTEM)
    with pytest.raises(ValidationError) as info:
        services.child_update(back, data={"kind": REQ}, acting_user=facilitator)
    assert "FI-2 → FI-1 → FI-2" in info.value.messages[0]
    # A dependency may be saved again without counting itself as the way back.
    forward = Dependency.objects.get(kind=REQ)
    services.child_update(forward, data={"note": "Avklart"}, acting_user=facilitator)


def test_an_initiative_cannot_depend_on_itself(chain, english):
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        services.dependency_create(source=chain[0], target=chain[0], kind=ENA, acting_user=SYSTEM)


def test_a_dependency_cannot_cross_programmes(chain, other_programme, english):
    foreign = InitiativeFactory(programme=other_programme, code="SDB-1")
    with pytest.raises(ValidationError, match="same programme"):
        services.dependency_create(source=chain[0], target=foreign, kind=REQ, acting_user=SYSTEM)


def test_an_owner_adds_dependencies_from_their_own_initiative_only(
    own_initiative, others_initiative, owner
):
    services.dependency_create(
        source=own_initiative, target=others_initiative, kind=REQ, acting_user=owner
    )
    with pytest.raises(PermissionDenied):
        services.dependency_create(
            source=others_initiative, target=own_initiative, kind=ENA, acting_user=owner
        )


# Selectors


def make_portfolio(programme, seed: int = 7) -> list[Initiative]:
    """A handful of initiatives with random cost lines, some with none."""
    rnd = random.Random(seed)
    orgs = [OrganisationFactory() for _ in range(3)]
    initiatives = []
    for n in range(6):
        initiative = InitiativeFactory(
            programme=programme,
            code=f"FI-{n}",
            owner_organisation=orgs[n % 3],
            phase=rnd.choice(Phase.values),
            status=rnd.choice(["green", "yellow", "red"]),
            status_reason="Grunn",
        )
        for year in rnd.sample(range(2024, 2031), rnd.randint(0, 4)):
            for org in rnd.sample(orgs, rnd.randint(1, 3)):
                likely = rnd.randint(0, 50) * 1_000_000
                CostLineFactory(
                    initiative=initiative,
                    organisation=org,
                    year=year,
                    low=likely // 2,
                    likely=likely,
                    high=likely * 2,
                )
        initiatives.append(initiative)
    return initiatives


def test_initiative_list_totals_equal_the_sum_of_the_cost_lines(programme, other_programme):
    make_portfolio(programme)
    make_portfolio(other_programme, seed=8)
    rows = list(selectors.initiative_list(programme=programme, user=SYSTEM))
    assert len(rows) == 6
    for row in rows:
        lines = CostLine.objects.filter(initiative=row)
        assert row.total_low == sum(line.low for line in lines)
        assert row.total_likely == sum(line.likely for line in lines)
        assert row.total_high == sum(line.high for line in lines)


def test_with_flags_marks_size_and_quality_assurance(programme):
    big = InitiativeFactory(programme=programme, code="FI-1")
    CostLineFactory(initiative=big, year=2027, low=1, likely=200_000_000, high=250_000_000)
    CostLineFactory(initiative=big, year=2028, low=1, likely=100_000_001, high=150_000_000)
    small = InitiativeFactory(programme=programme, code="FI-2")
    flagged = {
        i.code: (i.size_band, i.needs_qa)
        for i in selectors.with_flags(
            list(selectors.initiative_list(programme=programme, user=SYSTEM))
        )
    }
    assert flagged == {"FI-1": ("large", True), "FI-2": ("small", False)}
    assert small.pk  # no cost lines: total 0


def test_programme_cost_table_sums_per_organisation_and_year(programme, other_programme):
    make_portfolio(programme)
    make_portfolio(other_programme, seed=8)
    expected: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for line in CostLine.objects.filter(initiative__programme=programme).select_related(
        "organisation"
    ):
        expected[line.organisation.label][line.year] += line.likely
    table = selectors.programme_cost_table(programme=programme)

    assert table["years"] == sorted({y for by_year in expected.values() for y in by_year})
    for row in table["rows"]:
        assert row["cells"] == [expected[row["organisation"]].get(y, 0) for y in table["years"]]
        assert row["total"] == sum(expected[row["organisation"]].values())
    assert table["total"] == sum(
        CostLine.objects.filter(initiative__programme=programme).values_list("likely", flat=True)
    )
    assert table["year_totals"] == [
        sum(by_year.get(y, 0) for by_year in expected.values()) for y in table["years"]
    ]


def test_the_cost_table_of_one_initiative_matches_the_programme_table(programme):
    [initiative] = make_portfolio(programme)[:1]
    CostLineFactory(initiative=initiative, year=2031, likely=5, low=1, high=9)
    table = selectors.cost_table(list(selectors.cost_lines(initiative=initiative)))
    assert table["total"] == sum(initiative.costs.values_list("likely", flat=True))


def test_phase_status_counts(programme, other_programme):
    initiatives = make_portfolio(programme)
    make_portfolio(other_programme, seed=8)
    counts = selectors.phase_status_counts(programme=programme)
    assert counts["total"] == len(initiatives)
    assert [row["phase"] for row in counts["rows"]] == Phase.values
    statuses = [value for value, _label in counts["statuses"]]
    for row in counts["rows"]:
        for status, n in zip(statuses, row["counts"], strict=True):
            assert n == sum(1 for i in initiatives if (i.phase, i.status) == (row["phase"], status))
        assert row["total"] == sum(row["counts"])


def test_an_owner_cannot_move_a_dependency_onto_someone_elses_initiative(
    programme, own_initiative, others_initiative, owner
):
    third = InitiativeFactory(programme=programme, code="FI-3")
    dependency = services.dependency_create(
        source=own_initiative, target=third, kind=REQ, acting_user=owner
    )
    with pytest.raises(PermissionDenied):
        services.child_update(dependency, data={"source": others_initiative}, acting_user=owner)
    dependency.refresh_from_db()
    assert dependency.source == own_initiative
    services.child_update(dependency, data={"target": others_initiative}, acting_user=owner)


def test_goal_delete_is_for_editors_and_logs_the_goal_and_its_contributions(
    programme, facilitator, viewer, own_initiative
):
    goal = GoalFactory(programme=programme, code="S9", level=GoalLevel.SOCIETAL)
    InitiativeGoal.objects.create(initiative=own_initiative, goal=goal, contribution=1)
    with pytest.raises(PermissionDenied):
        services.goal_delete(goal=goal, acting_user=viewer)
    services.goal_delete(goal=goal, acting_user=facilitator)
    assert not own_initiative.goal_links.exists()
    deleted = ChangeLogEntry.objects.filter(action=ChangeAction.DELETE, actor=facilitator)
    models = {entry.content_type.model for entry in deleted}
    assert models == {"goal", "initiativegoal"}


def test_a_societal_goal_with_impact_goals_cannot_be_deleted(programme, facilitator, english):
    societal = GoalFactory(programme=programme, code="S9", level=GoalLevel.SOCIETAL)
    GoalFactory(programme=programme, code="E9", level=GoalLevel.IMPACT, parent=societal)
    with pytest.raises(ValidationError, match="still has impact goals: E9"):
        services.goal_delete(goal=societal, acting_user=facilitator)
    assert societal.children.count() == 1


@pytest.mark.django_db
def test_cost_totals_follow_every_cost_line_change():
    from nytte.portfolio import services as portfolio_services
    from tests.factories import InitiativeFactory, OrganisationFactory

    initiative = InitiativeFactory()
    payer = OrganisationFactory()
    first = portfolio_services.cost_line_create(
        initiative=initiative,
        organisation=payer,
        year=2027,
        category="investment",
        low=1,
        likely=2,
        high=3,
        acting_user=SYSTEM,
    )
    portfolio_services.cost_line_create(
        initiative=initiative,
        organisation=payer,
        year=2028,
        category="operation",
        low=10,
        likely=20,
        high=30,
        acting_user=SYSTEM,
    )
    initiative.refresh_from_db()
    assert (initiative.cost_low, initiative.cost_likely, initiative.cost_high) == (11, 22, 33)

    portfolio_services.child_update(first, data={"likely": 3, "high": 4}, acting_user=SYSTEM)
    initiative.refresh_from_db()
    assert (initiative.cost_low, initiative.cost_likely, initiative.cost_high) == (11, 23, 34)

    portfolio_services.child_delete(first, acting_user=SYSTEM)
    initiative.refresh_from_db()
    assert (initiative.cost_low, initiative.cost_likely, initiative.cost_high) == (10, 20, 30)


@pytest.mark.django_db
def test_the_cached_cost_table_changes_as_soon_as_a_cost_line_does():
    from nytte.portfolio import selectors as portfolio_selectors
    from nytte.portfolio import services as portfolio_services
    from tests.factories import InitiativeFactory

    initiative = InitiativeFactory()
    programme = initiative.programme
    assert portfolio_selectors.programme_cost_table(programme=programme)["total"] == 0

    portfolio_services.cost_line_create(
        initiative=initiative,
        organisation=initiative.owner_organisation,
        year=2027,
        category="investment",
        low=100,
        likely=200,
        high=300,
        acting_user=SYSTEM,
    )
    programme.refresh_from_db()
    table = portfolio_selectors.programme_cost_table(programme=programme)
    assert table["total"] == 200
    assert table["years"] == [2027]
