"""E-mails to proposers and supporters. Each is sent after the transaction commits, so a
rolled-back change never tells anyone anything; texts are in bokmål (the site's language),
since we do not know an outside proposer's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nytte.core.models import Programme
from nytte.portfolio.models import Initiative

from .choices import Stage
from .models import Proposal


def status_url(token: str) -> str:
    return settings.BASE_URL + reverse("proposals:status", kwargs={"token": token})


def _send(messages: Iterable[tuple[str, str, str]]) -> None:
    """(recipient, subject, body) for each; sent on commit, failures never break a save."""
    batch = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to, subject, body in messages if to
    ]
    if batch:
        transaction.on_commit(lambda: send_mass_mail(batch, fail_silently=True))


def _proposer_address(proposal: Proposal) -> str:
    if proposal.proposer_id and proposal.proposer.email:
        return proposal.proposer.email
    return "" if proposal.erased_at else proposal.proposer_email


def receipt(proposal: Proposal, token: str) -> None:
    """Thank the proposer and give the private link where they can follow the status."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("We have received your proposal %(ref)s") % {"ref": proposal.reference}
        body = _(
            "Thank you for your proposal “%(title)s” to %(programme)s.\n\n"
            "Follow its status here (this link is yours alone; keep it private):\n%(url)s\n"
        ) % {
            "title": proposal.title,
            "programme": proposal.programme.name,
            "url": status_url(token),
        }
    _send([(_proposer_address(proposal), subject, body)])


def _supporter_addresses(proposal: Proposal) -> list[str]:
    return [email for email in proposal.supports.values_list("user__email", flat=True) if email]


def stage_changed(proposal: Proposal) -> None:
    """Tell the proposer and supporters where the proposal went (a rejection with its
    reason)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(ref)s is now: %(stage)s") % {
            "ref": proposal.reference,
            "stage": Stage(proposal.stage).in_sentence,
        }
        body = _("The proposal “%(title)s” has moved to: %(stage)s.") % {
            "title": proposal.title,
            "stage": Stage(proposal.stage).in_sentence,
        }
        if proposal.stage == Stage.REJECTED and proposal.stage_reason:
            body += "\n\n" + _("Reason: %(reason)s") % {"reason": proposal.stage_reason}
    recipients = [_proposer_address(proposal), *_supporter_addresses(proposal)]
    _send((to, subject, body) for to in dict.fromkeys(recipients))


def merged(proposal: Proposal, target: Proposal | Initiative) -> None:
    """Tell the proposer and supporters that their proposal lives on in another one."""
    with translation.override(settings.LANGUAGE_CODE):
        where = (
            target.reference if isinstance(target, Proposal) else f"{target.code} {target.title}"
        )
        subject = _("%(ref)s has been joined with %(target)s") % {
            "ref": proposal.reference,
            "target": where,
        }
        body = _(
            "The proposal “%(title)s” describes the same as %(target)s, and is followed up "
            "there from now on. Your support has been carried over."
        ) % {"title": proposal.title, "target": where}
    recipients = [_proposer_address(proposal), *_supporter_addresses(proposal)]
    _send((to, subject, body) for to in dict.fromkeys(recipients))


def _name(actor: Any) -> str:
    """A user's full name or username; the system's own label (``core.actors``)."""
    full = getattr(actor, "get_full_name", None)
    return (full() if full else "") or getattr(actor, "username", "") or str(actor)


BAND_WORDS = {
    "likely": gettext_lazy("likely the same thing"),
    "possible": gettext_lazy("possibly related"),
    "weak": gettext_lazy("a weak match"),
}


def cross_notice(
    *,
    proposal: Proposal,
    programme: Programme,
    kind: str,
    pk: int,
    band: str,
    recipients: Iterable[Any],
    sender: Any,
) -> None:
    """Tell another programme's facilitators that a proposal here resembles one of their
    items. What it carries of the sender's programme is the least that lets them talk: the
    programme's name, the proposal's reference (never its title or text, which they may not
    see) and the sender's name and address. Their own item they may see: its reference,
    title and link. Each recipient gets a message of their own."""
    item: Proposal | Initiative
    if kind == "proposal":
        item = Proposal.objects.select_related("programme").get(pk=pk, programme=programme)
        item_ref = item.reference
    else:
        item = Initiative.objects.select_related("programme").get(pk=pk, programme=programme)
        item_ref = item.code
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "ref": proposal.reference,
            "programme": proposal.programme.name,
            "their": programme.name,
            "item": item_ref,
            "title": item.title,
            "band": BAND_WORDS.get(str(band), str(band)),
            "sender": _name(sender),
            "email": getattr(sender, "email", "") or "",
            "url": settings.BASE_URL + item.get_absolute_url(),
        }
        subject = _("%(ref)s in %(programme)s resembles %(item)s in %(their)s") % values
        body = (
            _(
                "%(sender)s, facilitator in %(programme)s, tells you that the proposal %(ref)s "
                "there resembles %(item)s “%(title)s” in %(their)s (%(band)s).\n\n"
                "Find out together whether you are working on the same thing: %(email)s\n\n"
                "%(item)s: %(url)s\n\n"
                "You get this because you facilitate %(their)s. The proposal itself is shown only "
                "to those with a role in %(programme)s.\n"
            )
            % values
        )
    _send((user.email, subject, body) for user in recipients)
