from django.db import models
from django.utils.translation import gettext_lazy as _


class StakeholderGroup(models.TextChoices):
    """A stakeholder that is a group rather than one named organisation."""

    USERS = "users", _("Users")
    BUSINESSES = "businesses", _("Businesses")
    MUNICIPALITIES = "municipalities", _("Municipalities")
    SUPPLIERS = "suppliers", _("Suppliers")
    UNIONS = "unions", _("Unions")
    AGENCIES = "agencies", _("Other agencies")


class Involvement(models.TextChoices):
    """How far a stakeholder takes part, from being told to working with us."""

    INFORM = "inform", _("Informed")
    CONSULT = "consult", _("Consulted")
    INVOLVE = "involve", _("Involved")
    COLLABORATE = "collaborate", _("Collaborating")


class AnswerStatus(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class Topic(models.TextChoices):
    """What a checklist question is about. Two topics carry behaviour: the KS question is
    required where municipal services are touched, and the bordering-work question shows
    the confirmed links instead of asking for them again."""

    PARTICIPANTS = "participants", _("Participants and phases")
    LEADERSHIP = "leadership", _("Leadership commitment")
    GUIDANCE = "guidance", _("Political and strategic guidance")
    KS = "ks", _("KS and municipal services")
    USERS = "users", _("User insight")
    BORDERING = "bordering", _("Bordering work")
    OTHER = "other", _("Other")


class AppliesTo(models.TextChoices):
    BOTH = "both", _("Initiatives and proposals")
    INITIATIVES = "initiatives", _("Initiatives only")
    PROPOSALS = "proposals", _("Proposals only")


class CommitmentDocument(models.TextChoices):
    """Where a leadership's commitment is written down."""

    BUSINESS_PLAN = "business_plan", _("Business plan")
    ALLOCATION_LETTER = "allocation_letter", _("Allocation letter")
    GOVERNANCE_MINUTES = "governance_minutes", _("Governance dialogue minutes")
    OTHER = "other", _("Other document")


class RaciLetter(models.TextChoices):
    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")
