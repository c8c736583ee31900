"""Single sign-on (``/oidc/``; 404 unless configured) and the second factor."""

from django.urls import path

from . import mfa, oidc

urlpatterns = [
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path(
        "oidc/authenticate/",
        oidc.AuthenticationRequestView.as_view(),
        name="oidc_authentication_init",
    ),
    path("oidc/logout/", oidc.LogoutView.as_view(), name="oidc_logout"),
    path("accounts/otp/", mfa.setup, name="otp_setup"),
    path("accounts/otp/verify/", mfa.verify, name="otp_verify"),
]
