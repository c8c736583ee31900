from .cases import CaseOption, DecisionCase, FundingShare, OptionBenefit, OptionCost
from .decisions import Baseline, Decision, DialogueItem
from .forums import AgendaItem, Forum, ForumMember, Meeting
from .learning import FollowUpAction, Lesson, Review, RevisitItem, StatusReport

__all__ = [
    "AgendaItem",
    "Baseline",
    "CaseOption",
    "Decision",
    "DecisionCase",
    "DialogueItem",
    "FollowUpAction",
    "Forum",
    "ForumMember",
    "FundingShare",
    "Lesson",
    "Meeting",
    "OptionBenefit",
    "OptionCost",
    "Review",
    "RevisitItem",
    "StatusReport",
]
