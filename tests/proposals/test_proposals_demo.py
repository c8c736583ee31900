"""The demo proposals tell the pipeline's story — every stage, every kind of source, a
citizen on the public form, a near-duplicate of an initiative, a merge and a rejection, blind
assessments — and loading the demo again changes nothing."""

from __future__ import annotations

from django.apps import apps
from django.core import mail

from nytte.core.models import Programme, User
from nytte.demo import load_demo
from nytte.governance.models import DecisionCase
from nytte.portfolio.models import Initiative
from nytte.proposals import services
from nytte.proposals.choices import Channel, Source, Stage
from nytte.proposals.demo import PROPOSALS, load_proposals_demo
from nytte.proposals.models import (
    Assessment,
    Criterion,
    Proposal,
    ProposalEvent,
    QualificationQuestion,
)
from nytte.proposals.queue import work_queue
from nytte.similarity import Document, build_index


def proposals(programme: Programme) -> dict[str, Proposal]:
    return {p.title: p for p in Proposal.objects.filter(programme=programme)}


def test_about_a_dozen_proposals_in_every_stage_from_every_kind_of_source(framtidens):
    found = proposals(framtidens)
    assert len(found) == len(PROPOSALS) == 13
    # Every stage of steps 1–3; "adopted" comes only from a forum's decision, and the
    # governance demo leaves its proposal case on the agenda for the forum member to decide.
    assert {p.stage for p in found.values()} == set(Stage.values) - {Stage.ADOPTED}
    assert {p.source for p in found.values()} >= {
        Source.STAFF,
        Source.USER_INSIGHT,
        Source.SUPPLIER,
        Source.OTHER_AGENCY,
    }
    assert {p.channel for p in found.values()} >= {
        Channel.FORM,
        Channel.PUBLIC,
        Channel.API,
        Channel.SOUGHT_OUT,
    }
    # Numbers follow the dates on which the proposals came in.
    ordered = sorted(found.values(), key=lambda p: p.number)
    assert [p.created_at for p in ordered] == sorted(p.created_at for p in ordered)


def test_a_citizen_on_the_public_form_consented_and_the_facilitator_sought_some_out(framtidens):
    for public in Proposal.objects.filter(programme=framtidens, channel=Channel.PUBLIC):
        assert public.proposer is None
        assert public.proposer_name and "@" in public.proposer_email
        assert public.consent_at is not None and public.source == Source.USER_INSIGHT
    facilitator = User.objects.get(username="fasilitator")
    sought = Proposal.objects.filter(programme=framtidens, channel=Channel.SOUGHT_OUT)
    assert sought.count() >= 1
    assert all(p.created_by == facilitator for p in sought)


def test_one_is_merged_and_one_rejected_with_the_reason_the_proposer_sees(framtidens):
    merged = Proposal.objects.get(programme=framtidens, merged_into__isnull=False)
    assert merged.merged_into is not None and merged.merged_into.stage == Stage.ASSESSMENT
    # The merged proposal's proposer now supports the one it went into.
    assert merged.merged_into.supports.filter(user=merged.proposer).exists()
    rejected = Proposal.objects.get(programme=framtidens, stage=Stage.REJECTED)
    assert len(rejected.stage_reason) > 40
    event = ProposalEvent.objects.get(proposal=rejected, to_stage=Stage.REJECTED)
    assert event.note == rejected.stage_reason


def test_a_near_duplicate_of_an_initiative_is_there_for_harmonisation_to_find(framtidens):
    initiatives = Initiative.objects.filter(programme=framtidens)
    index = build_index(
        Document(id=i.code, text=f"{i.title}\n{i.description}", kind="initiative")
        for i in initiatives
    )
    twin = Proposal.objects.get(programme=framtidens, title="Se alt du skylder staten på ett sted")
    assert twin.stage == Stage.RECEIVED
    text = "\n".join((twin.title, twin.need, twin.idea, twin.expected_benefits))
    # Said in other words than FI-2 (the joint debt overview), yet the matcher finds it.
    assert "gjeldsoversikt" not in text.lower()
    assert next(m.id for m in index.query(text, k=3)) == "FI-2"


def test_supporters_evidence_comments_and_blind_assessments(framtidens):
    found = proposals(framtidens)
    assert sum(p.supports.count() for p in found.values()) >= 8
    assert sum(p.evidence.count() for p in found.values()) >= 4
    assert sum(p.comments.count() for p in found.values()) >= 2
    assert Criterion.objects.filter(programme=framtidens, dimension="potential").exists()
    assert Criterion.objects.filter(programme=framtidens, dimension="complexity").exists()
    submitted = Assessment.objects.filter(
        proposal__programme=framtidens, submitted_at__isnull=False
    )
    assert submitted.count() == 4  # two proposals, each assessed by two (one is ready)
    assert all(
        a.scores.count() == Criterion.objects.filter(programme=framtidens).count()
        for a in submitted
    )
    # The facilitator's queue has work of every kind; an assessor has scores to give.
    work = work_queue(User.objects.get(username="fasilitator"))
    assert len(work.to_harmonise) == 3 and len(work.overdue) == 1 and len(work.to_prepare) == 1
    assert len(work_queue(User.objects.get(username="eier")).to_assess) == 1


def test_the_demo_sends_no_mail(framtidens, django_capture_on_commit_callbacks):
    # Its e-mail addresses are invented: the receipts and notices are not sent. The demo's
    # undecided case on a proposal goes first: a case keeps its proposal (PROTECT).
    DecisionCase.objects.filter(programme=framtidens, proposal__isnull=False).delete()
    Proposal.objects.filter(programme=framtidens).delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert load_proposals_demo() > len(PROPOSALS)
    assert Proposal.objects.filter(programme=framtidens, proposer_email__contains="@").exists()
    assert mail.outbox == []


def test_loading_again_changes_nothing(framtidens):
    counts = {m.__name__: m.objects.count() for m in apps.get_app_config("proposals").get_models()}
    assert load_proposals_demo() == 0
    assert load_demo() == 0
    after = {m.__name__: m.objects.count() for m in apps.get_app_config("proposals").get_models()}
    assert after == counts


def test_no_proposal_reaches_governance_without_an_assessment_and_a_track(framtidens):
    """The flow's rule (services.flow.needs_reason), obeyed by the demo: a proposal ready for
    governance has a submitted assessment and a track, or the facilitator's reason."""
    ready = Proposal.objects.filter(programme=framtidens, stage=Stage.READY)
    assert ready.exists()
    for proposal in ready:
        assert services.assessment_done(proposal), proposal.reference


def test_a_programme_made_by_the_demo_has_its_criteria_and_questions(framtidens):
    assert Criterion.objects.filter(programme=framtidens).exists()
    assert QualificationQuestion.objects.filter(programme=framtidens).exists()


def test_the_sms_warning_finds_early_contact_through_the_complaint_attached_to_it(framtidens):
    """Issue 16: found for the right reason, a confirmed (attached) earlier proposal in the
    same everyday words, not a word list written for the text."""
    from nytte.proposals import matching
    from nytte.similarity import Band

    matching.reset()
    sms = Proposal.objects.get(
        programme=framtidens, title="Varsel før et krav går til tvangsinnkreving"
    )
    attached = Proposal.objects.get(programme=framtidens, attached_to__code="FI-8")
    found = matching.similar(framtidens, matching.document_text(sms), k=8, exclude_proposal=sms)
    first = found[0]
    assert first.reference == "FI-8" and first.band != Band.WEAK
    assert first.via == attached
    assert attached not in {s.obj for s in found}  # merged into FI-8: never suggested itself
    matching.reset()
