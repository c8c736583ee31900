"""The anchoring pages and the API list run as many queries for a handful of initiatives and
proposals as for many (no query per row), pinned in ``query_counts.json``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.anchoring import services
from nytte.anchoring.models import ChecklistQuestion
from nytte.anchoring.rules import subject_kind
from nytte.core.actors import SYSTEM
from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal
from tests.api.test_api_core import bearer
from tests.factories import InitiativeFactory, OrganisationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def grow(anchored, n: int) -> None:
    """``n`` more initiatives, each with a participant, answers, a commitment and a
    stakeholder, and ``n`` proposals in assessment, each with an affected organisation, answers
    and a commitment; FI-1 gets ``n`` stakeholders and RACI lines."""
    questions = list(ChecklistQuestion.objects.filter(programme=anchored.programme))
    for i in range(n):
        org = OrganisationFactory()
        initiative = InitiativeFactory(
            programme=anchored.programme, code=f"X-{i}", owner_organisation=anchored.ske
        )
        initiative.participants.add(org)
        proposal = ProposalFactory(programme=anchored.programme, stage=Stage.ASSESSMENT)
        proposal.affected_organisations.add(org)
        for subject in (initiative, proposal):
            for question in [q for q in questions if q.applies(subject_kind(subject))][:3]:
                services.answer_save(
                    subject=subject,
                    question=question,
                    answer=services.AnswerData("yes"),
                    acting_user=SYSTEM,
                )
            services.commitment_save(
                subject=subject, organisation=org, data={"committed": False}, acting_user=SYSTEM
            )
        for subject in (initiative, anchored.fi1):
            services.stakeholder_create(
                programme=anchored.programme,
                data={"initiative": subject, "organisation": org, "influence": 3, "interest": 2},
                acting_user=SYSTEM,
            )
        services.raci_create(
            subject=anchored.fi1, organisation=org, person="Leder", letter="C", acting_user=SYSTEM
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_counts_do_not_grow_with_the_portfolio(
    anchored, facilitator, client_for, pinned_queries
):
    slug = anchored.programme.slug
    urls = {
        "heat-map": reverse("anchoring:overview", args=[slug]),
        "stakeholders": reverse("anchoring:stakeholders", args=[slug]),
        "initiative anchoring": reverse("anchoring:initiative", args=[slug, "FI-1"]),
        "api stakeholders": f"/api/v1/programmes/{slug}/stakeholders?limit=100",
    }
    page = client_for(facilitator)
    api = __import__("django.test", fromlist=["Client"]).Client(**bearer(facilitator))

    def client(name: str):
        return api if name.startswith("api") else page

    # The fixture's proposal is on its way to a decision, so the heat-map lists proposals.
    Proposal.objects.filter(pk=anchored.proposal.pk).update(stage=Stage.ASSESSMENT)
    small = {name: count(client(name), url) for name, url in urls.items()}
    grow(anchored, 8)
    large = {name: count(client(name), url) for name, url in urls.items()}
    assert large == small
    for name, url in urls.items():
        with pinned_queries(name):
            client(name).get(url)
