"""The register workbook's sheets, shared by export and import (columns: ``core.excel``).

The format is fixed and in bokmål whatever the reader's language, so that a file exported by
one user imports for any other.
"""

from __future__ import annotations

from nytte.core.excel.format import Column, SheetSpec

from ..choices import CostCategory, DependencyKind, GoalLevel, Phase, RiskStatus, StatusColour

PROGRAMME = SheetSpec(
    "Program",
    (
        Column("Kortnavn", "slug", "key", required=True, width=24),
        Column("Navn", width=30),
        Column("Eier (orgnr)", width=12),
        Column("Eier (navn)", width=24),
        Column("Visjon", "vision", width=50),
        Column("Målbilde", "target_picture", width=50),
        Column("Første år", "start_year", "int", width=10),
        Column("Siste år", "end_year", "int", width=10),
    ),
)
GOALS = SheetSpec(
    "Mål",
    (
        Column("Kode", "code", "key", required=True, width=10),
        Column("Nivå", "level", "choice", required=True, choices=GoalLevel),
        Column("Overordnet mål (kode)", "parent", "key", width=12),
        Column("Tittel", "title", required=True, width=40),
        Column("Beskrivelse", "description", width=50),
        Column("Vekt", "weight", "decimal", width=8),
    ),
)
INITIATIVES = SheetSpec(
    "Tiltak",
    (
        Column("Kode", "code", "key", required=True, width=10),
        Column("Tittel", "title", required=True, width=40),
        Column("Beskrivelse", "description", width=50),
        Column("Eier (orgnr)", "owner_organisation", "key", required=True, width=12),
        Column("Eier (navn)", width=24),
        Column("Deltakere (orgnr)", "participants", "list", width=24),
        Column("Fase", "phase", "choice", choices=Phase),
        Column("Status", "status", "choice", choices=StatusColour, width=10),
        Column("Statusbegrunnelse", "status_reason", width=30),
        Column("Planlagt start", "planned_start", "date", width=12),
        Column("Planlagt slutt", "planned_end", "date", width=12),
        Column("Obligatorisk", "mandatory", "bool", width=10),
        Column("Digitalisering", "digitalisation", "bool", width=10),
        # Added with publishing (issue 16): older files without it leave ``published`` as is.
        Column("Publisert", "published", "bool", width=10, optional=True),
        Column("Livshendelser", "life_events", "list", width=24),
        Column("Tiltakseier (brukernavn)", "owner", "key", width=16),
    ),
)
CONTRIBUTIONS = SheetSpec(
    "Målbidrag",
    (
        Column("Tiltak (kode)", "initiative", "key", required=True, width=12),
        Column("Mål (kode)", "goal", "key", required=True, width=10),
        Column("Mål (tittel)", width=40),
        Column("Bidrag", "contribution", "decimal", required=True, width=8),
    ),
)
COSTS = SheetSpec(
    "Kostnader",
    (
        Column("Tiltak (kode)", "initiative", "key", required=True, width=12),
        Column("Betaler (orgnr)", "organisation", "key", required=True, width=12),
        Column("Betaler (navn)", width=24),
        Column("År", "year", "int", required=True, width=8),
        Column("Kategori", "category", "choice", required=True, choices=CostCategory),
        Column("Lav", "low", "int", required=True, width=14),
        Column("Mest sannsynlig", "likely", "int", required=True, width=14),
        Column("Høy", "high", "int", required=True, width=14),
        Column("Merknad", "note", width=30),
    ),
)
DEPENDENCIES = SheetSpec(
    "Avhengigheter",
    (
        Column("Tiltak (kode)", "source", "key", required=True, width=12),
        Column("Type", "kind", "choice", required=True, choices=DependencyKind, width=14),
        Column("Annet tiltak (kode)", "target", "key", required=True, width=12),
        Column("Merknad", "note", width=40),
    ),
)
RISKS = SheetSpec(
    "Risikoer",
    (
        Column("ID", "id", "int", width=8),
        Column("Tiltak (kode)", "initiative", "key", required=True, width=12),
        Column("Risiko", "title", required=True, width=40),
        Column("Beskrivelse", "description", width=40),
        Column("Sannsynlighet (1–5)", "probability", "int", required=True, width=12),
        Column("Konsekvens (1–5)", "consequence", "int", required=True, width=12),
        Column("Risikoeier", "owner", width=20),
        Column("Tiltak mot risikoen", "mitigation", width=40),
        Column("Status", "status", "choice", choices=RiskStatus, width=14),
    ),
)
STATUS_REPORTS = SheetSpec(
    "Statusrapporter",
    (
        Column("Tiltak (kode)", "initiative", "key", required=True, width=12),
        Column("Periode", "period", "key", required=True, width=10),
        Column("Samlet", "overall", "choice", required=True, choices=StatusColour, width=10),
        Column("Plan", "plan", "choice", required=True, choices=StatusColour, width=10),
        Column("Kostnad", "cost", "choice", required=True, choices=StatusColour, width=10),
        Column("Gevinster", "benefits", "choice", required=True, choices=StatusColour, width=10),
        Column(
            "Interessenter", "stakeholders", "choice", required=True, choices=StatusColour, width=10
        ),
        Column("Risiko", "risk", "choice", required=True, choices=StatusColour, width=10),
        Column("Kommentar", "commentary", width=50),
        Column("Rapportert av", width=16),
    ),
)
SHEETS: tuple[SheetSpec, ...] = (
    PROGRAMME,
    GOALS,
    INITIATIVES,
    CONTRIBUTIONS,
    COSTS,
    DEPENDENCIES,
    RISKS,
    STATUS_REPORTS,
)
