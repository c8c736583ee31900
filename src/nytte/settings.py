"""One settings module, configured from environment variables (12-factor).

Local use needs nothing set: SQLite in the data directory and a generated secret key.
Production sets ``DATABASE_URL``, ``NYTTE_SECRET_KEY`` and ``NYTTE_ALLOWED_HOSTS``; once
the allowed hosts name real hosts, HTTPS hardening switches on by default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("NYTTE_DATA_DIR") or Path.cwd() / "var").resolve()


def _secret_key() -> str:
    """Use the configured key, else one generated once and kept in the data directory."""
    if key := os.environ.get("NYTTE_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("NYTTE_DEBUG")
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env_list("NYTTE_ALLOWED_HOSTS") or LOCAL_HOSTS
CSRF_TRUSTED_ORIGINS = env_list("NYTTE_CSRF_TRUSTED_ORIGINS")

# HTTPS hardening is on as soon as the app is served to real host names.
HTTPS = env_bool("NYTTE_HTTPS", default=not set(ALLOWED_HOSTS) <= set(LOCAL_HOSTS))
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("NYTTE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload directive only takes effect once the domain owner submits the domain.
    SECURE_HSTS_PRELOAD = env_bool("NYTTE_HSTS_PRELOAD", default=True)
    if env_bool("NYTTE_BEHIND_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "django_filters",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "mozilla_django_oidc",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "nytte.core",
    "nytte.accounts",
    "nytte.portfolio",
    "nytte.benefits",
    "nytte.costbenefit",
    "nytte.proposals",
    "nytte.scenarios",
    "nytte.anchoring",
    "nytte.governance",
    "nytte.administration",
]

MIDDLEWARE = [
    "nytte.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nytte.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nytte.core.session_timeout.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "nytte.accounts.mfa.SecondFactorMiddleware",
    "nytte.api.guard.ApiInputGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "nytte.urls"
WSGI_APPLICATION = "nytte.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "nytte.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'nytte.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once under several server workers.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's default cache stays per process. Page data cached under a programme's register
# version (core.registercache) are shared by the server's worker processes through files in
# the data directory: one worker computes the benefits map for a version, every worker uses it.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "register": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "register"),
        "TIMEOUT": 6 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["nytte.core.login_throttle.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after
# login whatever the activity; API tokens expire after API_TOKEN_DAYS unless told otherwise.
SESSION_IDLE_MINUTES = int(os.environ.get("NYTTE_SESSION_IDLE_MINUTES", 60))
SESSION_MAX_HOURS = int(os.environ.get("NYTTE_SESSION_MAX_HOURS", 12))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
API_TOKEN_DAYS = int(os.environ.get("NYTTE_API_TOKEN_DAYS", 90))
# Outside proposers' name and e-mail are erased this long after their proposal closed
# (``nytte retention``, daily).
PROPOSER_RETENTION_MONTHS = int(os.environ.get("NYTTE_PROPOSER_RETENTION_MONTHS", 24))
# A PATCH of an initiative, benefit or proposal without If-Match: applied (default) or 428.
API_REQUIRE_IF_MATCH = env_bool("NYTTE_API_REQUIRE_IF_MATCH")

# Addresses (or networks) of the reverse proxies whose X-Forwarded-For is believed; none by
# default, so the client address is the connection's.
TRUSTED_PROXIES = env_list("NYTTE_TRUSTED_PROXIES")

# Login throttle: failed attempts per account and per address in a window; past either
# limit no password is accepted until the window ends, and the account's owner is told.
LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("NYTTE_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5))
LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("NYTTE_LOGIN_MAX_FAILURES_PER_ADDRESS", 30))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("NYTTE_LOGIN_LOCKOUT_MINUTES", 15))

# Excel imports: limits checked before a workbook is parsed (zip bombs) and while its rows
# are read; an import reports at most IMPORT_MAX_ERRORS errors and counts the rest.
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("NYTTE_IMPORT_MAX_UNCOMPRESSED_MB", 200)) << 20
IMPORT_MAX_MEMBER_BYTES = int(os.environ.get("NYTTE_IMPORT_MAX_MEMBER_MB", 150)) << 20
IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("NYTTE_IMPORT_MAX_COMPRESSION_RATIO", 200))
IMPORT_MAX_MEMBERS = int(os.environ.get("NYTTE_IMPORT_MAX_MEMBERS", 1000))
IMPORT_MAX_ROWS = int(os.environ.get("NYTTE_IMPORT_MAX_ROWS", 100_000))
IMPORT_MAX_CELLS = int(os.environ.get("NYTTE_IMPORT_MAX_CELLS", 3_000_000))
IMPORT_MAX_ERRORS = int(os.environ.get("NYTTE_IMPORT_MAX_ERRORS", 100))

# Single sign-on through OpenID Connect (ID-porten/Ansattporten, Entra ID, Keycloak),
# alongside local accounts: the authorization code flow with PKCE, state and nonce
# (nytte.accounts.oidc). Endpoints are configured explicitly: no discovery at start-up.
OIDC_ENABLED = bool(os.environ.get("NYTTE_OIDC_CLIENT_ID"))
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.insert(0, "nytte.accounts.oidc.OIDCBackend")
OIDC_ISSUER = os.environ.get("NYTTE_OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.environ.get("NYTTE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("NYTTE_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("NYTTE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("NYTTE_OIDC_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("NYTTE_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("NYTTE_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("NYTTE_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("NYTTE_OIDC_JWKS_ENDPOINT", "")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
OIDC_CREATE_USER = env_bool("NYTTE_OIDC_CREATE_USERS", default=True)
# Accepted authentication levels (the ID token's acr), e.g. "idporten-loa-high"; empty: any.
OIDC_ACR_VALUES = env_list("NYTTE_OIDC_ACR_VALUES")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = (
    {"acr_values": " ".join(OIDC_ACR_VALUES)} if OIDC_ACR_VALUES else {}
)
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"

# A second factor (TOTP) is optional; with this set, programme and site administrators
# must have one (nytte.accounts.mfa).
MFA_REQUIRED_FOR_ADMINS = env_bool("NYTTE_MFA_REQUIRED_FOR_ADMINS")
OTP_TOTP_ISSUER = "Nytte"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# django-filter: an empty filter select reads "All" (the blank choice means no filter).
FILTERS_EMPTY_CHOICE_LABEL = _("All")

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Pages load nothing from other origins and run no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The address people reach the site at, for links in e-mails (receipts, status changes).
BASE_URL = os.environ.get(
    "NYTTE_BASE_URL",
    f"{'https' if HTTPS else 'http'}://{ALLOWED_HOSTS[0] if ALLOWED_HOSTS else 'localhost'}"
    + ("" if HTTPS else ":8000"),
).rstrip("/")

# Where people report accessibility problems (shown on the accessibility statement).
ACCESSIBILITY_CONTACT = os.environ.get("NYTTE_ACCESSIBILITY_CONTACT", "")

EMAIL_BACKEND = os.environ.get(
    "NYTTE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("NYTTE_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("NYTTE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("NYTTE_EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("NYTTE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("NYTTE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("NYTTE_EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("NYTTE_EMAIL_FROM", "nytte@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# After a change to a programme's registers commits, `nytte worker` computes the costly page
# data the first view would (core.registercache.warm); off: the first view computes them.
REGISTER_CACHE_WARM = env_bool("NYTTE_REGISTER_CACHE_WARM", default=True)
# The learning loop: an overdue follow-up action's owner is reminded at most this often.
FOLLOW_UP_REMINDER_DAYS = int(os.environ.get("NYTTE_FOLLOW_UP_REMINDER_DAYS", 7))

# The harmonisation indexes are saved here so each worker loads (memory maps) one instead of
# building it on its first request; "off" disables saving (proposals/matching/store.py).
_similarity_dir = os.environ.get("NYTTE_SIMILARITY_DIR", "")
NYTTE_SIMILARITY_DIR = (
    None if _similarity_dir == "off" else Path(_similarity_dir or DATA_DIR / "similarity")
)

# A sentence-embedding model an agency installed as files (a local directory with an ONNX
# model and tokenizer.json; never downloaded). Unset: word matching only, as always. Its
# ranking is fused with the words' at this weight (docs/similarity.md, "A stronger model":
# low by default, since both models we could test lowered dev recall at every weight).
NYTTE_EMBEDDING_MODEL_DIR = os.environ.get("NYTTE_EMBEDDING_MODEL_DIR") or None
NYTTE_EMBEDDING_WEIGHT = float(os.environ.get("NYTTE_EMBEDDING_WEIGHT") or 0.1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_forbidden": {"()": "nytte.core.logging.OneLineForbidden"},
        "request_id": {"()": "nytte.core.request_id.RequestIdFilter"},
    },
    "formatters": {
        "with_request": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "with_request",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("NYTTE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # A 403 is one line in the log, not a traceback.
        "django.request": {"filters": ["one_line_forbidden"]},
    },
}
