"""The cost-benefit pages run a fixed number of queries, however many cost lines, benefits,
extra lines, alternatives and snapshots the initiative has (3 against 30 of each)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.core.actors import SYSTEM
from nytte.costbenefit import services
from nytte.costbenefit.models import ExtraAlternative, ExtraLine, Snapshot
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    InitiativeFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, roles with member programmes (3), the initiative with its settings and stored
# result (1), the rows the analysis is built from and the page lists: cost lines,
# contributions with their benefits' amounts, extra lines, alternatives (4), snapshots (1), the
# organisations for the line form (1). The stored result is shown rather than simulated (the
# first view of each analysis computes and stores it).
MAX_ANALYSIS_QUERIES = 10
# Session, user, roles with member programmes, the initiative, the snapshot.
MAX_SNAPSHOT_QUERIES = 5


def filled(programme, user, size: int):
    """An initiative with ``size`` cost lines, benefits, extra lines, alternatives and
    snapshots."""
    orgs = [OrganisationFactory(kind="agency") for _ in range(3)]
    initiative = InitiativeFactory(programme=programme, owner_organisation=orgs[0], owner=user)
    for n in range(size):
        CostLineFactory(
            initiative=initiative,
            organisation=orgs[n % 3],
            year=2026 + n % 10,
            category=("investment", "operation")[n % 2],
        )
        benefit = BenefitFactory(
            programme=programme,
            arises_in_organisation=orgs[n % 3],
            budget_cut_share=20,
            priced=n % 5 != 0,
            plus_minus=None if n % 5 else 1,
        )
        BenefitAmountFactory(benefit=benefit, year=2027 + n % 5)
        ContributionFactory(benefit=benefit, initiative=initiative, share=50)
        alternative = ExtraAlternative.objects.create(initiative=initiative, name=f"Alt {n}")
        ExtraLine.objects.create(
            initiative=initiative,
            alternative=alternative if n % 2 else None,
            name=f"Linje {n}",
            kind="cost",
            category="other",
            organisation=orgs[n % 3],
            first_year=2026,
            last_year=2028,
            low=1,
            likely=2,
            high=3,
        )
    services.settings_save(subject=initiative, data={"iterations": 1000}, acting_user=SYSTEM)
    initiative.refresh_from_db()
    frozen(initiative, size)
    return initiative


def frozen(subject, size: int) -> None:
    """``size`` snapshots of the subject: one frozen by the service, the rest copies of it
    (freezing again would run the same simulation ``size`` times)."""
    first = services.snapshot_freeze(subject=subject, acting_user=SYSTEM)
    copies = []
    for version in range(2, size + 1):
        copy = Snapshot.objects.get(pk=first.pk)
        copy.pk, copy.version = None, version
        copies.append(copy)
    Snapshot.objects.bulk_create(copies)


def count(client, address: str) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return queries


@pytest.mark.parametrize(
    ("name", "ceiling"), [("analysis", MAX_ANALYSIS_QUERIES), ("snapshot", MAX_SNAPSHOT_QUERIES)]
)
def test_queries_do_not_grow_with_the_initiative(
    programme, owner, client_for, name, ceiling, django_assert_max_num_queries, pinned_queries
):
    small, large = filled(programme, owner, 3), filled(programme, owner, 30)
    client = client_for(owner)

    def address(initiative):
        kwargs = {"slug": programme.slug, "code": initiative.code}
        if name == "snapshot":
            kwargs["version"] = 1
        return reverse(f"costbenefit:{name}", kwargs=kwargs)

    # Warm caches (content types, translations) and store each analysis' first result.
    client.get(address(small))
    client.get(address(large))
    key = f"initiative {name}"
    pinned = [pinned_queries.check(key, count(client, address(i))) for i in (small, large)]
    assert pinned[0] == pinned[1]
    with django_assert_max_num_queries(ceiling):
        client.get(address(large))


def test_the_excel_exports_do_not_grow_either(programme, owner, client_for, pinned_queries):
    small, large = filled(programme, owner, 3), filled(programme, owner, 30)
    client = client_for(owner)
    for name, extra in (("export", {}), ("snapshot_export", {"version": 2})):
        addresses = [
            reverse(f"costbenefit:{name}", kwargs={"slug": programme.slug, "code": i.code, **extra})
            for i in (small, large)
        ]
        client.get(addresses[0])
        client.get(addresses[1])  # the first view of an analysis computes and stores it
        key = f"initiative {name}"
        pinned = [pinned_queries.check(key, count(client, a)) for a in addresses]
        assert pinned[0] == pinned[1]


def filled_proposal(programme, user, size: int):
    """A proposal with ``size`` lines, alternatives and snapshots."""
    from tests.factories import ProposalFactory

    org = OrganisationFactory(kind="agency")
    proposal = ProposalFactory(programme=programme)
    for n in range(size):
        alternative = ExtraAlternative.objects.create(proposal=proposal, name=f"Alt {n}")
        ExtraLine.objects.create(
            proposal=proposal,
            alternative=alternative if n % 2 else None,
            name=f"Linje {n}",
            kind=("cost", "benefit")[n % 2],
            category=("other", "external")[n % 2],
            organisation=org,
            first_year=2026,
            last_year=2028,
            low=1,
            likely=2,
            high=3,
        )
    services.settings_save(subject=proposal, data={"iterations": 1000}, acting_user=SYSTEM)
    proposal.refresh_from_db()
    frozen(proposal, size)
    return proposal


# Session, user, roles with member programmes, the proposal with its settings and stored
# result, its extra lines and alternatives (2), snapshots, organisations.
MAX_PROPOSAL_ANALYSIS_QUERIES = 8


@pytest.mark.parametrize(
    ("name", "ceiling"),
    [("analysis", MAX_PROPOSAL_ANALYSIS_QUERIES), ("snapshot", MAX_SNAPSHOT_QUERIES)],
)
def test_a_proposals_pages_do_not_grow_either(
    programme, facilitator, client_for, name, ceiling, django_assert_max_num_queries, pinned_queries
):
    small, large = (filled_proposal(programme, facilitator, n) for n in (3, 30))
    client = client_for(facilitator)

    def address(proposal):
        kwargs = {"slug": programme.slug, "number": proposal.number}
        if name == "snapshot":
            kwargs["version"] = 1
        return reverse(f"costbenefit:proposal_{name}", kwargs=kwargs)

    client.get(address(small))
    client.get(address(large))  # the first view of an analysis computes and stores it
    key = f"proposal {name}"
    pinned = [pinned_queries.check(key, count(client, address(p))) for p in (small, large)]
    assert pinned[0] == pinned[1]
    with django_assert_max_num_queries(ceiling):
        client.get(address(large))
