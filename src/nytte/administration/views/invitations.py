"""Where an invitee lands from the e-mail: join with the account they are logged in with, or
create one (user name, name, password) and join. The link works once, until it expires."""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nytte.core.models import User
from nytte.core.viewhelpers import add_errors

from .. import services
from ..forms import AcceptNewAccountForm
from .common import done


def _page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, "administration/invitation.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = services.invitation_for_token(token)
    if found is None or not found.is_open:
        # Unknown, used, withdrawn or expired: one clear page, nothing about the programme
        # unless the link was real.
        return _page(request, {"invitation": found, "closed": True}, status=410 if found else 404)
    context = {"invitation": found, "programme": found.programme}
    account_exists = User.objects.filter(email__iexact=found.email, is_active=True).exists()
    if request.user.is_authenticated:
        if request.method == "POST" and request.POST.get("action") == "join":
            try:
                services.invitation_accept(token=token, user=request.user, acting_user=request.user)
            except ValidationError as exc:
                context["error"] = " ".join(exc.messages)
                return _page(request, context, status=400)
            return done(
                request,
                _("Welcome to %(programme)s.") % {"programme": found.programme.name},
                found.programme.get_absolute_url(),
            )
        return _page(request, context)
    login_url = f"{reverse('login')}?next={request.path}"
    form = AcceptNewAccountForm(auto_id="accept_%s")
    if request.method == "POST":
        form = AcceptNewAccountForm(request.POST, auto_id="accept_%s")
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.invitation_accept_with_new_account(
                    token=token,
                    username=data["username"],
                    full_name=data["full_name"],
                    password=data["password"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return done(
                    request,
                    _("Your account is created. Welcome to %(programme)s.")
                    % {"programme": found.programme.name},
                    found.programme.get_absolute_url(),
                )
    context.update({"form": form, "login_url": login_url, "account_exists": account_exists})
    return _page(request, context)
