"""The benefits workbook's shape, shared by export and import: sheets, columns, notes.

Like the portfolio's, the format is fixed and in bokmål whatever the reader's language, so a
file exported by one user imports for any other. Choices are written as codes (the import also
takes the bokmål or English label); the "Forklaring" sheet explains every column and lists
the codes, and each header cell carries its explanation as a comment.
"""

from __future__ import annotations

from nytte.core.excel.format import NotedColumn as Column
from nytte.core.excel.format import SheetSpec

from ..choices import BeneficiaryGroup, BenefitKind, BenefitStatus, Direction, Frequency

SUM_NOTE = "Summen av de årlige beløpene; leses ikke ved import."

PROGRAMME = SheetSpec(
    "Program",
    (
        Column(
            "Kortnavn",
            "slug",
            "key",
            required=True,
            width=24,
            note="Programmets kortnavn. Filen importeres bare til dette programmet.",
        ),
        Column("Navn", width=40, note="Bare til informasjon; leses ikke ved import."),
    ),
)
BENEFITS = SheetSpec(
    "Gevinster",
    (
        Column("Kode", "code", "key", required=True, width=10, note="Unik kode, f.eks. G-07."),
        Column("Tittel", "title", required=True, width=40),
        Column("Beskrivelse", "description", width=50),
        Column(
            "Type",
            "kind",
            "choice",
            required=True,
            choices=BenefitKind,
            width=12,
            note="efficiency, quality eller others (se Forklaring).",
        ),
        Column(
            "Prissatt",
            "priced",
            "bool",
            width=9,
            note="Ja eller Nei. Kvalitetsgevinster for staten prissettes aldri.",
        ),
        Column("Effektmål (kode)", "impact_goal", "key", width=12),
        Column(
            "Oppstår i (orgnr)",
            "arises_in_organisation",
            "key",
            width=12,
            note="Organisasjonsnummeret der gevinsten oppstår, eller tomt når den oppstår i "
            "en gruppe.",
        ),
        Column(
            "Oppstår i (gruppe)",
            "arises_in_group",
            "choice",
            choices=BeneficiaryGroup,
            width=14,
            note="citizens, businesses, municipalities eller private_sector; tomt når den "
            "oppstår i en organisasjon.",
        ),
        Column("Eier (orgnr)", "owner_organisation", "key", width=12),
        Column("Eier (navn)", width=24, note="Bare til informasjon; leses ikke ved import."),
        Column("Gevinsteier (brukernavn)", "owner", "key", width=16),
        Column(
            "Budsjettkutt (%)",
            "budget_cut_share",
            "decimal",
            width=10,
            note="Andelen av en prissatt gevinst som skal tas ut som budsjettkutt.",
        ),
        Column(
            "Pluss-minus (−4 til 4)",
            "plus_minus",
            "int",
            width=10,
            note="For gevinster som ikke prissettes.",
        ),
        Column("Begrunnelse for pluss-minus", "plus_minus_reasoning", width=30),
        Column("Forutsetninger og tiltak", "preconditions", width=40),
        Column("Status", "status", "choice", choices=BenefitStatus, width=12),
        Column(
            "Risikoer (ID)",
            "risks",
            "list",
            width=12,
            note="ID-ene til risikoer i porteføljeregisteret, skilt med komma.",
        ),
        Column("Bekreftet av", width=16, note="Bare til informasjon; leses ikke ved import."),
        Column(
            "Bekreftet dato",
            kind="date",
            width=12,
            note="Bare til informasjon; leses ikke ved import.",
        ),
        Column("Sum lav", kind="int", width=14, note=SUM_NOTE),
        Column("Sum mest sannsynlig", kind="int", width=14, note=SUM_NOTE),
        Column("Sum høy", kind="int", width=14, note=SUM_NOTE),
    ),
)
SHARES = SheetSpec(
    "Tiltaksandeler",
    (
        Column("Gevinst (kode)", "benefit", "key", required=True, width=12),
        Column("Tiltak (kode)", "initiative", "key", required=True, width=12),
        Column("Tiltak (tittel)", width=40, note="Bare til informasjon; leses ikke ved import."),
        Column(
            "Andel (%)",
            "share",
            "decimal",
            required=True,
            width=10,
            note="Tiltakets andel av gevinsten. Andelene for én gevinst er til sammen høyst 100.",
        ),
    ),
)
AMOUNTS = SheetSpec(
    "Årlige beløp",
    (
        Column("Gevinst (kode)", "benefit", "key", required=True, width=12),
        Column("År", "year", "int", required=True, width=8),
        Column("Lav", "low", "int", required=True, width=14, note="Hele kroner."),
        Column("Mest sannsynlig", "likely", "int", required=True, width=14, note="Hele kroner."),
        Column(
            "Høy",
            "high",
            "int",
            required=True,
            width=14,
            note="Hele kroner; lav ≤ mest sannsynlig ≤ høy.",
        ),
    ),
)
INDICATORS = SheetSpec(
    "Indikatorer",
    (
        Column("Gevinst (kode)", "benefit", "key", required=True, width=12),
        Column(
            "Indikator",
            "name",
            "key",
            required=True,
            width=30,
            note="Navnet er nøkkelen: unikt for gevinsten. Et nytt navn gir en ny indikator.",
        ),
        Column("Enhet", "unit", required=True, width=16),
        Column("Målemetode", "method", width=30),
        Column("Datakilde", "data_source", width=24),
        Column("Målekostnad per år", "measuring_cost", "int", width=12, note="Hele kroner."),
        Column(
            "Retning",
            "direction",
            "choice",
            choices=Direction,
            width=10,
            note="increase (høyere er bedre) eller decrease (lavere er bedre).",
        ),
        Column(
            "Måles",
            "frequency",
            "choice",
            choices=Frequency,
            width=12,
            note="monthly, quarterly, half_yearly eller yearly.",
        ),
        Column("Nullpunkt (verdi)", "baseline_value", "decimal", width=12),
        Column(
            "Nullpunkt (dato)",
            "baseline_date",
            "date",
            width=12,
            note="Nullpunktsmålingen trenger både verdi og dato.",
        ),
    ),
)
TARGETS = SheetSpec(
    "Målverdier",
    (
        Column("Gevinst (kode)", "benefit", "key", required=True, width=12),
        Column("Indikator", "indicator", "key", required=True, width=30),
        Column("Dato", "date", "date", required=True, width=12, note="Etter nullpunktets dato."),
        Column("Målverdi", "value", "decimal", required=True, width=12),
    ),
)
MEASUREMENTS = SheetSpec(
    "Målinger",
    (
        Column("Gevinst (kode)", "benefit", "key", required=True, width=12),
        Column(
            "Indikator",
            "indicator",
            "key",
            required=True,
            width=30,
            note="Indikatorens navn (eller ID).",
        ),
        Column(
            "Dato",
            "date",
            "date",
            required=True,
            width=12,
            note="Én måling per indikator og dato (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ).",
        ),
        Column("Verdi", "value", "decimal", required=True, width=12),
        Column("Kilde", "source", width=24),
        Column("Kommentar", "comment", width=40),
    ),
)
SHEETS: tuple[SheetSpec, ...] = (
    PROGRAMME,
    BENEFITS,
    SHARES,
    AMOUNTS,
    INDICATORS,
    TARGETS,
    MEASUREMENTS,
)
