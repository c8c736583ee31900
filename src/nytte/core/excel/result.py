"""What every Excel import reports: each problem by sheet, row and column, and counts per
sheet, so that pages, commands and the API show them alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .format import SheetSpec


@dataclass(frozen=True)
class RowError:
    """One problem in the file: where it is and why. ``row`` is None for whole-file problems."""

    sheet: str
    row: int | None
    column: str
    message: str


class ErrorList(list[RowError]):
    """An import's errors: the first ``settings.IMPORT_MAX_ERRORS`` are kept, the rest only
    counted (``more``), so that a file of 200,000 bad rows answers quickly and briefly."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = settings.IMPORT_MAX_ERRORS if limit is None else limit
        self.more = 0

    def append(self, error: RowError) -> None:
        if len(self) >= self.limit:
            self.more += 1
        else:
            super().append(error)

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.append(error)

    def __iadd__(self, errors: Iterable[RowError]) -> ErrorList:  # type: ignore[override]
        self.extend(errors)
        return self

    @property
    def full(self) -> bool:
        """Whether no more errors are kept: checking further would only be counted."""
        return len(self) >= self.limit


@dataclass
class SheetCounts:
    """How many rows of one sheet were (or in a dry run would be) created, updated or left."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    """Errors, or (when there are none) what was, or in a dry run would be, written."""

    errors: list[RowError] = field(default_factory=ErrorList)
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def more_errors(self) -> int:
        """How many errors were found beyond those kept in ``errors``."""
        return getattr(self.errors, "more", 0)

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def stop_checking(self) -> bool:
        """Whether checking the rows any further is pointless: the file or a sheet's shape
        is wrong (references would only add noise), or the errors kept are as many as an
        import reports (the rest of the work is bounded: no more rows are checked)."""
        full = getattr(self.errors, "full", False)
        return full or any(error.row in (None, 1) for error in self.errors)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())


class Errors:
    """The errors of one import, with field names turned into the file's column headers
    (those of ``sheets``, the workbook's sheets)."""

    def __init__(self, errors: list[RowError], sheets: Iterable[SheetSpec]) -> None:
        self.list = errors
        self.headers = {
            spec.name: {c.field: c.header for c in spec.columns if c.field} for spec in sheets
        }

    def __bool__(self) -> bool:
        return bool(self.list)

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        """One error; ``column`` is a field name (or already a header, or "")."""
        self.list.append(RowError(sheet, row, self.headers[sheet].get(column, column), message))

    def add_validation(
        self, sheet: str, row: int, exc: ValidationError, non_field: str = ""
    ) -> None:
        """A model's ValidationError, one error per message; ``non_field`` takes the rest."""
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                name = non_field if name == NON_FIELD_ERRORS else name.removesuffix("_id")
                for message in messages:
                    self.add(sheet, row, name, message)
        else:
            for message in exc.messages:
                self.add(sheet, row, non_field, message)
