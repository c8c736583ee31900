"""Organisations, programmes, people, their roles, and the change history."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import ChangeAction, OrganisationKind, Role
from .validators import validate_orgnr


class User(AbstractUser):
    """A person who logs in, locally or through single sign-on."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Organisation(models.Model):
    """A public body or other organisation (virksomhet, etat): a ministry over its agencies,
    an agency, a municipality, a private company."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    orgnr = models.CharField(
        _("organisation number"), max_length=9, unique=True, validators=[validate_orgnr]
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.AGENCY
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Programme(models.Model):
    """A cross-agency programme (program) such as Framtidens innkreving: the shared frame for
    a portfolio of initiatives, their benefits and the proposals weighed against them."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short address"), max_length=60, unique=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owning organisation"),
        on_delete=models.PROTECT,
        related_name="owned_programmes",
    )
    participants = models.ManyToManyField(
        Organisation,
        verbose_name=_("participating organisations"),
        related_name="programmes",
        blank=True,
    )
    vision = models.TextField(_("vision"), blank=True)
    target_picture = models.TextField(
        _("target picture"),
        blank=True,
        help_text=_("The målbilde, in Markdown: what services and products are heading for."),
    )
    start_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    behind_plan_tolerance = models.DecimalField(
        _("tolerance before a benefit is behind plan (percentage points)"),
        max_digits=5,
        decimal_places=2,
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "A benefit is behind plan when its realisation trails the plan by more than this."
        ),
    )
    public_form_open = models.BooleanField(
        _("public proposal form open"),
        default=True,
        help_text=_("Whether anyone may send a proposal without an account."),
    )
    public_form_intro = models.TextField(
        _("introduction on the public proposal form"),
        blank=True,
        help_text=_("Shown above the public form; left empty, a standard text is shown."),
    )
    publish_overview = models.BooleanField(
        _("publish an overview of initiatives"),
        default=False,
        help_text=_(
            "Show the initiatives marked as published on the public overview and in the "
            "open-data feed (title, purpose, organisations, phase and life events only)."
        ),
    )
    match_across = models.BooleanField(
        _("compare with other programmes"),
        default=True,
        help_text=_(
            "Tell facilitators of other programmes that something similar exists here, and who "
            "facilitates it (never what, unless they have a role here); see theirs likewise."
        ),
    )
    # Moves on with every logged change in the programme: a cheap key for cached aggregates.
    register_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Moves on only with changes to the portfolio and benefits registers and the programme
    # itself (``core.history.PORTFOLIO_APPS``): the key of what reads nothing else (the
    # cost table, the benefits analyses), which the proposal pipeline's many writes then
    # leave cached.
    portfolio_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Moves on only with changes to the realisation data (indicators, targets, measurements:
    # models that say ``history_version = "realisation"``), which leave ``portfolio_version``
    # alone: recording a measurement then recomputes the follow-up only, not the benefits
    # map or who pays.
    realisation_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Moves on only with changes to the proposal pipeline (``core.history.PIPELINE_APPS``):
    # the key, with ``portfolio_version``, of what reads proposals and their assessments (the
    # matrix), which recorded measurements and other apps' writes then leave cached.
    pipeline_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme", kwargs={"slug": self.slug})

    def get_permission_programme(self) -> Programme:
        return self

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The last year cannot come before the first.")})


class OrganisationMembership(models.Model):
    """That a person works for an organisation, and in what role there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_organisation_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class ProgrammeMembership(models.Model):
    """A person's role in a programme: what they may see and do there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="programme_memberships",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("programme membership")
        verbose_name_plural = _("programme memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role"], name="unique_programme_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.programme} · {self.get_role_display()}"

    def get_permission_programme(self) -> Programme:
        return self.programme


class ChangeLogEntry(models.Model):
    """One change to a register object: who (and for which organisation), when (stored in
    UTC), each field before and after, and the request that made it.

    Append-only (``nytte.core.records``): a database trigger refuses updates and deletes, so
    every reference here is kept by ``SET_NULL`` (or ``PROTECT``), never ``CASCADE``:
    deleting a programme, user or organisation detaches its rows and keeps them."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # "system:<purpose>" or "public" when no user account acted (see core.actors).
    actor_label = models.CharField(_("acted as"), max_length=60, blank=True, default="")
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The organisation the acting user works for (their first membership), when any.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("change")
        verbose_name_plural = _("change history")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-timestamp"]),
            # A programme's recent changes (its home page) read the newest few rows of this
            # index instead of sorting every change the programme ever had.
            models.Index(
                fields=["programme", "-timestamp", "-id"], name="changelog_programme_recent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A secret that lets a machine call the API as a user; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("May only read (GET, HEAD, OPTIONS).")
    )

    # The change log says that a token was made or revoked, never its secret's hash.
    history_redacted_fields = ("key_hash",)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ThrottleCounter(models.Model):
    """Hits of one client (an account or a hashed address) in one time window, counted in
    the database so that every worker process shares the count (``nytte.core.throttle``)."""

    key = models.CharField(max_length=128, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("throttle counter")
        verbose_name_plural = _("throttle counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
