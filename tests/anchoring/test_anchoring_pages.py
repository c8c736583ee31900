"""The anchoring pages: who may see and change what (the permission matrix), the heat-map's
counts, the checklist editor, and the forms of the anchoring view."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from nytte.anchoring import heatmap, rules, selectors, services, subject_rows
from nytte.anchoring.choices import StakeholderGroup, Topic
from nytte.anchoring.models import (
    AnchoringAnswer,
    ChecklistQuestion,
    LeadershipCommitment,
    Stakeholder,
)
from nytte.core.actors import SYSTEM
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal
from tests.factories import OrganisationFactory
from tests.permissions import PERSONAS

pytestmark = pytest.mark.django_db

# Statuses in PERSONAS order: facilitator, programme_admin, owner, contributor,
# forum_member, viewer, outsider (another programme's member: 404).
READ = [200, 200, 200, 200, 200, 200, 404]
FACILITATE = [200, 200, 403, 403, 403, 403, 404]
MATRIX = {
    "overview": READ,
    "stakeholders": READ,
    "initiative": READ,
    "proposal": READ,
    "benefit_raci": READ,
    "export": READ,
    "questions": FACILITATE,
    "import": FACILITATE,
    # The owner of FI-1 may add stakeholders to it.
    "stakeholder_create": [200, 200, 200, 403, 403, 403, 404],
}


def urls(anchored) -> dict[str, str]:
    slug = anchored.programme.slug
    return {
        "overview": reverse("anchoring:overview", args=[slug]),
        "stakeholders": reverse("anchoring:stakeholders", args=[slug]),
        "initiative": reverse("anchoring:initiative", args=[slug, "FI-1"]),
        "proposal": reverse("anchoring:proposal", args=[slug, 1]),
        "benefit_raci": reverse("anchoring:benefit_raci", args=[slug, "G-1"]),
        "export": reverse("anchoring:export", args=[slug]),
        "questions": reverse("anchoring:questions", args=[slug]),
        "import": reverse("anchoring:import", args=[slug]),
        "stakeholder_create": reverse("anchoring:stakeholder_create", args=[slug]),
    }


def test_the_permission_matrix_of_every_page(anchored, access):
    for page, url in urls(anchored).items():
        access.statuses("get", url, dict(zip(PERSONAS, MATRIX[page], strict=True)))


def answers_post(anchored, status: str = "yes") -> dict[str, str]:
    data = {"action": "answers"}
    for question in ChecklistQuestion.objects.filter(programme=anchored.programme):
        data[f"q{question.pk}-status"] = status if question.topic == Topic.USERS else ""
        data[f"q{question.pk}-comment"] = "Brukerpanel i hver fase."
        data[f"q{question.pk}-answered_on"] = "2026-05-01"
    return data


def test_the_owner_answers_for_their_initiative_and_others_are_refused(anchored, access):
    slug = anchored.programme.slug
    fi1 = reverse("anchoring:initiative", args=[slug, "FI-1"])
    fi2 = reverse("anchoring:initiative", args=[slug, "FI-2"])
    access.check(
        "post",
        fi1,
        answers_post(anchored),
        allowed=["facilitator", "programme_admin", "owner"],
        forbidden=["contributor", "forum_member", "viewer"],
    )
    answer = AnchoringAnswer.objects.get(initiative=anchored.fi1)
    assert (answer.status, answer.comment) == ("yes", "Brukerpanel i hver fase.")
    access.check("post", fi2, answers_post(anchored), forbidden=["owner"])
    assert not AnchoringAnswer.objects.filter(initiative=anchored.fi2).exists()


def test_a_refused_answer_is_shown_by_its_question(anchored, client_for, facilitator):
    ks = anchored.question(Topic.KS)
    data = answers_post(anchored)
    data[f"q{ks.pk}-status"] = "not_relevant"
    url = reverse("anchoring:initiative", args=[anchored.programme.slug, "FI-2"])
    response = client_for(facilitator).post(url, data)
    assert response.status_code == 422
    assert f'id="id_q{ks.pk}-status-error"' in response.content.decode()
    assert not AnchoringAnswer.objects.filter(initiative=anchored.fi2).exists()


def test_the_heat_map_counts_answers_flags_and_commitments(anchored, client_for, viewer):
    def save(subject, topic, status):
        services.answer_save(
            subject=subject,
            question=anchored.question(topic),
            answer=services.AnswerData(status),
            acting_user=SYSTEM,
        )

    save(anchored.fi1, Topic.USERS, "yes")
    save(anchored.fi2, Topic.USERS, "no")
    save(anchored.fi1, Topic.PARTICIPANTS, "partly")
    save(anchored.fi1, Topic.KS, "not_relevant")
    save(anchored.proposal, Topic.USERS, "yes")  # not an initiative: not on the map
    services.commitment_save(
        subject=anchored.fi1,
        organisation=anchored.ske,
        data={"committed": False},
        acting_user=SYSTEM,
    )
    data = heatmap.heat_map(programme=anchored.programme, user=viewer)
    users = [q.topic for q in data.questions].index(Topic.USERS)
    ks = [q.topic for q in data.questions].index(Topic.KS)
    assert data.column_counts[users] | {} == {
        "yes": 1,
        "partly": 0,
        "no": 1,
        "not_relevant": 0,
        "unanswered": 0,
        "flagged": 0,
    }
    # FI-2 touches municipal services (Oslo takes part): its KS cell is flagged.
    assert data.column_counts[ks]["flagged"] == 1 and data.column_counts[ks]["not_relevant"] == 1
    assert data.totals == {
        "yes": 1,
        "partly": 1,
        "no": 1,
        "not_relevant": 1,
        "unanswered": 7,
        "flagged": 1,
    }
    assert data.flagged == 1 and data.complete == 0
    org_cells = {row.organisation.short_name: row.cells for row in data.org_rows}
    # Columns: FI-1, FI-2.
    assert org_cells == {
        "NAV": ["not_recorded", "not_recorded"],
        "Oslo": ["", "not_recorded"],
        "SKE": ["not_committed", ""],
    }
    assert data.missing_commitments == 4

    page = client_for(viewer).get(reverse("anchoring:overview", args=[anchored.programme.slug]))
    html = page.content.decode()
    assert html.count('data-state="flagged"') == 1
    assert len(re.findall(r'data-state="unanswered"', html)) == 7
    assert "Mangler: KS påkrevd" in html  # the state is text, not colour alone


def test_the_checklist_editor_retires_reorders_and_adds(anchored, client_for, facilitator):
    client = client_for(facilitator)
    url = reverse("anchoring:questions", args=[anchored.programme.slug])
    users = anchored.question(Topic.USERS)
    services.answer_save(
        subject=anchored.fi1, question=users, answer=services.AnswerData("yes"), acting_user=SYSTEM
    )
    assert client.post(url, {"action": "delete", "question": users.pk}).status_code == 302
    assert ChecklistQuestion.objects.filter(pk=users.pk).exists()  # answered: kept
    client.post(url, {"action": "retire", "question": users.pk})
    users.refresh_from_db()
    assert users.retired
    client.post(url, {"action": "up", "question": anchored.question(Topic.BORDERING).pk})
    response = client.post(
        url,
        {"action": "add", "text": "Er budsjettet avklart?", "topic": "other", "applies_to": "both"},
    )
    assert response.status_code == 302
    texts = list(
        ChecklistQuestion.objects.filter(programme=anchored.programme, retired=False).values_list(
            "topic", flat=True
        )
    )
    assert texts[-3:] == [Topic.BORDERING, Topic.KS, Topic.OTHER]
    assert AnchoringAnswer.objects.get(question=users).status == "yes"
    page = client.get(reverse("anchoring:initiative", args=[anchored.programme.slug, "FI-1"]))
    assert 'id="kept-answers"' in page.content.decode()


def test_stakeholders_are_added_and_drawn_on_the_grid(anchored, client_for, owner):
    client = client_for(owner)
    url = reverse("anchoring:stakeholder_create", args=[anchored.programme.slug])
    data = {
        "initiative": anchored.fi1.pk,
        "organisation": anchored.nav.pk,
        "group": "",
        "name": "",
        "contact_role": "Avdelingsdirektør",
        "influence": 4,
        "interest": 5,
        "involvement": "collaborate",
        "phases": ["plan", "execute"],
    }
    # An owner adds to the initiatives they own only, not to the whole programme.
    refused = client.post(url, {**data, "initiative": ""})
    assert refused.status_code == 422
    assert client.post(url, data).status_code == 302
    stakeholder = Stakeholder.objects.get()
    assert stakeholder.phases == ["plan", "execute"] and stakeholder.quadrant == "manage"
    page = client.get(reverse("anchoring:stakeholders", args=[anchored.programme.slug]))
    html = page.content.decode()
    assert 'data-chart="stakeholder-grid-spec"' in html
    assert "Arbeids- og velferdsetaten" in html
    assert (
        reverse("anchoring:stakeholder_edit", args=[anchored.programme.slug, stakeholder.pk])
        in html
    )


def test_leadership_commitment_and_raci_are_recorded_from_the_page(anchored, client_for, owner):
    client = client_for(owner)
    url = reverse("anchoring:initiative", args=[anchored.programme.slug, "FI-1"])
    prefix = f"c{anchored.nav.pk}"
    missing = client.post(
        url, {"action": "commitment", "organisation": anchored.nav.pk, f"{prefix}-committed": "on"}
    )
    assert missing.status_code == 422
    ok = client.post(
        url,
        {
            "action": "commitment",
            "organisation": anchored.nav.pk,
            f"{prefix}-committed": "on",
            f"{prefix}-document": "business_plan",
            f"{prefix}-committed_on": "2026-01-15",
            f"{prefix}-confirmed_by": "Direktøren",
        },
    )
    assert ok.status_code == 302
    added = client.post(
        url,
        {
            "action": "raci-add",
            "raci-organisation": anchored.ske.pk,
            "raci-person": "Prosjekteier",
            "raci-letter": "A",
        },
    )
    assert added.status_code == 302
    html = client.get(url).content.decode()
    assert "Prosjekteier" in html and "Direktøren" in html


def test_proposals_on_their_way_to_a_decision_have_their_own_rows(anchored, viewer):
    Proposal.objects.filter(pk=anchored.proposal.pk).update(stage="assessment")
    anchored.proposal.affected_organisations.add(anchored.oslo)  # municipal now
    services.answer_save(
        subject=anchored.proposal,
        question=anchored.question(Topic.USERS),
        answer=services.AnswerData("yes"),
        acting_user=SYSTEM,
    )
    data = heatmap.heat_map(programme=anchored.programme, user=viewer)
    (row,) = data.proposal_rows
    states = {cell.question.topic: cell.state for cell in row.cells}
    assert states[Topic.USERS] == "yes" and states[Topic.KS] == "flagged"
    assert row.summary.missing_commitments == ("Oslo kommune", "Skatteetaten")


COMMITTED = {
    "committed": True,
    "document": "allocation_letter",
    "committed_on": dt.date(2026, 1, 10),
    "confirmed_by": "Direktøren",
}


def test_answers_and_commitments_count_for_their_own_subject_only(anchored, viewer):
    """The heat-map reads the initiatives' and proposals' answers and commitments together:
    each still lands on its own row."""
    Proposal.objects.filter(pk=anchored.proposal.pk).update(stage="assessment")
    for subject in (anchored.fi1, anchored.proposal):
        services.commitment_save(
            subject=subject, organisation=anchored.ske, data=COMMITTED, acting_user=SYSTEM
        )
    services.answer_save(
        subject=anchored.proposal,
        question=anchored.question(Topic.USERS),
        answer=services.AnswerData("no"),
        acting_user=SYSTEM,
    )
    data = heatmap.heat_map(programme=anchored.programme, user=viewer)
    (proposal_row,) = data.proposal_rows
    assert proposal_row.summary.missing_commitments == ()
    assert proposal_row.summary.status_counts["no"] == 1
    assert sum(row.summary.status_counts["no"] for row in data.rows) == 0
    org_cells = {row.organisation.short_name: row.cells for row in data.org_rows}
    assert org_cells["SKE"] == ["committed", ""]  # FI-1, FI-2
    fi1 = next(row for row in data.rows if row.initiative == anchored.fi1)
    assert fi1.summary.missing_commitments == ("Arbeids- og velferdsetaten",)


@pytest.mark.parametrize("by", ["group", "ks"])
def test_a_municipal_stakeholder_flags_ks_on_the_heat_map_and_the_page(
    anchored, client_for, facilitator, by
):
    """A group of municipalities, or KS by its organisation number, among an initiative's
    stakeholders makes it touch municipal services, on the map and on its page alike."""

    def fi1_flagged() -> tuple[bool, bool]:
        data = heatmap.heat_map(programme=anchored.programme, user=facilitator)
        row = next(row for row in data.rows if row.initiative == anchored.fi1)
        page = client_for(facilitator).get(
            reverse("anchoring:initiative", args=[anchored.programme.slug, "FI-1"])
        )
        assert page.context["summary"] == selectors.anchoring_summary(anchored.fi1)
        return row.summary.ks_flag, page.context["summary"].ks_flag

    assert fi1_flagged() == (False, False)
    data = {"initiative": anchored.fi1, "influence": 3, "interest": 4}
    if by == "group":
        data |= {"group": StakeholderGroup.MUNICIPALITIES, "name": "Kommunene"}
    else:
        data["organisation"] = OrganisationFactory(name="KS", orgnr=rules.ks_orgnr())
    services.stakeholder_create(programme=anchored.programme, data=data, acting_user=SYSTEM)
    assert fi1_flagged() == (True, True)
    assert rules.touches_municipal_services(Initiative.objects.get(pk=anchored.fi1.pk))


def test_the_pages_summary_is_the_one_other_apps_read(anchored, client_for, viewer):
    """The page builds its summary from its own checklist and commitment rows; it equals
    ``anchoring_summary`` (answers, an answer kept for a retired question, commitments)."""
    for topic, status in ((Topic.USERS, "yes"), (Topic.PARTICIPANTS, "partly")):
        for subject in (anchored.fi1, anchored.proposal):
            services.answer_save(
                subject=subject,
                question=anchored.question(topic),
                answer=services.AnswerData(status),
                acting_user=SYSTEM,
            )
    services.question_update(
        question=anchored.question(Topic.PARTICIPANTS), data={"retired": True}, acting_user=SYSTEM
    )
    services.commitment_save(
        subject=anchored.fi1, organisation=anchored.nav, data=COMMITTED, acting_user=SYSTEM
    )
    slug = anchored.programme.slug
    client = client_for(viewer)
    pages = {
        anchored.fi1: reverse("anchoring:initiative", args=[slug, "FI-1"]),
        anchored.proposal: reverse("anchoring:proposal", args=[slug, 1]),
    }
    summaries = {subject: client.get(url).context["summary"] for subject, url in pages.items()}
    for subject, summary in summaries.items():
        assert summary == selectors.anchoring_summary(subject)
        assert summary.status_counts["yes"] == 1 and summary.status_counts["partly"] == 0
    assert summaries[anchored.fi1].missing_commitments == ("Skatteetaten",)


def test_the_page_lines_read_along_with_the_subject_are_those_the_register_has(anchored):
    """Participants, commitments and RACI lines come with the initiative's row (as JSON):
    the same objects, values and order as reading them on their own."""
    fi1 = anchored.fi1
    organisations = {name: OrganisationFactory(name=name) for name in ("Ås", "Aa")}
    for name, letter, person in (("Ås", "C", "B"), ("Aa", "R", "Z"), ("Aa", "A", "Y")):
        services.raci_create(
            subject=fi1,
            organisation=organisations[name],
            person=person,
            letter=letter,
            acting_user=SYSTEM,
        )
    services.commitment_save(
        subject=fi1,
        organisation=anchored.nav,
        data={
            "committed": True,
            "document": "business_plan",
            "committed_on": dt.date(2026, 1, 15),
            "confirmed_by": "Direktøren",
        },
        acting_user=SYSTEM,
    )
    read = subject_rows.with_page_lines(Initiative.objects.filter(pk=fi1.pk)).get()
    subject_rows.remember_page_lines(read)
    plain = Initiative.objects.get(pk=fi1.pk)

    assert list(read.participants.all()) == list(plain.participants.all())
    assert [o.name for o in rules.participating_organisations(read)] == [
        o.name for o in rules.participating_organisations(plain)
    ]
    fields = ("pk", "organisation_id", "committed", "document", "committed_on", "confirmed_by")
    by_read, by_plain = selectors.commitments(read), selectors.commitments(plain)
    assert [[getattr(r.commitment, f, None) for f in fields] for r in by_read] == [
        [getattr(r.commitment, f, None) for f in fields] for r in by_plain
    ]
    assert by_read[0].commitment.committed_on == dt.date(2026, 1, 15)
    lines = [(a.pk, a.organisation.name, a.letter, a.person) for a in selectors.raci_for(read)]
    assert lines == [
        (a.pk, a.organisation.name, a.letter, a.person) for a in selectors.raci_for(plain)
    ]
    assert [line[1:] for line in lines][:2] == [("Aa", "A", "Y"), ("Aa", "R", "Z")]


def test_the_summary_read_in_two_queries_is_the_one_read_apart(anchored):
    """``anchoring_summary`` reads the questions with the answers' status, and the
    organisations with whether they committed: the same summary as reading questions,
    answers, organisations and commitments apart (the owner also a participant, a "no"
    commitment, another subject's answers and commitments)."""
    fi1, proposal = anchored.fi1, anchored.proposal
    statuses = {Topic.USERS: "yes", Topic.KS: "not_relevant", Topic.PARTICIPANTS: "no"}
    for topic, status in statuses.items():
        services.answer_save(
            subject=fi1,
            question=anchored.question(topic),
            answer=services.AnswerData(status),
            acting_user=SYSTEM,
        )
    # Oslo joins after KS was answered "not relevant": flagged. SKE owns FI-1 as well.
    fi1.participants.add(anchored.ske, anchored.oslo)
    services.answer_save(
        subject=anchored.fi2,
        question=anchored.question(Topic.GUIDANCE),
        answer=services.AnswerData("yes"),
        acting_user=SYSTEM,
    )
    for subject, organisation, data in (
        (fi1, anchored.nav, COMMITTED),
        (fi1, anchored.oslo, {**COMMITTED, "committed": False}),
        (anchored.fi2, anchored.oslo, COMMITTED),
        (proposal, anchored.ske, {**COMMITTED, "committed": False}),
    ):
        services.commitment_save(
            subject=subject, organisation=organisation, data=data, acting_user=SYSTEM
        )
    for subject in (Initiative.objects.get(pk=fi1.pk), Proposal.objects.get(pk=proposal.pk)):
        kind = rules.subject_kind(subject)
        organisations = rules.participating_organisations(subject)
        committed = {
            c.organisation_id
            for c in LeadershipCommitment.objects.filter(**rules.subject_filter(subject))
            if c.committed
        }
        plain = selectors.summarise(
            kind,
            subject.pk,
            selectors.active_questions(subject.programme_id, kind),
            selectors.answers_by_question(subject),
            organisations,
            committed,
            rules.touches_municipal_services(subject, organisations),
        )
        assert selectors.anchoring_summary(subject) == plain
    fi1_summary = selectors.anchoring_summary(fi1)
    assert fi1_summary.organisations == 3
    assert fi1_summary.missing_commitments == ("Oslo kommune", "Skatteetaten")
    assert fi1_summary.status_counts["yes"] == 1 and fi1_summary.status_counts["no"] == 1
    assert fi1_summary.ks_flag
