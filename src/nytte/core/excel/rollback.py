"""All or nothing: the trial write every import (and bulk append) runs in one transaction,
undone on any error or on a dry run, so that the rules the services enforce on save are
checked too and a failed or trial import keeps nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction

from .plan import BasePlan
from .result import Errors, ImportResult
from .write import Step


class Rollback(Exception):
    """Raised inside ``trial_write`` to undo its transaction; not an error."""


@contextmanager
def trial_write() -> Iterator[None]:
    """One transaction that the body undoes by raising ``Rollback`` (which stops here)."""
    try:
        with transaction.atomic():
            yield
    except Rollback:
        pass


def write_all_or_nothing(
    result: ImportResult,
    plan: BasePlan,
    run: Callable[[list[Step], Errors], None],
    dry_run: bool,
) -> ImportResult:
    """Run the plan's writes in one trial write, undone on any error or on a dry run; the
    counts are kept only when every write succeeded. Shared by the register imports."""
    with trial_write():
        run(plan.steps, plan.errors)
        if plan.errors or dry_run:
            raise Rollback
    result.counts = {} if plan.errors else plan.counts
    return result
