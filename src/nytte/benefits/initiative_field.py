"""An initiative chosen by its code: a text box with suggestions, for a programme that has
thousands of initiatives (too many for a select)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.portfolio.models import Initiative
from nytte.portfolio.selectors import initiative_code_suggestions

SUGGESTIONS = 20


def _initiatives(programme: Programme) -> QuerySet[Initiative]:
    return Initiative.objects.filter(programme=programme).order_by("code")


class InitiativeCodeInput(forms.TextInput):
    """An initiative's code typed in a text box, with suggestions in its own ``<datalist>``:
    the first few codes on the page, and HTMX asks for those matching what is typed. A
    programme can have thousands of initiatives, too many for a select; without JavaScript
    it is a text box for the code."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.suggestions: Any = ()  # (code, title) pairs; shared by the rows of a form set
        self.source_url = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        list_id = f"{widget_attrs.get('id') or name}-codes"
        widget_attrs["list"] = list_id
        if self.source_url:
            widget_attrs.update(
                {
                    "hx-get": self.source_url,
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{list_id}",
                    "hx-swap": "innerHTML",
                }
            )
        return context

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> str:
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or name}-codes"
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((c, t) for c, t in self.suggestions)
        )
        return html + format_html('<datalist id="{}">{}</datalist>', list_id, options)


class InitiativeCodeField(forms.ModelChoiceField):
    """An initiative of the programme, chosen by its code (``InitiativeCodeInput``)."""

    widget = InitiativeCodeInput
    default_error_messages = {
        "invalid_choice": _("No initiative in this programme has this code."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("The code of an initiative in this programme."))
        kwargs.setdefault("queryset", Initiative.objects.none())
        kwargs["to_field_name"] = "code"
        kwargs.pop("limit_choices_to", None)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Initiative | None:
        """The initiative by its code; an id is still taken (forms and scripts that sent ids
        before the field took codes)."""
        if value in self.empty_values:
            return None
        if isinstance(value, Initiative):
            return value
        text = str(value).strip()
        match = Q(code=text) | (Q(pk=int(text)) if text.isdigit() else Q(pk__in=[]))
        found = sorted(self.queryset.filter(match)[:2], key=lambda i: i.code != text)
        if not found:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found[0]

    def for_programme(self, programme: Programme, suggestions: Any = None) -> None:
        self.queryset = _initiatives(programme)
        self.widget.source_url = reverse(
            "portfolio:initiative_codes", kwargs={"slug": programme.slug}
        )
        self.widget.suggestions = (
            suggestions if suggestions is not None else initiative_suggestions(programme)
        )


def initiative_suggestions(programme: Programme) -> Any:
    """The first codes to suggest, read only when a form is drawn (one query)."""
    return SimpleLazyObject(
        lambda: initiative_code_suggestions(programme=programme, limit=SUGGESTIONS)
    )
