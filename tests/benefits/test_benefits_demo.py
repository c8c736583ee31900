"""The demo benefits tell a true-to-life story on whatever day they are loaded, and loading
them again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from nytte.benefits import selectors
from nytte.benefits.choices import BeneficiaryGroup, BenefitKind
from nytte.benefits.demo import CONSENT_CODE, ORGANISATIONS_EXTRA, load_benefits_demo
from nytte.benefits.models import Benefit
from nytte.core.actors import SYSTEM
from nytte.core.choices import OrganisationKind
from nytte.core.models import Organisation, Programme, User
from nytte.core.permissions import Action, can
from nytte.core.validators import is_valid_orgnr
from nytte.demo import load_demo
from nytte.portfolio.models import CostLine

DEMO_SLUGS = ("framtidens-innkreving", "starte-og-drive-bedrift")


def benefits_with_progress(today: dt.date | None = None) -> list[Benefit]:
    result: list[Benefit] = []
    for programme in Programme.objects.filter(slug__in=DEMO_SLUGS):
        benefits = selectors.with_indicators(
            selectors.benefit_list(programme=programme, user=SYSTEM)
        )
        result += selectors.attach_progress(benefits, today=today)
    return result


def assert_story_holds(benefits: list[Benefit]) -> None:
    on_track = [
        b for b in benefits if b.realised_percent is not None and not b.behind and not b.overdue
    ]
    behind = [
        b
        for b in benefits
        if b.behind and any((i.progress.gap or 0) > 10 for i in b.indicators.all())
    ]
    overdue = [b for b in benefits if b.overdue]
    no_baseline = [b for b in benefits if b.indicators.all() and not b.has_baseline]
    assert len(on_track) >= 2, [b.code for b in on_track]
    assert len(behind) >= 2, [b.code for b in behind]
    assert overdue
    assert no_baseline
    assert not set(on_track) & set(behind)


def nytte_row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("nytte.")
    }


def test_the_collection_programme_has_benefits_in_nav_and_for_citizens(framtidens):
    benefits = Benefit.objects.filter(programme=framtidens)
    assert benefits.filter(arises_in_organisation__short_name="NAV").exists()
    assert benefits.filter(arises_in_group=BeneficiaryGroup.CITIZENS).exists()
    assert benefits.filter(arises_in_organisation__short_name="SKE").exists()
    assert 10 <= Benefit.objects.filter(programme__slug__in=DEMO_SLUGS).count() <= 16


def test_a_benefit_lands_in_the_banks_while_agencies_pay(framtidens):
    in_banks = Benefit.objects.filter(programme=framtidens, arises_in_group="private_sector") | (
        Benefit.objects.filter(
            programme=framtidens, arises_in_organisation__kind=OrganisationKind.PRIVATE
        )
    )
    paid_by_agencies = []
    for benefit in in_banks.distinct():
        payers = set(
            CostLine.objects.filter(initiative__benefits=benefit).values_list(
                "organisation__kind", "organisation__short_name"
            )
        )
        if payers and all(kind == OrganisationKind.AGENCY for kind, _short in payers):
            paid_by_agencies.append({short for _kind, short in payers})
    assert {"SKE", "BRREG"} in paid_by_agencies
    consent = framtidens.initiatives.get(code=CONSENT_CODE)
    assert consent.cost_likely > 0
    assert consent.benefits.filter(arises_in_group=BeneficiaryGroup.CITIZENS).exists()


def test_the_story_holds_on_the_day_it_is_loaded(demo_loaded, db):
    benefits = benefits_with_progress()
    assert_story_holds(benefits)
    unconfirmed = [b for b in benefits if not b.confirmed]
    confirmed = [b for b in benefits if b.confirmed]
    assert unconfirmed
    assert confirmed
    assert all(b.confirmed_by_id == b.owner_id is not None for b in confirmed)


@pytest.mark.parametrize(
    "day", [dt.date(2027, 2, 28), dt.date(2028, 2, 29), dt.date(2029, 8, 31), dt.date(2031, 1, 1)]
)
def test_the_story_holds_whatever_day_it_is_loaded(demo_loaded, db, day):
    Benefit.objects.filter(programme__slug__in=DEMO_SLUGS).delete()
    assert load_benefits_demo(today=day) > 0
    assert_story_holds(benefits_with_progress(today=day))


def test_the_kinds_are_mixed_and_filled_in_as_each_kind_needs(demo_loaded, db):
    benefits = Benefit.objects.filter(programme__slug__in=DEMO_SLUGS)
    assert set(benefits.values_list("kind", flat=True)) == set(BenefitKind.values)
    assert benefits.filter(kind=BenefitKind.EFFICIENCY, budget_cut_share__gt=0).exists()
    quality = benefits.filter(kind=BenefitKind.QUALITY)
    assert quality.exists()
    assert all(
        not b.priced and b.plus_minus is not None and b.plus_minus_reasoning for b in quality
    )
    priced_others = benefits.filter(kind=BenefitKind.OTHERS, priced=True)
    assert priced_others.exists()
    for benefit in benefits.filter(priced=True):
        assert benefit.amounts.count() >= 3
        assert 0 < benefit.total_low <= benefit.total_likely <= benefit.total_high
    assert not benefits.filter(owner_organisation__isnull=True).exists()
    assert benefits.filter(risks__isnull=False).distinct().count() >= 5


def test_shares_never_pass_100_and_one_benefit_is_shared(demo_loaded, db):
    benefits = Benefit.objects.filter(programme__slug__in=DEMO_SLUGS).prefetch_related(
        "contributions"
    )
    shared = []
    for benefit in benefits:
        shares = [c.share for c in benefit.contributions.all()]
        assert shares
        assert sum(shares) <= 100
        if len(shares) >= 2:
            shared.append(sorted(shares))
    assert [40, 60] in shared


def test_the_demo_owner_records_for_a_benefit_of_another_agencys_initiative(framtidens):
    owner = User.objects.get(username="eier")
    benefits = Benefit.objects.filter(programme=framtidens, owner=owner).prefetch_related(
        "initiatives"
    )
    across = [
        (benefit, initiative)
        for benefit in benefits
        for initiative in benefit.initiatives.all()
        if initiative.owner_organisation_id != benefit.owner_organisation_id
    ]
    assert across
    benefit, initiative = across[0]
    assert can(owner, Action.EDIT, benefit)
    assert can(owner, Action.EDIT, benefit.indicators.first())
    assert not can(owner, Action.EDIT, initiative)


def test_the_extra_organisations_have_valid_numbers_and_exist(demo_loaded, db):
    for orgnr, name, *_rest in ORGANISATIONS_EXTRA:
        assert is_valid_orgnr(orgnr)
        assert Organisation.objects.get(orgnr=orgnr).name == name


def test_loading_again_changes_nothing_even_on_another_day(demo_loaded, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    first = nytte_row_counts()
    assert load_demo() == 0
    assert load_benefits_demo(today=dt.date.today() + dt.timedelta(days=100)) == 0
    assert nytte_row_counts() == first
