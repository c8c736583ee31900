"""Forms of the administration pages. They only collect input: the services validate and
decide; refusals come back as field errors (``add_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import fields_for_model
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from nytte.core.choices import OrganisationKind, Role
from nytte.core.models import Organisation, Programme, User
from nytte.portfolio.choices import GoalLevel
from nytte.portfolio.models import Goal, LifeEvent

ROLE_CHOICES = [("", _("Choose a role")), *Role.choices]


def find_user(value: str) -> User | None:
    """An active account by exact user name or e-mail address (no directory to browse)."""
    value = value.strip()
    if not value:
        return None
    matches = list(
        User.objects.filter(is_active=True).filter(
            Q(username__iexact=value) | Q(email__iexact=value)
        )[:2]
    )
    return matches[0] if len(matches) == 1 else None


class MemberAddForm(forms.Form):
    user = forms.CharField(
        label=_("User name or e-mail address"),
        max_length=254,
        help_text=_("Someone who already has an account. Invite others by e-mail below."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)

    def clean_user(self) -> User:
        user = find_user(self.cleaned_data["user"])
        if user is None:
            raise ValidationError(
                _("No account has this user name or e-mail address. Invite them by e-mail.")
            )
        return user


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("New role"), choices=Role.choices)


SETTINGS_FIELDS = [
    "name",
    "vision",
    "target_picture",
    "start_year",
    "end_year",
    "behind_plan_tolerance",
    "public_form_open",
    "public_form_intro",
    "publish_overview",
    "match_across",
]


class ProgrammeSettingsForm(forms.Form):
    """The programme's own fields. A plain form (not a ModelForm) so validating it leaves
    the programme untouched until the service saves it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Programme, fields=SETTINGS_FIELDS))
        for name in ("vision", "public_form_intro"):
            self.fields[name].widget.attrs["rows"] = 4

    @classmethod
    def for_programme(cls, programme: Programme) -> ProgrammeSettingsForm:
        return cls(initial={name: getattr(programme, name) for name in SETTINGS_FIELDS})


class ParticipantAddForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            pk__in=programme.participants.values("pk")
        ).order_by("name")


class GoalForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=GoalLevel.choices)
    parent = forms.ModelChoiceField(
        label=_("Serves the societal goal"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("None (a societal goal)"),
        help_text=_("For an impact goal."),
    )
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=6, decimal_places=2)

    def __init__(
        self, *args: Any, programme: Programme, goal: Goal | None = None, **kwargs: Any
    ) -> None:
        if goal is not None and "initial" not in kwargs and not args:
            kwargs["initial"] = {
                "level": goal.level,
                "parent": goal.parent_id,
                "code": goal.code,
                "title": goal.title,
                "description": goal.description,
                "weight": goal.weight,
            }
        kwargs.setdefault("initial", {}).setdefault("weight", 1)
        super().__init__(*args, **kwargs)
        societal = Goal.objects.filter(programme=programme, level=GoalLevel.SOCIETAL)
        if goal is not None:
            societal = societal.exclude(pk=goal.pk)
        self.fields["parent"].queryset = societal.order_by("code")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data["level"] == GoalLevel.SOCIETAL:
            data["parent"] = None
        return data


class LifeEventForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short address"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and dashes; made from the name when left empty."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible ministry"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.MINISTRY).order_by("name"),
        required=False,
        empty_label=_("None"),
    )

    @classmethod
    def for_event(cls, event: LifeEvent, **kwargs: Any) -> LifeEventForm:
        return cls(
            initial={
                "name": event.name,
                "slug": event.slug,
                "description": event.description,
                "responsible": event.responsible_id,
            },
            **kwargs,
        )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["slug"] = data["slug"] or slugify(data["name"])[:80]
        return data


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    orgnr = forms.CharField(
        label=_("Organisation number"),
        max_length=11,
        help_text=_("Nine digits, as in the Central Coordinating Register (Enhetsregisteret)."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
    )

    def __init__(self, *args: Any, organisation: Organisation | None = None, **kwargs: Any) -> None:
        if organisation is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": organisation.name,
                "short_name": organisation.short_name,
                "orgnr": organisation.orgnr,
                "kind": organisation.kind,
                "parent": organisation.parent_id,
            }
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["parent"].queryset = Organisation.objects.exclude(
                pk=organisation.pk
            ).order_by("name")


class ProgrammeCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short address"),
        max_length=60,
        required=False,
        help_text=_("Used in the programme's web addresses; made from the name when left empty."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owning organisation"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Choose an organisation"),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Other participating organisations"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    vision = forms.CharField(
        label=_("Vision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    first_admin = forms.CharField(
        label=_("First programme admin"),
        required=False,
        max_length=254,
        help_text=_(
            "User name or e-mail address of an existing account; that person runs the "
            "programme from here on."
        ),
    )

    def clean_first_admin(self) -> User | None:
        value = self.cleaned_data["first_admin"]
        if not value.strip():
            return None
        user = find_user(value)
        if user is None:
            raise ValidationError(_("No account has this user name or e-mail address."))
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("name") and not data.get("slug"):
            data["slug"] = slugify(data["name"])[:60]
        return data


class AcceptNewAccountForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("What you log in with: letters, digits and @ . + - _"),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data
