"""Form fields and base forms every app's pages share, so that choice fields query once and
line forms are built alike everywhere (portfolio, benefits, cost-benefit, proposals).

Choice fields fetch their options once: the same list is rendered and validated against, so a
submitted choice costs no query of its own (the pages' query counts are pinned).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext

from nytte.core.models import Programme

# A date input the browsers show as a date picker, in the format the forms parse.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ListedIterator(forms.models.ModelChoiceIterator):
    """Iterates the objects the field already fetched instead of querying again."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed():
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.field.listed()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.listed())


class _Listed:
    """Mixin for model choice fields: the options are fetched (or given) once per form."""

    objects: list[Any] | None = None
    iterator = _ListedIterator

    def listed(self) -> list[Any]:
        if self.objects is None:
            self.objects = list(self.queryset)
        return self.objects

    def _set_queryset(self, queryset: QuerySet[Any] | None) -> None:
        self.objects = None  # a new queryset (also on deepcopy per form) is fetched afresh
        forms.ModelChoiceField._set_queryset(self, queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def _lookup(self, value: Any) -> Any:
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        found = next((obj for obj in self.listed() if str(getattr(obj, key)) == str(value)), None)
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


class ListedModelChoiceField(_Listed, forms.ModelChoiceField):
    """A model choice field that validates against the options it lists (no extra query)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        return self._lookup(value)


class ListedModelMultipleChoiceField(_Listed, forms.ModelMultipleChoiceField):
    """A multiple choice field that validates against the options it lists (no extra query)."""

    def _check_values(self, value: Any) -> list[Any]:  # type: ignore[override]
        return list(dict.fromkeys(self._lookup(item) for item in value))


def listed(field: forms.ModelChoiceField) -> ListedModelChoiceField:
    """The same choice field, validating against the options it lists: for a FilterSet's
    form, whose fields are built elsewhere."""
    return ListedModelChoiceField(
        queryset=field.queryset,
        to_field_name=field.to_field_name,
        required=field.required,
        label=field.label,
        help_text=field.help_text,
        empty_label=field.empty_label,
    )


# Past this many options a list of checkboxes is too long to read or send; codes are typed.
LONG_LIST = 200


class CodeListInput(forms.Textarea):
    """The options of a list too long to tick, typed as codes (FI-12, F-7) separated by
    commas, spaces or new lines. A typed code that names no option passes through as typed,
    so the field refuses it by name and the box shows what was typed.

    ``codes`` (option value -> code) is called the first time a code is looked up: an empty
    box, as on a new form, never reads the options (thousands of rows at national size)."""

    is_code_list = True

    def __init__(self, codes: Callable[[], Mapping[str, str]]) -> None:
        super().__init__(attrs={"rows": 3})
        self.read_codes = codes

    @cached_property
    def codes(self) -> Mapping[str, str]:
        return self.read_codes()

    @cached_property
    def values(self) -> dict[str, str]:
        return {code.casefold(): value for value, code in self.codes.items()}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        text = data.get(name) or ""
        return [self.values.get(t.casefold(), t) for t in re.split(r"[\s,;]+", text) if t]

    def format_value(self, value: Any) -> str:
        if not value:
            return ""
        values = [value] if isinstance(value, str | int) else value
        return ", ".join(self.codes.get(str(v), str(v)) for v in values)


def too_long_to_list(count: int) -> bool:
    return count > LONG_LIST


def codes_when_long(field: forms.Field, codes: dict[str, str]) -> bool:
    """Turn a multiple-choice field into a box for typed codes when it has more than
    ``LONG_LIST`` options (``codes``: option value -> code); returns whether it did."""
    if not too_long_to_list(len(codes)):
        return False
    type_codes(field, count=len(codes), example=next(iter(codes.values())), codes=lambda: codes)
    return True


def type_codes(
    field: forms.Field, *, count: int, example: str, codes: Callable[[], Mapping[str, str]]
) -> None:
    """Make a multiple-choice field a box for typed codes whatever its length: for a form
    that knows how many options there are (``count``) and the first one's code without
    reading them; ``codes`` reads them when a posted or saved value needs them."""
    field.widget = CodeListInput(codes)
    typed = gettext(
        "Too many to list (%(count)s): type their codes, separated by commas, for example %(code)s."
    ) % {"count": count, "code": example}
    field.help_text = f"{field.help_text} {typed}".strip()


class LineForm(forms.ModelForm):
    """Base of the line forms: each takes the programme, so the pages build any of them the
    same way, and names the fields that take a whole row of the form grid."""

    wide_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme


# -- optimistic locking (nytte.core.concurrency) -----------------------------------------------

VERSION_FIELD = "version"


def add_version_field(form: forms.BaseForm) -> None:
    """A hidden field carrying the version of the object the form was opened on, so that the
    service can refuse the save if someone changed the object since. Bound, it keeps the
    posted value: a form shown again after an error still says what the editor started from."""
    instance = getattr(form, "instance", None)
    form.fields[VERSION_FIELD] = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        initial=getattr(instance, "version", None) if getattr(instance, "pk", None) else None,
    )


def posted_version(form: forms.BaseForm) -> int | None:
    """The version the editor started from (``None`` on a new object's form)."""
    return form.cleaned_data.get(VERSION_FIELD)
