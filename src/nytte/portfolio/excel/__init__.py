"""A programme's portfolio register as an Excel workbook: export, and import of the same format.

The file format is fixed and in bokmål, whatever the reader's language, so that a file
exported by one user imports for any other. One sheet per entity; objects are keyed by codes
(initiative and goal codes, organisation numbers, life-event slugs, usernames, report
periods), never by database ids, except risks, which have no natural key and carry their id.
Columns that only help humans (names next to organisation numbers) are ignored on import.
A column added after the format was first shipped (Tiltak's Publisert) is ``optional``: a
file from before it still imports, and the field keeps its stored value or default.

Import semantics: upsert by key, never delete. A row whose values equal what is stored is
left alone (no write, no history), so importing an unchanged export changes nothing. Choice
columns accept the code, the bokmål label or the English label. The whole workbook is
validated first and every error is reported as (sheet, row, column, reason); then the rows
are written through the portfolio services, in one transaction, as the acting user, so the
change log records them. Rules the register enforces on save are checked in that trial
write; if any row fails there, the transaction is rolled back and nothing is kept.

Modules: ``format`` (the sheets, shared by both directions), ``export``, ``read`` (the
register's sheets of an uploaded file), ``validate`` and ``validate_lines`` (checks against
the register, planning the writes), ``write`` (the writes, through the services) and
``importer`` (the import's entry point). The engine underneath (cell reading, results,
rollback, cell writers) is ``nytte.core.excel``, shared with the other registers.
"""

from nytte.core.excel.format import CONTENT_TYPE, Column, SheetSpec
from nytte.core.excel.result import ImportResult, RowError, SheetCounts

from .export import export_filename, export_register
from .format import (
    CONTRIBUTIONS,
    COSTS,
    DEPENDENCIES,
    GOALS,
    INITIATIVES,
    PROGRAMME,
    RISKS,
    SHEETS,
    STATUS_REPORTS,
)
from .importer import import_register

__all__ = [
    "CONTENT_TYPE",
    "CONTRIBUTIONS",
    "COSTS",
    "DEPENDENCIES",
    "GOALS",
    "INITIATIVES",
    "PROGRAMME",
    "RISKS",
    "SHEETS",
    "STATUS_REPORTS",
    "Column",
    "ImportResult",
    "RowError",
    "SheetCounts",
    "SheetSpec",
    "export_filename",
    "export_register",
    "import_register",
]
