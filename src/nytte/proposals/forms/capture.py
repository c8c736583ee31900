"""Forms for step 1 (capture): the proposal form for colleagues, the public form for
everyone else, and the evidence and comment forms on a proposal's page.

They check what people type; the services (``services.proposal_submit`` and friends) decide
and save. Choice fields fetch their options once (``ListedModel…ChoiceField``), so a page's
query count does not grow with what is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from nytte.core.excel.views import ImportForm
from nytte.core.forms import ListedModelMultipleChoiceField, add_version_field
from nytte.core.models import Organisation
from nytte.portfolio.models import LifeEvent

from .. import services
from ..choices import Channel, Source
from ..models import Comment, Evidence, Proposal

# The text fields the similar-proposals box sends while someone types.
SIMILAR_FIELDS = ("title", "need", "idea")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by ``services.check_attachment``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _accept() -> str:
    return ",".join(sorted(services.ALLOWED_TYPES))


def attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_(
            "Up to %(n)s files of at most %(mb)s MB each: PDF, Word, Excel, PowerPoint, "
            "pictures (PNG, JPEG), text or CSV."
        )
        % {
            "n": services.MAX_ATTACHMENTS,
            "mb": services.MAX_ATTACHMENT_BYTES // 1024 // 1024,
        },
        widget=MultipleFileInput(attrs={"multiple": True, "accept": _accept()}),
    )


def check_uploads(uploads: Sequence[UploadedFile], *, already: int = 0) -> list[str]:
    """Every problem with the chosen files (not only the first), in the service's words."""
    problems: list[str] = []
    if already + len(uploads) > services.MAX_ATTACHMENTS:
        problems.append(
            str(_("At most %(n)s files.") % {"n": services.MAX_ATTACHMENTS})
            if not already
            else str(
                _("At most %(n)s files; the proposal has %(have)s already.")
                % {"n": services.MAX_ATTACHMENTS, "have": already}
            )
        )
    for upload in uploads:
        try:
            services.check_attachment(upload)
        except ValidationError as exc:
            problems.extend(exc.messages)
    return problems


class _ProposalFields(forms.ModelForm):
    """The proposal itself: what, why, for whom, and what it touches."""

    affected_organisations = ListedModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(Proposal._meta.get_field("affected_organisations").verbose_name),
        help_text=_("Agencies and others the proposal would change things for."),
    )
    life_events = ListedModelMultipleChoiceField(
        queryset=LifeEvent.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(Proposal._meta.get_field("life_events").verbose_name),
    )
    attachments = attachments_field()

    class Meta:
        model = Proposal
        fields = ["title", "need", "idea", "expected_benefits", "source"]
        widgets = {
            "need": forms.Textarea(attrs={"rows": 5}),
            "idea": forms.Textarea(attrs={"rows": 5}),
            "expected_benefits": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "expected_benefits": _(
                "What would get better, and for whom: citizens, businesses, agencies."
            ),
        }

    RELATIONS = ("affected_organisations", "life_events")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["affected_organisations"].queryset = Organisation.objects.order_by("name")
        self.fields["life_events"].queryset = LifeEvent.objects.order_by("name")
        if self.instance.pk and not self.is_bound:
            # Prefetched with the proposal (selectors.proposal_get): no extra query.
            self.initial["affected_organisations"] = list(
                self.instance.affected_organisations.all()
            )
            self.initial["life_events"] = list(self.instance.life_events.all())

    def enable_similar(self, url: str | None, target: str) -> None:
        """While someone types, HTMX asks ``url`` for similar initiatives and proposals."""
        if not url:
            return
        include = ", ".join(f"#{self[name].id_for_label}" for name in SIMILAR_FIELDS)
        # The organisations and life events ticked so far are ranking signals too.
        include += "".join(f", [name='{name}']" for name in self.RELATIONS)
        for name in SIMILAR_FIELDS:
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": url,
                    "hx-trigger": "keyup changed delay:600ms",
                    "hx-include": include,
                    "hx-target": target,
                    "hx-swap": "innerHTML",
                    "hx-sync": "closest form:replace",
                }
            )

    def model_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def uploads(self) -> list[UploadedFile]:
        return list(self.cleaned_data.get("attachments") or [])

    def clean_attachments(self) -> list[UploadedFile]:
        uploads = self.cleaned_data.get("attachments") or []
        problems = check_uploads(uploads, already=self._attachments_already())
        if problems:
            raise ValidationError(problems)
        return uploads

    def _attachments_already(self) -> int:
        if not self.instance.pk:
            return 0
        return len(self.instance.attachments.all())  # prefetched with the proposal


class ProposalForm(_ProposalFields):
    """A colleague's proposal. A facilitator may register one they sought out themselves,
    with an outside proposer's name and e-mail kept only with that person's consent."""

    sought_out = forms.BooleanField(
        label=_("I sought this out myself"),
        required=False,
        help_text=_(
            "Tick when you register an opportunity you went looking for, or one someone "
            "outside the programme told you about. You are then not its proposer."
        ),
    )
    proposer_name = forms.CharField(
        label=_("Outside proposer's name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    proposer_email = forms.EmailField(
        label=_("Outside proposer's e-mail"),
        required=False,
        help_text=_("They get a receipt with a private link to follow the proposal."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    consent = forms.BooleanField(
        label=_("The proposer agrees that we keep their name and e-mail address"),
        required=False,
    )
    PROPOSER_FIELDS = ("sought_out", "proposer_name", "proposer_email", "consent")

    def __init__(self, *args: Any, facilitator: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facilitator = facilitator
        if not facilitator or self.instance.pk:
            for name in self.PROPOSER_FIELDS:
                del self.fields[name]
        if self.instance.pk:
            add_version_field(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.facilitator or self.instance.pk:
            return data
        outside = data.get("proposer_name") or data.get("proposer_email")
        if outside and not data.get("sought_out"):
            self.add_error(
                "sought_out",
                _("Tick this to register a proposal on behalf of someone outside."),
            )
        return data

    def submit_kwargs(self) -> dict[str, Any]:
        """What ``services.proposal_submit`` takes from this form, besides the programme."""
        data = self.model_data()
        sought_out = bool(self.cleaned_data.get("sought_out"))
        if sought_out:
            data["proposer_name"] = self.cleaned_data.get("proposer_name", "").strip()
            data["proposer_email"] = self.cleaned_data.get("proposer_email", "")
        return {
            "data": data,
            "channel": Channel.SOUGHT_OUT if sought_out else Channel.FORM,
            "consent": bool(self.cleaned_data.get("consent")),
            "affected_organisations": self.cleaned_data["affected_organisations"],
            "life_events": self.cleaned_data["life_events"],
            "attachments": self.uploads(),
        }


class PublicProposalForm(_ProposalFields):
    """The public form: no account, so a name and an e-mail for the receipt and consent to
    keep them; a honeypot field catches the robots that fill in every box."""

    HONEYPOT = "website"

    proposer_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    proposer_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send a receipt here, with a private link where you can follow the status."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Name and e-mail are required here, so consent is too (the service insists as well).
    consent = forms.BooleanField(
        label=_("I agree that the programme keeps my name and e-mail address"),
        error_messages={
            "required": _("We need your consent to keep your name and e-mail address.")
        },
        help_text=_(
            "Only the programme's facilitators see them, to contact you about the proposal. "
            "You can ask to have them erased at any time; the proposal stays."
        ),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].label = _("Where does the idea come from?")
        if not self.is_bound:
            self.initial.setdefault("source", Source.USER_INSIGHT)
        # Personal details first, then the proposal (the order the page shows them).
        order = ["proposer_name", "proposer_email", "consent"]
        self.order_fields(order + [name for name in self.fields if name not in order])

    @classmethod
    def honeypot_filled(cls, data: Any) -> bool:
        return bool((data.get(cls.HONEYPOT) or "").strip())

    def submit_kwargs(self) -> dict[str, Any]:
        data = self.model_data()
        data["proposer_name"] = self.cleaned_data["proposer_name"].strip()
        data["proposer_email"] = self.cleaned_data["proposer_email"]
        return {
            "data": data,
            "channel": Channel.PUBLIC,
            "consent": bool(self.cleaned_data.get("consent")),
            "affected_organisations": self.cleaned_data["affected_organisations"],
            "life_events": self.cleaned_data["life_events"],
            "attachments": self.uploads(),
        }


class EvidenceForm(forms.ModelForm):
    """An insight snippet added to a proposal: a quote, data or a study, with its source."""

    url = Evidence._meta.get_field("url").formfield(assume_scheme="https")

    class Meta:
        model = Evidence
        fields = ["kind", "text", "url", "source"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "text": _("The quote, the figure or the finding, in a few sentences."),
            "source": _("Who said it, or where it comes from."),
        }


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


# ---------------------------------------------------------------------------------------------
# Excel


class ProposalImportForm(ImportForm):
    """The register import's form, for a sheet of new proposals."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A sheet with the columns of the template, one new proposal per row. At most 10 MB."
        )
