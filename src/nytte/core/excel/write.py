"""Running an import's planned writes, one service call per step, each failure recorded
against the row that asked for it: shared by the register imports' writers (portfolio,
benefits), so that rights, model rules and the change log are those of the pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from .result import Errors, RowError


@dataclass(frozen=True)
class Step:
    """One planned write: the row that asked for it and the writer's method doing it."""

    sheet: str
    row: int
    action: Callable[..., None]
    kwargs: dict[str, Any]


def run_steps(writer: Any, steps: list[Step], errors: Errors) -> None:
    """Run the planned writes in order, each failure recorded against its row so that one
    report lists them all."""
    for step in steps:
        try:
            step.action(writer, **step.kwargs)
        except ValidationError as exc:
            errors.add_validation(step.sheet, step.row, exc)
        except (PermissionDenied, Http404):
            errors.list.append(RowError(step.sheet, step.row, "", _("You may not change this.")))
        except KeyError:
            # A row this one refers to failed; its own error is reported already.
            errors.list.append(
                RowError(step.sheet, step.row, "", _("Refers to a row that could not be saved."))
            )
