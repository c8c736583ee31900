"""The scale data set every benchmark shares: a national portfolio in one Nytte.

One programme (slug ``benchmark``) with 10 000 initiatives and 100 000 cost lines (built by
``portfolio.generate``: participants, life events, goals, dependencies, risks, status
reports, change log), and on top of it 20 000 benefits with contributions and yearly
amounts, 40 000 indicators with targets and 400 000 measurements, 5 000 proposals with
criteria, assessments, scores and links; beside it 50 small programmes (20 initiatives, 10
benefits, 10 proposals each) that the benchmark user may not see, so that permission
filtering is exercised. Everything goes in with ``bulk_create`` from a seeded generator;
derived data are kept as the services keep them: initiative cost totals through
``refresh_cost_totals``, benefit totals through ``refresh_amount_totals``, and every
programme's register version moved on.

Use it from a benchmark after ``django.setup()``::

    from scale_data import load
    data = load(cache=Path("var/scale.sqlite3"))  # or cache=None: always generate

On SQLite, ``cache`` names a file: when it exists the database is copied from it (and
migrated) instead of generated; when not, the generated database is copied there for the
next run. The cache is ignored on PostgreSQL. Sizes are fixed by ``Size``; pass a smaller
one for a quick look (``Size.small()``), not for the figures.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

SLUG = "benchmark"
FACILITATOR = "bench-fasilitator"
BATCH = 5000


@dataclass(frozen=True)
class Size:
    initiatives: int = 10_000
    cost_lines: int = 100_000
    benefits: int = 20_000
    indicators_per_benefit: int = 2
    measurements_per_indicator: int = 10
    proposals: int = 5_000
    small_programmes: int = 50

    @classmethod
    def small(cls) -> Size:
        return cls(1_000, 10_000, 2_000, 2, 10, 500, 5)

    @classmethod
    def scaled(cls, fraction: float) -> Size:
        """A fraction of the full size (for iterating; the figures are at full size)."""
        full = cls()
        return cls(
            max(20, round(full.initiatives * fraction)),
            max(200, round(full.cost_lines * fraction)),
            max(40, round(full.benefits * fraction)),
            full.indicators_per_benefit,
            full.measurements_per_indicator,
            max(10, round(full.proposals * fraction)),
            max(1, round(full.small_programmes * fraction)),
        )


@dataclass
class ScaleData:
    programme: Any
    facilitator: Any
    initiative_code: str
    benefit_code: str
    proposal_number: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    cached: bool = False


def load(
    cache: Path | None = None, size: Size | None = None, seed: int = 2026, reuse: bool = False
) -> ScaleData:
    """Migrate and fill the database (or copy it from ``cache``); return what pages need.
    With ``reuse`` (a kept PostgreSQL database) data already generated there are used."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    size = size or Size()
    started = time.perf_counter()
    sqlite = connection.vendor == "sqlite"
    db_file = Path(settings.DATABASES["default"]["NAME"]) if sqlite else None
    if sqlite and cache is not None and Path(cache).exists():
        connection.close()
        shutil.copyfile(cache, db_file)
        call_command("migrate", interactive=False, verbosity=0)
        data = _find()
        data.cached = True
    elif reuse and _generated():
        data = _find()
        data.cached = True
    else:
        if sqlite:
            call_command("migrate", interactive=False, verbosity=0)
        data = generate(size, seed)
        if not sqlite:
            # What autovacuum does on a production server after a bulk load: without the
            # tables' statistics PostgreSQL plans as if they were empty, and without their
            # visibility maps it cannot count or read from an index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        if sqlite and cache is not None:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            Path(cache).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(db_file, cache)
    data.counts = counts(data.programme)
    data.seconds = time.perf_counter() - started
    return data


def _generated() -> bool:
    from nytte.core.models import Programme

    return Programme.objects.filter(slug=SLUG).exists()


def _find() -> ScaleData:
    from nytte.benefits.models import Benefit
    from nytte.core.models import Programme, User
    from nytte.proposals.models import Proposal

    programme = Programme.objects.get(slug=SLUG)
    initiatives = programme.initiatives.order_by("pk").values_list("code", flat=True)
    return ScaleData(
        programme=programme,
        facilitator=User.objects.get(username=FACILITATOR),
        initiative_code=initiatives[initiatives.count() // 2],
        benefit_code=Benefit.objects.filter(programme=programme)
        .order_by("pk")
        .values_list("code", flat=True)[0],
        proposal_number=Proposal.objects.filter(programme=programme)
        .order_by("number")
        .values_list("number", flat=True)[0],
    )


def counts(programme: Any) -> dict[str, int]:
    from nytte.benefits.models import Benefit, Contribution, Indicator, Measurement
    from nytte.core.models import Programme
    from nytte.portfolio.models import CostLine, Initiative
    from nytte.proposals.models import Assessment, Proposal, ProposalLink

    return {
        "initiatives": Initiative.objects.filter(programme=programme).count(),
        "cost lines": CostLine.objects.filter(initiative__programme=programme).count(),
        "benefits": Benefit.objects.filter(programme=programme).count(),
        "contributions": Contribution.objects.filter(benefit__programme=programme).count(),
        "indicators": Indicator.objects.filter(benefit__programme=programme).count(),
        "measurements": Measurement.objects.filter(indicator__benefit__programme=programme).count(),
        "proposals": Proposal.objects.filter(programme=programme).count(),
        "assessments": Assessment.objects.filter(proposal__programme=programme).count(),
        "proposal links": ProposalLink.objects.filter(proposal__programme=programme).count(),
        "other programmes": Programme.objects.exclude(pk=programme.pk).count(),
        "initiatives in all programmes": Initiative.objects.count(),
    }


def generate(size: Size, seed: int = 2026) -> ScaleData:
    from django.db import models, transaction
    from portfolio import generate as generate_portfolio

    from nytte.benefits.services.lines import refresh_amount_totals
    from nytte.core.models import Programme
    from nytte.portfolio.models import Initiative
    from nytte.portfolio.services import refresh_cost_totals

    rnd = random.Random(seed)
    portfolio = generate_portfolio(size.initiatives, size.cost_lines, seed=seed)
    programme = portfolio.programme
    with transaction.atomic():
        benefits = _benefits(rnd, programme, size.benefits)
        _indicators(rnd, benefits, size)
        _proposals(rnd, programme, portfolio.facilitator, size.proposals)
        for k in range(size.small_programmes):
            _small_programme(rnd, k, programme.owner)
        # Derived data as the services keep them.
        for initiative in Initiative.objects.only("pk").order_by("pk").iterator():
            refresh_cost_totals(initiative)
        for benefit in benefits:
            refresh_amount_totals(benefit)
        Programme.objects.update(register_version=models.F("register_version") + 1)
    programme.refresh_from_db()
    data = _find()
    data.initiative_code = portfolio.detail_code
    return data


def _benefits(rnd: random.Random, programme: Any, n: int, prefix: str = "N") -> list[Any]:
    from nytte.benefits.choices import BeneficiaryGroup, BenefitKind, BenefitStatus
    from nytte.benefits.models import Benefit, BenefitAmount, Contribution
    from nytte.portfolio.choices import GoalLevel
    from nytte.portfolio.models import Goal, Initiative

    orgs = list(programme.participants.order_by("pk"))
    goals = list(Goal.objects.filter(programme=programme, level=GoalLevel.IMPACT))
    initiative_ids = list(
        Initiative.objects.filter(programme=programme).order_by("pk").values_list("pk", flat=True)
    )
    rows = []
    for k in range(1, n + 1):
        kind = rnd.choices(BenefitKind.values, weights=(5, 2, 3))[0]
        priced = kind != BenefitKind.QUALITY and rnd.random() < 0.8
        in_org = kind != BenefitKind.OTHERS
        rows.append(
            Benefit(
                programme=programme,
                code=f"{prefix}-{k}",
                title=f"Gevinst {k}: mindre dobbeltarbeid del {k % 89}",
                description="Gevinsten oppstår når tjenestene henger sammen. " * 3,
                kind=kind,
                priced=priced,
                impact_goal=rnd.choice(goals) if goals and rnd.random() < 0.9 else None,
                arises_in_organisation=rnd.choice(orgs) if in_org else None,
                arises_in_group="" if in_org else rnd.choice(BeneficiaryGroup.values),
                owner_organisation=rnd.choice(orgs) if rnd.random() < 0.8 else None,
                budget_cut_share=Decimal(rnd.choice((0, 0, 25, 50))) if priced else 0,
                plus_minus=None if priced else rnd.randint(-1, 4),
                plus_minus_reasoning="" if priced else "Skjønn.",
                status=rnd.choice(BenefitStatus.values),
            )
        )
    benefits = Benefit.objects.bulk_create(rows, batch_size=BATCH)
    benefits = list(Benefit.objects.filter(programme=programme).order_by("pk"))
    contributions, amounts = [], []
    for benefit in benefits:
        chosen = rnd.sample(initiative_ids, min(len(initiative_ids), rnd.randint(1, 3)))
        shares = [Decimal(rnd.randint(10, 100 // len(chosen))) for _ in chosen]
        contributions += [
            Contribution(benefit=benefit, initiative_id=pk, share=share)
            for pk, share in zip(chosen, shares, strict=True)
        ]
        if benefit.priced:
            for year in range(2026, 2030):
                likely = rnd.randint(1, 200) * 100_000
                amounts.append(
                    BenefitAmount(
                        benefit=benefit,
                        year=year,
                        low=likely * 7 // 10,
                        likely=likely,
                        high=likely * 13 // 10,
                    )
                )
    Contribution.objects.bulk_create(contributions, batch_size=BATCH)
    BenefitAmount.objects.bulk_create(amounts, batch_size=BATCH)
    return benefits


def _indicators(rnd: random.Random, benefits: list[Any], size: Size) -> None:
    from nytte.benefits.choices import Direction, Frequency
    from nytte.benefits.models import Indicator, Measurement, Target

    rows = []
    for benefit in benefits:
        for k in range(size.indicators_per_benefit):
            rows.append(
                Indicator(
                    benefit=benefit,
                    name=f"Indikator {k + 1} for {benefit.code}",
                    unit="saker",
                    direction=rnd.choice(Direction.values),
                    frequency=rnd.choice(Frequency.values),
                    baseline_value=Decimal(rnd.randint(100, 1000)),
                    baseline_date=dt.date(2025, 1, 1),
                )
            )
    Indicator.objects.bulk_create(rows, batch_size=BATCH)
    ids = list(
        Indicator.objects.filter(benefit__programme_id=benefits[0].programme_id)
        .order_by("pk")
        .values_list("pk", "baseline_value")
    )
    targets, measurements = [], []
    for pk, base in ids:
        targets.append(Target(indicator_id=pk, date=dt.date(2027, 12, 31), value=base * 2))
        targets.append(Target(indicator_id=pk, date=dt.date(2029, 12, 31), value=base * 3))
        date = dt.date(2025, 3, 31)
        for _ in range(size.measurements_per_indicator):
            base = base * Decimal(rnd.randint(95, 115)) / 100
            measurements.append(
                Measurement(indicator_id=pk, date=date, value=round(base, 2), source="Statistikk")
            )
            date += dt.timedelta(days=91)
        if len(measurements) >= 50_000:
            Measurement.objects.bulk_create(measurements, batch_size=BATCH)
            measurements = []
    Target.objects.bulk_create(targets, batch_size=BATCH)
    Measurement.objects.bulk_create(measurements, batch_size=BATCH)


def _proposals(rnd: random.Random, programme: Any, facilitator: Any, n: int) -> None:
    from django.utils import timezone

    from nytte.core.choices import Role
    from nytte.core.models import ProgrammeMembership, User
    from nytte.portfolio.models import Initiative
    from nytte.proposals.choices import Dimension, LinkKind, Stage
    from nytte.proposals.models import Assessment, Criterion, Proposal, ProposalLink, Score

    assessors = [
        User.objects.create_user(f"bench-vurderer-{k}", password="x" * 12) for k in range(10)
    ]
    ProgrammeMembership.objects.bulk_create(
        ProgrammeMembership(user=u, programme=programme, role=Role.CONTRIBUTOR) for u in assessors
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(programme=programme, dimension=dim, name=f"{dim} {k}", order=k)
        for dim in Dimension.values
        for k in range(2)
    )
    stages = [s for s in Stage.values if s != Stage.MERGED]
    words = [
        "skjema",
        "samtykke",
        "innbygger",
        "bedrift",
        "melding",
        "fullmakt",
        "arkiv",
        "betaling",
        "tilskudd",
    ]
    Proposal.objects.bulk_create(
        (
            Proposal(
                programme=programme,
                number=k,
                title=f"Forslag {k}: {' '.join(rnd.sample(words, 3))}",
                need=" ".join(rnd.choices(words, k=30)),
                idea=" ".join(rnd.choices(words, k=30)),
                stage=rnd.choice(stages),
                created_by=facilitator,
            )
            for k in range(1, n + 1)
        ),
        batch_size=BATCH,
    )
    proposals = list(
        Proposal.objects.filter(programme=programme).order_by("number").values_list("pk", "stage")
    )
    now = timezone.now()
    assessments = Assessment.objects.bulk_create(
        (
            Assessment(
                proposal_id=pk,
                assessor=assessor,
                requested_by=facilitator,
                due=dt.date(2026, 12, 1),
                submitted_at=now if rnd.random() < 0.7 else None,
            )
            for pk, stage in proposals
            if stage in (Stage.ASSESSMENT, Stage.READY)
            for assessor in rnd.sample(assessors, 2)
        ),
        batch_size=BATCH,
    )
    assessments = Assessment.objects.filter(proposal__programme=programme).values_list(
        "pk", flat=True
    )
    Score.objects.bulk_create(
        (
            Score(assessment_id=a, criterion=c, value=rnd.randint(1, 5))
            for a in assessments
            for c in criteria
        ),
        batch_size=BATCH,
    )
    initiative_ids = list(
        Initiative.objects.filter(programme=programme).values_list("pk", flat=True)[:2000]
    )
    pks = [pk for pk, _ in proposals]
    links = []
    for pk in pks[: len(pks) // 2]:
        if rnd.random() < 0.5:
            target = rnd.choice(pks)
            if target != pk:
                links.append(
                    ProposalLink(
                        proposal_id=pk,
                        kind=rnd.choice([LinkKind.OVERLAP, LinkKind.COMPLEMENTS]),
                        target_proposal_id=target,
                        created_by=facilitator,
                    )
                )
        else:
            links.append(
                ProposalLink(
                    proposal_id=pk,
                    kind=LinkKind.DEPENDS_ON,
                    target_initiative_id=rnd.choice(initiative_ids),
                    created_by=facilitator,
                )
            )
    ProposalLink.objects.bulk_create(links, batch_size=BATCH)


def _small_programme(rnd: random.Random, k: int, owner: Any) -> None:
    """A small programme the benchmark user is not a member of."""
    from nytte.core.models import Programme
    from nytte.portfolio.models import CostLine, Initiative
    from nytte.proposals.models import Proposal

    programme = Programme.objects.create(
        name=f"Liten {k}", slug=f"liten-{k}", owner=owner, start_year=2024, end_year=2031
    )
    programme.participants.set([owner])
    Initiative.objects.bulk_create(
        Initiative(
            programme=programme,
            code=f"L{k}-{n}",
            title=f"Lite tiltak {n}",
            owner_organisation=owner,
        )
        for n in range(20)
    )
    initiatives = list(Initiative.objects.filter(programme=programme))
    CostLine.objects.bulk_create(
        CostLine(
            initiative=i,
            organisation=owner,
            year=2026 + y,
            category="investment",
            low=80,
            likely=100,
            high=150,
        )
        for i in initiatives
        for y in range(3)
    )
    _benefits(rnd, programme, 10, prefix=f"L{k}")
    Proposal.objects.bulk_create(
        Proposal(programme=programme, number=n, title=f"Lite forslag {n}", need="-", idea="-")
        for n in range(1, 11)
    )
