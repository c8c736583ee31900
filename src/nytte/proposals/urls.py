"""Every route of the proposal pipeline, in one place."""

from django.urls import path

from .views import across, assess, capture, criteria, detail, flow, harmonise, public, qualification

app_name = "proposals"

PROPOSAL = "p/<slug:slug>/proposals/<int:number>/"
HARMONISE = PROPOSAL + "harmonise/"

urlpatterns = [
    path(PROPOSAL, detail.proposal_detail, name="proposal"),
    # The flow
    path("p/<slug:slug>/proposals/", flow.proposal_list, name="proposal_list"),
    path("p/<slug:slug>/proposals/board/", flow.board, name="board"),
    path("p/<slug:slug>/proposals/export/", flow.export, name="export"),
    path("p/<slug:slug>/proposals/import/", flow.import_proposals, name="import"),
    path(f"{PROPOSAL}move/", flow.move, name="move"),
    path("queue/", flow.queue, name="queue"),
    # Step 1: capture
    path("p/<slug:slug>/proposals/new/", capture.proposal_create, name="proposal_create"),
    path(f"{PROPOSAL}edit/", capture.proposal_edit, name="proposal_edit"),
    path(f"{PROPOSAL}evidence/", capture.evidence_add, name="evidence_add"),
    path(f"{PROPOSAL}support/", capture.support_toggle, name="support_toggle"),
    path(f"{PROPOSAL}comments/", capture.comment_add, name="comment_add"),
    path(f"{PROPOSAL}erase/", capture.proposer_erase, name="proposer_erase"),
    path(f"{PROPOSAL}attachments/<int:pk>/", capture.attachment, name="attachment"),
    path("p/<slug:slug>/submit/", public.public_submit, name="public_submit"),
    path("p/<slug:slug>/submit/thanks/", public.public_thanks, name="public_thanks"),
    path("p/<slug:slug>/submit/similar/", public.public_similar, name="public_similar"),
    path("proposal-status/<str:token>/", public.status, name="status"),
    # Step 2: harmonise and qualify
    path("p/<slug:slug>/proposals/similar/", qualification.similar, name="similar"),
    path(
        "p/<slug:slug>/proposals/qualification/",
        qualification.qualification_questions,
        name="qualification_questions",
    ),
    path(f"{HARMONISE}links/", harmonise.link_create, name="harmonise_link"),
    path(f"{HARMONISE}links/<int:pk>/delete/", harmonise.link_delete, name="harmonise_link_delete"),
    path(f"{HARMONISE}dismiss/", harmonise.dismiss, name="harmonise_dismiss"),
    path(
        f"{HARMONISE}dismissed/<int:pk>/delete/",
        harmonise.dismissal_delete,
        name="harmonise_dismissal_delete",
    ),
    path(f"{HARMONISE}notify/", across.cross_notice, name="harmonise_notify"),
    path(f"{HARMONISE}merge/", harmonise.merge, name="harmonise_merge"),
    path(f"{HARMONISE}attach/", harmonise.attach, name="harmonise_attach"),
    path(f"{HARMONISE}qualification/", harmonise.answers_save, name="harmonise_answers"),
    # Step 3: assess
    path("p/<slug:slug>/proposals/criteria/", criteria.criteria_page, name="criteria"),
    path("p/<slug:slug>/proposals/matrix/", assess.matrix_page, name="matrix"),
    path(f"{PROPOSAL}assess/", assess.assess_page, name="assess"),
    path(f"{PROPOSAL}assessors/", assess.assessors, name="assessors"),
    path(f"{PROPOSAL}track/", assess.track, name="track_set"),
]
