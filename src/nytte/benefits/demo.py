"""Demo benefits for the two demo programmes: where the collection programme's benefits land
(NAV, Skatteetaten, citizens, businesses) and a consent-based loan application in the spirit of
the 2018 digitalisation prize, where Skatteetaten and Brønnøysundregistrene pay and the benefit
lands in the banks and with the borrowers.

Everything goes through the services as ``DEMO`` (``System("demo")``). Indicator dates
are relative to the day the demo is loaded, so on any day some benefits are on track, some
behind plan, one has an overdue measurement and one has no baseline yet. Yearly amounts
follow the initiatives' (fixed) plans.

Loading is idempotent: organisations are found by organisation number, the consent-based
initiative, its cost lines and risk by their natural keys, and a benefit by programme and
code. A benefit that exists is left alone with all its lines, so edits made while trying the
demo survive, and a second run on another day adds no measurements with shifted dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nytte.core.actors import System
from nytte.core.choices import OrganisationKind
from nytte.core.demo import ORGANISATIONS
from nytte.core.models import Organisation, Programme, User
from nytte.core.services import organisation_create
from nytte.portfolio import services as portfolio_services
from nytte.portfolio.choices import CostCategory, Phase, RiskStatus, StatusColour
from nytte.portfolio.demo import Costs, amounts
from nytte.portfolio.models import CostLine, Goal, Initiative, Risk

from . import services
from .choices import BeneficiaryGroup, BenefitKind, BenefitStatus, Direction, Frequency
from .models import Benefit
from .realisation import add_months

DEMO = System("demo")

FI, SDB = "framtidens-innkreving", "starte-og-drive-bedrift"
EFF, QUAL, OTHERS = BenefitKind.EFFICIENCY, BenefitKind.QUALITY, BenefitKind.OTHERS
CITIZENS = BeneficiaryGroup.CITIZENS
BUSINESSES = BeneficiaryGroup.BUSINESSES
PRIVATE_SECTOR = BeneficiaryGroup.PRIVATE_SECTOR
INC, DEC = Direction.INCREASE, Direction.DECREASE
QUARTERLY, HALF_YEARLY, YEARLY = Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY

# (orgnr, name, short name, kind) — real organisation numbers (modulus-11 checked in the tests;
# Finans Norge's from its privacy statement, SpareBank 1 SMN's from its annual reports).
ORGANISATIONS_EXTRA = [
    ("994970925", "Finans Norge", "Finans Norge", OrganisationKind.OTHER),
    ("937901003", "SpareBank 1 SMN", "SpareBank 1 SMN", OrganisationKind.PRIVATE),
]

# ---------------------------------------------------------------------------------------------
# The consent-based loan application: one initiative in Framtidens innkreving, paid by the
# agencies, with its benefit in the banks and with the borrowers (domain §10).

CONSENT_CODE = "FI-21"
CONSENT_PHASE = Phase.EXECUTE
CONSENT_INITIATIVE = {
    "code": CONSENT_CODE,
    "title": "Samtykkebasert lånesøknad med gjeld til staten",
    "description": (
        "Låntakeren samtykker i Altinn, og banken henter inntekt, formue og gjeld til staten "
        "fra Skatteetaten og heftelser fra Løsøreregisteret i Brønnøysundregistrene. Bygger på "
        "den samtykkebaserte lånesøknaden som vant digitaliseringsprisen i 2018, nå med "
        "statlige krav fra gjeldsoversikten. Etatene bærer kostnadene; gevinsten oppstår i "
        "hovedsak i bankene og hos låntakerne."
    ),
    "phase": CONSENT_PHASE,
    "status": StatusColour.GREEN,
    "planned_start": dt.date(2025, 3, 1),
    "planned_end": dt.date(2027, 6, 30),
}
CONSENT_OWNER = ("SKE", "eier")
CONSENT_PARTICIPANTS = ("BRREG", "DNB", "SpareBank 1 SMN", "Finans Norge")
CONSENT_GOALS = {"EM-4": 60, "EM-3": 40}
CONSENT_COSTS = (
    Costs("SKE", CostCategory.INVESTMENT, 2025, (4, 7, 3)),
    Costs("BRREG", CostCategory.INVESTMENT, 2025, (1.5, 2.5)),
    Costs("SKE", CostCategory.OPERATION, 2028, (1.5, 1.5, 1.5)),
    Costs("BRREG", CostCategory.OPERATION, 2027, (0.4, 0.4, 0.4, 0.4)),
)
CONSENT_RISK = {
    "title": "Få banker utenom pilotbankene tar løsningen i bruk",
    "probability": 3,
    "consequence": 3,
    "owner": "Produkteier, Skatteetaten",
    "mitigation": (
        "Finans Norge formidler erfaringene fra pilotbankene; felles tilknytningsløp for banker "
        "som bruker samme leverandør."
    ),
    "status": RiskStatus.MITIGATING,
}

# ---------------------------------------------------------------------------------------------
# Benefits. Months are counted from the day the demo is loaded (negative: in the past).


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    unit: str
    method: str
    data_source: str
    measuring_cost: int
    direction: str
    frequency: str
    baseline: tuple[int, float] | None  # (months from today, value)
    targets: tuple[tuple[int, float], ...]
    measurements: tuple[tuple[int, float], ...] = ()
    source: str = ""  # where the measurements come from
    comment: str = ""  # on the latest measurement


@dataclass(frozen=True)
class BenefitSpec:
    programme: str
    code: str
    title: str
    description: str
    kind: str
    goal: str | None  # impact goal code
    owner_org: str  # short name
    arises_org: str = ""  # short name, or
    arises_group: str = ""
    owner: str | None = None  # demo username
    priced: bool = True
    contributions: Mapping[str, int] = field(default_factory=dict)
    budget_cut_share: int = 0
    plus_minus: int | None = None
    plus_minus_reasoning: str = ""
    preconditions: str = ""
    status: str = BenefitStatus.PLANNED
    # (year, most likely NOK millions); low and high as factors of the most likely.
    amounts: tuple[tuple[int, float], ...] = ()
    spread: tuple[float, float] = (0.8, 1.25)
    risks: tuple[tuple[str, str], ...] = ()  # (initiative code, risk title)
    indicators: tuple[IndicatorSpec, ...] = ()
    confirmed_months_ago: int | None = None  # None: the owner has not confirmed


def _years(first: int, *millions: float) -> tuple[tuple[int, float], ...]:
    return tuple((first + offset, m) for offset, m in enumerate(millions))


RISK_FI1_MIGRATION = ("FI-1", "Migrering av krav fra eldre systemer tar lengre tid enn planlagt")
RISK_FI4 = ("FI-4", "NAVs ytelsessystemer endres samtidig i et annet prosjekt")
RISK_CONSENT = (CONSENT_CODE, CONSENT_RISK["title"])

BENEFITS = [
    BenefitSpec(
        FI,
        "G-01",
        "Færre manuelle innkrevingssaker i NAV",
        "Når trekk i ytelser registreres og justeres automatisk, og kravene ligger i den felles "
        "innkrevingsløsningen, forsvinner det meste av den manuelle oppfølgingen av trekk og "
        "innkrevingssaker i NAV. Halvparten av den frigjorte kapasiteten tas ut som "
        "budsjettkutt; resten brukes på veiledning av skyldnere.",
        EFF,
        "EM-2",
        "NAV",
        arises_org="NAV",
        owner="bidragsyter",
        contributions={"FI-4": 60, "FI-1": 40},
        budget_cut_share=50,
        preconditions="NAV Innkreving legger om arbeidsprosessene når API-et for trekk er i "
        "drift, og bemanningen tilpasses i virksomhetsplanen for 2027.",
        status=BenefitStatus.REALISING,
        amounts=_years(2026, 3, 8, 14, 16, 16, 16),
        spread=(0.7, 1.3),
        risks=(RISK_FI4, RISK_FI1_MIGRATION),
        indicators=(
            IndicatorSpec(
                "Manuelle innkrevingssaker i NAV",
                "saker per måned",
                "Saker som krever manuell behandling, som månedsgjennomsnitt for kvartalet.",
                "NAVs saksbehandlingssystem for innkreving (uttrekk)",
                40_000,
                DEC,
                QUARTERLY,
                (-18, 4200),
                ((6, 2500), (18, 1200)),
                ((-16, 4150), (-13, 3900), (-10, 3600), (-7, 3400), (-4, 3150), (-1, 2950)),
                source="Kvartalsrapport fra NAV Innkreving",
                comment="Trekk i dagpenger går nå automatisk; AAP følger i neste leveranse.",
            ),
        ),
        confirmed_months_ago=2,
    ),
    BenefitSpec(
        FI,
        "G-02",
        "Færre trekkpålegg som følges opp manuelt i Skatteetaten",
        "Skatteetatens trekk i NAV-ytelser justeres automatisk når ytelsen endres. Tiltaket "
        "eies av NAV, men gevinsten oppstår i Skatteetaten, som eier den og rapporterer "
        "målingene.",
        EFF,
        "EM-2",
        "SKE",
        arises_org="SKE",
        owner="eier",
        contributions={"FI-4": 100},
        budget_cut_share=50,
        status=BenefitStatus.REALISING,
        amounts=_years(2026, 1.5, 4, 5, 5, 5, 5),
        spread=(0.75, 1.25),
        risks=(RISK_FI4,),
        indicators=(
            IndicatorSpec(
                "Trekkpålegg med manuell oppfølging",
                "pålegg per kvartal",
                "Trekkpålegg mot NAV-ytelser som måtte endres manuelt i kvartalet.",
                "Skatteetatens innkrevingssystem, kvartalsrapport",
                20_000,
                DEC,
                QUARTERLY,
                (-20, 9000),
                ((4, 5000), (16, 2500)),
                ((-17, 8900), (-14, 8600), (-11, 8000), (-8, 7400), (-5, 6800)),
                source="Kvartalsrapport fra innkrevingsavdelingen",
            ),
        ),
        confirmed_months_ago=4,
    ),
    BenefitSpec(
        FI,
        "G-03",
        "Flere krav betales innen forfall",
        "Tilgodebeløp motregnes automatisk, og krav kommer som eFaktura i nettbanken, slik at "
        "flere statlige krav er gjort opp på forfallsdagen.",
        QUAL,
        "EM-1",
        "SKE",
        arises_org="SKE",
        owner="eier",
        priced=False,
        contributions={"FI-11": 70, "FI-13": 30},
        plus_minus=3,
        plus_minus_reasoning="Stor betydning: rettidig betaling sparer skyldneren for renter "
        "og staten for purring og tvang. Middels omfang: gjelder krav der skyldneren har "
        "tilgodebeløp eller betaler regninger i nettbanken.",
        status=BenefitStatus.REALISING,
        risks=(("FI-13", "Bankene prioriterer ikke tilpasningen"),),
        indicators=(
            IndicatorSpec(
                "Andel krav betalt innen forfall",
                "prosent",
                "Andel av statlige krav med forfall i perioden som var betalt eller motregnet "
                "på forfallsdagen.",
                "Skatteetatens innkrevingsstatistikk",
                15_000,
                INC,
                HALF_YEARLY,
                (-24, 72.0),
                ((12, 80.0),),
                ((-20, 72.4), (-14, 73.1), (-8, 73.8), (-2, 74.3)),
                source="Halvårsrapport, innkrevingsstatistikken",
                comment="Motregningen virker, men eFaktura i nettbanken (FI-13) kommer senere "
                "enn planlagt.",
            ),
        ),
    ),
    BenefitSpec(
        FI,
        "G-04",
        "Full oversikt over gjeld til staten for innbyggerne",
        "Innbyggere med krav fra flere statlige kravhavere slipper å ringe rundt for å få "
        "oversikt og kan ordne alt på ett sted. Tidsbruken er verdsatt etter DFØs veileder. "
        "Nullpunktsmålingen er ikke gjort: spørreundersøkelsen gjennomføres før "
        "gjeldsoversikten lanseres.",
        OTHERS,
        "EM-3",
        "SKE",
        arises_group=CITIZENS,
        owner="eier",
        contributions={"FI-2": 70, "FI-3": 30},
        preconditions="Nullpunktsmåling før lansering; de fem største kravhaverne er med fra "
        "start.",
        amounts=_years(2028, 6, 12, 15, 15),
        spread=(0.5, 1.8),
        risks=(("FI-2", "Lav bruk hvis oversikten ikke er komplett fra start"),),
        indicators=(
            IndicatorSpec(
                "Tid brukt på å få oversikt over egen gjeld til staten",
                "minutter per person",
                "Spørreundersøkelse blant skyldnere med krav fra minst to statlige kravhavere.",
                "Brukerundersøkelse (planlagt)",
                250_000,
                DEC,
                YEARLY,
                None,
                ((18, 30), (30, 15)),
            ),
        ),
    ),
    BenefitSpec(
        FI,
        "G-05",
        "Færre feil i trekk for innbyggere med NAV-ytelser",
        "Når trekket følger endringer i ytelsen automatisk, får færre for lite å leve av fordi "
        "trekket ikke er justert.",
        OTHERS,
        "EM-4",
        "NAV",
        arises_group=CITIZENS,
        owner="bidragsyter",
        priced=False,
        contributions={"FI-4": 100},
        plus_minus=2,
        plus_minus_reasoning="Middels betydning for den enkelte: feil trekk kan gi for lite å "
        "leve av i en periode. Middels omfang: gjelder alle med trekk i NAV-ytelser.",
        status=BenefitStatus.REALISING,
        risks=(RISK_FI4,),
        indicators=(
            IndicatorSpec(
                "Klager på trekk i NAV-ytelser",
                "klager per kvartal",
                "Klager og henvendelser registrert med årsaken «feil trekk».",
                "NAVs klagestatistikk",
                10_000,
                DEC,
                QUARTERLY,
                (-15, 1800),
                ((9, 900),),
                ((-13, 1770), (-10, 1720), (-7, 1660), (-4, 1620), (-1, 1580)),
                source="NAV klageinstans, kvartalsstatistikk",
                comment="Trekk justeres automatisk bare for dagpenger så langt; AAP og "
                "uføretrygd kommer i neste leveranse.",
            ),
        ),
    ),
    BenefitSpec(
        FI,
        "G-06",
        "Lavere kostnad ved å melde statens krav i konkursbo",
        "Hendelser om konkurs fra Brønnøysundregistrene erstatter manuell lesing av "
        "kunngjøringer, og kravene meldes i boet i tide.",
        EFF,
        "EM-2",
        "SKE",
        arises_org="SKE",
        owner="eier",
        contributions={"FI-6": 100},
        budget_cut_share=50,
        amounts=_years(2027, 2, 3.5, 3.5, 3.5, 3.5),
        risks=(("FI-6", "Mangelfull kvalitet i bostyrers rapportering"),),
        indicators=(
            IndicatorSpec(
                "Timer brukt på å følge med på konkurskunngjøringer",
                "timer per måned",
                "Timer ført på oppgaven i timeregistreringen, som månedsgjennomsnitt.",
                "Skatteetatens timeregistrering",
                5_000,
                DEC,
                QUARTERLY,
                (-4, 620),
                ((5, 300), (17, 120)),
            ),
        ),
    ),
    BenefitSpec(
        FI,
        "G-07",
        "Frigjort kapasitet ved automatisk motregning",
        "Tilgodebeløp motregnes automatisk mot forfalte krav. Gevinsten følges opp mot "
        "nullpunktet fra før løsningen ble tatt i bruk, og halvparten er tatt ut i budsjettet.",
        EFF,
        "EM-2",
        "SKE",
        arises_org="SKE",
        owner="eier",
        contributions={"FI-11": 100},
        budget_cut_share=50,
        status=BenefitStatus.REALISING,
        amounts=_years(2025, 6, 9, 10, 10, 10, 10),
        spread=(0.9, 1.1),
        risks=(("FI-11", "Gevinstene tas ikke ut i budsjettet"),),
        indicators=(
            IndicatorSpec(
                "Årsverk brukt på manuell motregning",
                "årsverk",
                "Timer ført på manuell motregning, omregnet til årsverk.",
                "Skatteetatens timeregistrering",
                5_000,
                DEC,
                HALF_YEARLY,
                (-30, 24),
                ((-6, 12), (6, 9)),
                ((-24, 21), (-18, 17), (-12, 14), (-6, 12), (-1, 11)),
                source="Timeregistreringen, halvårsuttrekk",
            ),
        ),
        confirmed_months_ago=5,
    ),
    BenefitSpec(
        FI,
        "G-08",
        "Sparte timer for bankenes saksbehandlere",
        "Bankene henter inntekt, formue, gjeld til staten og heftelser med låntakerens "
        "samtykke og slipper å samle inn og kontrollere skattemeldinger og lønnsslipper. "
        "Gevinsten oppstår utenfor staten; Finans Norge samler tallene fra bankene.",
        OTHERS,
        None,
        "Finans Norge",
        arises_group=PRIVATE_SECTOR,
        contributions={CONSENT_CODE: 100},
        preconditions="Bankene legger om kredittprosessen slik at dokumentasjon ikke "
        "etterspørres når samtykkedata finnes.",
        status=BenefitStatus.REALISING,
        amounts=_years(2026, 12, 25, 30, 30, 30, 30),
        spread=(0.6, 1.5),
        risks=(RISK_CONSENT,),
        indicators=(
            IndicatorSpec(
                "Saksbehandlingstid per lånesøknad i bankene",
                "minutter",
                "Gjennomsnittlig manuell behandlingstid per boliglånssøknad.",
                "Rapport fra pilotbankene (DNB og SpareBank 1 SMN) via Finans Norge",
                60_000,
                DEC,
                QUARTERLY,
                (-14, 95),
                ((10, 40),),
                ((-11, 92), (-8, 85), (-5, 76), (-2, 68)),
                source="Finans Norge, rapport fra pilotbankene",
            ),
        ),
    ),
    BenefitSpec(
        FI,
        "G-09",
        "Raskere lånesøknad for låntakere",
        "Låntakeren samtykker i stedet for å laste opp dokumenter og får svar raskere, og "
        "banken ser gjelden til staten før lånet innvilges.",
        OTHERS,
        "EM-4",
        "SKE",
        arises_group=CITIZENS,
        owner="eier",
        contributions={CONSENT_CODE: 70, "FI-2": 30},
        status=BenefitStatus.REALISING,
        amounts=_years(2026, 8, 15, 18, 18, 18, 18),
        spread=(0.6, 1.5),
        risks=(RISK_CONSENT,),
        indicators=(
            IndicatorSpec(
                "Andel lånesøknader med svar samme dag",
                "prosent",
                "Andel boliglånssøknader med samtykke der låntakeren fikk svar samme virkedag.",
                "Finans Norges kvartalsstatistikk fra bankene",
                30_000,
                INC,
                QUARTERLY,
                (-12, 35),
                ((12, 85),),
                ((-9, 39), (-6, 43), (-3, 46), (-1, 48)),
                source="Finans Norge, kvartalsstatistikk",
                comment="Bare pilotbankene er i gang; mindre banker venter på leverandøren sin.",
            ),
        ),
    ),
    BenefitSpec(
        FI,
        "G-10",
        "Lavere kostnad per lånesøknad i DNB",
        "DNB slipper å hente inn og kontrollere skattemeldinger, lønnsslipper og gjeldsbrev "
        "manuelt. Tallene er bankens eget anslag og ikke kvalitetssikret; indikator avtales "
        "med banken.",
        OTHERS,
        "EM-4",
        "DNB",
        arises_org="DNB",
        contributions={CONSENT_CODE: 60, "FI-7": 40},
        status=BenefitStatus.IDENTIFIED,
        amounts=_years(2027, 4, 6, 6, 6),
        spread=(0.5, 2.0),
    ),
    BenefitSpec(
        FI,
        "G-11",
        "Færre saker til tvangsinnkreving",
        "Tidlig kontakt ved første mislighold og segmentering etter betalingsevne gjør at "
        "flere får en betalingsavtale før kravet går til tvang.",
        QUAL,
        "EM-4",
        "SKE",
        arises_org="SKE",
        owner="eier",
        priced=False,
        contributions={"FI-8": 60, "FI-19": 40},
        plus_minus=3,
        plus_minus_reasoning="Stor betydning: tvangsinnkreving er belastende for skyldneren "
        "og kostbar for staten. Middels omfang: gjelder skyldnere som misligholder for "
        "første gang.",
        status=BenefitStatus.IDENTIFIED,
        risks=(("FI-19", "Personvernkonsekvensvurderingen avdekker høy restrisiko"),),
        indicators=(
            IndicatorSpec(
                "Nye saker til tvangsinnkreving",
                "saker per år",
                "Krav som går til tvangsinnkreving i løpet av året.",
                "Skatteetatens innkrevingsstatistikk",
                0,
                DEC,
                YEARLY,
                (-10, 310_000),
                ((26, 250_000),),
            ),
        ),
    ),
    BenefitSpec(
        SDB,
        "G-01",
        "Spart tid for gründere ved registrering",
        "Veiviseren hjelper gründeren å velge riktig organisasjonsform og registrere seg "
        "riktig første gang. Tidsbruken er verdsatt etter DFØs veileder.",
        OTHERS,
        "EM-1",
        "BRREG",
        arises_group=BUSINESSES,
        owner="bedrift",
        contributions={"SDB-1": 100},
        status=BenefitStatus.REALISING,
        amounts=_years(2026, 5, 12, 15, 15, 15),
        spread=(0.7, 1.4),
        indicators=(
            IndicatorSpec(
                "Tid fra start i veiviseren til registrert foretak",
                "dager (median)",
                "Median tid fra første besøk i veiviseren til foretaket er registrert i "
                "Enhetsregisteret.",
                "Brønnøysundregistrenes registerstatistikk",
                10_000,
                DEC,
                QUARTERLY,
                (-16, 9.0),
                ((8, 3.0),),
                ((-13, 8.8), (-10, 8.0), (-7, 6.9), (-4, 6.0), (-1, 5.1)),
                source="Registerstatistikken, kvartalsuttrekk",
            ),
        ),
        confirmed_months_ago=1,
    ),
    BenefitSpec(
        SDB,
        "G-02",
        "Færre feil i registrene ved oppstart",
        "Opplysninger gis én gang og kontrolleres mot Skatteetatens veiledning, slik at færre "
        "registermeldinger må returneres for retting.",
        QUAL,
        "EM-2",
        "BRREG",
        arises_org="BRREG",
        owner="bedrift",
        priced=False,
        contributions={"SDB-2": 60, "SDB-3": 40},
        plus_minus=2,
        plus_minus_reasoning="Middels betydning: feil i registrene forplanter seg til andre "
        "etater. Middels omfang: gjelder nye foretak.",
        risks=(("SDB-2", "Skatteetatens endringer i Merverdiavgiftsregisteret kommer for sent"),),
        indicators=(
            IndicatorSpec(
                "Registermeldinger som returneres for retting",
                "prosent",
                "Andel registermeldinger fra nye foretak som returneres for retting.",
                "Brønnøysundregistrenes saksbehandlingssystem",
                10_000,
                DEC,
                QUARTERLY,
                (-2, 18.0),
                ((14, 12.0), (26, 6.0)),
            ),
        ),
    ),
    BenefitSpec(
        SDB,
        "G-03",
        "Færre henvendelser til Skatteetaten om mva ved oppstart",
        "Tilpasset veiledning om forskuddsskatt og merverdiavgift i veiviseren gir færre "
        "spørsmål fra nye foretak.",
        EFF,
        "EM-2",
        "SKE",
        arises_org="SKE",
        contributions={"SDB-3": 100},
        budget_cut_share=50,
        status=BenefitStatus.IDENTIFIED,
        amounts=_years(2028, 1.5, 2.5, 2.5),
        indicators=(
            IndicatorSpec(
                "Henvendelser om mva fra nye foretak",
                "henvendelser per måned",
                "Henvendelser på telefon og chat om mva fra foretak registrert siste år.",
                "Skatteetatens kontaktsenterstatistikk",
                5_000,
                DEC,
                QUARTERLY,
                (-6, 2400),
                ((24, 1500),),
            ),
        ),
    ),
]


# ---------------------------------------------------------------------------------------------
# Loading


def _nok(millions: float) -> int:
    """NOK millions to NOK, rounded to NOK 100 000."""
    return round(millions * 10) * 100_000


def _organisations() -> tuple[dict[str, Organisation], int]:
    """The demo organisations by short name, creating the extra ones where missing."""
    created = 0
    existing = {o.orgnr: o for o in Organisation.objects.all()}
    for orgnr, name, short, kind in ORGANISATIONS_EXTRA:
        if orgnr not in existing:
            existing[orgnr] = organisation_create(
                name=name, orgnr=orgnr, kind=kind, short_name=short, acting_user=DEMO
            )
            created += 1
    shorts = [(orgnr, short) for orgnr, _n, short, *_rest in ORGANISATIONS]
    shorts += [(orgnr, short) for orgnr, _n, short, _k in ORGANISATIONS_EXTRA]
    return {short: existing[orgnr] for orgnr, short in shorts if orgnr in existing}, created


def _consent_initiative(programme: Programme, orgs: dict[str, Organisation]) -> int:
    """The consent-based loan application, its cost lines and its risk, where missing."""
    created = 0
    initiative = Initiative.objects.filter(programme=programme, code=CONSENT_CODE).first()
    if initiative is None:
        owner_org, owner = CONSENT_OWNER
        goals = {g.code: g for g in Goal.objects.filter(programme=programme)}
        initiative = portfolio_services.initiative_create(
            programme=programme,
            data={
                **CONSENT_INITIATIVE,
                "owner_organisation": orgs[owner_org],
                "owner": User.objects.filter(username=owner).first(),
            },
            participants=[orgs[p] for p in CONSENT_PARTICIPANTS],
            goals={goals[code]: w for code, w in CONSENT_GOALS.items() if code in goals},
            acting_user=DEMO,
        )
        created += 1
    cost_keys = set(
        CostLine.objects.filter(initiative=initiative).values_list(
            "organisation_id", "year", "category"
        )
    )
    for costs in CONSENT_COSTS:
        org = orgs[costs.org]
        for offset, millions in enumerate(costs.millions):
            year = costs.first_year + offset
            if (org.pk, year, costs.category) in cost_keys:
                continue
            portfolio_services.cost_line_create(
                initiative=initiative,
                organisation=org,
                year=year,
                category=costs.category,
                acting_user=DEMO,
                **amounts(millions, CONSENT_PHASE, year),
            )
            created += 1
    if not Risk.objects.filter(initiative=initiative, title=CONSENT_RISK["title"]).exists():
        portfolio_services.risk_create(initiative=initiative, acting_user=DEMO, **CONSENT_RISK)
        created += 1
    return created


def _indicator(benefit: Benefit, spec: IndicatorSpec, today: dt.date) -> int:
    def on(months: int) -> dt.date:
        return add_months(today, months)

    indicator = services.indicator_create(
        benefit=benefit,
        name=spec.name,
        unit=spec.unit,
        method=spec.method,
        data_source=spec.data_source,
        measuring_cost=spec.measuring_cost,
        direction=spec.direction,
        frequency=spec.frequency,
        baseline_value=Decimal(str(spec.baseline[1])) if spec.baseline else None,
        baseline_date=on(spec.baseline[0]) if spec.baseline else None,
        acting_user=DEMO,
    )
    for months, value in spec.targets:
        services.target_create(
            indicator=indicator, date=on(months), value=Decimal(str(value)), acting_user=DEMO
        )
    last = len(spec.measurements) - 1
    rows = [
        services.MeasurementRow(
            indicator=indicator,
            date=on(months),
            value=Decimal(str(value)),
            source=spec.source,
            comment=spec.comment if n == last else "",
        )
        for n, (months, value) in enumerate(spec.measurements)
    ]
    if rows:
        services.measurements_append(rows, acting_user=DEMO)
    return 1 + len(spec.targets) + len(rows)


def _benefit(
    spec: BenefitSpec,
    programme: Programme,
    orgs: dict[str, Organisation],
    initiatives: dict[str, Initiative],
    risks: dict[tuple[str, str], Risk],
    goals: dict[str, Goal],
    users: dict[str, User],
    today: dt.date,
) -> int:
    benefit = services.benefit_create(
        programme=programme,
        data={
            "code": spec.code,
            "title": spec.title,
            "description": spec.description,
            "kind": spec.kind,
            "priced": spec.priced,
            "impact_goal": goals.get(spec.goal) if spec.goal else None,
            "arises_in_organisation": orgs[spec.arises_org] if spec.arises_org else None,
            "arises_in_group": spec.arises_group,
            "owner_organisation": orgs[spec.owner_org],
            "owner": users.get(spec.owner) if spec.owner else None,
            "budget_cut_share": Decimal(spec.budget_cut_share),
            "plus_minus": spec.plus_minus,
            "plus_minus_reasoning": spec.plus_minus_reasoning,
            "preconditions": spec.preconditions,
            "status": spec.status,
        },
        contributions={initiatives[code]: share for code, share in spec.contributions.items()},
        risks=[risks[key] for key in spec.risks if key in risks],
        acting_user=DEMO,
    )
    created = 1 + len(spec.contributions)
    low_f, high_f = spec.spread
    for year, millions in spec.amounts:
        services.amount_create(
            benefit=benefit,
            year=year,
            low=_nok(millions * low_f),
            likely=_nok(millions),
            high=_nok(millions * high_f),
            acting_user=DEMO,
        )
        created += 1
    for indicator in spec.indicators:
        created += _indicator(benefit, indicator, today)
    # Last, as new amounts clear a confirmation. The system records the owner's confirmation
    # (``benefit_confirm`` would log the owner as the one who changed it).
    if spec.confirmed_months_ago is not None and benefit.owner is not None:
        benefit.refresh_from_db()  # the totals the amounts refreshed, or saving undoes them
        services.benefit_update(
            benefit=benefit,
            data={
                "confirmed_by": benefit.owner,
                "confirmed_on": add_months(today, -spec.confirmed_months_ago),
            },
            acting_user=DEMO,
        )
    return created


@transaction.atomic
def load_benefits_demo(*, today: dt.date | None = None) -> int:
    """Load the demo benefits that are missing; return the number of objects created (0 when
    everything is there). Run after the portfolio demo: benefits hang on its initiatives.
    ``today`` is the day the indicator dates are counted from (default: today)."""
    today = today or timezone.localdate()
    orgs, created = _organisations()
    programmes = {p.slug: p for p in Programme.objects.filter(slug__in=[FI, SDB])}
    if FI in programmes:
        created += _consent_initiative(programmes[FI], orgs)
    usernames = {spec.owner for spec in BENEFITS if spec.owner}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    for slug, programme in programmes.items():
        specs = [s for s in BENEFITS if s.programme == slug]
        existing = set(Benefit.objects.filter(programme=programme).values_list("code", flat=True))
        missing = [s for s in specs if s.code not in existing]
        if not missing:
            continue
        initiatives = {i.code: i for i in Initiative.objects.filter(programme=programme)}
        goals = {g.code: g for g in Goal.objects.filter(programme=programme)}
        risks = {
            (r.initiative.code, r.title): r
            for r in Risk.objects.filter(initiative__programme=programme).select_related(
                "initiative"
            )
        }
        for spec in missing:
            if not all(code in initiatives for code in spec.contributions):
                continue  # the portfolio demo was changed; leave this benefit out
            created += _benefit(spec, programme, orgs, initiatives, risks, goals, users, today)
    return created
