"""Settings for the botilbudsteam coordination platform, read from the environment.

Every value that differs between machines comes from an environment variable and is checked
here: a bad value stops start-up with a message instead of running with a silent default.

- DATABASE_URL   postgres://... (required). ``make run`` and ``make test`` set it to an embedded
                 PostgreSQL server in var/postgres when it is not set (btt/devdb.py).
- SECRET_KEY     required (``make run`` keeps a generated one in var/secret_key).
- DEBUG          off unless set; ``make run`` sets it for the development server.
- ALLOWED_HOSTS  comma-separated; required when DEBUG is off.

Security (see accounts/ for login, two-factor, lockout and session lifetime):

- SECURE_SSL_REDIRECT   on unless DEBUG: http is redirected to https (except /healthz,
                        /readyz and /metrics, for probes and the metrics scrape).
- BEHIND_TLS_PROXY      set when a reverse proxy terminates TLS: the proxy must set
                        X-Forwarded-Proto (trusted for request.is_secure()) and append the
                        client address to X-Forwarded-For (used for the per-address lockout).
- TRUSTED_PROXY_COUNT   proxies in front of Django that append to X-Forwarded-For (default 1
                        behind a TLS proxy, else 0: the socket address is the client).
- SESSION_COOKIE_AGE    idle timeout in seconds (default 1800).
- SESSION_ABSOLUTE_AGE  absolute session lifetime in seconds (default 12 hours).
"""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from btt.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set (make run creates one in var/secret_key).")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

_database_url = env_str("DATABASE_URL")
if not _database_url:
    raise ImproperlyConfigured(
        "DATABASE_URL must be set to a postgres:// URL; `python -m btt.devdb <command>` "
        "(what `make run` and `make test` use) sets it to an embedded PostgreSQL server."
    )
if not _database_url.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL.")
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
# Behind PgBouncer in transaction mode server-side cursors break (docs/operations.md).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DB_DISABLE_SERVER_SIDE_CURSORS", default=False
)
# Two PostgreSQL roles (docs/database-roles.md): DATABASE_URL is the application's role, which
# may only INSERT and SELECT audit rows; MIGRATION_DATABASE_URL, set only where migrations run,
# is the owner of the tables in the same database. With it, `manage.py migrate` and
# `grant_app_role` connect as the owner and grant the application role its privileges.
MIGRATION_DATABASE = None
_migration_url = env_str("MIGRATION_DATABASE_URL")
if _migration_url:
    if not _migration_url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("MIGRATION_DATABASE_URL must be a postgres:// URL.")
    MIGRATION_DATABASE = dj_database_url.parse(_migration_url, conn_max_age=0)
    _where = [
        (d["ENGINE"], d["NAME"], d["HOST"], str(d["PORT"] or 5432))
        for d in (DATABASES["default"], MIGRATION_DATABASE)
    ]
    if _where[0] != _where[1]:
        raise ImproperlyConfigured(
            "MIGRATION_DATABASE_URL must name the same PostgreSQL database as DATABASE_URL."
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "template_partials",
    "procrastinate.contrib.django",
    "btt",
    "accounts",
    "organisation",
    "notifications",
    "interchange",
    "residents",
    "courses",
    "consent",
    "emergency",
    "board",
    "agreements",
    "record",
    "earlywarning",
    "indicators",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lib.request_id.RequestIdMiddleware",
    # One JSON log line and the Prometheus metrics per request (btt/observability/).
    "btt.observability.middleware.RequestLogMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Idle timeout and absolute lifetime; an expired session continues as anonymous.
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    # After the password and before the second factor only the OTP pages answer.
    "accounts.middleware.OTPRequiredMiddleware",
    # A 404 or 403 from a gatekeeper writes a "denied" audit row.
    "audit.middleware.AuditDenialsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "btt.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during authentication into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "btt.urls"
WSGI_APPLICATION = "btt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "btt.context_processors.platform",
                "emergency.context_processors.emergency",
                "notifications.context_processors.notifications",
            ],
        },
    }
]
FORM_RENDERER = "btt.forms.FormRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out username+address pairs first
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Sessions and cookies. The cookie ends with the browser; on the server a session ends after
# SESSION_COOKIE_AGE seconds without a request (idle) and SESSION_ABSOLUTE_AGE after the login
# whatever the activity (accounts.middleware.SessionLifetimeMiddleware, which also refreshes
# the server-side expiry at most once a minute).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60, minimum=60)
SESSION_ABSOLUTE_AGE = env_int("SESSION_ABSOLUTE_AGE", 12 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only
    # and for path /: a sibling subdomain cannot plant a session or CSRF cookie.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The preload directive only makes the host eligible for the browsers' preload lists; nothing
# happens until someone submits the domain at hstspreload.org.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes and the metrics scrape reach an instance directly, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0)

# Content-Security-Policy (django-csp 4). No inline scripts or styles anywhere: htmx's inline
# indicator style is switched off in base.html (htmx-config); the QR code is an SVG data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# Two-factor sign-in (django-otp, TOTP). Every staff user enrols an authenticator app at the
# first login; a wrong code doubles the wait before the next try (1, 2, 4, ... seconds).
OTP_TOTP_ISSUER = "Botilbudsteams"
OTP_TOTP_THROTTLE_FACTOR = 1

# Lockout (django-axes): five failed passwords for the same username from the same address
# lock that pair for 15 minutes, so nobody can lock out a colleague from another address. A
# successful login resets that pair's count. Besides, 20 failures from one address across any
# usernames within the 15 minutes lock the address (password spraying; accounts/lockout.py).
AXES_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = 20  # ours, read by accounts.lockout.LockoutHandler
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# Successful logins and logouts go to the btt.security log; the database keeps only the
# failure counters that the lockout needs (less personal data: no address/user-agent history).
AXES_DISABLE_ACCESS_LOG = True

# Shown in the page header so nobody mistakes a demo or test system for production.
ENVIRONMENT_LABEL = env_str("ENVIRONMENT_LABEL", "")

# Logs: one JSON object per line on stderr (LOG_FORMAT=text for people reading a terminal),
# every handler scrubbing CPR-like numbers (btt/observability/logs.py). Observability below.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "btt.observability.logs.PersonNumberFilter"}},
    "formatters": {
        "json": {"()": "btt.observability.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",  # stdout stays for commands' output (dumpdata)
            "formatter": LOG_FORMAT,
            "filters": ["scrub"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Login, failures, second factor, lockout, logout and expiry (accounts.security).
        "btt.security": {"level": "INFO"},
        # One line per request (btt.observability.middleware).
        "btt.request": {"level": "INFO"},
        # Never SQL with its parameters (names, CPR numbers), whatever LOG_LEVEL says.
        "django.db.backends": {"level": "INFO"},
        # Never URLs with their query strings of outgoing requests (OIDC code exchange).
        "urllib3": {"level": "INFO"},
    },
}

# ---- Production operation (issue 13). Each block below is kept by one concern. ----

# Observability: JSON logs, request log, metrics (btt/observability/).
# - METRICS_TOKEN             /metrics answers a request with "Authorization: Bearer <token>"
#                             (at least 32 characters); compared in constant time.
# - METRICS_ALLOWED_NETWORKS  comma-separated CIDR networks whose socket address (REMOTE_ADDR,
#                             never X-Forwarded-For) may read /metrics without the token.
#                             Behind a proxy, never list the proxy's own address here.
#   With neither set, /metrics answers 404 to everyone.
# - STATIC_ROOT               where `collectstatic` writes and WhiteNoise serves from
#                             (default var/static).
# - PROMETHEUS_MULTIPROC_DIR  set by deploy/gunicorn.conf.py (a fresh directory per start).
METRICS_TOKEN = env_str("METRICS_TOKEN", "") or ""
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 characters long.")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", [])
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_NETWORKS: {_network!r} is not an address or a CIDR network."
        ) from _error
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
# Only `make serve` sets this (plain http on a developer's machine: the TLS checks); never in
# production.
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])
# BENCH_FLOOR=1 serves the benchmarks' trivial signed-in page at /_bench/floor/ (bench/): the
# cost of the middleware every page pays; 404 without it. Never set in production.
BENCH_FLOOR = env_bool("BENCH_FLOOR", default=False)

# Background jobs: procrastinate on this PostgreSQL database (*/tasks.py, docs/operations.md).
# Workers: `python manage.py procrastinate worker` (`make worker`), as many as wanted; periodic
# jobs are deferred once per schedule by the database (procrastinate_periodic_defers).
PROCRASTINATE_WORKER_DEFAULTS = {
    "concurrency": env_int("JOBS_WORKER_CONCURRENCY", 2, minimum=1),
    # LISTEN/NOTIFY wakes a worker when a job is deferred; the poll is the fallback.
    "listen_notify": True,
    "fetch_job_polling_interval": env_int("JOBS_POLL_SECONDS", 5, minimum=1),
    "shutdown_graceful_timeout": 30,
}
# Failed jobs: JOBS_RETRY_MAX_ATTEMPTS runs in total, BASE ** n seconds before the n-th retry
# (lib/jobs.py RETRY); then the job is "failed" (admin, `manage.py jobs_status`, metrics).
JOBS_RETRY_MAX_ATTEMPTS = env_int("JOBS_RETRY_MAX_ATTEMPTS", 5, minimum=1)
JOBS_RETRY_BASE_SECONDS = env_int("JOBS_RETRY_BASE_SECONDS", 5, minimum=1)
# Cron expressions in UTC (a sixth field is seconds); tests set the env to run them often.
JOB_SCHEDULES: dict[str, str] = {
    "retention": env_str("JOBS_RETENTION_CRON") or "30 1 * * *",
    "consent_reminders": env_str("JOBS_CONSENT_REMINDERS_CRON") or "0 4 * * *",
    "remove_old_jobs": env_str("JOBS_CLEANUP_CRON") or "0 3 * * *",
    "interchange_retention": env_str("JOBS_INTERCHANGE_RETENTION_CRON") or "45 1 * * *",
    "earlywarning": env_str("JOBS_EARLYWARNING_CRON") or "0 2 * * *",
    "audit_partitions": env_str("JOBS_AUDIT_PARTITIONS_CRON") or "15 0 * * *",
}
# Succeeded jobs are kept this long for the operator, failed ones until someone removes them.
JOBS_KEEP_SUCCEEDED_HOURS = env_int("JOBS_KEEP_SUCCEEDED_HOURS", 7 * 24, minimum=1)
# Messages from other systems (interchange/): bodies of processed and failed messages are
# cleared after this many days (the metadata row stays); larger bodies are refused (413).
INTERCHANGE_KEEP_DAYS = env_int("INTERCHANGE_KEEP_DAYS", 30, minimum=1)
INTERCHANGE_MAX_BODY_BYTES = env_int("INTERCHANGE_MAX_BODY_BYTES", 1_000_000, minimum=1024)

# Federated login: OpenID Connect per organisation (accounts/oidc/).
# OIDC_PROVIDERS_FILE (a JSON file) or OIDC_PROVIDERS (the JSON itself): the providers, checked
# here (accounts/oidc/config.py); none configured: the login page is the password form only.
# OIDC_PASSWORD_LOGIN: all | unlinked | admins, who may still use the password (default "all"
# without providers, "unlinked" with them; administrators always: the break-glass path).
from accounts.oidc.config import (  # noqa: E402
    end_session_origins as _oidc_end_session_origins,
)
from accounts.oidc.config import load_providers as _oidc_load_providers  # noqa: E402
from accounts.oidc.config import (  # noqa: E402
    password_login_policy as _oidc_password_login_policy,
)

OIDC_PROVIDERS = _oidc_load_providers()
OIDC_PASSWORD_LOGIN = _oidc_password_login_policy(
    env_str("OIDC_PASSWORD_LOGIN"), providers=OIDC_PROVIDERS
)
AUTHENTICATION_BACKENDS += ["accounts.oidc.backend.FederatedBackend"]
# the logout form is redirected on to the provider's end-session endpoint
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
    SELF,
    *_oidc_end_session_origins(OIDC_PROVIDERS),
]

# Board rows (board/rows.py): each board row's HTML, per process, keyed by a digest of
# everything the row shows to the viewer (their sector and withheld columns included), so no
# invalidation is needed and no row rendered for one viewer reaches another who may see less.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "board_rows": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "board-rows",
        "TIMEOUT": 24 * 60 * 60,  # the local date is in the key: a row lives a day at most
        "OPTIONS": {"MAX_ENTRIES": 10_000},  # a few kB each: tens of MB per worker at most
    },
}
