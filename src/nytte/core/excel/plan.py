"""Planning an import's writes: the checks' shared state (errors, counts per sheet, the
planned steps) and the helpers every register import (portfolio, benefits) plans with.

Nothing is written here. A row equal to the stored one is counted unchanged and planned no
write, so importing an unchanged export changes nothing; the model's own field validators
and ``clean`` check each changed row, so no rule is written twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from nytte.core.models import Organisation, Programme
from nytte.core.validators import orgnr_problem

from .format import SheetSpec
from .read import OMIT, Row
from .result import Errors, SheetCounts
from .write import Step


def present(values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The values of ``names`` the file gives (blank optional cells keep what is stored)."""
    return {name: values[name] for name in names if values.get(name, OMIT) is not OMIT}


def differs(data: dict[str, Any], stored: dict[str, Any]) -> bool:
    """Whether any value the file gives differs from the stored one (else: no write)."""
    return any(stored.get(name) != value for name, value in data.items())


class BasePlan:
    """The checks' shared state: errors, counts per sheet and the planned write steps.

    Every register import (the portfolio's, the benefits') plans alike, so the helpers that
    record errors, counts and steps live here once; a register's ``Plan`` adds what it
    loads from the database and the references it checks.
    """

    def __init__(self, programme: Programme, sheets: dict[str, list[Row]], errors: Errors) -> None:
        self.programme = programme
        self.sheets = sheets
        self.errors = errors
        self.counts: dict[str, SheetCounts] = {name: SheetCounts() for name in sheets}
        self.steps: list[Step] = []
        self.orgs = dict(Organisation.objects.values_list("orgnr", "pk"))

    def rows(self, spec: SheetSpec) -> list[Row]:
        return self.sheets.get(spec.name, [])

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.errors.add(sheet, row, column, message)

    def count(self, spec: SheetSpec, kind: str) -> None:
        counts = self.counts[spec.name]
        setattr(counts, kind, getattr(counts, kind) + 1)

    def step(self, spec: SheetSpec, row: Row, action: Callable[..., None], **kwargs: Any) -> None:
        self.steps.append(Step(spec.name, row.number, action, kwargs))

    def validate_model(
        self,
        sheet: str,
        row: int,
        instance: models.Model,
        exclude: list[str],
        non_field: str = "",
        clean: bool = True,
    ) -> None:
        """The model's own field validators and ``clean``: no rule is written twice.

        ``clean=False`` where ``clean`` needs related rows that may not exist yet; the
        services check those in the trial write.
        """
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            self.errors.add_validation(sheet, row, exc, non_field)
        if clean:
            try:
                instance.clean()
            except ValidationError as exc:
                self.errors.add_validation(sheet, row, exc, non_field)

    def org_id(self, sheet: str, row: int, column: str, orgnr: str) -> int | None:
        pk = self.orgs.get(orgnr.replace(" ", ""))
        if pk is None:
            problem = orgnr_problem(orgnr)
            self.error(
                sheet,
                row,
                column,
                problem
                or _("No organisation has the organisation number %(orgnr)s.") % {"orgnr": orgnr},
            )
        return pk

    def unique(self, sheet: str, row: Row, key: Any, seen: dict[Any, int], column: str) -> bool:
        if key in seen:
            self.error(
                sheet,
                row.number,
                column,
                _("Appears twice: row %(first)s has the same key.") % {"first": seen[key]},
            )
            return False
        seen[key] = row.number
        return True
