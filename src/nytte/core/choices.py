from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency")
    MUNICIPALITY = "municipality", _("Municipality")
    PRIVATE = "private", _("Private")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    CONTRIBUTOR = "contributor", _("Contributor")
    FACILITATOR = "facilitator", _("Facilitator")
    OWNER = "owner", _("Owner")
    FORUM_MEMBER = "forum_member", _("Forum member")
    PROGRAMME_ADMIN = "programme_admin", _("Programme admin")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
