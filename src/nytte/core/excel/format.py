"""The shape of every register workbook, shared by export and import: columns, sheets, the
legend sheet and choice labels. Each app's ``excel`` package declares its sheets with these.

The formats are fixed and in bokmål whatever the reader's language, so that a file exported
by one user imports for any other.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import models
from django.utils import translation

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of a sheet; ``field`` is where an import puts its value."""

    header: str
    field: str = ""  # "" = shown for humans, ignored on import
    kind: str = "text"  # text | key | int | decimal | date | bool | choice | list
    required: bool = False
    choices: type[models.TextChoices] | None = None
    width: int = 16
    # May be absent from a file's header row: workbooks exported before the column was
    # added still import, and the field keeps its stored value (or its default).
    optional: bool = False


@dataclass(frozen=True)
class NotedColumn(Column):
    """A column with the explanation shown on its header and in the legend sheet."""

    note: str = ""


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: its name and its columns, in the order they are written."""

    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


# The sheet explaining every column, in the exports that have one (benefits, proposals); an
# import passes it over.
LEGEND = "Forklaring"
LEGEND_HEADERS = ("Ark", "Kolonne", "Forklaring", "Koder")


@functools.cache
def labels(choices: type[models.TextChoices], language: str = "nb") -> dict[str, str]:
    """Code to label in one language; the exports write bokmål labels."""
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


@functools.cache
def choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Code, bokmål label and English label, case-insensitively, to the code."""
    lookup: dict[str, str] = {}
    for language in ("en", "nb"):
        for value, label in labels(choices, language).items():
            lookup[label.casefold()] = value
    lookup.update({value.casefold(): value for value in choices.values})
    return lookup
