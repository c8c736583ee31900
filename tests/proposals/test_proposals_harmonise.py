"""Step 2 in pages: the similar-while-typing box, the harmonisation tab (suggestions, links,
merge and attach with their confirmation step, the qualification checklist) and the page
where facilitators edit the programme's checklist."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.core.actors import SYSTEM
from nytte.core.choices import Role
from nytte.proposals import matching, qualification, selectors, services
from nytte.proposals.choices import LinkKind, Stage
from nytte.proposals.harmonise_rows import harmonisation_rows
from nytte.proposals.models import (
    Evidence,
    Proposal,
    ProposalLink,
    QualificationAnswer,
    QualificationQuestion,
    Support,
)
from nytte.proposals.views import frame
from tests.factories import (
    InitiativeFactory,
    LifeEventFactory,
    MembershipFactory,
    OrganisationFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_indexes():
    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def collection(programme):
    """An initiative and a proposal about the same thing, a near-miss and an unrelated one."""
    initiative = InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Samordnet innkreving av statlige krav",
        description="Statens krav mot skyldnere samles i én innkrevingsløsning for alle etater.",
    )
    InitiativeFactory(
        programme=programme,
        code="FI-2",
        title="Digitalt dødsbo",
        description="Arvinger får oversikt over dødsboet og kan skifte det digitalt.",
    )
    existing = ProposalFactory(
        programme=programme,
        number=1,
        title="Én betalingsplan for all gjeld til staten",
        need="Skyldnere med krav fra flere etater får mange betalingsplaner.",
        idea="Samle statens krav i én betalingsplan.",
    )
    proposal = ProposalFactory(
        programme=programme,
        number=2,
        title="Felles betalingsplan for statlige krav",
        need="Folk med gjeld til flere etater mister oversikten over kravene.",
        idea="Én innkreving og én betalingsplan for alle statens krav.",
    )
    return {"initiative": initiative, "existing": existing, "proposal": proposal}


def tab_url(proposal: Proposal) -> str:
    return proposal.get_absolute_url() + "?tab=harmonisation"


def url(name: str, proposal: Proposal, **kwargs) -> str:
    return reverse(
        f"proposals:{name}",
        kwargs={"slug": proposal.programme.slug, "number": proposal.number, **kwargs},
    )


def similar_url(programme) -> str:
    return reverse("proposals:similar", kwargs={"slug": programme.slug})


# ---------------------------------------------------------------------------------------------
# Similar while typing


def test_similar_while_typing_lists_what_is_alike_with_why(
    programme, collection, contributor, client_for
):
    client = client_for(contributor, language="en")
    response = client.get(
        similar_url(programme),
        {"title": "Én betalingsplan", "need": "Mange krav fra staten", "idea": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "F-1" in html and collection["existing"].get_absolute_url() in html
    assert "<mark>" in html  # the matched words are marked
    # For a proposal: the hint to support it instead, linking to its support button.
    assert "Support this instead of proposing it again" in html
    assert collection["existing"].get_absolute_url() + "#capture-support" in html
    assert collection["initiative"].get_absolute_url() in html
    assert html.count('class="similar-list__item"') <= 5


def test_similar_while_typing_gives_a_hint_for_short_text(programme, contributor, client_for):
    response = client_for(contributor, language="en").get(similar_url(programme), {"title": "a"})
    assert response.status_code == 200
    assert "Write a few words" in response.content.decode()


def test_similar_while_typing_says_so_when_nothing_matches(
    programme, collection, contributor, client_for
):
    response = client_for(contributor, language="en").get(
        similar_url(programme), {"title": "Fiskekvoter og havbruk", "need": "Laks i merder"}
    )
    assert "No close match among 2 initiatives and 2 proposals." in response.content.decode()


def test_similar_while_typing_needs_contribute(programme, access):
    params = {"title": "Én betalingsplan for gjeld"}
    access.check("get", similar_url(programme), params, forbidden=["viewer"])


def test_similar_while_typing_never_offers_a_merged_proposal(
    programme, collection, contributor, facilitator, client_for
):
    services.proposal_merge(
        proposal=collection["existing"], into=collection["proposal"], acting_user=facilitator
    )
    html = (
        client_for(contributor)
        .get(similar_url(programme), {"title": "Én betalingsplan for all gjeld til staten"})
        .content.decode()
    )
    assert collection["existing"].get_absolute_url() not in html
    assert collection["proposal"].get_absolute_url() in html


# ---------------------------------------------------------------------------------------------
# The tab


def test_the_tab_shows_suggestions_beside_the_proposal(
    collection, facilitator, client_for, english
):
    proposal = collection["proposal"]
    response = client_for(facilitator, language="en").get(tab_url(proposal))
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["suggestion_rows"]
    found = [(row["suggestion"].kind, row["suggestion"].obj.pk) for row in rows]
    assert ("proposal", proposal.pk) not in found  # never itself
    assert ("proposal", collection["existing"].pk) in found
    assert ("initiative", collection["initiative"].pk) in found
    top = rows[0]["suggestion"]
    assert f"{top.percent} %" in html
    assert "<mark>" in html and "Words that matched" in html
    # The facilitator's forms: a link per suggestion, any link, merge/attach, the checklist.
    assert html.count('name="note"') >= len(rows) + 1
    assert "Confirm a link to" in html
    assert 'name="merge"' in html and 'name="attach"' in html
    assert "Save the qualification" in html


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_new_link_form_is_rendered_once_and_reads_as_the_form_would(language):
    """The tab's new link forms come from a rendering kept per process, language and row;
    each reads exactly as the form class rendered through the same template, its target
    escaped, in the language asked for."""
    from django.template import Context, Template
    from django.utils import translation

    from nytte.proposals.forms import LinkForm
    from nytte.proposals.views import harmonise

    template = Template(
        '{{ form.target }}{% include "proposals/partials/harmonise_link_fields.html" %}'
    )
    for language_now in ("en", "nb", language):
        with translation.override(language_now):
            for number, target in ((1, "initiative:7"), (3, 'proposal:"<9>"'), (1, "proposal:2")):
                form = LinkForm(initial={"target": target}, auto_id=f"id_link{number}_%s")
                expected = template.render(Context({"form": form}))
                assert harmonise.new_link_fields(number, target) == expected
    with translation.override("en"):
        assert "Kind of link" in harmonise.new_link_fields(2, "initiative:1")
    with translation.override("nb"):
        assert "Kind of link" not in harmonise.new_link_fields(2, "initiative:1")


def test_a_refused_link_form_comes_back_on_its_suggestion_with_its_problem(
    collection, facilitator, client_for
):
    proposal = collection["proposal"]
    target = f"initiative:{collection['initiative'].pk}"
    response = client_for(facilitator, language="en").post(
        url("harmonise_link", proposal), {"target": target, "kind": "overlap", "note": ""}
    )
    rows = response.context["suggestion_rows"] + response.context["weak_rows"]
    posted = [row for row in rows if row["suggestion"].target == target]
    assert [row["open"] for row in posted] == [True]
    assert posted[0]["form"].errors["note"] and posted[0]["fields"] is None
    others = [row for row in rows if row["suggestion"].target != target]
    assert others and all(r["fields"] and not r["open"] for r in others)
    html = response.content.decode()
    assert 'id="id_linkposted_note"' in html and 'aria-invalid="true"' in html
    for row in others:
        assert f'id="id_link{row["number"]}_note"' in html


def test_others_read_the_tab_without_forms(collection, viewer, client_for):
    proposal = collection["proposal"]
    question = qualification.questions_for(proposal.programme)[0]
    QualificationAnswer.objects.create(proposal=proposal, question=question, answer="Ja, klart.")
    html = client_for(viewer, language="en").get(tab_url(proposal)).content.decode()
    assert "Similar initiatives and proposals" in html
    assert "Ja, klart." in html
    assert "Not answered yet." in html
    assert 'name="note"' not in html and "Save the qualification" not in html
    assert 'name="merge"' not in html


def test_the_tab_costs_a_fixed_number_of_queries(
    programme, facilitator, client_for, django_assert_max_num_queries, pinned_queries, monkeypatch
):
    monkeypatch.setattr(matching.index, "RECONCILE_SECONDS", 3600.0)  # however slow the machine

    def fill(n: int) -> Proposal:
        # An initiative just like the proposal: suggestions are of both kinds in both rounds.
        first = InitiativeFactory(
            programme=programme, title="Krav og betalingsplan", description="Krav. Plan."
        )
        proposal = ProposalFactory(
            programme=programme, title="Krav og betalingsplan", need="Krav.", idea="Plan."
        )
        for i in range(n):
            other = ProposalFactory(
                programme=programme, title=f"Betalingsplan {i}", need="Gjeld.", idea="Avdrag."
            )
            initiative = InitiativeFactory(
                programme=programme, title=f"Innkreving {i}", description="Krav og plan."
            )
            services.link_create(
                proposal=proposal, kind=LinkKind.OVERLAP, target_proposal=other, acting_user=SYSTEM
            )
            services.link_create(
                proposal=other, kind=LinkKind.ENABLES, target_proposal=proposal, acting_user=SYSTEM
            )
            services.link_create(
                proposal=proposal,
                kind=LinkKind.DEPENDS_ON,
                target_initiative=initiative,
                acting_user=SYSTEM,
            )
        services.link_create(
            proposal=proposal, kind=LinkKind.OVERLAP, target_initiative=first, acting_user=SYSTEM
        )
        for question in qualification.questions_for(programme):
            QualificationAnswer.objects.create(proposal=proposal, question=question, answer="x")
        return proposal

    client = client_for(facilitator)
    counts = []
    for n in (4, 30):
        proposal = fill(n)
        client.get(tab_url(proposal))  # builds the index
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(tab_url(proposal))
        assert response.status_code == 200
        assert len(response.context["links"]) == 2 * n + 1
        assert len(response.context["links_in"]) == n
        rows = response.context["suggestion_rows"] + response.context["weak_rows"]
        assert len(rows) == 8
        assert {row["suggestion"].kind for row in rows} == {"initiative", "proposal"}
        counts.append(pinned_queries.check("harmonise tab", ctx))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(tab_url(proposal))


# ---------------------------------------------------------------------------------------------
# Links


def test_a_facilitator_confirms_a_suggested_link_with_kind_note_and_score(
    collection, facilitator, client_for
):
    proposal, initiative = collection["proposal"], collection["initiative"]
    response = client_for(facilitator).post(
        url("harmonise_link", proposal),
        {"target": f"initiative:{initiative.pk}", "kind": "same_user_benefit", "note": "Sjekket."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=harmonisation#harmonise-links")
    link = ProposalLink.objects.get(proposal=proposal)
    assert (link.kind, link.target_initiative, link.note) == (
        LinkKind.SAME_USER_BENEFIT,
        initiative,
        "Sjekket.",
    )
    assert link.created_by == facilitator
    assert link.score is not None and 0 < link.score <= 1  # computed by the server


@pytest.mark.parametrize("kind", [k for k, _label in LinkKind.choices])
def test_every_kind_of_link_can_be_confirmed(collection, facilitator, client_for, kind):
    proposal = collection["proposal"]
    response = client_for(facilitator).post(
        url("harmonise_link", proposal),
        {"target": f"proposal:{collection['existing'].pk}", "kind": kind, "note": "Ja."},
    )
    assert response.status_code == 302
    assert ProposalLink.objects.get(proposal=proposal).kind == kind


def test_a_link_needs_a_note_and_a_known_kind(collection, facilitator, client_for):
    proposal = collection["proposal"]
    client = client_for(facilitator, language="en")
    target = f"initiative:{collection['initiative'].pk}"
    response = client.post(
        url("harmonise_link", proposal), {"target": target, "kind": "overlap", "note": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = client.post(
        url("harmonise_link", proposal), {"target": target, "kind": "cousin", "note": "x"}
    )
    assert response.status_code == 200
    assert not ProposalLink.objects.exists()


def test_only_facilitators_link(collection, access):
    proposal = collection["proposal"]
    data = {"target": f"initiative:{collection['initiative'].pk}", "kind": "overlap", "note": "x"}
    access.check("post", url("harmonise_link", proposal), data, forbidden=["contributor", "viewer"])
    assert not ProposalLink.objects.exists()


def test_linking_to_anything_by_code_or_reference(collection, facilitator, client_for, programme):
    proposal = collection["proposal"]
    client = client_for(facilitator, language="en")
    far = InitiativeFactory(programme=programme, code="FI-77", title="Noe helt annet")
    response = client.post(
        url("harmonise_link", proposal),
        {"reference": "fi-77", "kind": "depends_on", "note": "Trenger API-et."},
    )
    assert response.status_code == 302
    response = client.post(
        url("harmonise_link", proposal),
        {"reference": "F-1", "kind": "complements", "note": "Utfyller."},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="harmonisation-panel",
    )
    assert response.status_code == 200
    assert "The link to F-1 is recorded." in response.content.decode()
    assert 'id="harmonisation-panel"' in response.content.decode()
    assert {
        (link.kind, link.target) for link in ProposalLink.objects.filter(proposal=proposal)
    } == {
        ("depends_on", far),
        ("complements", collection["existing"]),
    }
    # Unknown, other programme's, itself, or the same link twice: refused with a message.
    for reference, message in [
        ("FI-404", "There is no initiative or proposal FI-404"),
        ("F-2", "A proposal cannot link to itself."),
        ("F-1", "This link is already recorded."),
    ]:
        response = client.post(
            url("harmonise_link", proposal),
            {"reference": reference, "kind": "complements", "note": "x"},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert ProposalLink.objects.filter(proposal=proposal).count() == 2


def test_an_initiative_of_another_programme_cannot_be_linked(
    collection, facilitator, client_for, other_programme
):
    InitiativeFactory(programme=other_programme, code="SB-1")
    response = client_for(facilitator, language="en").post(
        url("harmonise_link", collection["proposal"]),
        {"reference": "SB-1", "kind": "overlap", "note": "x"},
    )
    assert response.status_code == 200
    assert not ProposalLink.objects.exists()


def test_links_are_listed_and_removed_by_facilitators(
    collection, facilitator, contributor, client_for
):
    proposal = collection["proposal"]
    link = services.link_create(
        proposal=proposal,
        kind=LinkKind.OVERLAP,
        target_initiative=collection["initiative"],
        note="Overlapper delvis.",
        acting_user=facilitator,
    )
    services.link_create(
        proposal=collection["existing"],
        kind=LinkKind.ENABLES,
        target_proposal=proposal,
        note="Gjør det mulig.",
        acting_user=facilitator,
    )
    assert link.score == services.similarity(proposal, collection["initiative"])
    ProposalLink.objects.filter(pk=link.pk).update(score=0.42)  # as recorded then
    html = client_for(contributor, language="en").get(tab_url(proposal)).content.decode()
    assert "Overlapper delvis." in html and "42 %" in html
    assert "Gjør det mulig." in html  # links from other proposals
    assert "Remove the link" not in html
    delete = url("harmonise_link_delete", proposal, pk=link.pk)
    assert client_for(contributor).post(delete).status_code == 403
    assert client_for(facilitator).post(delete).status_code == 302
    assert not ProposalLink.objects.filter(pk=link.pk).exists()


# ---------------------------------------------------------------------------------------------
# Merge and attach


def test_merge_is_confirmed_first_then_keeps_supporters_and_tells_them(
    collection, facilitator, programme, client_for, django_capture_on_commit_callbacks
):
    proposal, into = collection["existing"], collection["proposal"]
    proposer = UserFactory(username="forslagsstiller", email="kari@example.no")
    supporter = UserFactory(username="stotte", email="ola@example.no")
    MembershipFactory(user=supporter, programme=programme, role=Role.CONTRIBUTOR)
    Proposal.objects.filter(pk=proposal.pk).update(proposer=proposer)
    Support.objects.create(proposal=proposal, user=supporter)
    Evidence.objects.create(proposal=proposal, kind="quote", text="Sitat fra intervju.")
    client = client_for(facilitator, language="en")

    confirm = client.get(tab_url(proposal) + "&merge=F-2")
    html = confirm.content.decode()
    assert "Merge F-1 into F-2" in html
    assert "Its 1 supporter will support F-2 instead." in html
    assert "Its proposer will support F-2 too." in html
    assert "Yes, merge" in html
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.RECEIVED  # nothing yet

    # The note is asked for on the confirmation step.
    refused = client.post(url("harmonise_merge", proposal), {"target": "F-2", "note": ""})
    assert refused.status_code == 200
    assert "Yes, merge" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("harmonise_merge", proposal), {"target": "F-2", "note": "Samme behov."}
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.merged_into) == (Stage.MERGED, into)
    assert set(into.supports.values_list("user__username", flat=True)) == {
        "stotte",
        "forslagsstiller",
    }
    assert into.evidence.filter(text="Sitat fra intervju.").exists()
    recipients = {to for message in mail.outbox for to in message.to}
    assert {"kari@example.no", "ola@example.no"} <= recipients
    link = ProposalLink.objects.get(proposal=proposal)
    assert (link.kind, link.target_proposal, link.note) == ("duplicate", into, "Samme behov.")
    # The merged proposal's tab says where it went, and offers no more merging.
    html = client.get(tab_url(proposal)).content.decode()
    assert "This proposal is merged into F-2" in html
    assert 'name="merge"' not in html


@pytest.mark.parametrize("stage", [Stage.READY, Stage.MERGED, Stage.REJECTED])
def test_merge_and_attach_are_refused_where_the_flow_forbids_them(
    collection, facilitator, client_for, stage
):
    proposal = collection["existing"]
    Proposal.objects.filter(pk=proposal.pk).update(stage=stage)
    client = client_for(facilitator, language="en")
    confirm = client.get(tab_url(proposal) + "&merge=F-2").content.decode()
    assert "This proposal cannot be merged" in confirm and "Yes, merge" not in confirm
    response = client.post(url("harmonise_merge", proposal), {"target": "F-2", "note": "x"})
    assert response.status_code == 200
    assert "A proposal cannot go from" in response.content.decode()
    response = client.post(
        url("harmonise_attach", proposal),
        {"target": f"initiative:{collection['initiative'].pk}", "note": "x"},
    )
    assert response.status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).stage == stage
    assert not ProposalLink.objects.exists()


def test_merge_into_itself_or_a_closed_proposal_is_refused(collection, facilitator, client_for):
    proposal = collection["proposal"]
    client = client_for(facilitator, language="en")
    assert (
        "cannot be merged into itself"
        in client.get(tab_url(proposal) + "&merge=F-2").content.decode()
    )
    Proposal.objects.filter(pk=collection["existing"].pk).update(stage=Stage.REJECTED)
    assert "still open" in client.get(tab_url(proposal) + "&merge=F-1").content.decode()
    assert "no proposal F-99" in client.get(tab_url(proposal) + "&merge=F-99").content.decode()
    response = client.post(url("harmonise_merge", proposal), {"target": "F-1", "note": "x"})
    assert response.status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.RECEIVED


def test_attach_to_an_initiative(
    collection, facilitator, client_for, django_capture_on_commit_callbacks
):
    proposal, initiative = collection["proposal"], collection["initiative"]
    proposal.proposer_name, proposal.proposer_email = "Kari", "kari@example.no"
    proposal.save()
    client = client_for(facilitator, language="en")
    html = client.get(tab_url(proposal) + "&attach=fi-1").content.decode()
    assert "Attach F-2 to the initiative FI-1" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("harmonise_attach", proposal),
            {"target": f"initiative:{initiative.pk}", "note": "FI-1 gjør dette allerede."},
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.attached_to) == (Stage.MERGED, initiative)
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]
    assert "FI-1" in mail.outbox[0].subject
    html = client.get(tab_url(proposal)).content.decode()
    assert "attached to the initiative FI-1" in html


def test_only_facilitators_merge_or_attach(collection, contributor, client_for):
    proposal = collection["existing"]
    client = client_for(contributor)
    assert (
        client.post(url("harmonise_merge", proposal), {"target": "F-2", "note": "x"}).status_code
        == 403
    )
    assert (
        client.post(
            url("harmonise_attach", proposal),
            {"target": f"initiative:{collection['initiative'].pk}", "note": "x"},
        ).status_code
        == 403
    )
    # Nor do they get the confirmation step.
    assert "Yes, merge" not in client.get(tab_url(proposal) + "&merge=F-2").content.decode()
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.RECEIVED


# ---------------------------------------------------------------------------------------------
# Qualification


def test_default_questions_are_created_once(programme, facilitator):
    questions = qualification.questions_for(programme)
    assert len(questions) == 4
    assert [q.order for q in questions] == [0, 1, 2, 3]
    assert qualification.questions_for(programme) == questions  # not twice
    for question in questions:
        qualification.question_delete(question=question, acting_user=facilitator)
    assert qualification.questions_for(programme) == []  # a chosen empty checklist stays empty


def test_the_facilitator_answers_the_checklist(collection, facilitator, client_for):
    proposal = collection["proposal"]
    questions = qualification.questions_for(proposal.programme)
    client = client_for(facilitator, language="en")
    data = {f"q{questions[0].pk}": "Ja, innenfor mandatet.", f"q{questions[1].pk}": "NAV, SKE"}
    response = client.post(url("harmonise_answers", proposal), data)
    assert response.status_code == 302
    answers = qualification.answers_for(proposal)
    assert answers[questions[0].pk].answer == "Ja, innenfor mandatet."
    assert answers[questions[0].pk].answered_by == facilitator
    assert questions[2].pk not in answers
    # A blank answer removes the earlier one; HTMX gets the panel back.
    response = client.post(
        url("harmonise_answers", proposal),
        {f"q{questions[0].pk}": "", f"q{questions[1].pk}": "NAV, SKE, Brreg"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="harmonisation-panel",
    )
    assert "The qualification is saved." in response.content.decode()
    answers = qualification.answers_for(proposal)
    assert set(answers) == {questions[1].pk}
    assert answers[questions[1].pk].answer == "NAV, SKE, Brreg"


def test_only_facilitators_answer(collection, contributor, client_for):
    proposal = collection["proposal"]
    question = qualification.questions_for(proposal.programme)[0]
    response = client_for(contributor).post(
        url("harmonise_answers", proposal), {f"q{question.pk}": "Ja"}
    )
    assert response.status_code == 403
    assert not QualificationAnswer.objects.exists()


def test_answers_save_refuses_another_programmes_question(
    collection, other_programme, facilitator, english
):
    foreign = QualificationQuestion.objects.create(programme=other_programme, text="?")
    with pytest.raises(Exception) as refused:
        qualification.answers_save(
            proposal=collection["proposal"], answers={foreign.pk: "x"}, acting_user=facilitator
        )
    assert "checklist" in str(refused.value)


def questions_url(programme) -> str:
    return reverse("proposals:qualification_questions", kwargs={"slug": programme.slug})


def test_the_checklist_page_is_for_facilitators(programme, programme_admin, client_for, access):
    access.check(
        "get",
        questions_url(programme),
        allowed=["programme_admin"],
        allowed_status=200,
        forbidden=["contributor"],
    )


def test_facilitators_add_edit_reorder_and_delete_questions(
    programme, facilitator, client_for, english
):
    client = client_for(facilitator, language="en")
    page = client.get(questions_url(programme))
    assert len(page.context["questions"]) == 4  # the defaults
    response = client.post(
        questions_url(programme),
        {"action": "add", "text": "Berører det kommunene?", "help_text": "Ta med KS tidlig."},
    )
    assert response.status_code == 302
    added = QualificationQuestion.objects.get(text="Berører det kommunene?")
    assert list(QualificationQuestion.objects.filter(programme=programme))[-1] == added
    # An empty question is refused and the form keeps what was typed.
    refused = client.post(
        questions_url(programme), {"action": "add", "text": "", "help_text": "Hm"}
    )
    assert refused.status_code == 200
    assert 'value="Hm"' in refused.content.decode()

    client.post(questions_url(programme), {"action": "up", "question": added.pk})
    order = list(QualificationQuestion.objects.filter(programme=programme))
    assert order[-2] == added and [q.order for q in order] == [0, 1, 2, 3, 4]
    client.post(questions_url(programme), {"action": "down", "question": added.pk})
    assert list(QualificationQuestion.objects.filter(programme=programme))[-1] == added

    edit = client.get(questions_url(programme) + f"?edit={added.pk}").content.decode()
    assert 'value="Berører det kommunene?"' in edit
    client.post(
        questions_url(programme),
        {"action": "edit", "question": added.pk, "text": "Berører det kommuner?", "help_text": ""},
    )
    added.refresh_from_db()
    assert (added.text, added.help_text) == ("Berører det kommuner?", "")

    proposal = ProposalFactory(programme=programme)
    QualificationAnswer.objects.create(proposal=proposal, question=added, answer="Ja")
    confirm = client.get(questions_url(programme) + f"?delete={added.pk}").content.decode()
    assert "Its answer for 1 proposal is deleted with it" in confirm
    response = client.post(questions_url(programme), {"action": "delete", "question": added.pk})
    assert response.status_code == 302
    assert not QualificationQuestion.objects.filter(pk=added.pk).exists()
    assert not QualificationAnswer.objects.exists()


def test_a_question_of_another_programme_cannot_be_touched(
    programme, other_programme, facilitator, client_for
):
    foreign = QualificationQuestion.objects.create(programme=other_programme, text="Utenfor?")
    response = client_for(facilitator).post(
        questions_url(programme), {"action": "delete", "question": foreign.pk}
    )
    assert response.status_code == 404
    assert QualificationQuestion.objects.filter(pk=foreign.pk).exists()


def test_organisations_and_life_events_read_along_equal_the_prefetched_ones(programme, facilitator):
    """The harmonisation tab reads them in the proposal's query (JSON rows): the same rows,
    fields and order as the prefetch the other pages use."""
    ministry = OrganisationFactory(name="Finansdepartementet")
    organisations = [
        OrganisationFactory(name="Østre etat", parent=ministry),
        OrganisationFactory(name="aker etat", short_name=""),
        OrganisationFactory(name="Ærlig etat"),
        OrganisationFactory(name="Skatteetaten"),
    ]
    events = [
        LifeEventFactory(name="Å bli foreldre", description="Fødsel.", responsible=ministry),
        LifeEventFactory(name="Dødsfall og arv"),
    ]
    proposal = ProposalFactory(programme=programme)
    proposal.affected_organisations.set(organisations)
    proposal.life_events.set(events)
    ProposalFactory(programme=programme)  # none of its own

    def read(number: int, along: tuple[str, ...]) -> dict[str, list[tuple]]:
        got = selectors.proposal_get(
            programme=programme,
            number=number,
            user=facilitator,
            relations=("affected_organisations", "life_events"),
            along=along,
        )
        return {
            relation: [
                tuple(getattr(row, f.attname) for f in row._meta.concrete_fields)
                for row in getattr(got, relation).all()
            ]
            for relation in selectors.ALONG_RELATIONS
        }

    along = tuple(selectors.ALONG_RELATIONS)
    for number in Proposal.objects.filter(programme=programme).values_list("number", flat=True):
        plain = read(number, ())
        with CaptureQueriesContext(connection) as ctx:
            fused = read(number, along)
        assert fused == plain
        assert len(ctx.captured_queries) == 1
    rows = read(proposal.number, along)
    assert {row[0] for row in rows["affected_organisations"]} == {o.pk for o in organisations}
    assert {row[0] for row in rows["life_events"]} == {e.pk for e in events}


def test_links_and_dismissals_read_along_equal_the_queried_ones(programme, facilitator):
    """The tab reads a proposal's links both ways and its dismissals either way in the
    proposal's query (JSON rows): the same rows, in the same order, naming the same
    proposals, initiatives and users as reading them in their own queries."""
    named = facilitator
    proposal = ProposalFactory(programme=programme)
    others = [ProposalFactory(programme=programme) for _ in range(3)]
    initiative = InitiativeFactory(programme=programme)
    services.link_create(
        proposal=proposal, kind=LinkKind.OVERLAP, target_proposal=others[0], acting_user=named
    )
    services.link_create(
        proposal=proposal,
        kind=LinkKind.DEPENDS_ON,
        target_initiative=initiative,
        note="Sjekket «x».",
        acting_user=SYSTEM,
    )
    ProposalLink.objects.filter(target_initiative=initiative).update(score=0.4271)
    for other in (others[1], others[2]):
        services.link_create(
            proposal=other, kind=LinkKind.ENABLES, target_proposal=proposal, acting_user=named
        )
    services.suggestion_dismiss(proposal=proposal, target=others[1], acting_user=named)
    services.suggestion_dismiss(
        proposal=proposal, target=InitiativeFactory(programme=programme), acting_user=named
    )
    services.suggestion_dismiss(proposal=others[2], target=proposal, acting_user=named)

    def described(item) -> tuple:
        related = []
        for name in (
            "proposal",
            "target_proposal",
            "target_initiative",
            "created_by",
            "dismissed_by",
        ):
            other = getattr(item, name, None) if hasattr(type(item), name) else None
            related.append(
                None
                if other is None
                else (
                    other.pk,
                    str(other),
                    getattr(other, "title", ""),
                    getattr(other, "display_name", ""),
                )
            )
        own = tuple(getattr(item, f.attname) for f in item._meta.concrete_fields)
        return (own, tuple(related))

    def read(along: bool) -> tuple:
        got = selectors.proposal_get(
            programme=programme,
            number=proposal.number,
            user=facilitator,
            relations=(),
            along=(selectors.HARMONISATION,) if along else (),
        )
        with CaptureQueriesContext(connection) as ctx:
            rows = harmonisation_rows(got)
        result = (
            [described(link) for link in rows.links],
            [described(link) for link in rows.links_in],
            [described(d) for d in rows.dismissed if d.proposal_id == proposal.pk],
            sorted(described(d) for d in rows.dismissed),
        )
        return result, len(ctx.captured_queries)

    plain, n_plain = read(along=False)
    fused, n_fused = read(along=True)
    assert fused == plain
    assert (n_plain, n_fused) == (2, 0)
    assert [len(part) for part in plain] == [2, 2, 2, 3]


def test_the_tab_shows_the_same_whether_read_along_or_queried(
    collection, facilitator, client_for, monkeypatch
):
    """The page itself: the tab read in the proposal's query (JSON rows) renders exactly
    as when its organisations, life events, links and dismissals are queried apart."""
    proposal, initiative = collection["proposal"], collection["initiative"]
    programme = proposal.programme
    proposal.affected_organisations.set(
        [OrganisationFactory(name="Skatteetaten"), OrganisationFactory(name="NAV")]
    )
    proposal.life_events.set([LifeEventFactory(name="Dødsfall og arv")])
    services.link_create(
        proposal=proposal,
        kind=LinkKind.SAME_USER_BENEFIT,
        target_initiative=initiative,
        note="Samme krav.",
        acting_user=facilitator,
    )
    other = ProposalFactory(programme=programme, title="Gjeldsoversikt")
    services.link_create(
        proposal=other, kind=LinkKind.ENABLES, target_proposal=proposal, acting_user=facilitator
    )
    services.suggestion_dismiss(
        proposal=proposal, target=collection["existing"], acting_user=facilitator
    )
    client = client_for(facilitator)
    client.get(tab_url(proposal))  # builds the index

    def page() -> str:
        html = client.get(tab_url(proposal)).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    fused = page()
    monkeypatch.setitem(frame.TAB_ALONG, "harmonisation", ())
    queried = page()
    assert fused == queried
    for shown in ("Samme krav.", other.reference, collection["existing"].title):
        assert shown in fused
