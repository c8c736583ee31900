"""Forums that decide, their members and their meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Organisation, Programme
from nytte.core.querysets import scoped_manager

from ..choices import ForumKind


class Forum(models.Model):
    """A steering forum (styringsorgan) of a programme: the programme board, an agency's
    leadership, or the governance dialogue between a ministry and its agency. Only its
    members decide the cases put to it."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="forums"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ForumKind.choices, default=ForumKind.PROGRAMME_BOARD
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forums",
        help_text=_("The agency or ministry whose forum this is, if it is one organisation's."),
    )
    mandate = models.TextField(_("mandate"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ForumMember",
        verbose_name=_("members"),
        blank=True,
        related_name="forums",
    )

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "name"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="unique_forum_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:forum", kwargs={"slug": self.programme.slug, "pk": self.pk})

    def get_permission_programme(self) -> Programme:
        return self.programme


class ForumMember(models.Model):
    """That a person sits in a forum. Together with the programme's forum-member role this
    is what lets them decide there."""

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="forum_memberships",
    )
    chair = models.BooleanField(_("chair"), default=False)

    objects = scoped_manager("forum__programme")

    class Meta:
        ordering = ["forum", "-chair", "user__last_name", "user__username"]
        verbose_name = _("forum member")
        verbose_name_plural = _("forum members")
        constraints = [
            models.UniqueConstraint(fields=["forum", "user"], name="unique_forum_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.forum}"

    def get_permission_programme(self) -> Programme:
        return self.forum.programme


class Meeting(models.Model):
    """A meeting of a forum, with an agenda of decision cases."""

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    cases = models.ManyToManyField(
        "governance.DecisionCase",
        through="AgendaItem",
        verbose_name=_("agenda"),
        blank=True,
        related_name="meetings",
    )

    objects = scoped_manager("forum__programme")

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.forum} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse(
            "governance:meeting", kwargs={"slug": self.forum.programme.slug, "pk": self.pk}
        )

    def get_permission_programme(self) -> Programme:
        return self.forum.programme


class AgendaItem(models.Model):
    """A case on a meeting's agenda; a case may come back at a later meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    case = models.ForeignKey(
        "governance.DecisionCase",
        verbose_name=_("decision case"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = scoped_manager("meeting__forum__programme")

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="unique_agenda_item")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.case}"

    def get_permission_programme(self) -> Programme:
        return self.meeting.forum.programme
