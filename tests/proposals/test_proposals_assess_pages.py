"""Step 3 pages: criteria and weights (directly and pairwise), the assessor's form, the
assessment tab (blind rule, spread, aggregate, assessors), the matrix and the track; who
may do what; query counts that do not grow with assessments or proposals."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from nytte.benefits.services import measurement_create
from nytte.core import registercache
from nytte.core.actors import SYSTEM
from nytte.core.choices import Role
from nytte.core.tasks import warm_register_cache
from nytte.proposals import assessment as assess
from nytte.proposals.choices import Stage, Track
from nytte.proposals.defaults import programme_defaults_create
from nytte.proposals.models import Assessment, Criterion, PairwiseJudgement, Score
from tests.factories import (
    AssessmentFactory,
    CriterionFactory,
    IndicatorFactory,
    MembershipFactory,
    ProposalFactory,
    UserFactory,
)

# These tests build their own criteria on a bare programme (see conftest.py).
BARE_PROGRAMME = True

pytestmark = pytest.mark.django_db
FIVE = [{"value": v, "label": f"Trinn {v}"} for v in range(1, 6)]
_numbers = itertools.count(100)
MATRIX_WARMER = "nytte.proposals.assessment.matrix.shared_matrix"


@pytest.fixture
def criteria(programme):
    made = [
        CriterionFactory(programme=programme, dimension=d, name=n, scale=FIVE, weight=w, order=k)
        for k, (d, n, w) in enumerate(
            [
                ("potential", "Brukerverdi", 3),
                ("potential", "Gevinst", 1),
                ("potential", "Rekkevidde", 1),
                ("complexity", "Teknisk", 1),
                ("complexity", "Regelverk", 1),
            ],
            start=1,
        )
    ]
    return {c.name: c for c in made}


@pytest.fixture
def proposal(programme):
    return ProposalFactory(programme=programme, stage=Stage.ASSESSMENT, title="Felles oversikt")


def _url(name, programme, proposal=None):
    kwargs = {"slug": programme.slug}
    if proposal is not None:
        kwargs["number"] = proposal.number
    return reverse(f"proposals:{name}", kwargs=kwargs)


def _tab(proposal):
    return f"{proposal.get_absolute_url()}?tab=assessment"


def _submit(assessment, criteria, values, comment="", submit=True):
    assess.assessment_save(
        assessment=assessment,
        scores={criteria[name].pk: (v, f"Om {name}: {comment}") for name, v in values.items()},
        comment=comment,
        submit=submit,
        acting_user=assessment.assessor,
    )


ALL_FIVE = {"Brukerverdi": 5, "Gevinst": 1, "Rekkevidde": 3, "Teknisk": 2, "Regelverk": 4}


# ---------------------------------------------------------------------------------------------
# Criteria


def test_members_read_the_criteria_and_only_the_facilitator_edits(
    programme, viewer, contributor, outsider, facilitator, client_for
):
    programme_defaults_create(programme=programme)  # as programme_create does
    url = _url("criteria", programme)
    page = client_for(viewer, language="en").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Innovation potential" in html and "Complexity" in html
    # The defaults become the programme's own text, in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        defaults = [translation.gettext("User value"), translation.gettext("Legal and regulatory")]
    assert all(name in html for name in defaults)
    assert 'name="action"' not in html  # no forms for a viewer
    assert Criterion.objects.filter(programme=programme).count() == 10
    assert client_for(outsider).get(url).status_code == 404
    post = {"action": "weights", "dimension": "potential"}
    assert client_for(contributor).post(url, post).status_code == 403
    assert client_for(outsider).post(url, post).status_code == 404
    html = client_for(facilitator, language="en").get(url).content.decode()
    assert "Derive the weights by pairwise comparison" in html


def test_the_facilitator_sets_weights_directly(programme, facilitator, criteria, client_for):
    client = client_for(facilitator, language="en")
    url = _url("criteria", programme)
    data = {"action": "weights", "dimension": "potential"}
    ids = {name: c.pk for name, c in criteria.items()}
    data |= {f"weight_{ids['Brukerverdi']}": "2", f"weight_{ids['Gevinst']}": "0.5"}
    data |= {f"weight_{ids['Rekkevidde']}": "1.5"}
    response = client.post(url, data)
    assert response.status_code == 302
    criteria["Gevinst"].refresh_from_db()
    assert criteria["Gevinst"].weight == Decimal("0.5")
    # Refused: all zero, shown next to the form with what was typed.
    data |= {f"weight_{ids[n]}": "0" for n in ("Brukerverdi", "Gevinst", "Rekkevidde")}
    page = client.post(url, data)
    assert page.status_code == 200
    assert "weight above 0" in page.content.decode()
    criteria["Brukerverdi"].refresh_from_db()
    assert criteria["Brukerverdi"].weight == Decimal("2")


def _pairwise_data(criteria, values):
    a, b, c = (criteria[n].pk for n in ("Brukerverdi", "Gevinst", "Rekkevidde"))
    return {
        "action": "pairwise",
        "dimension": "potential",
        f"pair_{a}_{b}": values[0],
        f"pair_{a}_{c}": values[1],
        f"pair_{b}_{c}": values[2],
    }


def test_pairwise_comparison_saves_weights_and_shows_the_consistency_ratio(
    programme, facilitator, criteria, client_for
):
    client = client_for(facilitator, language="en")
    url = _url("criteria", programme)
    response = client.post(url, _pairwise_data(criteria, ["3", "5", "3"]), follow=True)
    html = response.content.decode()
    criteria["Brukerverdi"].refresh_from_db()
    assert criteria["Brukerverdi"].weight == Decimal("0.6370")
    assert "Consistency ratio 0.03" in html
    assert "contradict" not in html
    # The form shows the stored judgements next time.
    a, b = criteria["Brukerverdi"].pk, criteria["Gevinst"].pk
    assert re.search(rf'name="pair_{a}_{b}"[^>]*>.*?<option value="3" selected', html, re.S)


def test_contradicting_judgements_are_warned_about(programme, facilitator, criteria, client_for):
    client = client_for(facilitator, language="en")
    url = _url("criteria", programme)
    html = client.post(
        url, _pairwise_data(criteria, ["9", "1/9", "9"]), follow=True
    ).content.decode()
    assert "The judgements contradict each other: consistency ratio 6.13" in html
    assert "go round in a circle" in html  # three criteria: no single judgement to blame
    # With a fourth criterion the worst judgement is named.
    d = CriterionFactory(programme=programme, dimension="potential", name="Strategi", order=9)
    a, b, c = (criteria[n].pk for n in ("Brukerverdi", "Gevinst", "Rekkevidde"))
    data = {"action": "pairwise", "dimension": "potential"}
    data |= {f"pair_{a}_{b}": "2", f"pair_{a}_{c}": "4", f"pair_{a}_{d.pk}": "1/8"}
    data |= {f"pair_{b}_{c}": "2", f"pair_{b}_{d.pk}": "4", f"pair_{c}_{d.pk}": "2"}
    html = client.post(url, data, follow=True).content.decode()
    assert "Revisit “Brukerverdi” compared with “Strategi” first" in html
    assert "the other judgements imply about 8.0" in html
    assert PairwiseJudgement.objects.filter(first__programme=programme).count() == 6


def test_criteria_are_added_edited_and_deleted_with_errors_beside_the_fields(
    programme, facilitator, criteria, client_for
):
    client = client_for(facilitator, language="en")
    url = _url("criteria", programme)
    refused = client.post(
        url,
        {
            "action": "create",
            "dimension": "complexity",
            "name": "Avhengigheter",
            "scale": "Ingen",
            "weight": "1",
        },
    )
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "A scale has from 2 to 10 steps." in html
    assert "Avhengigheter" in html  # what was typed is kept
    created = client.post(
        url,
        {
            "action": "create",
            "dimension": "complexity",
            "name": "Avhengigheter",
            "scale": "Ingen\nNoen\nMange",
            "weight": "2",
        },
    )
    assert created.status_code == 302
    new = Criterion.objects.get(programme=programme, name="Avhengigheter")
    assert new.scale == [
        {"value": 1, "label": "Ingen"},
        {"value": 2, "label": "Noen"},
        {"value": 3, "label": "Mange"},
    ]
    form = client.get(f"{url}?edit={new.pk}").content.decode()
    assert "Ingen\nNoen\nMange" in form
    client.post(
        url,
        {
            "action": "update",
            "criterion": new.pk,
            "name": "Avhengighet",
            "description": "Til andre",
            "scale": "Ingen\nNoen\nMange",
            "weight": "1",
        },
    )
    new.refresh_from_db()
    assert (new.name, new.description, new.weight) == ("Avhengighet", "Til andre", 1)
    client.post(url, {"action": "delete", "criterion": new.pk})
    assert not Criterion.objects.filter(pk=new.pk).exists()


# ---------------------------------------------------------------------------------------------
# The assessor's form


def test_only_those_asked_may_open_the_form(
    programme, facilitator, viewer, outsider, criteria, proposal, client_for, access
):
    url = _url("assess", programme, proposal)
    access.check("get", url, forbidden=["viewer", "facilitator"])  # neither was asked
    AssessmentFactory(proposal=proposal, assessor=viewer)
    page = client_for(viewer, language="en").get(url)
    assert page.status_code == 200
    assert page.content.decode().count('type="radio"') == 5 * 5


def test_an_assessor_saves_a_draft_and_submits_from_the_form(
    programme, viewer, criteria, proposal, client_for
):
    own = AssessmentFactory(proposal=proposal, assessor=viewer)
    client = client_for(viewer, language="en")
    url = _url("assess", programme, proposal)
    ids = {name: c.pk for name, c in criteria.items()}
    draft = {f"score_{ids['Brukerverdi']}": "4", f"note_{ids['Brukerverdi']}": "Stor verdi"}
    draft |= {"comment": "Lovende", "intent": "draft"}
    assert client.post(url, draft).status_code == 302
    assert Score.objects.get(assessment=own).value == 4
    page = client.get(url).content.decode()
    assert "Stor verdi" in page and "Lovende" in page  # the draft comes back
    assert 'data-color="info">Draft</span>' in page
    # Submitting with criteria left: refused, errors by the criteria, what was typed kept.
    refused = client.post(url, draft | {"intent": "submit"})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert html.count("Score this criterion before you submit.") >= 4
    assert "Stor verdi" in html
    own.refresh_from_db()
    assert not own.submitted
    full = draft | {f"score_{ids[n]}": str(v) for n, v in ALL_FIVE.items()} | {"intent": "submit"}
    done = client.post(url, full)
    assert done.status_code == 302 and done["Location"] == _tab(proposal)
    own.refresh_from_db()
    assert own.submitted
    # Final: a second post changes nothing.
    client.post(url, full | {f"score_{ids['Brukerverdi']}": "1"})
    assert Score.objects.get(assessment=own, criterion=criteria["Brukerverdi"]).value == 5


# ---------------------------------------------------------------------------------------------
# Blind, through the pages


@pytest.fixture
def blind(programme, contributor, viewer, owner, criteria, proposal):
    """The contributor submitted (comment "A-HEMMELIG"), the viewer has a draft
    ("B-UTKAST"); the owner is not asked."""
    first = AssessmentFactory(proposal=proposal, assessor=contributor)
    _submit(first, criteria, ALL_FIVE, comment="A-HEMMELIG")
    second = AssessmentFactory(proposal=proposal, assessor=viewer)
    _submit(second, criteria, {"Brukerverdi": 2}, comment="B-UTKAST", submit=False)
    return first, second


def _pages(client, programme, proposal):
    return "".join(
        client.get(url).content.decode()
        for url in (
            _tab(proposal),
            _url("matrix", programme),
            _url("assess", programme, proposal),
            proposal.get_absolute_url(),
        )
    )


def test_an_assessor_sees_no_one_elses_scores_before_submitting(
    programme, viewer, contributor, criteria, blind, proposal, client_for
):
    html = _pages(client_for(viewer, language="en"), programme, proposal)
    assert "A-HEMMELIG" not in html
    assert contributor.display_name not in html
    assert 'data-aggregate="potential"' not in html  # no result either
    assert f'data-proposal="{proposal.number}"' not in html  # nor a point in the matrix
    assert "B-UTKAST" in html  # their own draft
    # After submitting they see the others' submitted scores and the result.
    _submit(blind[1], criteria, ALL_FIVE | {"Brukerverdi": 2}, comment="B-UTKAST")
    tab = client_for(viewer, language="en").get(_tab(proposal)).content.decode()
    assert "A-HEMMELIG" in tab and contributor.display_name in tab
    assert 'data-aggregate="potential"' in tab


def test_a_submitted_assessor_does_not_see_unsubmitted_drafts(
    programme, viewer, contributor, blind, proposal, client_for
):
    html = _pages(client_for(contributor, language="en"), programme, proposal)
    assert "A-HEMMELIG" in html
    assert "B-UTKAST" not in html
    assert 'data-aggregate="potential"' in html


def test_others_see_the_aggregate_only(programme, owner, viewer, blind, proposal, client_for):
    html = client_for(owner, language="en").get(_tab(proposal)).content.decode()
    assert 'data-aggregate="potential"' in html
    assert "A-HEMMELIG" not in html and "B-UTKAST" not in html
    assert "Scores and spread" not in html
    assert viewer.display_name not in html


def test_the_facilitator_sees_states_spread_drafts_and_the_aggregate(
    programme, facilitator, contributor, viewer, owner, criteria, blind, proposal, client_for
):
    AssessmentFactory(
        proposal=proposal, assessor=owner, due=timezone.localdate() - dt.timedelta(days=2)
    )
    html = client_for(facilitator, language="en").get(_tab(proposal)).content.decode()
    assert "A-HEMMELIG" in html and "B-UTKAST" in html
    for state in ("Submitted", "Draft", "Asked", "Overdue"):
        assert f">{state}</span>" in html
    # One submitted assessment: potential 100 · (3 · 1 + 1 · 0 + 1 · 0.5) / 5 = 70,
    # complexity 100 · (0.25 + 0.75) / 2 = 50 → strategic change.
    assert re.search(r'data-aggregate="potential">70<', html)
    assert re.search(r'data-aggregate="complexity">50<', html)
    assert "Strategic change for the governance dialogue" in html
    # A second submission that disagrees on user value (5 vs 2) is flagged.
    _submit(blind[1], criteria, ALL_FIVE | {"Brukerverdi": 2}, comment="B-UTKAST")
    html = client_for(facilitator, language="en").get(_tab(proposal)).content.decode()
    row = re.search(
        rf'<tr data-criterion="{criteria["Brukerverdi"].pk}" class="assess-disagree">(.*?)</tr>',
        html,
        re.S,
    )
    assert row is not None
    cells = re.findall(r'<td class="numeric">([^<]*)</td>', row.group(1))
    # scores 5 and 2; lowest 2, highest 5, mean 3.5, sd = sqrt((1.5² + 1.5²)/2) = 1.5
    assert cells == ["5", "2", "–", "2", "5", "3.5", "1.50"]
    assert "Large" in row.group(1)


def test_the_facilitator_asks_withdraws_and_reopens_from_the_tab(
    programme, facilitator, viewer, contributor, criteria, proposal, client_for
):
    client = client_for(facilitator, language="en")
    url = _url("assessors", programme, proposal)
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.post(url, {"action": "request", "assessor": viewer.pk, "due": due})
    assert response.status_code == 302 and response["Location"] == _tab(proposal)
    asked = Assessment.objects.get(proposal=proposal, assessor=viewer)
    assert asked.due.isoformat() == due
    # With HTMX the panel comes back with a notice.
    panel = client.post(
        url,
        {"action": "request", "assessor": contributor.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="assessment-panel",
    )
    html = panel.content.decode()
    assert panel.status_code == 200
    assert html.lstrip().startswith('<div id="assessment-panel"')
    assert "is asked to assess the proposal" in html
    # Someone not a candidate (already asked) is refused beside the field.
    refused = client.post(url, {"action": "request", "assessor": viewer.pk})
    assert "Select a valid choice" in refused.content.decode()
    client.post(url, {"action": "remove", "assessment": asked.pk})
    assert not Assessment.objects.filter(pk=asked.pk).exists()
    done = Assessment.objects.get(proposal=proposal, assessor=contributor)
    _submit(done, criteria, ALL_FIVE)
    client.post(url, {"action": "reopen", "assessment": done.pk})
    done.refresh_from_db()
    assert not done.submitted


def test_only_the_facilitator_manages_assessors(programme, viewer, proposal, access):
    url = _url("assessors", programme, proposal)
    data = {"action": "request", "assessor": viewer.pk}
    access.check("post", url, data, forbidden=["contributor"])
    assert not Assessment.objects.exists()


# ---------------------------------------------------------------------------------------------
# Matrix and track


def test_the_matrix_shows_points_with_a_table_and_suggested_tracks(
    programme, facilitator, viewer, contributor, criteria, client_for
):
    quick = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT, title="Rask")
    park = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT, title="Tung")
    low_all = {n: 1 for n in ALL_FIVE}
    _submit(
        AssessmentFactory(proposal=quick, assessor=contributor),
        criteria,
        low_all | {"Brukerverdi": 5, "Gevinst": 5, "Rekkevidde": 5},
    )
    _submit(
        AssessmentFactory(proposal=park, assessor=contributor),
        criteria,
        low_all | {"Teknisk": 5, "Regelverk": 5},
    )
    page = client_for(viewer, language="en").get(_url("matrix", programme))
    html = page.content.decode()
    assert page.status_code == 200
    spec = json.loads(re.search(r'id="matrix-chart-spec"[^>]*>(.*?)</script>', html, re.S)[1])
    points = {v["reference"]: v for v in spec["layer"][-1]["data"]["values"]}
    assert points[quick.reference]["potential"] == 100.0
    assert points[quick.reference]["suggested"] == "Quick win"
    assert points[park.reference]["complexity"] == 100.0
    assert points[park.reference]["suggested"] == "Park"
    assert points[park.reference]["url"].endswith(f"/proposals/{park.number}/?tab=assessment")
    row = re.search(rf'<tr id="proposal-{park.number}".*?</tr>', html, re.S)[0]
    assert "Park" in row and ">0<" in row and ">100<" in row
    assert 'name="track"' not in html  # only the facilitator sets tracks
    html = client_for(facilitator, language="en").get(_url("matrix", programme)).content.decode()
    assert html.count('name="track_reason"') == 2


def test_the_facilitator_sets_the_track_from_the_matrix_with_a_reason(
    programme, facilitator, contributor, criteria, proposal, client_for
):
    _submit(AssessmentFactory(proposal=proposal, assessor=contributor), criteria, ALL_FIVE)
    client = client_for(facilitator, language="en")
    url = _url("track_set", programme, proposal)
    refused = client.post(url, {"track": Track.PILOT, "track_reason": "", "return_to": "matrix"})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "This field is required." in html
    assert re.search(r'<details class="ds-details assess-track" open>', html)
    proposal.refresh_from_db()
    assert proposal.track == ""
    done = client.post(
        url, {"track": Track.PILOT, "track_reason": "Prøv i liten skala", "return_to": "matrix"}
    )
    assert done["Location"].endswith(f"/proposals/matrix/#proposal-{proposal.number}")
    proposal.refresh_from_db()
    assert (proposal.track, proposal.track_reason) == (Track.PILOT, "Prøv i liten skala")
    html = client.get(_url("matrix", programme)).content.decode()
    row = re.search(rf'<tr id="proposal-{proposal.number}".*?</tr>', html, re.S)[0]
    assert "Strategic change" in row and "Pilot or experiment" in row
    assert "differs from the suggestion" in row


def test_the_track_is_set_from_the_tab_too(
    programme, facilitator, contributor, outsider, proposal, client_for, access
):
    url = _url("track_set", programme, proposal)
    data = {"track": Track.QUICK_WIN, "track_reason": "Enkelt og nyttig", "return_to": "tab"}
    access.check("post", url, data, forbidden=["contributor"])
    panel = client_for(facilitator, language="en").post(
        url, data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="assessment-panel"
    )
    assert "data-track-set" in panel.content.decode()
    proposal.refresh_from_db()
    assert proposal.track == Track.QUICK_WIN


# ---------------------------------------------------------------------------------------------
# Query counts


def _people(programme, n):
    batch = next(_numbers)
    people = [UserFactory(username=f"vurderer{batch}-{k}") for k in range(n)]
    for person in people:
        MembershipFactory(user=person, programme=programme, role=Role.CONTRIBUTOR)
    return people


def _assessed(programme, criteria, people, *, n_proposals=1):
    proposals = []
    for _k in range(n_proposals):
        proposal = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
        for k, person in enumerate(people):
            assessment = AssessmentFactory(proposal=proposal, assessor=person)
            values = {name: 1 + (k + j) % 5 for j, name in enumerate(ALL_FIVE)}
            _submit(assessment, criteria, values, comment=f"k{k}", submit=k % 3 != 2)
        proposals.append(proposal)
    return proposals


def _count(client, url, django_assert_max_num_queries, limit, pinned=None):
    """The page's query count, at most ``limit``, and checked against query_counts.json when
    ``pinned`` names an entry."""
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return pinned[0].check(pinned[1], captured) if pinned else len(captured)


@pytest.mark.parametrize("who", ["facilitator", "contributor"])
def test_the_tab_takes_as_many_queries_for_two_assessors_as_for_ten(
    programme, facilitator, criteria, client_for, django_assert_max_num_queries, pinned_queries, who
):
    few_people, many_people = _people(programme, 2), _people(programme, 10)
    few = _assessed(programme, criteria, few_people)[0]
    many = _assessed(programme, criteria, many_people)[0]
    user = facilitator if who == "facilitator" else few_people[0]
    other = facilitator if who == "facilitator" else many_people[0]
    small = _count(client_for(user), _tab(few), django_assert_max_num_queries, 40)
    pin = (pinned_queries, f"assessment tab ({who})")
    large = _count(client_for(other), _tab(many), django_assert_max_num_queries, 40, pin)
    assert large == small


def test_the_matrix_takes_as_many_queries_for_three_proposals_as_for_fifteen(
    programme,
    other_programme,
    facilitator,
    criteria,
    client_for,
    django_assert_max_num_queries,
    pinned_queries,
):
    people = _people(programme, 3)
    _assessed(programme, criteria, people, n_proposals=3)
    client = client_for(facilitator)
    url = _url("matrix", programme)
    small = _count(client, url, django_assert_max_num_queries, 25)
    _assessed(programme, criteria, people, n_proposals=12)
    large = _count(client, url, django_assert_max_num_queries, 25, (pinned_queries, "matrix"))
    assert large == small
    page = client.get(url).content.decode()
    assert page.count('<tr id="proposal-') == 15


def _reads_scores(client, url, django_assert_max_num_queries):
    """Whether the page computed the matrix (read the scores) rather than take it cached."""
    with django_assert_max_num_queries(25) as captured:
        html = client.get(url).content.decode()
    return any("proposals_score" in q["sql"] for q in captured.captured_queries), html


def test_the_matrix_is_computed_once_for_every_reader_and_kept_after_a_measurement(
    programme, facilitator, viewer, criteria, client_for, django_assert_max_num_queries
):
    """The blind rule is applied per reader to one shared matrix: readers after the first
    compute nothing, an assessor with a draft still misses that proposal's point, and only
    the pipeline's changes (not the realisation data's) compute it again."""
    people = _people(programme, 3)  # the third one's assessments stay drafts
    first, second = _assessed(programme, criteria, people, n_proposals=2)
    url = _url("matrix", programme)
    assert _reads_scores(client_for(facilitator), url, django_assert_max_num_queries)[0]
    for reader in (viewer, people[0], people[2]):
        computed, html = _reads_scores(client_for(reader), url, django_assert_max_num_queries)
        assert not computed
        shown = {f'data-proposal="{p.number}"' in html for p in (first, second)}
        assert shown == ({False} if reader == people[2] else {True})

    programme.refresh_from_db()
    versions = (programme.portfolio_version, programme.pipeline_version)
    indicator = IndicatorFactory(benefit__programme=programme)
    measurement_create(
        indicator=indicator, date=timezone.localdate(), value=Decimal(3), acting_user=SYSTEM
    )
    programme.refresh_from_db()
    assert (programme.portfolio_version, programme.pipeline_version) == versions
    assert not _reads_scores(client_for(viewer), url, django_assert_max_num_queries)[0]

    _submit(Assessment.objects.get(proposal=first, assessor=people[2]), criteria, ALL_FIVE)
    programme.refresh_from_db()
    assert programme.portfolio_version == versions[0]
    assert programme.pipeline_version > versions[1]
    computed, html = _reads_scores(client_for(people[2]), url, django_assert_max_num_queries)
    assert computed
    assert f'data-proposal="{first.number}"' in html
    assert f'data-proposal="{second.number}"' not in html


def test_after_a_submission_the_worker_warms_the_matrix(
    programme,
    viewer,
    criteria,
    client_for,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    people = _people(programme, 2)
    with django_capture_on_commit_callbacks(execute=True):
        (proposal,) = _assessed(programme, criteria, people)
    assert MATRIX_WARMER in warm_register_cache.call(programme.pk)  # what `nytte worker` runs
    registercache._store.clear()  # a server worker other than the task's: the shared cache
    url = _url("matrix", programme)
    computed, html = _reads_scores(client_for(viewer), url, django_assert_max_num_queries)
    assert not computed
    assert f'data-proposal="{proposal.number}"' in html
    # A recorded measurement leaves it warm: the worker has nothing to do for the matrix.
    with django_capture_on_commit_callbacks(execute=True):
        measurement_create(
            indicator=IndicatorFactory(benefit__programme=programme),
            date=timezone.localdate(),
            value=Decimal(3),
            acting_user=SYSTEM,
        )
    assert MATRIX_WARMER not in warm_register_cache.call(programme.pk)


def test_the_criteria_page_queries_do_not_grow_with_criteria(
    programme, facilitator, client_for, django_assert_max_num_queries, pinned_queries
):
    client = client_for(facilitator)
    url = _url("criteria", programme)
    client.get(url)  # the defaults are created on the first visit
    small = _count(client, url, django_assert_max_num_queries, 20)
    for k in range(5):
        CriterionFactory(programme=programme, dimension="potential", name=f"Ekstra {k}")
    large = _count(client, url, django_assert_max_num_queries, 20, (pinned_queries, "criteria"))
    assert large == small


def test_the_matrix_table_pages_and_the_chart_keeps_the_highest_potential(
    programme, facilitator, criteria, client_for, monkeypatch
):
    """A national portfolio has thousands of assessed proposals: the table pages (a refused
    track form opens on its proposal's page) and the chart draws the highest potential."""
    from nytte.proposals.views import assess as assess_views

    monkeypatch.setattr(assess_views, "MATRIX_PAGE_SIZE", 2)
    monkeypatch.setattr(assess_views, "MATRIX_CHART_LIMIT", 2)
    proposals = _assessed(programme, criteria, _people(programme, 1), n_proposals=5)
    client = client_for(facilitator, language="en")
    first = client.get(_url("matrix", programme)).content.decode()
    assert first.count('<tr id="proposal-') == 2
    assert "Assessed proposals (5)" in first
    assert 'class="ds-pagination"' in first
    assert "The chart shows the 2 with the highest potential of 5" in first
    spec = json.loads(re.search(r'id="matrix-chart-spec"[^>]*>(.*?)</script>', first, re.S)[1])
    assert len(spec["layer"][-1]["data"]["values"]) == 2
    last = client.get(_url("matrix", programme) + "?page=3").content.decode()
    assert last.count('<tr id="proposal-') == 1
    shown = {int(n) for page in (first, last) for n in re.findall(r'<tr id="proposal-(\d+)"', page)}
    assert len(shown) == 3
    # A refused track form shows on the page that lists its proposal.
    hidden = next(p for p in proposals if p.number not in shown)
    refused = client.post(
        _url("track_set", programme, hidden),
        {"track": Track.PILOT, "track_reason": "", "return_to": "matrix"},
    ).content.decode()
    assert f'<tr id="proposal-{hidden.number}"' in refused
    assert re.search(r'<details class="ds-details assess-track" open>', refused)
