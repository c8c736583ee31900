"""The Excel engine every register's workbook is built on (portfolio, benefits, proposals).

Each app declares its sheets with ``format`` and writes its own checks and writes; the rest
is here, once: ``format`` (columns, sheets, labels, the legend), ``read`` (cells of an
uploaded file), ``result`` (what an import reports), ``plan`` (the checks' shared state),
``write`` (running planned writes through the services), ``rollback`` (all or nothing),
``export`` (XlsxWriter options, typed cell writers, the legend sheet), ``views`` (the upload
form and flow of the import pages) and ``command`` (the import and export commands).

The formats are fixed and in bokmål whatever the reader's language. Import semantics: upsert
by key, never delete; a row equal to what is stored is left alone; the whole workbook is
checked first and every error is reported as (sheet, row, column, reason); then the rows are
written through the services, in one transaction, as the acting user, and rolled back if any
row fails there (or on a dry run).
"""
