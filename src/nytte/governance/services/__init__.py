"""Writes for step 4 (forums, cases, decisions, baselines, the governance dialogue), one
module per sub-domain; pages, API, CLI and the demo all call these."""

from .baselines import baseline_from_run, freeze_baseline
from .cases import (
    benefit_create,
    benefit_delete,
    benefit_update,
    case_update,
    cost_create,
    cost_delete,
    cost_update,
    funding_set,
    option_create,
    option_delete,
    option_update,
    prepare_case_from_proposal,
    prepare_change_request,
)
from .decisions import amend, check_may_decide, decide, may_decide
from .dialogue import (
    dialogue_item_create,
    dialogue_item_delete,
    dialogue_item_from_decision,
    dialogue_item_update,
)
from .forums import (
    agenda_add,
    agenda_remove,
    forum_create,
    forum_delete,
    forum_update,
    meeting_create,
    meeting_delete,
    meeting_update,
    member_add,
    member_remove,
)

__all__ = [
    "agenda_add",
    "agenda_remove",
    "amend",
    "baseline_from_run",
    "benefit_create",
    "benefit_delete",
    "benefit_update",
    "case_update",
    "check_may_decide",
    "cost_create",
    "cost_delete",
    "cost_update",
    "decide",
    "dialogue_item_create",
    "dialogue_item_delete",
    "dialogue_item_from_decision",
    "dialogue_item_update",
    "forum_create",
    "forum_delete",
    "forum_update",
    "freeze_baseline",
    "funding_set",
    "may_decide",
    "meeting_create",
    "meeting_delete",
    "meeting_update",
    "member_add",
    "member_remove",
    "option_create",
    "option_delete",
    "option_update",
    "prepare_case_from_proposal",
    "prepare_change_request",
]
