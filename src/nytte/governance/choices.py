from django.db import models
from django.utils.translation import gettext_lazy as _


class ForumKind(models.TextChoices):
    PROGRAMME_BOARD = "programme_board", _("Programme board")
    AGENCY_LEADERSHIP = "agency_leadership", _("Agency leadership")
    MINISTRY_DIALOGUE = "ministry_dialogue", _("Ministry–agency governance dialogue")
    OTHER = "other", _("Other forum")


class CaseKind(models.TextChoices):
    PROPOSAL = "proposal", _("New proposal")
    CHANGE = "change", _("Change request")


class ChangeKind(models.TextChoices):
    """What a change request on a running initiative asks for."""

    SCOPE = "scope", _("New scope")
    BUDGET = "budget", _("Budget")
    TIMELINE = "timeline", _("Timeline")
    STOP = "stop", _("Stop")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    READY = "ready", _("Ready for the forum")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: A case still on its way to a forum: one per proposal or change, on agendas, in the queue.
OPEN_CASE_STATUSES = (CaseStatus.DRAFT, CaseStatus.READY)


class FundingKey(models.TextChoices):
    """The keys agencies use to split the cost of shared work (fordelingsnøkkel)."""

    BENEFITS = "benefits", _("By where the benefits arise")
    SIZE = "size", _("By economy and size")
    USE = "use", _("By expected use")
    JUDGEMENT = "judgement", _("By judgement")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CONDITIONAL = "conditional", _("Approved with conditions")
    PILOT = "pilot", _("Pilot")
    PARKED = "parked", _("Parked")
    REJECTED = "rejected", _("Rejected")
    ESCALATED = "escalated", _("Escalated to the ministry dialogue")


# Outcomes that change the portfolio (the chosen option's change is applied).
APPLYING_OUTCOMES = frozenset({Outcome.APPROVED, Outcome.CONDITIONAL, Outcome.PILOT})


class RevisitKind(models.TextChoices):
    BENEFIT_BEHIND = "benefit_behind", _("Benefit behind plan")
    RISK_MATERIALISED = "risk_materialised", _("Risk materialised")
    OVERLAPPING_PROPOSAL = "overlapping_proposal", _("New proposal overlaps a decision")


class DialogueItemKind(models.TextChoices):
    ALLOCATION_LETTER = "allocation_letter", _("Expectation for the allocation letter")
    MEETING_TOPIC = "meeting_topic", _("Topic for the next governance meeting")
