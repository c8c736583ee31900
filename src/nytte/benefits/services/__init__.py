"""Writes to the benefits register. Each is atomic, checks the acting actor's rights
(``acting_user: Actor``: a user, or the system for the demo and the command line) and logs
the change. Pages, the API, the Excel imports, the commands and the admin all come here.

Facilitators and programme admins edit everything; a benefit's owner (the named person, or
someone with the owner role in the owning organisation) edits that benefit, its yearly
amounts, indicators, targets and measurements — even when the initiatives behind it belong
to another agency, which the owner then cannot edit.
"""

from __future__ import annotations

from .benefits import (
    ESTIMATE_FIELDS,
    HUNDRED,
    benefit_confirm,
    benefit_create,
    benefit_delete,
    benefit_update,
    default_priced,
    may_confirm,
)
from .lines import (
    amount_create,
    amount_delete,
    amount_update,
    contribution_create,
    contribution_delete,
    contribution_update,
    indicator_create,
    indicator_delete,
    indicator_update,
    refresh_amount_totals,
    target_create,
    target_delete,
    target_update,
)
from .measurements import (
    BulkError,
    MeasurementRow,
    Refusal,
    measurement_create,
    measurement_delete,
    measurement_update,
    measurements_append,
)
from .plans import (
    plan_download,
    plan_file_for,
    plan_size,
    realisation_plan_save,
    word_takes,
)

__all__ = [
    "ESTIMATE_FIELDS",
    "HUNDRED",
    "BulkError",
    "MeasurementRow",
    "Refusal",
    "amount_create",
    "amount_delete",
    "amount_update",
    "benefit_confirm",
    "benefit_create",
    "benefit_delete",
    "benefit_update",
    "contribution_create",
    "contribution_delete",
    "contribution_update",
    "default_priced",
    "indicator_create",
    "indicator_delete",
    "indicator_update",
    "may_confirm",
    "measurement_create",
    "measurement_delete",
    "measurement_update",
    "measurements_append",
    "plan_download",
    "plan_file_for",
    "plan_size",
    "realisation_plan_save",
    "refresh_amount_totals",
    "target_create",
    "target_delete",
    "target_update",
    "word_takes",
]
