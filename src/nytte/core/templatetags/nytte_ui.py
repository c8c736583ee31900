"""Template helpers that render Django form fields with Designsystemet's markup."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

WIDGET_CLASS = {
    forms.Select: "ds-input",
    forms.SelectMultiple: "ds-input",
    forms.Textarea: "ds-input",
    forms.CheckboxInput: "ds-input",
    forms.RadioSelect: "",
    forms.CheckboxSelectMultiple: "",
}


@register.filter
def ds_widget(field: BoundField) -> SafeString:
    """The field's widget with the design-system class and its description/error links."""
    widget = field.field.widget
    css = next((c for t, c in WIDGET_CLASS.items() if isinstance(widget, t)), "ds-input")
    attrs: dict[str, str] = {}
    if css:
        attrs["class"] = " ".join(filter(None, [widget.attrs.get("class", ""), css]))
    described = []
    if field.help_text:
        described.append(f"{field.id_for_label}-help")
    if field.errors:
        described.append(f"{field.id_for_label}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
