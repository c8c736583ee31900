from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RunMode(models.TextChoices):
    PLAN = "plan", _("Plan the portfolio")
    DISPLACEMENT = "displacement", _("What a proposal would displace")
    FRONTIER = "frontier", _("Efficient frontier")


FINISHED = frozenset({RunStatus.DONE, RunStatus.FAILED})
