"""Step 3 services and selectors: default criteria, scales and weights, asking assessors,
blind assessment through the selectors the pages and the API share, the aggregate and
spread worked out by hand, the suggested track of each quadrant, and setting the track."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from nytte.core.choices import Role
from nytte.core.models import ChangeLogEntry
from nytte.proposals import assessment as assess
from nytte.proposals import services
from nytte.proposals.choices import EventKind, Stage, Track
from nytte.proposals.models import Assessment, Criterion, ProposalEvent, Score
from tests.factories import (
    AssessmentFactory,
    CriterionFactory,
    MembershipFactory,
    ProposalFactory,
    UserFactory,
)

# These tests build their own criteria on a bare programme (see conftest.py).
BARE_PROGRAMME = True

pytestmark = pytest.mark.django_db

FIVE = [{"value": v, "label": f"Trinn {v}"} for v in range(1, 6)]
THREE = [{"value": v, "label": f"Nivå {v}"} for v in range(1, 4)]


@pytest.fixture
def criteria(programme):
    """Two potential criteria (user value weighs 3, the other 1) and two complexity ones (one
    on a 1–3 scale), so the arithmetic can be followed by hand."""
    return {
        "user_value": CriterionFactory(
            programme=programme, dimension="potential", name="Brukerverdi", scale=FIVE,
            weight=3, order=1,
        ),
        "size": CriterionFactory(
            programme=programme, dimension="potential", name="Gevinst", scale=FIVE,
            weight=1, order=2,
        ),
        "technical": CriterionFactory(
            programme=programme, dimension="complexity", name="Teknisk", scale=THREE,
            weight=1, order=1,
        ),
        "legal": CriterionFactory(
            programme=programme, dimension="complexity", name="Regelverk", scale=FIVE,
            weight=1, order=2,
        ),
    }  # fmt: skip


@pytest.fixture
def proposal(programme):
    return ProposalFactory(programme=programme, stage=Stage.ASSESSMENT, title="Felles oversikt")


def _score(assessment, criteria, values, *, submit=True, comment=""):
    assess.assessment_save(
        assessment=assessment,
        scores={criteria[name].pk: (value, f"{name} {value}") for name, value in values.items()},
        comment=comment,
        submit=submit,
        acting_user=assessment.assessor,
    )


# ---------------------------------------------------------------------------------------------
# Criteria


def test_default_criteria_are_created_once_with_described_scales(programme):
    assert assess.criteria_for(programme=programme) == []  # a read creates nothing
    assert assess.criteria_ensure_defaults(programme=programme)  # as programme_create does
    assert not assess.criteria_ensure_defaults(programme=programme)
    first = assess.criteria_for(programme=programme)
    assert [c.dimension for c in first] == ["potential"] * 5 + ["complexity"] * 5
    for criterion in first:
        assert criterion.scale_values == [1, 2, 3, 4, 5]
        assert all(step["label"] for step in criterion.scale)
        assert criterion.description
        assert criterion.weight == 1
    again = assess.criteria_for(programme=programme)
    assert [c.pk for c in again] == [c.pk for c in first]
    assert Criterion.objects.filter(programme=programme).count() == 10


def test_a_programme_with_criteria_gets_no_defaults(programme, criteria):
    assert len(assess.criteria_for(programme=programme)) == 4


def test_a_dimension_keeps_its_last_criterion(programme, facilitator):
    only = CriterionFactory(programme=programme, dimension="complexity", scale=FIVE)
    CriterionFactory(programme=programme, dimension="potential", scale=FIVE)
    with pytest.raises(ValidationError):
        assess.criterion_delete(criterion=only, acting_user=facilitator)
    assert Criterion.objects.filter(pk=only.pk).exists()


def test_a_criterion_with_scores_keeps_its_steps_and_cannot_be_deleted(
    programme, facilitator, contributor, criteria, proposal
):
    assessment = AssessmentFactory(proposal=proposal, assessor=contributor)
    _score(assessment, criteria, {"user_value": 4}, submit=False)
    user_value = criteria["user_value"]
    with pytest.raises(ValidationError):
        assess.criterion_delete(criterion=user_value, acting_user=facilitator)
    with pytest.raises(ValidationError) as refused:
        assess.criterion_update(
            criterion=user_value,
            data={"scale": [{"value": v, "label": "x"} for v in range(1, 4)]},
            acting_user=facilitator,
        )
    assert "scale" in refused.value.error_dict
    # New descriptions of the same steps are fine.
    relabelled = [{"value": v, "label": f"Ny tekst {v}"} for v in range(1, 6)]
    assess.criterion_update(
        criterion=user_value, data={"scale": relabelled, "name": "Verdi"}, acting_user=facilitator
    )
    user_value.refresh_from_db()
    assert (user_value.name, user_value.scale[0]["label"]) == ("Verdi", "Ny tekst 1")


@pytest.mark.parametrize(
    "scale",
    [
        [{"value": 1, "label": "Bare ett trinn"}],
        [{"value": 1, "label": "Lav"}, {"value": 2, "label": ""}],
        [{"value": 2, "label": "B"}, {"value": 1, "label": "A"}],
        [{"value": "x", "label": "A"}, {"value": 2, "label": "B"}],
    ],
)
def test_a_scale_needs_rising_described_steps(programme, facilitator, scale):
    with pytest.raises(ValidationError) as refused:
        assess.criterion_create(
            programme=programme,
            dimension="potential",
            data={"name": "Ny", "scale": scale},
            acting_user=facilitator,
        )
    assert "scale" in refused.value.error_dict


def test_new_criteria_go_last_in_their_dimension(programme, facilitator, criteria):
    created = assess.criterion_create(
        programme=programme,
        dimension="complexity",
        data={"name": "Avhengigheter", "scale": THREE, "weight": Decimal("2")},
        acting_user=facilitator,
    )
    assert created.order == 3
    assert ChangeLogEntry.objects.filter(object_id=str(created.pk), action="create").exists()


def test_weights_set_directly(programme, facilitator, contributor, criteria):
    assess.criteria_weights_set(
        programme=programme,
        weights={criteria["user_value"].pk: Decimal("2.5"), criteria["size"].pk: 0},
        acting_user=facilitator,
    )
    criteria["user_value"].refresh_from_db()
    assert criteria["user_value"].weight == Decimal("2.5")
    with pytest.raises(ValidationError):  # a dimension needs some weight
        assess.criteria_weights_set(
            programme=programme,
            weights={criteria["user_value"].pk: 0, criteria["size"].pk: 0},
            acting_user=facilitator,
        )
    with pytest.raises(ValidationError):
        assess.criteria_weights_set(
            programme=programme, weights={criteria["size"].pk: -1}, acting_user=facilitator
        )
    with pytest.raises(PermissionDenied):
        assess.criteria_weights_set(
            programme=programme, weights={criteria["size"].pk: 1}, acting_user=contributor
        )


def test_shares_are_weights_normalised_within_the_dimension(criteria):
    groups = {g.dimension: g for g in assess.by_dimension(list(criteria.values()))}
    potential = groups["potential"]
    assert [round(c.share, 4) for c in potential.criteria] == [0.75, 0.25]  # 3/4 and 1/4
    assert [c.share for c in groups["complexity"].criteria] == [0.5, 0.5]


# ---------------------------------------------------------------------------------------------
# Asking assessors


def test_the_facilitator_asks_members_and_they_are_told(
    programme, facilitator, contributor, viewer, proposal, django_capture_on_commit_callbacks
):
    viewer.email = "leser@example.no"
    viewer.save()
    due = timezone.localdate() + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        asked = assess.assessor_request(
            proposal=proposal, assessor=viewer, due=due, acting_user=facilitator
        )
    assert (asked.assessor, asked.due, asked.requested_by) == (viewer, due, facilitator)
    assert [m.to for m in mail.outbox] == [["leser@example.no"]]
    assert f"/p/{programme.slug}/proposals/{proposal.number}/assess/" in mail.outbox[0].body
    with pytest.raises(ValidationError):  # already asked
        assess.assessor_request(proposal=proposal, assessor=viewer, acting_user=facilitator)
    with pytest.raises(PermissionDenied):  # only the facilitator asks
        assess.assessor_request(proposal=proposal, assessor=contributor, acting_user=viewer)


def test_outsiders_and_facilitators_cannot_be_asked(
    facilitator, programme_admin, outsider, proposal
):
    for person in (outsider, programme_admin):
        with pytest.raises(ValidationError) as refused:
            assess.assessor_request(proposal=proposal, assessor=person, acting_user=facilitator)
        assert "assessor" in refused.value.error_dict
    assert not Assessment.objects.exists()


def test_closed_proposals_are_not_assessed(programme, facilitator, viewer):
    merged = ProposalFactory(programme=programme, stage=Stage.MERGED)
    with pytest.raises(ValidationError):
        assess.assessor_request(proposal=merged, assessor=viewer, acting_user=facilitator)


def test_candidates_are_members_not_yet_asked_and_not_facilitators(
    facilitator, programme_admin, contributor, viewer, owner, outsider, proposal
):
    AssessmentFactory(proposal=proposal, assessor=owner)
    names = {u.username for u in assess.assessor_candidates(proposal=proposal)}
    assert names == {contributor.username, viewer.username}
    # Those asked, when the caller has read them already (the tab's facilitator has).
    given = assess.assessor_candidates(proposal=proposal, asked=[owner.pk, viewer.pk])
    assert {u.username for u in given} == {contributor.username}


def test_a_request_can_be_withdrawn_until_submitted(
    facilitator, contributor, viewer, criteria, proposal
):
    draft = AssessmentFactory(proposal=proposal, assessor=viewer)
    _score(draft, criteria, {"user_value": 2}, submit=False, comment="Hemmelig utkast")
    done = AssessmentFactory(proposal=proposal, assessor=contributor)
    _score(done, criteria, dict(user_value=4, size=2, technical=1, legal=3))
    with pytest.raises(ValidationError):
        assess.assessor_remove(assessment=done, acting_user=facilitator)
    assess.assessor_remove(assessment=draft, acting_user=facilitator)
    assert not Assessment.objects.filter(pk=draft.pk).exists()
    assert not Score.objects.filter(assessment_id=draft.pk).exists()
    assert not ChangeLogEntry.objects.filter(changes__icontains="Hemmelig").exists()


# ---------------------------------------------------------------------------------------------
# Scoring


def test_an_assessor_saves_a_draft_then_submits(
    facilitator, contributor, criteria, proposal, django_capture_on_commit_callbacks
):
    assessment = AssessmentFactory(proposal=proposal, assessor=contributor)
    _score(assessment, criteria, {"user_value": 4}, submit=False, comment="Foreløpig")
    assessment.refresh_from_db()
    assert not assessment.submitted
    assert assess.assessment_state(assessment) == "draft"
    with pytest.raises(ValidationError) as refused:  # every criterion before submitting
        _score(assessment, criteria, {"size": 2})
    assert set(refused.value.error_dict) == {
        str(criteria[name].pk) for name in ("technical", "legal")
    }
    assert not Assessment.objects.get(pk=assessment.pk).submitted
    _score(assessment, criteria, dict(size=2, technical=3, legal=1))
    assessment.refresh_from_db()
    assert assessment.submitted
    assert {s.criterion_id: s.value for s in assessment.scores.all()} == {
        criteria["user_value"].pk: 4,
        criteria["size"].pk: 2,
        criteria["technical"].pk: 3,
        criteria["legal"].pk: 1,
    }
    assert ProposalEvent.objects.filter(
        proposal=proposal, kind=EventKind.ASSESSMENT_SUBMITTED, actor=contributor
    ).exists()
    # Final: the assessor cannot change it.
    with pytest.raises(ValidationError):
        _score(assessment, criteria, {"user_value": 1})
    assert Score.objects.get(assessment=assessment, criterion=criteria["user_value"]).value == 4


def test_scores_must_be_steps_of_the_scale(contributor, criteria, proposal):
    assessment = AssessmentFactory(proposal=proposal, assessor=contributor)
    with pytest.raises(ValidationError) as refused:
        _score(assessment, criteria, {"technical": 5}, submit=False)  # the scale is 1–3
    assert str(criteria["technical"].pk) in refused.value.error_dict
    assert not Score.objects.exists()


def test_only_the_assessor_writes_their_scores(
    facilitator, contributor, viewer, criteria, proposal
):
    assessment = AssessmentFactory(proposal=proposal, assessor=contributor)
    for someone in (viewer, facilitator):
        with pytest.raises(PermissionDenied):
            assess.assessment_save(
                assessment=assessment,
                scores={criteria["size"].pk: 3},
                acting_user=someone,
            )
    assert not Score.objects.exists()


def test_only_the_facilitator_reopens_a_submitted_assessment(
    facilitator, contributor, criteria, proposal
):
    assessment = AssessmentFactory(proposal=proposal, assessor=contributor)
    _score(assessment, criteria, dict(user_value=4, size=2, technical=3, legal=1))
    with pytest.raises(PermissionDenied):
        assess.assessment_reopen(assessment=assessment, acting_user=contributor)
    assess.assessment_reopen(assessment=assessment, acting_user=facilitator)
    assessment.refresh_from_db()
    assert not assessment.submitted
    _score(assessment, criteria, {"user_value": 5})  # may change and submit again
    assert Assessment.objects.get(pk=assessment.pk).submitted


def test_the_facilitator_moves_a_due_date(facilitator, contributor, proposal):
    assessment = AssessmentFactory(proposal=proposal, assessor=contributor)
    later = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        assess.assessor_due_set(assessment=assessment, due=later, acting_user=contributor)
    assess.assessor_due_set(assessment=assessment, due=later, acting_user=facilitator)
    assessment.refresh_from_db()
    assert assessment.due == later
    entry = ChangeLogEntry.objects.filter(object_id=str(assessment.pk), action="update").get()
    assert entry.changes == {"due": {"before": None, "after": later.isoformat()}}


def test_the_change_log_never_holds_scores_or_comments(
    facilitator, contributor, criteria, proposal
):
    assessment = AssessmentFactory(proposal=proposal, assessor=contributor)
    _score(assessment, criteria, dict(user_value=4), submit=False, comment="Hemmelig vurdering")
    _score(assessment, criteria, dict(size=2, technical=3, legal=1), comment="Hemmelig vurdering")
    assess.assessment_reopen(assessment=assessment, acting_user=facilitator)
    logged = list(ChangeLogEntry.objects.values_list("changes", flat=True))
    assert logged  # the submission and the reopening are logged …
    assert all("Hemmelig" not in str(changes) for changes in logged)  # … without contents
    assert not ChangeLogEntry.objects.filter(content_type__model="score").exists()


# ---------------------------------------------------------------------------------------------
# The blind rule, through the selectors


@pytest.fixture
def two_assessors(facilitator, contributor, viewer, criteria, proposal):
    """The contributor has submitted; the viewer has a draft."""
    first = AssessmentFactory(proposal=proposal, assessor=contributor)
    _score(first, criteria, dict(user_value=5, size=1, technical=3, legal=2), comment="A sier")
    second = AssessmentFactory(proposal=proposal, assessor=viewer)
    _score(second, criteria, dict(user_value=3), submit=False, comment="B utkast")
    return first, second


def _ids(assessments):
    return {a.pk for a in assessments}


def test_an_assessor_who_has_not_submitted_sees_only_their_own(
    programme, viewer, two_assessors, proposal
):
    _first, second = two_assessors
    assert _ids(assess.visible_assessments(viewer, proposal)) == {second.pk}
    assert {s.assessment_id for s in assess.visible_scores(viewer, proposal)} == {second.pk}
    assert set(assess.visible_assessment_queryset(viewer)) == {second}
    assert assess.proposal_results(viewer, proposal) is None
    assert not assess.may_see_results(viewer, proposal)
    assert not assess.may_see_scores(viewer, proposal)
    assert assess.matrix_points(user=viewer, programme=programme) == []
    overview = assess.assessment_overview(viewer, proposal)
    assert overview.results is None and overview.hidden_until_submitted
    assert _ids(overview.assessments) == {second.pk}


def test_after_submitting_an_assessor_sees_the_others_submitted_scores(
    programme, contributor, viewer, criteria, two_assessors, proposal
):
    first, second = two_assessors
    # The contributor submitted, but the viewer's draft stays hidden from them.
    assert _ids(assess.visible_assessments(contributor, proposal)) == {first.pk}
    assert assess.may_see_scores(contributor, proposal)
    _score(second, criteria, dict(size=3, technical=1, legal=4))
    assert _ids(assess.visible_assessments(contributor, proposal)) == {first.pk, second.pk}
    assert _ids(assess.visible_assessments(viewer, proposal)) == {first.pk, second.pk}
    results = assess.proposal_results(viewer, proposal)
    assert results is not None and results.n_submitted == 2 and results.spread


def test_the_facilitator_sees_every_assessment_drafts_included(
    facilitator, two_assessors, proposal
):
    first, second = two_assessors
    assert _ids(assess.visible_assessments(facilitator, proposal)) == {first.pk, second.pk}
    overview = assess.assessment_overview(facilitator, proposal)
    assert [a.state for a in overview.assessments] == ["submitted", "draft"]
    assert overview.show_scores


def test_others_see_the_aggregate_but_no_individual_scores(
    owner, outsider, two_assessors, proposal
):
    assert assess.visible_assessments(owner, proposal) == []
    assert not assess.visible_scores(owner, proposal).exists()
    results = assess.proposal_results(owner, proposal)
    assert results is not None and results.potential is not None
    assert results.spread == []  # the spread would tell individual scores
    assert assess.visible_assessments(outsider, proposal) == []
    assert assess.proposal_results(outsider, proposal) is None
    assert not assess.visible_assessment_queryset(outsider).exists()


def test_the_tab_adds_up_what_the_api_adds_up_for_everyone(
    facilitator, contributor, viewer, owner, criteria, two_assessors, proposal
):
    """The tab counts the submitted scores from the assessments it shows where those are
    all of them (the facilitator, an assessor who submitted), else reads them: either way
    the results are the API's, which always reads them."""
    _first, second = two_assessors
    _score(second, criteria, dict(size=3, technical=1, legal=4))  # both submitted now
    third = UserFactory()
    MembershipFactory(user=third, programme=proposal.programme, role=Role.CONTRIBUTOR)
    draft = AssessmentFactory(proposal=proposal, assessor=third)
    _score(draft, criteria, dict(user_value=1, size=5), submit=False)  # counts for nobody
    for user in (facilitator, contributor, viewer, owner):  # the owner is not asked
        overview = assess.assessment_overview(user, proposal)
        assert overview.results == assess.proposal_results(user, proposal), user
    assert assess.assessment_overview(facilitator, proposal).results.n_submitted == 2
    assert assess.assessment_overview(owner, proposal).results.spread == []
    assert assess.assessment_overview(contributor, proposal).results.spread


# ---------------------------------------------------------------------------------------------
# Arithmetic


def test_aggregate_and_spread_worked_out_by_hand(
    facilitator, contributor, viewer, owner, criteria, proposal
):
    for person, values in (
        (contributor, dict(user_value=5, size=1, technical=3, legal=2)),
        (viewer, dict(user_value=3, size=3, technical=1, legal=4)),
        (owner, dict(user_value=4, size=2, technical=2, legal=3)),
    ):
        _score(AssessmentFactory(proposal=proposal, assessor=person), criteria, values)
    results = assess.proposal_results(facilitator, proposal)
    # Potential, 1–5 scales → (v − 1) / 4:
    #   user value 5, 3, 4 → 1.00, 0.50, 0.75 → mean 0.75   (weight 3 → share 3/4)
    #   size       1, 3, 2 → 0.00, 0.50, 0.25 → mean 0.25   (weight 1 → share 1/4)
    #   100 · (3 · 0.75 + 1 · 0.25) / 4 = 100 · 2.5 / 4 = 62.5
    assert results.potential == pytest.approx(62.5)
    # Complexity, equal weights:
    #   technical on 1–3 → (v − 1) / 2: 3, 1, 2 → 1.0, 0.0, 0.5 → mean 0.5
    #   legal on 1–5: 2, 4, 3 → 0.25, 0.75, 0.50 → mean 0.5
    #   100 · (0.5 + 0.5) / 2 = 50 → high (the threshold counts as high)
    assert results.complexity == pytest.approx(50.0)
    assert results.suggested_track == Track.STRATEGIC
    assert results.n_submitted == 3
    spread = {s.criterion.name: s for s in results.spread}
    # user value 3, 4, 5: mean 4; population sd = sqrt(((−1)² + 0² + 1²) / 3) = sqrt(2/3)
    user_value = spread["Brukerverdi"]
    assert (user_value.minimum, user_value.maximum, user_value.mean) == (3, 5, 4)
    assert user_value.sd == pytest.approx((2 / 3) ** 0.5)
    # Scores spanning 2 of the 4 steps of a 1–5 scale (half of it) count as large.
    assert user_value.large
    technical = spread["Teknisk"]  # 1, 2, 3 span the whole 1–3 scale
    assert technical.large and technical.sd == pytest.approx((2 / 3) ** 0.5)


def test_small_disagreement_is_not_flagged(criteria):
    spread = assess.spread(criteria["size"], [3, 4, 4])
    assert not spread.large  # 1 of 4 steps
    assert spread.mean == pytest.approx(11 / 3)
    assert assess.spread(criteria["size"], [4]).large is False


def test_criteria_nobody_scored_are_left_out_and_zero_weights_count_equally(criteria):
    values = {criteria["user_value"].pk: [5]}  # size not scored
    assert assess.dimension_score(
        [criteria["user_value"], criteria["size"]], values
    ) == pytest.approx(100)
    criteria["user_value"].weight = Decimal(0)
    criteria["size"].weight = Decimal(0)
    values[criteria["size"].pk] = [1]
    # Both weights 0: equal shares → (1.0 + 0.0) / 2 = 50
    assert assess.dimension_score(
        [criteria["user_value"], criteria["size"]], values
    ) == pytest.approx(50)
    assert assess.dimension_score([criteria["legal"]], {}) is None


@pytest.mark.parametrize(
    ("potential", "complexity", "track"),
    [
        (80, 20, Track.QUICK_WIN),
        (50, 49.9, Track.QUICK_WIN),
        (80, 80, Track.STRATEGIC),
        (50, 50, Track.STRATEGIC),
        (20, 20, Track.PILOT),
        (49.9, 0, Track.PILOT),
        (20, 80, Track.PARK),
        (0, 100, Track.PARK),
        (None, 30, None),
    ],
)
def test_the_quadrant_suggests_the_track(potential, complexity, track):
    assert assess.suggested_track(potential, complexity) == track


def test_the_matrix_places_assessed_proposals(
    programme, facilitator, contributor, viewer, criteria
):
    quick = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    park = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)  # not assessed
    merged = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    _score(
        AssessmentFactory(proposal=quick, assessor=contributor),
        criteria,
        dict(user_value=5, size=5, technical=1, legal=1),
    )
    _score(
        AssessmentFactory(proposal=park, assessor=contributor),
        criteria,
        dict(user_value=1, size=2, technical=3, legal=5),
    )
    _score(
        AssessmentFactory(proposal=merged, assessor=contributor),
        criteria,
        dict(user_value=1, size=2, technical=3, legal=5),
    )
    merged.stage = Stage.MERGED
    merged.save()
    points = assess.matrix_points(user=facilitator, programme=programme)
    assert [(p.proposal, p.suggested_track) for p in points] == [
        (quick, Track.QUICK_WIN),
        (park, Track.PARK),
    ]
    assert (points[0].potential, points[0].complexity) == (100, 0)
    # park: potential 100 · (3 · 0 + 1 · 0.25) / 4 = 6.25; complexity (1 + 1) / 2 → 100
    assert points[1].potential == pytest.approx(6.25)
    assert points[1].complexity == pytest.approx(100)


# ---------------------------------------------------------------------------------------------
# The track


def test_only_the_facilitator_sets_a_track_and_always_with_a_reason(
    facilitator, contributor, outsider, proposal
):
    with pytest.raises(ValidationError) as refused:
        services.track_set(
            proposal=proposal, track=Track.PILOT, reason="  ", acting_user=facilitator
        )
    assert "track_reason" in refused.value.error_dict
    with pytest.raises(PermissionDenied):
        services.track_set(
            proposal=proposal, track=Track.PILOT, reason="Prøv først", acting_user=contributor
        )
    with pytest.raises(Http404):
        services.track_set(
            proposal=proposal, track=Track.PILOT, reason="Prøv først", acting_user=outsider
        )
    services.track_set(
        proposal=proposal, track=Track.PILOT, reason="Prøv først", acting_user=facilitator
    )
    proposal.refresh_from_db()
    assert (proposal.track, proposal.track_reason) == (Track.PILOT, "Prøv først")
    assert ProposalEvent.objects.filter(proposal=proposal, kind=EventKind.TRACK_SET).exists()


def test_work_queue_helpers(programme, facilitator, contributor, viewer, criteria, proposal):
    today = timezone.localdate()
    late = AssessmentFactory(proposal=proposal, assessor=viewer, due=today - dt.timedelta(1))
    AssessmentFactory(proposal=proposal, assessor=contributor, due=today + dt.timedelta(3))
    assert list(assess.assessments_overdue(programme=programme)) == [late]
    assert assess.is_overdue(late)
    assert [a.proposal for a in assess.assessments_awaiting(user=viewer)] == [proposal]
    _score(late, criteria, dict(user_value=5, size=1, technical=3, legal=2))
    assert list(assess.assessments_overdue(programme=programme)) == []
    assert not assess.assessments_awaiting(user=viewer).exists()
