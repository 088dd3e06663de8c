"""Linkwell settings: one module, every value read from the environment (see .env.example)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cryptography.fernet import Fernet

from linkwell.core.env import (
    EnvError,
    cache_settings,
    env_bool,
    env_int,
    env_int_list,
    env_list,
    env_str,
    parse_database_url,
    parse_ip_networks,
    parse_proxy_ssl_header,
)
from linkwell.fhir.scopes import SCOPE_DESCRIPTIONS

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("LINKWELL_DEBUG", False)
SECRET_KEY = env_str("LINKWELL_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("LINKWELL_ALLOW_INSECURE_KEY", False):
        raise EnvError(
            "LINKWELL_SECRET_KEY is not set. Set it (see .env.example), or set LINKWELL_DEBUG=true "
            "for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "LINKWELL_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("LINKWELL_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("LINKWELL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Reverse proxies in front of Linkwell (addresses or CIDR ranges). From these peers the client's
# address is read from X-Forwarded-For (linkwell/core/ratelimit.py); from any other, ignored.
TRUSTED_PROXIES = parse_ip_networks(
    "LINKWELL_TRUSTED_PROXIES", env_list("LINKWELL_TRUSTED_PROXIES", [])
)

INSTALLED_APPS = [
    "linkwell.accounts.admin_site.LinkwellAdminConfig",  # django.contrib.admin, our site
    # Before django.contrib.auth so that its management commands createsuperuser and
    # changepassword are replaced by audited ones (linkwell/accounts/management/commands).
    "linkwell.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    # OAuth 2.0 client credentials for FHIR API clients (linkwell/fhir/README.md).
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    "linkwell.core",
    "linkwell.audit",
    "linkwell.directory",
    "linkwell.people",
    "linkwell.referrals",
    "linkwell.casework",
    "linkwell.connections",
    "linkwell.matching",
    "linkwell.public",
    "linkwell.community",
    "linkwell.volunteering",
    "linkwell.timebank",
    "linkwell.grants",
    "linkwell.coproduction",
    "linkwell.courses",
    "linkwell.practice",
    "linkwell.population",
    "linkwell.outcomes",
    "linkwell.economics",
    "linkwell.reports",
    "linkwell.evidence",
    "linkwell.notifications",
    "linkwell.fhir",
    "linkwell.mesh",
    "linkwell.api",
    "linkwell.web",
    "linkwell.ops",  # operations: `linkwell backup` and `linkwell restore`
    "linkwell.demo",  # development and evaluation only: `linkwell demo`
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: an oversized request gets a clear 413 page.
    "linkwell.web.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reads asked more than once in a request (the user's case teams) are made once.
    "linkwell.core.request_memo.RequestMemoMiddleware",
    # Before the two below, so their audit rows (e.g. idle sign-out) carry web/api and the
    # request id rather than "system".
    "linkwell.audit.middleware.RequestContextMiddleware",
    "linkwell.accounts.middleware.IdleTimeoutMiddleware",
    "linkwell.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linkwell.web.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "linkwell" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linkwell.web.context_processors.linkwell",
            ],
        },
    },
    # Plain text (e-mail subjects and bodies, `*.txt`): the same templates, never HTML-escaped,
    # so "Men's Shed" does not arrive as "Men&#x27;s Shed". linkwell.core.notify.render_text.
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "linkwell" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database: SQLite embedded default; DATABASE_URL selects PostgreSQL. ---
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    _db = parse_database_url(_database_url)
    DATABASES = {
        "default": {
            "ENGINE": _db.engine,
            "NAME": _db.name if _db.engine.endswith("postgresql") else str(BASE_DIR / _db.name),
            "USER": _db.user,
            "PASSWORD": _db.password,
            "HOST": _db.host,
            "PORT": _db.port,
            "OPTIONS": _db.options,
            "ATOMIC_REQUESTS": False,
            # Each gunicorn thread keeps its PostgreSQL connection for this many seconds rather
            # than opening one per request (a new server process each time); checked before
            # reuse, so a connection the server dropped is replaced, not an error page.
            "CONN_MAX_AGE": env_int(
                "LINKWELL_DB_CONN_MAX_AGE",
                60 if _db.engine.endswith("postgresql") else 0,
                minimum=0,
            ),
            "CONN_HEALTH_CHECKS": True,
        }
    }
else:
    _sqlite_path = env_str("LINKWELL_SQLITE_PATH", str(BASE_DIR / "var" / "linkwell.sqlite3"))
    if _sqlite_path != ":memory:":
        Path(_sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite_path,
            "OPTIONS": {
                # WAL and a busy timeout let the web process and the task worker share the file.
                # recursive_triggers makes REPLACE / INSERT OR REPLACE fire the audit trail's
                # DELETE trigger, so the append-only tables cannot be rewritten that way.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA recursive_triggers=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["linkwell.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# Django's four (similarity to the user's email and name, length, the common-password list, all
# digits), then Linkwell's: passwords seen in data breaches (zxcvbn's list of 30,000), common
# passwords with look-alike swaps or digits added, the name or
# email anywhere in the password, and three character classes (linkwell/accounts/validators.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("LINKWELL_PASSWORD_MIN_LENGTH", 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "linkwell.accounts.validators.BreachedPasswordValidator"},
    {"NAME": "linkwell.accounts.validators.CommonPasswordVariantValidator"},
    {"NAME": "linkwell.accounts.validators.PersonalInformationValidator"},
    {"NAME": "linkwell.accounts.validators.CharacterClassValidator"},
]

# Sign-in protection (linkwell/accounts/README.md).
LOCKOUT_THRESHOLD = env_int("LINKWELL_LOCKOUT_THRESHOLD", 5, minimum=1)
LOCKOUT_MINUTES = env_int("LINKWELL_LOCKOUT_MINUTES", 15, minimum=1)
# Failed sign-ins from one client address (any emails) an hour before its sign-ins are refused
# (linkwell/accounts/client_limit.py): stops one password tried on many accounts.
LINKWELL_SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR = env_int(
    "LINKWELL_SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR", 20, minimum=1
)
# Two-factor secrets are encrypted at rest with these Fernet keys (the first encrypts, all
# decrypt; linkwell/accounts/secrets.py). Empty: a key derived from SECRET_KEY.
LINKWELL_TOTP_KEYS = env_list("LINKWELL_TOTP_KEYS", [])
for _position, _key in enumerate(LINKWELL_TOTP_KEYS, start=1):
    try:
        Fernet(_key.encode())
    except ValueError as _exc:
        raise EnvError(
            f"LINKWELL_TOTP_KEYS: key {_position} is not a Fernet key (make one with "
            "`linkwell totp_keys --new`)"
        ) from _exc
# The audit trail's hash chain seals events this many minutes old (`linkwell audit seal`).
LINKWELL_AUDIT_SEAL_DELAY_MINUTES = env_int("LINKWELL_AUDIT_SEAL_DELAY_MINUTES", 10, minimum=0)
# One-time recovery codes issued when two-factor sign-in is set up.
RECOVERY_CODE_COUNT = 10
SESSION_IDLE_TIMEOUT_MINUTES = env_int("LINKWELL_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = 12 * 60 * 60
# Request sizes (linkwell.web.middleware.RequestSizeLimitMiddleware answers 413 above them): a
# form or API request's body, and a request carrying a file (the largest upload is a population
# cohort file, 25 MB). Uploaded files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file
# rather than memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LINKWELL_MAX_FORM_BYTES", 2_621_440, minimum=1024)
LINKWELL_MAX_UPLOAD_BYTES = env_int("LINKWELL_MAX_UPLOAD_BYTES", 26 * 2**20, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
SESSION_COOKIE_HTTPONLY = True

# --- HTTPS: all on by default when debug is off. LINKWELL_HTTPS=false turns the defaults off for
# a deployment served over plain HTTP inside a closed network; each can also be set on its own.
HTTPS = env_bool("LINKWELL_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("LINKWELL_SSL_REDIRECT", HTTPS)
# Load balancers and monitors probe the health endpoint over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# Strict-Transport-Security (sent on HTTPS responses only): one year by default; 0 sends none.
SECURE_HSTS_SECONDS = env_int(
    "LINKWELL_HSTS_SECONDS", 365 * 24 * 60 * 60 if HTTPS else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LINKWELL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("LINKWELL_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("LINKWELL_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Only behind a TLS-terminating proxy that always sets (and never passes on) this header: e.g.
# "X-Forwarded-Proto: https". Unset, Django decides HTTPS from the connection itself.
_proxy_ssl_header = parse_proxy_ssl_header(
    "LINKWELL_PROXY_SSL_HEADER", env_str("LINKWELL_PROXY_SSL_HEADER", "")
)
if _proxy_ssl_header is not None:
    SECURE_PROXY_SSL_HEADER = _proxy_ssl_header
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Directory freshness (linkwell/directory/README.md).
DIRECTORY_VERIFY_AFTER_DAYS = env_int("LINKWELL_DIRECTORY_VERIFY_AFTER_DAYS", 182, minimum=1)
DIRECTORY_QA_EXPIRING_DAYS = env_int("LINKWELL_DIRECTORY_QA_EXPIRING_DAYS", 30, minimum=1)
MAP_TILE_URL = env_str("LINKWELL_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("LINKWELL_MAP_TILE_ATTRIBUTION", "")

# Onward referrals to providers (linkwell/connections/README.md): the provider answers within this
# many working days (Mon-Fri, minus LINKWELL_BANK_HOLIDAYS), is reminded this many working days
# before, and the emailed accept/decline link works for this many days.
# Public self-referral: accepted referrals per client an hour (a care home or library PC may send
# several; mistakes never count), and every POST (a flood guard against scripts).
LINKWELL_SELF_REFERRALS_PER_HOUR = env_int("LINKWELL_SELF_REFERRALS_PER_HOUR", 5, minimum=1)
LINKWELL_SELF_REFERRAL_POSTS_PER_HOUR = env_int(
    "LINKWELL_SELF_REFERRAL_POSTS_PER_HOUR", 60, minimum=1
)
REFERRAL_RESPONSE_WORKING_DAYS = env_int("LINKWELL_REFERRAL_RESPONSE_WORKING_DAYS", 10, minimum=1)
REFERRAL_REMIND_WORKING_DAYS_BEFORE = env_int(
    "LINKWELL_REFERRAL_REMIND_WORKING_DAYS_BEFORE", 2, minimum=0
)
REFERRAL_LINK_MAX_AGE_DAYS = env_int("LINKWELL_REFERRAL_LINK_MAX_AGE_DAYS", 28, minimum=1)
# Volunteers (linkwell/volunteering/README.md): a DBS check counts for this many years; checks and
# training are flagged this many days before they lapse; a new match is reviewed after this many
# weeks; a connector's programme lasts this many weeks.
LINKWELL_DBS_RENEWAL_YEARS = env_int("LINKWELL_DBS_RENEWAL_YEARS", 3, minimum=1)
LINKWELL_CHECK_WARNING_DAYS = env_int("LINKWELL_CHECK_WARNING_DAYS", 60, minimum=0)
# Ranking weights file for the matching engine (`linkwell match_decisions refit --out FILE`);
# empty: the weights shipped in linkwell/matching/ranking_weights.json.
LINKWELL_MATCHING_WEIGHTS = os.environ.get("LINKWELL_MATCHING_WEIGHTS", "")
LINKWELL_MATCH_REVIEW_WEEKS = env_int("LINKWELL_MATCH_REVIEW_WEEKS", 6, minimum=1)
LINKWELL_CONNECTOR_WEEKS = env_int("LINKWELL_CONNECTOR_WEEKS", 12, minimum=1)
# Retention (linkwell/ops/retention.py, `linkwell retention apply`): people are pseudonymised this
# many years after their last activity once their cases are all dormant (8: the NHS Records
# Management Code of Practice keeps adult health records 8 years after the end of care), or after
# a declined or returned referral with no case; unapproved public submissions are deleted after
# this many days. docs/runbooks/subject-access-and-retention.md says how to choose them.
LINKWELL_RETENTION_CLOSED_CASE_YEARS = env_int("LINKWELL_RETENTION_CLOSED_CASE_YEARS", 8, minimum=1)
LINKWELL_RETENTION_DECLINED_REFERRAL_YEARS = env_int(
    "LINKWELL_RETENTION_DECLINED_REFERRAL_YEARS", 8, minimum=1
)
LINKWELL_RETENTION_PUBLIC_SUBMISSION_DAYS = env_int(
    "LINKWELL_RETENTION_PUBLIC_SUBMISSION_DAYS", 90, minimum=1
)
# Public volunteer registration: accepted registrations per client an hour.
LINKWELL_VOLUNTEER_REGISTRATIONS_PER_HOUR = 5
# The time bank: how many hours below zero a member's account may go (issuing accounts have no
# limit; an account's own limit overrides this).
LINKWELL_TIMEBANK_MEMBER_OVERDRAFT_HOURS = env_int(
    "LINKWELL_TIMEBANK_MEMBER_OVERDRAFT_HOURS", 0, minimum=0
)


def _iso_dates(name: str, raw: list[str]) -> list[dt.date]:
    try:
        return [dt.date.fromisoformat(item) for item in raw]
    except ValueError as exc:
        raise EnvError(f"{name}: {exc} (use dates like 2026-12-25, comma-separated)") from exc


BANK_HOLIDAYS = _iso_dates("LINKWELL_BANK_HOLIDAYS", env_list("LINKWELL_BANK_HOLIDAYS", []))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    # NHS.UK frontend, installed from npm by `make` (package.json, package-lock.json).
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    # linkwell.css, compiled by `make` from linkwell/web/scss with sass (see Makefile).
    ("build", BASE_DIR / "var" / "build"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env_str("LINKWELL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("LINKWELL_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LINKWELL_EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("LINKWELL_FROM_EMAIL", "linkwell@localhost")

# Messages to people (reminders, their plan): linkwell/core/notify.py. The default development
# backend sends email through EMAIL_BACKEND and prints text messages to the console.
NOTIFY_BACKEND = env_str("LINKWELL_NOTIFY_BACKEND", "linkwell.core.notify.ConsoleBackend")
# GOV.UK Notify (LINKWELL_NOTIFY_BACKEND=linkwell.notifications.backends.GovukNotifyBackend;
# linkwell/notifications/README.md): the API key (name-serviceid-secret), the API's address (a
# test points it at a local server), the bearer token Notify sends with delivery receipts, and one
# template id per message kind and channel, from LINKWELL_NOTIFY_TEMPLATE_<KIND>_<CHANNEL>
# (e.g. LINKWELL_NOTIFY_TEMPLATE_FOLLOW_UP_REMINDER_SMS), kept as {"follow_up_reminder.sms": id}.
NOTIFY_API_KEY = env_str("LINKWELL_NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = env_str("LINKWELL_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_TIMEOUT_SECONDS = env_int("LINKWELL_NOTIFY_TIMEOUT_SECONDS", 20, minimum=1)
NOTIFY_CALLBACK_TOKEN = env_str("LINKWELL_NOTIFY_CALLBACK_TOKEN", "")
NOTIFY_TEMPLATES: dict[str, str] = {}
for _name, _value in os.environ.items():
    _kind, _sep, _channel = _name.removeprefix("LINKWELL_NOTIFY_TEMPLATE_").lower().rpartition("_")
    if _name.startswith("LINKWELL_NOTIFY_TEMPLATE_") and _kind and _value.strip():
        NOTIFY_TEMPLATES[f"{_kind}.{_channel}"] = _value.strip()
# Follow-ups created when a plan is agreed, in days after agreement (the Halton model: a review at
# about four weeks, then check-ins at 3, 6 and 12 months). The first is the "4-week review".
FOLLOW_UP_SCHEDULE_DAYS = sorted(
    set(env_int_list("LINKWELL_FOLLOW_UP_SCHEDULE_DAYS", [28, 91, 182, 365], minimum=1))
)
# How many days before a follow-up is due the person is reminded (if they agreed to contact).
FOLLOW_UP_REMIND_DAYS_BEFORE = env_int("LINKWELL_FOLLOW_UP_REMIND_DAYS_BEFORE", 2, minimum=0)
# Outcome measures (linkwell/outcomes): the measures a link-worker service takes by default (a
# service can set its own schedule), where the deployer's licensed item text lives (SWEMWBS,
# WEMWBS, MYCaW, star measure: one <id>.json per measure), and how long a self-completion link works.
OUTCOMES_DEFAULT_MEASURES = env_list("LINKWELL_OUTCOME_MEASURES", ["ons4", "swemwbs"])
LICENSED_ITEM_TEXT_DIR = env_str("LINKWELL_LICENSED_ITEM_TEXT_DIR", "")
OUTCOMES_SELF_LINK_DAYS = env_int("LINKWELL_OUTCOMES_SELF_LINK_DAYS", 7, minimum=1)

# Messages back into the GP record over MESH (linkwell/mesh/README.md). Empty URL: MESH is off and
# every practice gets the printable letter. MAILBOX/PASSWORD are Linkwell's own sending mailbox;
# SHARED_KEY is the MESH environment's key; CLIENT_CERT/CLIENT_KEY the TLS client certificate and
# key files, CA_CERT the CA bundle to trust (live MESH uses mutual TLS). WORKFLOW_ID: GP Connect
# Send Document's MESH workflow. Failed sends are retried MAX_ATTEMPTS times in all, waiting
# RETRY_SECONDS, then twice that, and so on.
MESH = {
    "URL": env_str("LINKWELL_MESH_URL", "").rstrip("/"),
    "MAILBOX": env_str("LINKWELL_MESH_MAILBOX", ""),
    "PASSWORD": env_str("LINKWELL_MESH_PASSWORD", ""),
    "SHARED_KEY": env_str("LINKWELL_MESH_SHARED_KEY", ""),
    "CLIENT_CERT": env_str("LINKWELL_MESH_CLIENT_CERT", ""),
    "CLIENT_KEY": env_str("LINKWELL_MESH_CLIENT_KEY", ""),
    "CA_CERT": env_str("LINKWELL_MESH_CA_CERT", ""),
    "WORKFLOW_ID": env_str("LINKWELL_MESH_WORKFLOW_ID", "GPCONNECT_SEND_DOCUMENT"),
    "MAX_ATTEMPTS": env_int("LINKWELL_MESH_MAX_ATTEMPTS", 5, minimum=1),
    "RETRY_SECONDS": env_int("LINKWELL_MESH_RETRY_SECONDS", 300, minimum=1),
}

TASKS = {
    "default": {
        "BACKEND": env_str("LINKWELL_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# `linkwell serve` (gunicorn): where it listens, worker processes (default 2 x cores + 1, at most
# 8), threads per worker, and the seconds a request may run before its worker is restarted.
SERVE_BIND = env_str("LINKWELL_BIND", "127.0.0.1:8000")
SERVE_WORKERS = env_int("LINKWELL_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8), minimum=1)
SERVE_THREADS = env_int("LINKWELL_THREADS", 4, minimum=1)
SERVE_TIMEOUT = env_int("LINKWELL_TIMEOUT", 30, minimum=1)
SERVE_GRACEFUL_TIMEOUT = env_int("LINKWELL_GRACEFUL_TIMEOUT", 30, minimum=1)

# /health/: fails when the disk holding the database (or var/) has less free space than this.
HEALTH_MIN_FREE_MB = env_int("LINKWELL_HEALTH_MIN_FREE_MB", 500, minimum=0)
# /health/: fails when a queued task has waited this long to start (the worker is not running).
HEALTH_TASK_STALE_MINUTES = env_int("LINKWELL_HEALTH_TASK_STALE_MINUTES", 15, minimum=1)

CORS_URLS_REGEX = r"^/api/oruk/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "OPTIONS", "HEAD"]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_RATES": {
        "oruk": env_str("LINKWELL_ORUK_THROTTLE", "120/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# FHIR API clients (linkwell/fhir): OAuth 2.0 client credentials. Tokens are short-lived bearer
# tokens; a client gets only the scopes its `ApiClient` row grants (fhir/oauth.py) and a revoked
# client can neither get a token nor use one it holds.
FHIR_TOKEN_SECONDS = env_int("LINKWELL_FHIR_TOKEN_SECONDS", 600, minimum=60)
if FHIR_TOKEN_SECONDS > 3600:
    raise EnvError("LINKWELL_FHIR_TOKEN_SECONDS must be 3600 or less: API tokens are short-lived")
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": FHIR_TOKEN_SECONDS,
    "SCOPES": SCOPE_DESCRIPTIONS,
    "DEFAULT_SCOPES": [],
    "SCOPES_BACKEND_CLASS": "linkwell.fhir.oauth.ApiClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "linkwell.fhir.oauth.ApiClientValidator",
    # RFC 9700 (OAuth 2.0 Security Best Current Practice). Linkwell issues only client-credentials
    # tokens, so the compliant behaviour costs nothing: tokens kept only as a checksum (a copy of
    # the database holds none that work), never taken from a URL, none of the browser grants'
    # legacy forms, and `check --deploy` says nothing about them.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}

# django-oauth-toolkit's Application model, named so that migrations pointing at it (fhir's
# ApiClient) can resolve the swappable dependency; Linkwell does not swap it.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

SPECTACULAR_SETTINGS = {
    "TITLE": "Linkwell API",
    "DESCRIPTION": "Linkwell REST API and the Open Referral UK (HSDS 3) directory read API.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Safe caseload: people seen a year per full-time link worker (guidance 200-250). The
# team page flags workers near or over it (linkwell/casework/selectors/teams.py team_caseloads).
CASELOAD_SAFE_LEVEL = env_int("LINKWELL_CASELOAD_SAFE_LEVEL", 250, minimum=1)
# Population analytics: the Spark master for `linkwell population run --engine spark`
# (linkwell/population/engines.py); local[*] runs Spark on this machine's cores.
POPULATION_SPARK_MASTER = env_str("LINKWELL_SPARK_MASTER", "local[*]") or "local[*]"

# Proactive case finding: the practice's key for pseudo ids, HMAC-SHA256 of the NHS
# number (linkwell/population/pseudonym.py). Secret: never logged; empty outside debug means the
# invite-list confirmation and the exclusions file refuse to run.
PSEUDONYM_KEY = env_str("LINKWELL_PSEUDONYM_KEY", "")
if PSEUDONYM_KEY and len(PSEUDONYM_KEY) < 32:
    raise EnvError("LINKWELL_PSEUDONYM_KEY is too short: use at least 32 random characters")

# One cache shared by every worker process (per-client limits and used form tokens must be
# counted once, not per worker): the database (table created by `linkwell migrate`), or Redis at
# LINKWELL_REDIS_URL (needs `pip install "linkwell[redis]"`). linkwell/core/cache.py.
CACHES = {"default": cache_settings("LINKWELL_REDIS_URL", env_str("LINKWELL_REDIS_URL", ""))}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LINKWELL_LOG_LEVEL", "WARNING")},
}
