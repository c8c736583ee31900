"""A programme's benefits register as an Excel workbook: export, import of the same format,
and measurements appended in bulk from a simple sheet.

The design is the shared Excel engine's (``nytte.core.excel``), whose cell reading and
error reporting this package uses as the portfolio register does: a fixed format in bokmål,
one sheet per entity, objects keyed by natural keys (benefit, initiative and goal codes,
organisation numbers, usernames, indicator names, dates), never by database ids, except
risks, which have none. Columns that only help humans are ignored on import. Choices are
written as codes, with drop-down lists, a comment on every header and a "Forklaring" sheet
that explains each column and code.

Import semantics: upsert by key, never delete. A row equal to what is stored is left alone
(no write, no history), so importing an unchanged export changes nothing. The whole workbook
is checked first and every error reported as (sheet, row, column, reason); then the rows are
written through the benefits services in one transaction, as the acting user, and rolled back
if any row fails there (or on a dry run).

Measurements, how agencies feed real data, have their own upload: a "Målinger" sheet of
benefit code, indicator, date, value, source and comment, appended all or nothing through
``services.measurements_append`` by anyone who may record them (editors, and benefit owners
for their own benefits). ``bulk`` is shared with the API's bulk endpoint.

Modules: ``format`` (sheets and columns), ``export``, ``read``, ``validate`` and
``validate_lines`` (checks, planning the writes), ``write`` (the writes, through the
services), ``importer`` (the entry points) and ``bulk`` (measurements in bulk).
"""

from nytte.core.excel.format import CONTENT_TYPE, LEGEND
from nytte.core.excel.result import ImportResult, RowError, SheetCounts

from .export import (
    export_benefits,
    export_filename,
    measurements_template,
    template_filename,
)
from .format import (
    AMOUNTS,
    BENEFITS,
    INDICATORS,
    MEASUREMENTS,
    PROGRAMME,
    SHARES,
    SHEETS,
    TARGETS,
)
from .importer import import_benefits, import_measurements

__all__ = [
    "AMOUNTS",
    "BENEFITS",
    "CONTENT_TYPE",
    "INDICATORS",
    "LEGEND",
    "MEASUREMENTS",
    "PROGRAMME",
    "SHARES",
    "SHEETS",
    "TARGETS",
    "ImportResult",
    "RowError",
    "SheetCounts",
    "export_benefits",
    "export_filename",
    "import_benefits",
    "import_measurements",
    "measurements_template",
    "template_filename",
]
