"""Step 5, the learning loop: follow-up actions, reviews, lessons, revisit items and the
forum's portfolio status reports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.benefits.models import Benefit
from nytte.core.models import Programme
from nytte.core.querysets import scoped_manager
from nytte.portfolio.models import Risk
from nytte.proposals.models import Proposal

from ..choices import RevisitKind
from .cases import DecisionCase
from .decisions import Decision
from .forums import Forum


class FollowUpAction(models.Model):
    """Something a decision asks someone to do by a date; overdue ones are reminded by
    e-mail and shown in the work queue."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_up_actions",
    )
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True, editable=False)
    done_note = models.TextField(_("what was done"), blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True, editable=False)

    objects = scoped_manager("decision__case__programme", owner_path="owner")

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        indexes = [models.Index(fields=["done_at", "due_date"])]

    def __str__(self) -> str:
        return self.title

    def get_permission_programme(self) -> Programme:
        return self.decision.case.programme

    def is_owned_by(self, user: object) -> bool:
        return self.owner_id is not None and self.owner_id == getattr(user, "pk", None)


class Review(models.Model):
    """A decision's review: realised against expected benefits and costs as they stood on
    the day (frozen), and what the reviewer learned."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    figures = models.JSONField(_("realised against expected"), editable=False, default=dict)
    learned = models.TextField(_("what we learned"))
    next_review = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = scoped_manager("decision__case__programme")

    class Meta:
        ordering = ["decision", "-reviewed_on", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.decision} · {self.reviewed_on}"

    def get_permission_programme(self) -> Programme:
        return self.decision.case.programme


class Lesson(models.Model):
    """A lesson learned (erfaring), tagged and searchable; shown beside new proposals that
    resemble the case it came from."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="lessons"
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("lesson"))
    tags = models.CharField(
        _("tags"), max_length=300, blank=True, help_text=_("Separate tags with commas.")
    )
    case = models.ForeignKey(
        DecisionCase,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    review = models.ForeignKey(
        Review,
        verbose_name=_("review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "-created_at", "-pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:lesson", kwargs={"slug": self.programme.slug, "pk": self.pk})

    def get_permission_programme(self) -> Programme:
        return self.programme

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class RevisitItem(models.Model):
    """A reason to look at a decision again, opened by the system for the facilitator: a
    benefit behind plan beyond its tolerance, a materialised risk, or a new proposal that
    overlaps an approved decision. One open item per reason and object."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="revisit_items",
    )
    kind = models.CharField(_("reason"), max_length=24, choices=RevisitKind.choices)
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revisit_items",
    )
    benefit = models.ForeignKey(
        Benefit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    risk = models.ForeignKey(
        Risk, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.TextField(_("detail"), blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    resolution = models.TextField(_("what was done"), blank=True)
    # The reason and its objects in one value, so "one open item per reason" is a plain
    # unique index on both databases (SQLite has no NULLS NOT DISTINCT).
    reason_key = models.CharField(max_length=120, editable=False, default="")

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "closed_at", "-opened_at"]
        verbose_name = _("revisit item")
        verbose_name_plural = _("revisit items")
        constraints = [
            models.UniqueConstraint(
                fields=["reason_key"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_revisit_per_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.reason_key = revisit_reason_key(
            self.kind, self.decision_id, self.benefit_id, self.risk_id, self.proposal_id
        )
        super().save(*args, **kwargs)

    def get_permission_programme(self) -> Programme:
        return self.programme


def revisit_reason_key(kind: str, *ids: int | None) -> str:
    """``kind:decision:benefit:risk:proposal``, an empty place for a missing object."""
    return ":".join([kind, *("" if pk is None else str(pk) for pk in ids)])


class StatusReport(models.Model):
    """The portfolio status for a forum (half-yearly or on demand): traffic lights on time,
    cost and benefits for every initiative, frozen so the next report shows the change."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="portfolio_reports",
    )
    forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_reports",
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.JSONField(_("content"), editable=False, default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "-created_at", "-pk"]
        verbose_name = _("portfolio status report")
        verbose_name_plural = _("portfolio status reports")

    def __str__(self) -> str:
        return self.title

    def get_permission_programme(self) -> Programme:
        return self.programme
