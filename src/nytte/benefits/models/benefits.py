"""A benefit, the initiatives' shares of it and its yearly amounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.choices import Role
from nytte.core.models import Organisation, OrganisationMembership, Programme
from nytte.core.naturalsort import COLLATION
from nytte.core.querysets import scoped_manager
from nytte.portfolio.choices import GoalLevel
from nytte.portfolio.models import CODE_VALIDATOR, YEAR_VALIDATORS, Goal, Initiative, Risk

from ..choices import BeneficiaryGroup, BenefitKind, BenefitStatus

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class Benefit(models.Model):
    """A benefit (gevinst): an effect at least one stakeholder sees as positive, arising in
    an organisation or a group, owned by the organisation and person who must take it out
    (gevinsteier)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="benefits"
    )
    code = models.CharField(
        _("code"),
        max_length=30,
        validators=[CODE_VALIDATOR],
        db_collation=COLLATION,
        help_text=_("A stable short key, unique within the programme, e.g. G-07."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=BenefitKind.choices)
    priced = models.BooleanField(
        _("priced"),
        default=True,
        help_text=_("Valued in NOK per year. Quality gains for the state are never priced."),
    )
    impact_goal = models.ForeignKey(
        Goal,
        verbose_name=_("impact goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefits",
        limit_choices_to={"level": GoalLevel.IMPACT},
    )
    initiatives = models.ManyToManyField(
        Initiative,
        through="Contribution",
        verbose_name=_("contributing initiatives"),
        blank=True,
        related_name="benefits",
    )
    arises_in_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("arises in organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="benefits_arising",
    )
    arises_in_group = models.CharField(
        _("arises in group"), max_length=20, choices=BeneficiaryGroup.choices, blank=True
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owning organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_benefits",
        help_text=_("The organisation responsible for taking the benefit out."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("benefit owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_benefits",
        help_text=_("The named person with the authority to take the benefit out."),
    )
    budget_cut_share = models.DecimalField(
        _("share cut from budgets (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=PERCENT_VALIDATORS,
        help_text=_("For priced benefits: the part to be taken out as budget cuts."),
    )
    plus_minus = models.SmallIntegerField(
        _("consequence (−4 to +4)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-4), MaxValueValidator(4)],
        help_text=_("For benefits that are not priced: the plus-minus consequence."),
    )
    plus_minus_reasoning = models.TextField(_("reasoning for the consequence"), blank=True)
    preconditions = models.TextField(_("preconditions and measures"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=BenefitStatus.choices, default=BenefitStatus.IDENTIFIED
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True, editable=False)
    risks = models.ManyToManyField(
        Risk, verbose_name=_("risks"), blank=True, related_name="threatened_benefits"
    )
    # Sums of the yearly profile, kept by the services so lists total without a join.
    total_low = models.BigIntegerField(_("total, low (NOK)"), default=0, editable=False)
    total_likely = models.BigIntegerField(_("total, most likely (NOK)"), default=0, editable=False)
    total_high = models.BigIntegerField(_("total, high (NOK)"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Moves on with every saved change: the optimistic lock of forms and the API's ETag
    # (``nytte.core.concurrency``).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The programme's ``realisation_version`` after the last change to this benefit's
    # indicators, targets or measurements: the follow-up recomputes only the benefits
    # stamped since it was computed.
    realisation_version = models.PositiveBigIntegerField(default=0, editable=False)

    # The queryset gate: Benefit.objects.for_user(actor, action); owners edit what they own.
    objects = scoped_manager("programme", owner_path="owner")

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_benefit_code"),
            models.CheckConstraint(
                condition=(
                    models.Q(arises_in_organisation__isnull=True) | models.Q(arises_in_group="")
                ),
                name="benefit_arises_in_one_place",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status", "kind"]),
            models.Index(fields=["programme", "realisation_version"]),
            # Covers the register's totals, so summing every benefit of a programme reads the
            # index rather than each row (``totals.queryset_totals``).
            models.Index(
                fields=["programme", "total_low", "total_likely", "total_high"],
                name="benefit_totals_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:benefit", kwargs={"slug": self.programme.slug, "code": self.code})

    def get_permission_programme(self) -> Programme:
        return self.programme

    def is_owned_by(self, user: Any) -> bool:
        """The named benefit owner, or someone with the owner role in the owning organisation.
        The role is looked up once per user and organisation on this object (a page asks for
        the benefit and each of its lines), or not at all when the selector read it along."""
        if self.owner_id is not None and self.owner_id == user.pk:
            return True
        if self.owner_organisation_id is None:
            return False
        key = (user.pk, self.owner_organisation_id)
        known = self.__dict__.setdefault("_owner_roles", {})
        if key not in known:
            known[key] = OrganisationMembership.objects.filter(
                user=user, organisation_id=self.owner_organisation_id, role=Role.OWNER
            ).exists()
        return known[key]

    def remember_owner_role(self, user: Any, has_role: bool) -> None:
        """Whether ``user`` has the owner role in the owning organisation, as read with the
        benefit (``selectors.with_owner_role``), so ``is_owned_by`` need not ask."""
        self.__dict__.setdefault("_owner_roles", {})[(user.pk, self.owner_organisation_id)] = (
            has_role
        )

    @property
    def arises_in(self) -> str:
        """The organisation's name or the group's label, for display."""
        if self.arises_in_organisation_id:
            return str(self.arises_in_organisation)
        if self.arises_in_group:
            return str(BeneficiaryGroup(self.arises_in_group).label)
        return ""

    @property
    def confirmed(self) -> bool:
        return self.confirmed_on is not None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.arises_in_organisation_id and self.arises_in_group:
            errors["arises_in_group"] = _(
                "A benefit arises either in one organisation or in a group, not both."
            )
        if self.kind == BenefitKind.QUALITY and self.priced:
            errors["priced"] = _(
                "Quality gains for the state are counted in physical units, not in NOK."
            )
        if not self.priced and self.budget_cut_share:
            errors["budget_cut_share"] = _("Only priced benefits can be cut from budgets.")
        if self.plus_minus is not None and not (self.plus_minus_reasoning or "").strip():
            errors["plus_minus_reasoning"] = _("Give the reasoning behind the consequence.")
        if self.impact_goal_id and self.programme_id:
            if self.impact_goal.programme_id != self.programme_id:
                errors["impact_goal"] = _("The goal belongs to another programme.")
            elif self.impact_goal.level != GoalLevel.IMPACT:
                errors["impact_goal"] = _("Choose an impact goal.")
        if errors:
            raise ValidationError(errors)


class Contribution(models.Model):
    """An initiative's attributed share of a benefit; the shares of one benefit add up to at
    most 100 %, so no krone is counted twice."""

    benefit = models.ForeignKey(
        Benefit, verbose_name=_("benefit"), on_delete=models.CASCADE, related_name="contributions"
    )
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="benefit_contributions",
    )
    share = models.DecimalField(
        _("attributed share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    objects = scoped_manager("benefit__programme", owner_path="benefit__owner")

    class Meta:
        ordering = ["benefit", "initiative__code"]
        verbose_name = _("contribution to benefit")
        verbose_name_plural = _("contributions to benefits")
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "initiative"], name="unique_benefit_contribution"
            ),
            models.CheckConstraint(
                condition=models.Q(share__gt=0) & models.Q(share__lte=100),
                name="contribution_share_in_range",
            ),
        ]
        # Covers the sum of a benefit's shares, which the register's totals ask of every
        # benefit that matches (``totals.share_subquery``).
        indexes = [models.Index(fields=["benefit", "share"], name="contribution_share_idx")]

    def __str__(self) -> str:
        return f"{self.initiative.code} → {self.benefit.code} ({self.share} %)"

    def get_permission_programme(self) -> Programme:
        return self.benefit.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.benefit.is_owned_by(user)

    def clean(self) -> None:
        if self.share is not None and self.share <= 0:
            raise ValidationError({"share": _("The share must be more than 0 %.")})
        if (
            self.benefit_id
            and self.initiative_id
            and self.initiative.programme_id != self.benefit.programme_id
        ):
            raise ValidationError({"initiative": _("The initiative belongs to another programme.")})


class BenefitAmount(models.Model):
    """A priced benefit's value in one year, as low / most likely / high NOK."""

    benefit = models.ForeignKey(
        Benefit, verbose_name=_("benefit"), on_delete=models.CASCADE, related_name="amounts"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    low = models.BigIntegerField(_("low (NOK)"), validators=[MinValueValidator(0)])
    likely = models.BigIntegerField(_("most likely (NOK)"), validators=[MinValueValidator(0)])
    high = models.BigIntegerField(_("high (NOK)"), validators=[MinValueValidator(0)])

    objects = scoped_manager("benefit__programme", owner_path="benefit__owner")

    class Meta:
        ordering = ["benefit", "year"]
        verbose_name = _("yearly benefit")
        verbose_name_plural = _("yearly benefits")
        constraints = [
            models.UniqueConstraint(fields=["benefit", "year"], name="unique_benefit_year"),
            models.CheckConstraint(
                condition=models.Q(low__lte=models.F("likely"))
                & models.Q(likely__lte=models.F("high")),
                name="benefit_low_likely_high_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit.code} {self.year}"

    def get_permission_programme(self) -> Programme:
        return self.benefit.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.benefit.is_owned_by(user)

    def clean(self) -> None:
        if None in (self.low, self.likely, self.high):
            return
        if not self.low <= self.likely <= self.high:
            raise ValidationError(
                _("The amounts must satisfy low ≤ most likely ≤ high."), code="amount_order"
            )
        if self.benefit_id and not self.benefit.priced:
            raise ValidationError(
                _("Only priced benefits have amounts in NOK."), code="amount_not_priced"
            )
