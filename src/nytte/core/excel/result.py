"""What every Excel import reports: each problem by sheet, row and column, and counts per
sheet, so that pages, commands and the API show them alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .format import SheetSpec


@dataclass(frozen=True)
class RowError:
    """One problem in the file: where it is and why. ``row`` is None for whole-file problems."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class SheetCounts:
    """How many rows of one sheet were (or in a dry run would be) created, updated or left."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    """Errors, or (when there are none) what was, or in a dry run would be, written."""

    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

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
