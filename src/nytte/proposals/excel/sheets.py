"""The proposals workbook's sheets and columns, shared by export and import."""

from __future__ import annotations

import re

from nytte.core.excel.format import NotedColumn as Column
from nytte.core.excel.format import SheetSpec

from ..choices import Channel, EvidenceKind, Source, Stage, Track

LATER = "Det som skjedde med forslaget etterpå; leses ikke ved import."


PROPOSALS = SheetSpec(
    "Forslag",
    (
        Column(
            "Nummer",
            "number",
            "key",
            width=9,
            note="Forslagets nummer, f.eks. F-12. Tomt for nye forslag; en rad med nummeret "
            "til et forslag som finnes, leses ikke ved import.",
        ),
        Column("Tittel", "title", required=True, width=40),
        Column(
            "Behov eller problem",
            "need",
            required=True,
            width=50,
            note="Hvem har behovet, hva er problemet, og hva viser det.",
        ),
        Column("Idé", "idea", required=True, width=50, note="Hva kan gjøres med det."),
        Column("Forventet gevinst og for hvem", "expected_benefits", width=40),
        Column(
            "Kilde",
            "source",
            "choice",
            choices=Source,
            width=14,
            note="Hvor forslaget kommer fra (se Forklaring). Tomt = ansatte.",
        ),
        Column(
            "Berørte virksomheter (orgnr)",
            "affected_organisations",
            "list",
            width=24,
            note="Organisasjonsnumre, skilt med komma.",
        ),
        Column(
            "Livshendelser",
            "life_events",
            "list",
            width=24,
            note="Livshendelsenes kortnavn, skilt med komma (f.eks. miste-og-finne-jobb).",
        ),
        Column(
            "Forslagsstiller (brukernavn)",
            "proposer",
            "key",
            width=16,
            note="Brukernavnet til en forslagsstiller med konto i Nytte. Tomt ved import: den "
            "som importerer, står som forslagsstiller, om ikke navn og e-post er fylt ut.",
        ),
        Column(
            "Forslagsstiller (navn)",
            "proposer_name",
            width=20,
            note="For forslagsstillere uten konto. Lagres bare med samtykke.",
        ),
        Column(
            "Forslagsstiller (e-post)",
            "proposer_email",
            width=24,
            note="Får kvittering med lenke til forslagets status. Lagres bare med samtykke.",
        ),
        Column(
            "Samtykke",
            "consent",
            "bool",
            width=10,
            note="Ja når forslagsstilleren uten konto har samtykket til at navn og e-post lagres.",
        ),
        Column("Kanal", kind="choice", choices=Channel, width=14, note=LATER),
        Column("Status", kind="choice", choices=Stage, width=16, note=LATER),
        Column("Begrunnelse for status", width=30, note=LATER),
        Column("Spor", kind="choice", choices=Track, width=16, note=LATER),
        Column("Begrunnelse for spor", width=30, note=LATER),
        Column("Støttespillere", kind="int", width=10, note="Antall. " + LATER),
        Column(
            "Koblinger",
            width=40,
            note="Koblinger fra harmoniseringen (til andre forslag og tiltak). " + LATER,
        ),
        Column("Slått sammen med", width=12, note=LATER),
        Column("Knyttet til tiltak", width=14, note=LATER),
        Column("Mottatt", kind="date", width=12, note=LATER),
    ),
)


EVIDENCE = SheetSpec(
    "Innsikt",
    (
        Column("Forslag (nummer)", width=10),
        Column("Type", kind="choice", choices=EvidenceKind, width=14),
        Column("Innsikt", width=60),
        Column("Lenke", width=30),
        Column("Kilde", width=24),
        Column("Lagt til av", width=16),
        Column("Dato", kind="date", width=12),
    ),
)


SHEETS = (PROPOSALS, EVIDENCE)


# What an import reads; the template has these columns only.
IMPORT_SPEC = SheetSpec(
    PROPOSALS.name, tuple(c for c in PROPOSALS.columns if c.field and c.field != "number")
)


IMPORT_COLUMNS = IMPORT_SPEC.headers


REFERENCE = re.compile(r"^(?:[Ff]-?)?(\d+)$")
