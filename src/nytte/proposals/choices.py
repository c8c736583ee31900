from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where a proposal is in steps 1–4; parked, rejected and merged are side exits, and
    adopted is the end of the road through a forum's decision (set only by the governance
    app; the proposal's ``attached_to`` then names the initiative it became)."""

    RECEIVED = "received", _("Received")
    HARMONISATION = "harmonisation", _("Harmonisation")
    ASSESSMENT = "assessment", _("Assessment")
    READY = "ready", _("Ready for governance")
    PARKED = "parked", _("Parked")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")
    ADOPTED = "adopted", _("Adopted as an initiative")

    @property
    def in_sentence(self) -> str:
        """The label as it reads mid-sentence ("F-13 er nå: harmonisering"): lower case first."""
        label = str(self.label)
        return label[:1].lower() + label[1:]


# The flow: each stage and where it may go next. Anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.RECEIVED: frozenset({Stage.HARMONISATION, Stage.PARKED, Stage.REJECTED, Stage.MERGED}),
    Stage.HARMONISATION: frozenset({Stage.ASSESSMENT, Stage.PARKED, Stage.REJECTED, Stage.MERGED}),
    Stage.ASSESSMENT: frozenset(
        {Stage.READY, Stage.HARMONISATION, Stage.PARKED, Stage.REJECTED, Stage.MERGED}
    ),
    Stage.READY: frozenset({Stage.ASSESSMENT, Stage.PARKED}),
    Stage.PARKED: frozenset({Stage.HARMONISATION, Stage.REJECTED}),
    Stage.REJECTED: frozenset(),
    Stage.MERGED: frozenset(),
    Stage.ADOPTED: frozenset(),
}
# Moving to these needs a reason; a rejection's reason is shown to the proposer.
NEEDS_REASON = frozenset({Stage.PARKED, Stage.REJECTED})
OPEN_STAGES = (Stage.RECEIVED, Stage.HARMONISATION, Stage.ASSESSMENT, Stage.READY)


class Source(models.TextChoices):
    STAFF = "staff", _("Staff")
    USER_INSIGHT = "user_insight", _("User insight")
    SUPPLIER = "supplier", _("Supplier")
    OTHER_AGENCY = "other_agency", _("Another agency")
    RESEARCH = "research", _("Research")
    NEW_TECHNOLOGY = "new_technology", _("New technology")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    """How the proposal came in."""

    FORM = "form", _("Form")
    PUBLIC = "public", _("Public form")
    API = "api", _("API")
    IMPORT = "import", _("Excel import")
    SOUGHT_OUT = "sought_out", _("Sought out by the facilitator")


class EvidenceKind(models.TextChoices):
    QUOTE = "quote", _("Quote")
    DATA = "data", _("Data")
    STUDY = "study", _("Study or report")
    OTHER = "other", _("Other")


class LinkKind(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate of")
    OVERLAP = "overlap", _("Overlaps with")
    DEPENDS_ON = "depends_on", _("Depends on")
    ENABLES = "enables", _("Enables")
    CONFLICTS = "conflicts", _("Conflicts with")
    COMPLEMENTS = "complements", _("Complements")
    SAME_USER_BENEFIT = "same_user_benefit", _("Same user benefit as")


class Dimension(models.TextChoices):
    POTENTIAL = "potential", _("Innovation potential")
    COMPLEXITY = "complexity", _("Complexity")


class Track(models.TextChoices):
    QUICK_WIN = "quick_win", _("Quick win")
    PILOT = "pilot", _("Pilot or experiment")
    STRATEGIC = "strategic", _("Strategic change for the governance dialogue")
    PARK = "park", _("Park")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    STAGE_CHANGED = "stage_changed", _("Stage changed")
    MERGED = "merged", _("Merged")
    ATTACHED = "attached", _("Attached to an initiative")
    LINKED = "linked", _("Linked")
    TRACK_SET = "track_set", _("Track set")
    ASSESSMENT_SUBMITTED = "assessment_submitted", _("Assessment submitted")
    ERASED = "erased", _("Proposer's personal data erased")
    CROSS_NOTICE = "cross_notice", _("Another programme's facilitators told")
