"""A programme's proposals as an Excel workbook, and new proposals imported from a sheet.

The design is the shared Excel engine's (``nytte.core.excel``), whose cell reading,
writers and error reporting this module reuses: a fixed format in bokmål whatever the
reader's language, objects keyed by natural keys (the proposal's number, organisation
numbers, life-event short names, usernames), every header explained in a comment and on a
"Forklaring" sheet.

The export has a sheet of proposals (stage, source, track, number of supporters, links,
what a proposal was merged into or attached to) and a sheet of evidence. An outside
proposer's name and e-mail address go out only when the caller may see them (facilitators).

The import only adds proposals (channel "import"); it never changes or deletes one. It reads
the "Forslag" sheet (or else the first sheet), whose columns may be any of the export's;
columns that describe what happened later (stage, supporters, links …) are passed over, and
so are rows that carry the number of a proposal already in the programme, so importing an
export changes nothing. Every row is checked first and every problem reported as (sheet, row,
column, reason); then the rows go through ``services.proposal_submit`` in one transaction,
rolled back if any row fails there or on a dry run, so nothing is half imported and no
receipt is sent for a proposal that was not kept.

The package: ``sheets`` (columns), ``export`` and ``importer``.
"""

from __future__ import annotations

from nytte.core.excel.format import CONTENT_TYPE, LEGEND
from nytte.core.excel.result import ImportResult, RowError

from .export import (
    export_filename,
    export_proposals,
    import_template,
    sheet_rows,
    template_filename,
)
from .importer import import_proposals
from .sheets import (
    EVIDENCE,
    IMPORT_COLUMNS,
    IMPORT_SPEC,
    LATER,
    PROPOSALS,
    REFERENCE,
    SHEETS,
    Column,
)

__all__ = [
    "CONTENT_TYPE",
    "EVIDENCE",
    "IMPORT_COLUMNS",
    "IMPORT_SPEC",
    "LATER",
    "LEGEND",
    "PROPOSALS",
    "REFERENCE",
    "SHEETS",
    "Column",
    "ImportResult",
    "RowError",
    "export_filename",
    "export_proposals",
    "import_proposals",
    "import_template",
    "sheet_rows",
    "template_filename",
]
