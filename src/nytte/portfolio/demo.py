"""Demo portfolio for the two demo programmes: goals, life events, initiatives with costs,
dependencies, risks and status reports that someone from Skatteetaten, NAV or
Brønnøysundregistrene would recognise.

Everything goes through the portfolio services with ``acting_user=DEMO`` (``System("demo")``), so
the change log shows how the demo came about. Loading is idempotent: objects are found by
their natural keys (programme slug + code, life event slug, and the unique keys of cost
lines, dependencies and status reports) and only missing ones are created. Objects that
exist are left alone, so edits made while trying the demo survive a second ``nytte demo``.

Amounts are in NOK millions per year (most likely), fictitious but of a plausible size.
Low and high follow from the phase: the earlier the phase, the wider the range; years
already accounted for (before ``ACCOUNTED_BEFORE``) are actuals with no range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from nytte.core.actors import System
from nytte.core.demo import ORGANISATIONS
from nytte.core.models import Organisation, Programme, User
from nytte.core.services import programme_update

from . import services
from .choices import CostCategory, DependencyKind, GoalLevel, Phase, RiskStatus, StatusColour
from .models import CostLine, Dependency, Goal, Initiative, LifeEvent, Risk, StatusReport

DEMO = System("demo")  # the actor of every write the demo makes

ACCOUNTED_BEFORE = 2026

# Low and high as factors of the most likely amount, by phase (Prosjektveiviseren: the
# estimate narrows as the initiative matures).
RANGE_BY_PHASE: dict[str, tuple[float, float]] = {
    Phase.IDEA: (0.6, 2.0),
    Phase.CONCEPT: (0.75, 1.6),
    Phase.PLAN: (0.85, 1.35),
    Phase.EXECUTE: (0.9, 1.2),
    Phase.CLOSE: (0.95, 1.1),
    Phase.REALISE: (0.95, 1.1),
}

INV, OPS, OTHER = CostCategory.INVESTMENT, CostCategory.OPERATION, CostCategory.OTHER
REQ, ENA, CON = DependencyKind.REQUIRES, DependencyKind.ENABLES, DependencyKind.CONFLICTS
G, Y, R = StatusColour.GREEN, StatusColour.YELLOW, StatusColour.RED

# Who owns initiatives in the demo, by programme and owning organisation (short name).
OWNER_USERS = {
    ("framtidens-innkreving", "SKE"): "eier",
    ("starte-og-drive-bedrift", "BRREG"): "bedrift",
}


@dataclass(frozen=True)
class Costs:
    """One organisation's costs in one category for consecutive years from ``first_year``."""

    org: str
    category: str
    first_year: int
    millions: tuple[float, ...]


@dataclass(frozen=True)
class Spec:
    code: str
    title: str
    description: str
    org: str
    phase: str
    start: dt.date | None
    end: dt.date | None
    status: str = G
    reason: str = ""
    mandatory: bool = False
    digitalisation: bool = True
    participants: tuple[str, ...] = ()
    life_events: tuple[str, ...] = ()
    goals: Mapping[str, int] = field(default_factory=dict)
    costs: tuple[Costs, ...] = ()


def d(year: int, month: int, day: int = 1) -> dt.date:
    return dt.date(year, month, day)


# (slug, name, responsible ministry orgnr or None, description) — the life events of the
# national digitalisation strategy 2019–2025. Ministries outside the demo are named only.
LIFE_EVENTS = [
    (
        "fa-barn",
        "Få barn",
        "983887457",
        "Fra termin til barnet begynner i barnehagen. I strategien under ASD, nå "
        "Arbeids- og inkluderingsdepartementet; NAV har en sentral rolle.",
    ),
    (
        "alvorlig-sykt-barn",
        "Alvorlig sykt barn",
        None,
        "Foreldre til alvorlig syke barn skal slippe å koordinere tjenestene selv. "
        "Ansvarlig departement: Helse- og omsorgsdepartementet (HOD).",
    ),
    (
        "miste-og-finne-jobb",
        "Miste og finne jobb",
        "983887457",
        "Fra oppsigelse til ny jobb: dagpenger, veiledning og økonomi underveis. "
        "Arbeids- og inkluderingsdepartementet og NAV.",
    ),
    (
        "ny-i-norge",
        "Ny i Norge",
        "983887457",
        "Registrering, skattekort, bank og arbeid for dem som flytter til Norge. I strategien "
        "under KD; integreringsfeltet ligger nå hos Arbeids- og inkluderingsdepartementet.",
    ),
    (
        "dodsfall-og-arv",
        "Dødsfall og arv",
        "972417858",
        "Alt etterlatte og arvinger må ordne opp i: dødsbo, gjeld og arv. "
        "Kommunal- og distriktsdepartementet med Digdir.",
    ),
    (
        "starte-og-drive-frivillig-organisasjon",
        "Starte og drive en frivillig organisasjon",
        None,
        "Registrering i Frivillighetsregisteret, momskompensasjon og rapportering. "
        "Ansvarlig departement: Kultur- og likestillingsdepartementet, med "
        "Brønnøysundregistrene.",
    ),
    (
        "starte-og-drive-bedrift",
        "Starte og drive en bedrift",
        "912660680",
        "Fra idé og registrering til regnskap, ansatte og eventuelt avvikling. "
        "Nærings- og fiskeridepartementet med Brønnøysundregistrene.",
    ),
]

FI_TARGET_PICTURE = """\
## Målbilde 2028: innkrevingen skjer bare

Krav til staten betales som en naturlig del av brukerens egne prosesser. Den som skylder
staten penger, møter én stat – ikke én etat per krav.

- **Én oversikt.** Innbyggere og virksomheter ser alle krav, avtaler og trekk samlet,
  uansett hvilken etat kravet kommer fra, og kan ordne alt på ett sted.
- **Én felles innkrevingsløsning.** Skatteetaten krever inn på vegne av statlige
  kravhavere på én løsning med felles begreper og felles regler for dekningsrekkefølge.
- **Betaling der brukeren allerede er.** Krav kommer som eFaktura i nettbanken, og trekk i
  lønn og ytelser beregnes én gang, på tvers av NAV og Skatteetaten.
- **Data deles, ikke dokumenter.** Opplysninger om konkursbo, roller og krav hentes fra
  kilden (Brønnøysundregistrene, NAV, Skatteetaten) og gjenbrukes.
- **Forebygging før tvang.** Tidlig kontakt og betalingsavtaler tilpasset betalingsevnen
  gjør at færre havner i tvangsinnkreving.

### Slik følger vi det opp

| Effektmål | Indikator |
|---|---|
| Mer betales frivillig og i tide | Andel krav betalt innen forfall |
| Lavere kostnad per innkrevd krone | Innkrevingskostnad per innkrevd krone |
| Full oversikt på ett sted | Andel skyldnere som bruker gjeldsoversikten |
| Færre i alvorlige betalingsproblemer | Antall saker som går til tvangsinnkreving |

Gevinstene tas ut underveis, og der de oppstår – ofte i en annen etat enn den som betaler.
"""

SDB_TARGET_PICTURE = """\
## Målbilde 2029

Den som vil starte bedrift, møter én sammenhengende tjeneste. Opplysninger gis én gang og
deles mellom Brønnøysundregistrene, Skatteetaten og NAV, og veiledningen følger bedriften
fra registrering til første ansatte.
"""

# slug -> (target picture, first year, last year, goals as (code, level, parent, title,
# weight))
PROGRAMME_DETAILS: dict[str, tuple[str, int, int, list[tuple[str, str, str | None, str, int]]]] = {
    "framtidens-innkreving": (
        FI_TARGET_PICTURE,
        2022,
        2030,
        [
            (
                "SM-1",
                GoalLevel.SOCIETAL,
                None,
                "Krav til staten betales riktig og i tide, på en måte som oppleves enkel og "
                "rettferdig, og færre havner i uhåndterlig gjeld",
                100,
            ),
            ("EM-1", GoalLevel.IMPACT, "SM-1", "Mer av kravene betales frivillig og i tide", 35),
            ("EM-2", GoalLevel.IMPACT, "SM-1", "Lavere kostnad per innkrevd krone for staten", 25),
            (
                "EM-3",
                GoalLevel.IMPACT,
                "SM-1",
                "Skyldnere har full oversikt og ordner all gjeld til staten på ett sted",
                25,
            ),
            ("EM-4", GoalLevel.IMPACT, "SM-1", "Færre havner i alvorlige betalingsproblemer", 15),
        ],
    ),
    "starte-og-drive-bedrift": (
        SDB_TARGET_PICTURE,
        2024,
        2029,
        [
            (
                "SM-1",
                GoalLevel.SOCIETAL,
                None,
                "Det er enkelt å starte, drive og avvikle bedrift i Norge",
                100,
            ),
            (
                "EM-1",
                GoalLevel.IMPACT,
                "SM-1",
                "Gründere bruker mindre tid på registrering og rapportering",
                60,
            ),
            ("EM-2", GoalLevel.IMPACT, "SM-1", "Færre feil i registrene ved oppstart", 40),
        ],
    ),
}

FI_INITIATIVES = [
    Spec(
        "FI-1",
        "Felles innkrevingsløsning for staten",
        "Én løsning der Skatteetaten krever inn statlige krav på vegne av kravhaverne, med "
        "felles regler for dekningsrekkefølge, renter og betalingsavtaler. Erstatter flere "
        "eldre systemer. Over terskelen for ekstern kvalitetssikring i statens prosjektmodell; "
        "KS2 ble gjennomført før investeringsbeslutningen i 2024.",
        "SKE",
        Phase.EXECUTE,
        d(2023, 3),
        d(2028, 12, 31),
        status=Y,
        reason="Leveranse 2 (migrering av krav fra eldre systemer) er om lag tre måneder "
        "forsinket; revidert plan legges fram for styringsgruppen i desember.",
        mandatory=True,
        participants=("NAV", "BRREG"),
        goals={"EM-1": 40, "EM-2": 60},
        costs=(
            Costs("SKE", INV, 2023, (28, 62, 95, 110, 84, 45)),
            Costs("SKE", OPS, 2027, (12, 24, 30, 32)),
            Costs("NAV", INV, 2025, (6, 9, 7)),
        ),
    ),
    Spec(
        "FI-2",
        "Samordnet gjeldsoversikt for innbyggeren",
        "«Min gjeld til staten»: én oversikt over krav, betalingsavtaler og trekk fra alle "
        "statlige kravhavere, på skatteetaten.no og gjenbrukbar i NAVs og bankenes flater.",
        "SKE",
        Phase.PLAN,
        d(2026, 2),
        d(2028, 6, 30),
        participants=("NAV",),
        life_events=("miste-og-finne-jobb", "dodsfall-og-arv", "ny-i-norge"),
        goals={"EM-3": 70, "EM-1": 30},
        costs=(
            Costs("SKE", INV, 2026, (8, 22, 18)),
            Costs("SKE", OPS, 2028, (4, 5, 5)),
            Costs("NAV", INV, 2027, (5, 3)),
        ),
    ),
    Spec(
        "FI-3",
        "Betalingsavtaler på tvers av kravhavere",
        "Én betalingsavtale for all gjeld til staten, tilpasset betalingsevnen, i stedet for "
        "separate avtaler med hver kravhaver.",
        "SKE",
        Phase.CONCEPT,
        d(2027, 1),
        d(2028, 12, 31),
        participants=("NAV",),
        life_events=("miste-og-finne-jobb",),
        goals={"EM-1": 60, "EM-3": 40},
        costs=(
            Costs("SKE", INV, 2027, (9, 14)),
            Costs("NAV", INV, 2027, (3, 4)),
            Costs("SKE", OPS, 2029, (3,)),
        ),
    ),
    Spec(
        "FI-4",
        "Trekk i lønn og ytelser fra NAV",
        "Skatteetatens trekk i NAV-ytelser registreres og justeres automatisk gjennom et API "
        "i stedet for manuelt, slik at trekket følger endringer i ytelsen.",
        "NAV",
        Phase.EXECUTE,
        d(2025, 1),
        d(2027, 6, 30),
        participants=("SKE",),
        life_events=("miste-og-finne-jobb",),
        goals={"EM-1": 50, "EM-2": 50},
        costs=(
            Costs("NAV", INV, 2025, (14, 21, 6)),
            Costs("SKE", INV, 2025, (4, 6)),
            Costs("NAV", OPS, 2027, (3, 3, 3)),
        ),
    ),
    Spec(
        "FI-5",
        "Tilbakebetaling av feilutbetalte ytelser",
        "Tilbakekrevingskrav fra NAV samordnes med andre statlige krav, slik at den som skal "
        "betale tilbake, får én plan i stedet for flere trekk samtidig.",
        "NAV",
        Phase.PLAN,
        d(2026, 4),
        d(2028, 3, 31),
        status=Y,
        reason="Avklaringen med departementet om hjemmel for å samordne tilbakekrevingskrav "
        "med andre statlige krav tar lengre tid enn planlagt.",
        participants=("SKE",),
        life_events=("miste-og-finne-jobb", "fa-barn"),
        goals={"EM-1": 60, "EM-4": 40},
        costs=(
            Costs("NAV", INV, 2026, (5, 19, 12)),
            Costs("SKE", INV, 2027, (3, 2)),
            Costs("NAV", OPS, 2028, (2, 2)),
        ),
    ),
    Spec(
        "FI-6",
        "Konkursbodata fra Brønnøysundregistrene til innkreving",
        "Åpning av konkurs, bostyrer og fristdag fra Konkursregisteret sendes som hendelser, "
        "slik at statens krav meldes i boet i tide. I dag leses kunngjøringene manuelt.",
        "BRREG",
        Phase.EXECUTE,
        d(2025, 9),
        d(2027, 3, 31),
        participants=("SKE",),
        life_events=("starte-og-drive-bedrift",),
        goals={"EM-1": 60, "EM-2": 40},
        costs=(
            Costs("BRREG", INV, 2025, (2, 7, 2)),
            Costs("SKE", INV, 2026, (2.5,)),
            Costs("BRREG", OPS, 2027, (0.8, 0.8, 0.8)),
        ),
    ),
    Spec(
        "FI-7",
        "API for inkassobyråer og finansforetak",
        "Inkassobyråer og banker får, med hjemmel eller samtykke, se skyldnerens statlige krav "
        "og avtaler, slik at privat og offentlig gjeld kan ses og ordnes samlet.",
        "SKE",
        Phase.CONCEPT,
        d(2027, 3),
        d(2028, 6, 30),
        participants=("DNB",),
        goals={"EM-3": 50, "EM-1": 50},
        costs=(Costs("SKE", INV, 2027, (6, 8)), Costs("SKE", OPS, 2029, (2, 2))),
    ),
    Spec(
        "FI-8",
        "Tidlig kontakt ved første betalingsmislighold",
        "Den som ikke betaler for første gang, får kontakt og tilbud om betalingsavtale før "
        "kravet går videre til tvangsinnkreving.",
        "SKE",
        Phase.IDEA,
        d(2027, 6),
        d(2028, 6, 30),
        life_events=("miste-og-finne-jobb", "ny-i-norge"),
        goals={"EM-4": 80, "EM-1": 20},
        costs=(Costs("SKE", INV, 2027, (3, 4)),),
    ),
    Spec(
        "FI-9",
        "Felles begreper og informasjonsmodell for krav",
        "Felles definisjoner av krav, kravhaver, forfall og dekning, publisert i Felles "
        "datakatalog og tatt i bruk av alle kravhavere i programmet.",
        "SKE",
        Phase.CLOSE,
        d(2023, 1),
        d(2026, 10, 31),
        participants=("NAV", "BRREG", "Digdir"),
        goals={"EM-2": 100},
        costs=(
            Costs("SKE", INV, 2023, (4, 6, 5, 1)),
            Costs("NAV", INV, 2024, (1, 1)),
            Costs("BRREG", INV, 2024, (0.5, 0.5)),
        ),
    ),
    Spec(
        "FI-10",
        "Utfasing av eldre innkrevingssystemer",
        "De eldre innkrevingssystemene slås av når kravene er migrert til den felles "
        "løsningen. Påkrevd: driftsavtalen for dagens plattform kan ikke forlenges etter 2029.",
        "SKE",
        Phase.PLAN,
        d(2026, 9),
        d(2029, 6, 30),
        mandatory=True,
        goals={"EM-2": 100},
        costs=(Costs("SKE", INV, 2027, (12, 18, 6)),),
    ),
    Spec(
        "FI-11",
        "Automatisk motregning mot tilgodebeløp",
        "Tilgodebeløp fra skatteoppgjøret og andre utbetalinger motregnes automatisk mot "
        "forfalte statlige krav. Tatt i bruk i 2024; gevinstene følges opp mot nullpunktet "
        "fra 2021.",
        "SKE",
        Phase.REALISE,
        d(2022, 1),
        d(2024, 12, 31),
        participants=("NAV",),
        goals={"EM-1": 50, "EM-2": 50},
        costs=(Costs("SKE", INV, 2022, (7, 11, 4)), Costs("SKE", OPS, 2025, (1.5,) * 4)),
    ),
    Spec(
        "FI-12",
        "Samordnet tvangsinnkreving",
        "Én statlig namsmannsfunksjon for alle statlige krav, i stedet for at flere etater "
        "tar utlegg hver for seg. Mest en organisatorisk og rettslig endring.",
        "SKE",
        Phase.CONCEPT,
        d(2027, 1),
        d(2029, 12, 31),
        status=R,
        reason="Forutsetter endringer i skattebetalingsloven og tvangsfullbyrdelsesloven; "
        "lovforslag er ikke sendt på høring, og Justis- og beredskapsdepartementet er ikke "
        "med i programmet.",
        digitalisation=False,
        participants=("NAV", "FIN"),
        goals={"EM-2": 70, "EM-1": 30},
        costs=(Costs("SKE", INV, 2027, (4, 10, 10)), Costs("NAV", OTHER, 2027, (2, 2))),
    ),
    Spec(
        "FI-13",
        "Statlige krav rett i nettbanken",
        "Krav sendes som eFaktura og kan betales med avtalegiro, der folk allerede betaler "
        "regninger. Mye av gevinsten oppstår hos bankene og innbyggerne.",
        "SKE",
        Phase.PLAN,
        d(2026, 3),
        d(2027, 12, 31),
        participants=("DNB",),
        goals={"EM-1": 70, "EM-3": 30},
        costs=(Costs("SKE", INV, 2026, (3, 9)), Costs("SKE", OPS, 2028, (1.2, 1.2, 1.2))),
    ),
    Spec(
        "FI-14",
        "Gjeldsrådgivning koblet til gjeldsoversikten",
        "Veiledere ved NAV-kontorene ser, med samtykke, brukerens samlede gjeld til staten i "
        "økonomisk rådgivning og kan foreslå en betalingsavtale direkte.",
        "NAV",
        Phase.IDEA,
        d(2027, 9),
        d(2028, 12, 31),
        participants=("Oslo", "KS"),
        life_events=("miste-og-finne-jobb",),
        goals={"EM-4": 70, "EM-3": 30},
        costs=(Costs("NAV", INV, 2028, (4,)),),
    ),
    Spec(
        "FI-15",
        "Forsinkelsesgebyr fra Regnskapsregisteret rett til innkreving",
        "Forsinkelsesgebyr for årsregnskap overføres automatisk til innkreving i stedet for "
        "i filer én gang i måneden. Tatt i bruk i 2024.",
        "BRREG",
        Phase.REALISE,
        d(2023, 1),
        d(2024, 6, 30),
        participants=("SKE",),
        life_events=("starte-og-drive-bedrift",),
        goals={"EM-2": 70, "EM-1": 30},
        costs=(
            Costs("BRREG", INV, 2023, (3, 1.5)),
            Costs("SKE", INV, 2023, (1,)),
            Costs("BRREG", OPS, 2025, (0.4, 0.4)),
        ),
    ),
    Spec(
        "FI-16",
        "Rolledata for å avdekke konkursryttere i innkrevingen",
        "Roller fra Enhetsregisteret kobles mot krav i konkursbo, slik at personer bak "
        "gjentatte konkurser med statlig gjeld oppdages tidlig.",
        "BRREG",
        Phase.CONCEPT,
        d(2027, 1),
        d(2028, 6, 30),
        status=Y,
        reason="Rettslig grunnlag for å bruke rolledata til dette formålet er ikke avklart; "
        "vurdering fra departementet ventes i første kvartal 2027.",
        participants=("SKE",),
        life_events=("starte-og-drive-bedrift",),
        goals={"EM-1": 60, "EM-4": 40},
        costs=(Costs("BRREG", INV, 2027, (3, 3)), Costs("SKE", INV, 2027, (2,))),
    ),
    Spec(
        "FI-17",
        "Digital søknad om betalingsutsettelse og ettergivelse",
        "Søknad om utsettelse eller ettergivelse av gjeld til staten gjøres digitalt, med "
        "opplysninger om inntekt og gjeld hentet automatisk.",
        "SKE",
        Phase.EXECUTE,
        d(2025, 4),
        d(2026, 12, 31),
        participants=("NAV",),
        life_events=("miste-og-finne-jobb", "dodsfall-og-arv"),
        goals={"EM-3": 60, "EM-4": 40},
        costs=(Costs("SKE", INV, 2025, (6, 8)), Costs("SKE", OPS, 2027, (1, 1, 1))),
    ),
    Spec(
        "FI-18",
        "Én trekkberegning på tvers av NAV og Skatteetaten",
        "Trekkevnen beregnes én gang for alle statlige trekk, i stedet for at NAV og "
        "Skatteetaten beregner hver for seg. Jager samme brukergevinst som FI-4.",
        "NAV",
        Phase.IDEA,
        d(2028, 1),
        d(2029, 6, 30),
        participants=("SKE",),
        life_events=("miste-og-finne-jobb",),
        goals={"EM-4": 40, "EM-3": 30, "EM-1": 30},
        costs=(Costs("NAV", INV, 2028, (6, 6)),),
    ),
    Spec(
        "FI-19",
        "Analyseplattform for innkreving",
        "Analyse av betalingsevne og segmentering av skyldnere, slik at tiltak settes inn der "
        "de virker: veiledning for noen, tvang for andre.",
        "SKE",
        Phase.PLAN,
        d(2026, 6),
        d(2028, 12, 31),
        status=Y,
        reason="Personvernkonsekvensvurderingen (DPIA) må være ferdig før maskinlæring tas i "
        "bruk på skyldnerdata.",
        goals={"EM-1": 50, "EM-4": 50},
        costs=(Costs("SKE", INV, 2026, (4, 12, 8)), Costs("SKE", OPS, 2029, (3, 3))),
    ),
    Spec(
        "FI-20",
        "Gjeld i dødsbo: oversikt over statlige krav for arvinger",
        "Arvinger som vurderer å overta et dødsbo, ser samlet hva avdøde skyldte staten.",
        "SKE",
        Phase.IDEA,
        d(2028, 1),
        d(2028, 12, 31),
        life_events=("dodsfall-og-arv",),
        goals={"EM-3": 100},
        costs=(Costs("SKE", INV, 2028, (5,)),),
    ),
]

SDB_INITIATIVES = [
    Spec(
        "SDB-1",
        "Veiviser for å starte bedrift",
        "Én veiviser som hjelper gründeren å velge organisasjonsform og registrere seg riktig.",
        "BRREG",
        Phase.EXECUTE,
        d(2025, 3),
        d(2027, 6, 30),
        participants=("SKE", "NAV", "Digdir"),
        life_events=("starte-og-drive-bedrift",),
        goals={"EM-1": 100},
        costs=(Costs("BRREG", INV, 2025, (4, 6)), Costs("BRREG", OPS, 2027, (1, 1))),
    ),
    Spec(
        "SDB-2",
        "Samordnet registermelding",
        "Registrering i Enhetsregisteret, Merverdiavgiftsregisteret og "
        "Arbeidsgiver-/arbeidstakerregisteret i én prosess, med opplysninger gitt én gang.",
        "BRREG",
        Phase.PLAN,
        d(2026, 6),
        d(2028, 12, 31),
        status=Y,
        reason="Avhenger av endringer i Merverdiavgiftsregisteret som Skatteetaten har "
        "planlagt først i 2028.",
        participants=("SKE", "NAV"),
        life_events=("starte-og-drive-bedrift",),
        goals={"EM-1": 50, "EM-2": 50},
        costs=(Costs("BRREG", INV, 2026, (3, 9, 7)), Costs("SKE", INV, 2027, (4, 4))),
    ),
    Spec(
        "SDB-3",
        "Oppstartsveiledning om skatt og merverdiavgift",
        "Tilpasset veiledning om forskuddsskatt, mva og bokføring i veiviseren.",
        "SKE",
        Phase.CONCEPT,
        d(2027, 1),
        d(2027, 12, 31),
        life_events=("starte-og-drive-bedrift",),
        goals={"EM-2": 100},
        costs=(Costs("SKE", INV, 2027, (2, 2)),),
    ),
    Spec(
        "SDB-4",
        "Første ansatt: arbeidsgiverregistrering og a-melding",
        "Hjelp til den som ansetter for første gang: registrering som arbeidsgiver og første "
        "a-melding.",
        "NAV",
        Phase.IDEA,
        d(2028, 1),
        d(2028, 12, 31),
        life_events=("starte-og-drive-bedrift",),
        goals={"EM-1": 100},
        costs=(Costs("NAV", INV, 2028, (3,)),),
    ),
]

INITIATIVES = {
    "framtidens-innkreving": FI_INITIATIVES,
    "starte-og-drive-bedrift": SDB_INITIATIVES,
}

# Initiatives each demo programme publishes (issue 16): the public overview at /open/ and the
# public form's typing box show these, and nothing else of the demo.
PUBLISHED = {
    "framtidens-innkreving": ("FI-2", "FI-8", "FI-13", "FI-17"),
    "starte-og-drive-bedrift": ("SDB-1", "SDB-2"),
}

# (source, target, kind, note) within one programme.
DEPENDENCIES = {
    "framtidens-innkreving": [
        ("FI-4", "FI-1", REQ, "NAVs trekk registreres og avregnes i den felles løsningen."),
        ("FI-5", "FI-1", REQ, "Tilbakekrevingskrav skal inn i felles dekningsrekkefølge."),
        ("FI-6", "FI-1", ENA, "Hendelser om konkurs åpner for automatisk kravmelding."),
        ("FI-9", "FI-1", ENA, "Informasjonsmodellen brukes i den felles løsningen."),
        ("FI-2", "FI-1", REQ, ""),
        ("FI-3", "FI-2", REQ, "Avtalen bygger på den samlede oversikten."),
        ("FI-7", "FI-2", REQ, ""),
        ("FI-10", "FI-1", REQ, "Systemene kan først slås av når kravene er migrert."),
        ("FI-13", "FI-1", REQ, ""),
        ("FI-14", "FI-2", REQ, "NAV-veilederne bruker Skatteetatens gjeldsoversikt."),
        ("FI-16", "FI-6", REQ, ""),
        ("FI-18", "FI-4", CON, "To ulike løsninger for samme trekkberegning."),
        ("FI-19", "FI-8", ENA, "Segmenteringen avgjør hvem som får tidlig kontakt."),
        ("FI-20", "FI-2", REQ, ""),
        ("FI-17", "FI-3", ENA, ""),
    ],
    "starte-og-drive-bedrift": [
        ("SDB-2", "SDB-1", REQ, "Registermeldingen startes fra veiviseren."),
        ("SDB-3", "SDB-1", REQ, ""),
        ("SDB-4", "SDB-2", REQ, ""),
    ],
}

# code -> [(title, probability, consequence, owner, mitigation, status)]
RISKS = {
    "framtidens-innkreving": {
        "FI-1": [
            (
                "Migrering av krav fra eldre systemer tar lengre tid enn planlagt",
                4,
                4,
                "Prosjektleder, Skatteetaten",
                "Migrering i bølger per kravtype; egen migreringsrigg med daglig avstemming.",
                RiskStatus.MITIGATING,
            ),
            (
                "Kostnadene overskrider styringsrammen",
                3,
                4,
                "Prosjekteier, Skatteetaten",
                "Usikkerhetsavsetningen forvaltes av styringsgruppen; omfangskutt vurderes "
                "før avsetningen brukes.",
                RiskStatus.OPEN,
            ),
            (
                "Mangel på leverandørkapasitet i 2027",
                2,
                4,
                "Innkjøpsleder, Skatteetaten",
                "Opsjon på utvidelse i rammeavtalen.",
                RiskStatus.OPEN,
            ),
        ],
        "FI-4": [
            (
                "NAVs ytelsessystemer endres samtidig i et annet prosjekt",
                3,
                3,
                "Produktleder, NAV",
                "Felles releaseplan med moderniseringsprogrammet i NAV.",
                RiskStatus.MITIGATING,
            )
        ],
        "FI-5": [
            (
                "Hjemmel for samordning av krav blir ikke på plass",
                4,
                5,
                "Avdelingsdirektør, NAV",
                "Alternativ løsning uten samordning utredes parallelt.",
                RiskStatus.OPEN,
            )
        ],
        "FI-6": [
            (
                "Mangelfull kvalitet i bostyrers rapportering",
                2,
                2,
                "Seksjonssjef, Brønnøysundregistrene",
                "Valideringsregler i innrapporteringen.",
                RiskStatus.MITIGATING,
            )
        ],
        "FI-2": [
            (
                "Lav bruk hvis oversikten ikke er komplett fra start",
                3,
                4,
                "Produkteier, Skatteetaten",
                "Starte med de fem største kravhaverne, som dekker det meste av kravmassen.",
                RiskStatus.OPEN,
            )
        ],
        "FI-12": [
            (
                "Lovendringene vedtas ikke i tide",
                4,
                5,
                "Programleder",
                "Ta spørsmålet inn i styringsdialogen med Finansdepartementet.",
                RiskStatus.OPEN,
            )
        ],
        "FI-13": [
            (
                "Bankene prioriterer ikke tilpasningen",
                3,
                3,
                "Produkteier, Skatteetaten",
                "Tidlig dialog med Finans Norge og pilot med én bank.",
                RiskStatus.OPEN,
            )
        ],
        "FI-16": [
            (
                "Bruken av rolledata er i strid med formålsbegrensningen",
                3,
                4,
                "Personvernombud, Brønnøysundregistrene",
                "Juridisk vurdering før konseptvalg.",
                RiskStatus.OPEN,
            )
        ],
        "FI-19": [
            (
                "Personvernkonsekvensvurderingen avdekker høy restrisiko",
                3,
                3,
                "Personvernombud, Skatteetaten",
                "Starte med regelbasert segmentering uten maskinlæring.",
                RiskStatus.MITIGATING,
            )
        ],
        "FI-11": [
            (
                "Gevinstene tas ikke ut i budsjettet",
                2,
                3,
                "Gevinsteier, Skatteetaten",
                "Gevinstuttaket er tatt inn i virksomhetsplanen for 2026.",
                RiskStatus.CLOSED,
            )
        ],
    },
    "starte-og-drive-bedrift": {
        "SDB-2": [
            (
                "Skatteetatens endringer i Merverdiavgiftsregisteret kommer for sent",
                3,
                4,
                "Programleder",
                "Avhengigheten tas opp i programstyret.",
                RiskStatus.OPEN,
            )
        ]
    },
}

# code -> [(period, overall, plan, cost, benefits, stakeholders, risk, commentary)]
STATUS_REPORTS = {
    "framtidens-innkreving": {
        "FI-1": [
            ("2026-T2", G, Y, G, G, G, Y, "Leveranse 1 i drift. Migreringen er krevende."),
            (
                "2026-T3",
                Y,
                Y,
                Y,
                G,
                G,
                Y,
                "Leveranse 2 er forsinket om lag tre måneder. Forbruket følger planen, men "
                "forsinkelsen gir merkostnader i 2027.",
            ),
        ],
        "FI-4": [("2026-T3", G, G, G, G, G, Y, "Pilot med trekk i dagpenger er i gang.")],
        "FI-6": [("2026-T3", G, G, G, G, G, G, "Første hendelser mottas i testmiljø.")],
        "FI-17": [("2026-T3", G, Y, G, G, G, G, "Lansering flyttet fra oktober til november.")],
    },
    "starte-og-drive-bedrift": {
        "SDB-1": [("2026-T3", G, G, G, G, G, G, "Veiviseren er i bruk for enkeltpersonforetak.")]
    },
}


def amounts(millions: float, phase: str, year: int) -> dict[str, int]:
    """Low, most likely and high in NOK, rounded to NOK 100 000."""
    low_f, high_f = (1.0, 1.0) if year < ACCOUNTED_BEFORE else RANGE_BY_PHASE[phase]

    def nok(factor: float) -> int:
        return round(millions * factor * 10) * 100_000

    return {"low": nok(low_f), "likely": nok(1.0), "high": nok(high_f)}


def _organisations() -> dict[str, Organisation]:
    short_by_orgnr = {orgnr: short for orgnr, _name, short, _kind, _parent in ORGANISATIONS}
    return {
        short_by_orgnr[o.orgnr]: o for o in Organisation.objects.filter(orgnr__in=short_by_orgnr)
    }


def _life_events() -> tuple[dict[str, LifeEvent], int]:
    existing = {e.slug: e for e in LifeEvent.objects.all()}
    created = 0
    for slug, name, ministry, description in LIFE_EVENTS:
        if slug in existing:
            continue
        existing[slug] = services.life_event_get_or_create(
            name=name,
            slug=slug,
            description=description,
            responsible=Organisation.objects.filter(orgnr=ministry).first() if ministry else None,
            acting_user=DEMO,
        )
        created += 1
    return existing, created


def _programme_details(programme: Programme) -> tuple[dict[str, Goal], int]:
    """Fill in target picture, period and goal tree where missing."""
    target_picture, start_year, end_year, goals = PROGRAMME_DETAILS[programme.slug]
    created = 0
    data: dict[str, Any] = {}
    if not programme.target_picture.strip():
        data["target_picture"] = target_picture
    if programme.start_year is None and programme.end_year is None:
        data.update(start_year=start_year, end_year=end_year)
    if data:
        services.programme_update(programme=programme, data=data, acting_user=DEMO)
        created += 1
    by_code = {g.code: g for g in Goal.objects.filter(programme=programme)}
    for code, level, parent, title, weight in goals:
        if code in by_code:
            continue
        by_code[code] = services.goal_save(
            programme=programme,
            data={
                "code": code,
                "level": level,
                "parent": by_code.get(parent) if parent else None,
                "title": title,
                "weight": weight,
            },
            acting_user=DEMO,
        )
        created += 1
    return by_code, created


def _initiatives(
    programme: Programme,
    orgs: dict[str, Organisation],
    goals: dict[str, Goal],
    life_events: dict[str, LifeEvent],
) -> tuple[dict[str, Initiative], int]:
    existing = {i.code: i for i in Initiative.objects.filter(programme=programme)}
    cost_keys = set(
        CostLine.objects.filter(initiative__programme=programme).values_list(
            "initiative__code", "organisation_id", "year", "category"
        )
    )
    users = {u.username: u for u in User.objects.filter(username__in=OWNER_USERS.values())}
    created = 0
    for spec in INITIATIVES[programme.slug]:
        initiative = existing.get(spec.code)
        if initiative is None:
            initiative = services.initiative_create(
                programme=programme,
                data={
                    "code": spec.code,
                    "title": spec.title,
                    "description": spec.description,
                    "owner_organisation": orgs[spec.org],
                    "owner": users.get(OWNER_USERS.get((programme.slug, spec.org), "")),
                    "phase": spec.phase,
                    "status": spec.status,
                    "status_reason": spec.reason,
                    "planned_start": spec.start,
                    "planned_end": spec.end,
                    "mandatory": spec.mandatory,
                    "digitalisation": spec.digitalisation,
                    "published": spec.code in PUBLISHED.get(programme.slug, ()),
                },
                participants=[orgs[p] for p in spec.participants],
                life_events=[life_events[slug] for slug in spec.life_events],
                goals={goals[code]: weight for code, weight in spec.goals.items()},
                acting_user=DEMO,
            )
            existing[spec.code] = initiative
            created += 1 + len(spec.goals)
        for costs in spec.costs:
            org = orgs[costs.org]
            for offset, millions in enumerate(costs.millions):
                year = costs.first_year + offset
                if (spec.code, org.pk, year, costs.category) in cost_keys:
                    continue
                services.cost_line_create(
                    initiative=initiative,
                    organisation=org,
                    year=year,
                    category=costs.category,
                    acting_user=DEMO,
                    **amounts(millions, spec.phase, year),
                )
                created += 1
    return existing, created


def _children(programme: Programme, initiatives: dict[str, Initiative]) -> int:
    """Dependencies, risks and status reports that are missing."""
    created = 0
    dependency_keys = set(
        Dependency.objects.filter(source__programme=programme).values_list(
            "source__code", "target__code", "kind"
        )
    )
    for source, target, kind, note in DEPENDENCIES[programme.slug]:
        if (source, target, kind) in dependency_keys:
            continue
        services.dependency_create(
            source=initiatives[source],
            target=initiatives[target],
            kind=kind,
            note=note,
            acting_user=DEMO,
        )
        created += 1

    risk_keys = set(
        Risk.objects.filter(initiative__programme=programme).values_list(
            "initiative__code", "title"
        )
    )
    for code, risks in RISKS[programme.slug].items():
        for title, probability, consequence, owner, mitigation, status in risks:
            if (code, title) in risk_keys:
                continue
            services.risk_create(
                initiative=initiatives[code],
                title=title,
                probability=probability,
                consequence=consequence,
                owner=owner,
                mitigation=mitigation,
                status=status,
                acting_user=DEMO,
            )
            created += 1

    report_keys = set(
        StatusReport.objects.filter(initiative__programme=programme).values_list(
            "initiative__code", "period"
        )
    )
    for code, reports in STATUS_REPORTS[programme.slug].items():
        initiative = initiatives[code]
        for period, overall, plan, cost, benefits, stakeholders, risk, commentary in reports:
            if (code, period) in report_keys:
                continue
            services.status_report_create(
                initiative=initiative,
                period=period,
                overall=overall,
                plan=plan,
                cost=cost,
                benefits=benefits,
                stakeholders=stakeholders,
                risk=risk,
                commentary=commentary,
                reported_by=initiative.owner,
                acting_user=DEMO,
            )
            created += 1
    return created


@transaction.atomic
def load_portfolio_demo() -> int:
    """Load the demo portfolios into the demo programmes; return the number of objects
    created or filled in (0 when everything is already there)."""
    orgs = _organisations()
    life_events, created = _life_events()
    for programme in Programme.objects.filter(slug__in=INITIATIVES).order_by("slug"):
        goals, n = _programme_details(programme)
        initiatives, m = _initiatives(programme, orgs, goals, life_events)
        created += n + m + _children(programme, initiatives)
        if programme.slug in PUBLISHED and not programme.publish_overview:
            programme_update(programme=programme, data={"publish_overview": True}, acting_user=DEMO)
    return created
