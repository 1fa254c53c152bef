"""One settings module, read from the environment, failing closed.

Development defaults apply only when DJANGO_DEBUG=1; otherwise SECRET_KEY,
DATABASE_URL, REDIS_URL and ALLOWED_HOSTS must be set or the process refuses to start.
The one exception is a code-only command (manage.py CODE_ONLY_COMMANDS, e.g. makemigrations),
which reads models and migrations and never serves, signs or touches data.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from socialtjanst.logging_setup import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
CODE_ONLY = os.environ.get("IFO_CODE_ONLY") == "1"


def env(name: str, dev_default: str | None = None) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if (DEBUG or CODE_ONLY) and dev_default is not None:
        return dev_default
    raise ImproperlyConfigured(f"Miljövariabeln {name} måste vara satt (DJANGO_DEBUG är inte 1).")


def _url_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-" + "x" * 40)
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# The reverse proxies whose X-Forwarded-For the access log believes (comma-separated); empty: none.
TRUSTED_PROXY_IPS = frozenset(ip.strip() for ip in os.environ.get("TRUSTED_PROXY_IPS", "").split(",") if ip.strip())

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_tables2",
    "django_filters",
    "axes",
    # Two-factor for local accounts: TOTP apps and single-use recovery codes (socialtjanst.two_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "pghistory",
    "socialtjanst.apps.SocialtjanstConfig",
    "placements.apps.PlacementsConfig",
    "budget.apps.BudgetConfig",
]

MIDDLEWARE = [
    # First, so every response (an https redirect, a static file) has its X-Request-ID and its log lines the id.
    "socialtjanst.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from gunicorn itself: from the apps' folders under DJANGO_DEBUG, else from STATIC_ROOT.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store on every response, so no case page or export stays in a cache.
    "socialtjanst.access_middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL in the address or a form field is a 400 before any view or the access log sees it.
    "socialtjanst.middleware_input.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A password log-in without its second factor reaches only the code and enrolment pages (IFO_REQUIRE_2FA).
    "socialtjanst.two_factor_middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session SESSION_ABSOLUTE_SECONDS after its log-in, however active (needs user and messages).
    "socialtjanst.auth_events.SessionLifetimeMiddleware",
    # The signed-in user's roles, units and permissions in one statement, before the view asks (socialtjanst.access).
    "socialtjanst.access_middleware.UserAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
    # Writes `denied` access-log rows after the view's transaction rolled back with its 404.
    "socialtjanst.access_middleware.DeniedAccessMiddleware",
    # The domain's NotFound (services never raise HTTP exceptions) answers 404 like a view's own Http404.
    "common.middleware_errors.DomainErrorMiddleware",
    # Last: a request that lost a deadlock or serialization conflict runs again instead of answering 500.
    "common.middleware_retry.RetryOnLockConflictMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "socialtjanst.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgres://ifo_app@127.0.0.1:54329/ifo"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# QuerySet.iterator() reads the whole result in one statement, not through a server-side cursor (DECLARE, FETCH,
# CLOSE: three round trips). Every <select> of a model's rows (a form's or filter's choices) is read with
# iterator(): half a millisecond more per list. The one export that reads more than fits in memory, the access
# log, reads it in chunks itself (socialtjanst.views.accesslog).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# A bounded connection pool per serving process (psycopg-pool), switched on by gunicorn.conf.py with
# DB_POOL_MAX = its threads: each thread holds at most one connection, so a process never opens more,
# and a request that cannot get one within DB_POOL_TIMEOUT seconds fails (OperationalError from
# psycopg_pool.PoolTimeout) instead of waiting for ever. Celery and manage.py keep plain connections.
DB_POOL_MAX = int(os.environ.get("DB_POOL_MAX", "0"))
if DB_POOL_MAX > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django must not
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(int(os.environ.get("DB_POOL_MIN", "1")), DB_POOL_MAX),
        "max_size": DB_POOL_MAX,
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
        "max_idle": 300,
        "max_lifetime": 3600,
    }
# How many parallel workers PostgreSQL may give one statement (max_parallel_workers_per_gather), set for the
# connections of this process when DB_PARALLEL_WORKERS is: gunicorn.conf.py sets 0 for the web. Under the load of
# many users every core is already busy with someone's request, and a parallel plan's workers only took cores from
# the others (issue 19's locust run on two cores, two runs each way: the list pages' p95 0,32–0,57 s with them,
# 0,24–0,43 s without; the machine's CPU per request 57–62 ms with, 51–52 without), while alone the reports of
# bench.pages were at most a third slower without them and all within their targets.
# Celery and manage.py keep PostgreSQL's default: a roll-up or an import has the machine to itself.
DB_PARALLEL_WORKERS = os.environ.get("DB_PARALLEL_WORKERS", "")
if DB_PARALLEL_WORKERS != "":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(filter(None, [
        _options.get("options", ""), f"-c max_parallel_workers_per_gather={int(DB_PARALLEL_WORKERS)}"]))
# Every request is one transaction, so its access-log rows commit or fail with it.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# The role the web and worker processes log in as; migrations grant it rights and
# take UPDATE/DELETE on the access log away from it.
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Acts only on the OIDC callback, and only when IFO_OIDC_* is configured (socialtjanst.oidc).
    "socialtjanst.oidc.OIDCBackend",
]

# Two-factor (django-otp) for every local (password) log-in, whatever the role. On unless IFO_REQUIRE_2FA=0:
# `make run`'s demo and the test run turn it off; a log-in through the IdP relies on the IdP's own MFA.
IFO_REQUIRE_2FA = os.environ.get("IFO_REQUIRE_2FA", "1") != "0"
OTP_TOTP_ISSUER = "IFO-stöd"

# Sign-in through the municipality's identity provider (OpenID Connect, mozilla-django-oidc). Off unless the
# issuer (or discovery URL) and client id are set; the endpoints come from the discovery document.
OIDC_ISSUER = os.environ.get("IFO_OIDC_ISSUER", "").rstrip("/")
OIDC_DISCOVERY_URL = os.environ.get("IFO_OIDC_DISCOVERY_URL", "")
OIDC_RP_CLIENT_ID = os.environ.get("IFO_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("IFO_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("IFO_OIDC_SCOPES", "openid profile")
OIDC_RP_SIGN_ALGO = os.environ.get("IFO_OIDC_SIGN_ALGO", "RS256")
# The claim that carries the user's id at the IdP, matched against ExternalIdentity.subject.
OIDC_USER_CLAIM = os.environ.get("IFO_OIDC_USER_CLAIM", "sub")
# Optional group-to-role mapping ("idp-grupp=Handläggare;annan-grupp=Enhetschef"): only when both are set may
# a log-in create an account or change its roles from the IdP's groups (never units, never admin rights).
OIDC_GROUPS_CLAIM = os.environ.get("IFO_OIDC_GROUPS_CLAIM", "")
OIDC_GROUP_ROLE_MAP = os.environ.get("IFO_OIDC_GROUP_ROLE_MAP", "")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the id token is the hint for the IdP's end_session at log-out
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"  # the address registered at the IdP: <site>/logga-in/idp/svar/
if not DEBUG and any(u and not u.startswith("https://") for u in (OIDC_ISSUER, OIDC_DISCOVERY_URL)):
    raise ImproperlyConfigured("IFO_OIDC_ISSUER och IFO_OIDC_DISCOVERY_URL måste börja med https:// i produktion.")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Also a common password with digits, a year or punctuation around it, or look-alike digits.
    {"NAME": "socialtjanst.passwords.CommonPasswordVariantValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without activity: a signed-in request restarts the clock at most once a minute
# (socialtjanst.auth_events.SessionLifetimeMiddleware), not with a write on every page.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# ... and at the latest 10 hours after the log-in, however active (socialtjanst.auth_events).
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(10 * 3600)))

# Imports (placements, budget): a larger file is refused while it streams in, before it is stored or
# read (common.uploads). 5 MB: a 15 000-row placement file is 1.9 MB as CSV, 0.7 MB as .xlsx.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "common.uploads.ImportSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# django-axes: five failed log-ins per user name and address lock for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska"))]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["socialtjanst.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise: in development straight from the apps' folders, re-read on change (also under pytest, which
# turns DEBUG off); in production from STATIC_ROOT, filled by `manage.py collectstatic`.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
# Django's form and widget templates through Jinja2, the rest through Django's engine (common/form_rendering.py).
FORM_RENDERER = "common.form_rendering.FastFormRenderer"

# Content Security Policy: only our own origin, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # The log-out form redirects to the IdP's end_session endpoint when OIDC is configured.
        "form-action": ["'self'", *([_origin] if (_origin := _url_origin(OIDC_ISSUER or OIDC_DISCOVERY_URL)) else [])],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: JSON only, late acks, one task at a time per process, results in our own tables.
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:63799/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 3600}
# Redis's transport with the repair that keeps a worker alive when Redis restarts under a running task.
CELERY_BROKER_TRANSPORT = "socialtjanst.broker:Transport"
# A worker whose Redis is away keeps trying (every 2, 4, … at most 30 s) rather than exiting after 100 tries;
# requests never wait for Redis at all (common/queueing.py).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Results only for callers that ask (manage.py rollup waits for its task); kept an hour.
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 30 * 60
CELERY_TASK_TIME_LIMIT = 35 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Nightly 02:15: delete expired sessions, so an idle log-in cannot be revived
    # and the session table does not grow without bound. Idempotent.
    "sessions-clear-expired": {
        "task": "socialtjanst.tasks.sessions_clear_expired",
        "schedule": crontab(hour=2, minute=15),
    },
    # Nightly 01:30: mark the current month (ongoing placements enter a new month) and roll up
    # every dirty month; every five minutes: re-enqueue what PostgreSQL says is still dirty.
    "budget-rollup-nightly": {
        "task": "budget.tasks.reconcile",
        "schedule": crontab(hour=1, minute=30),
        "kwargs": {"mark_current_month": True},
    },
    "budget-reconcile": {
        "task": "budget.tasks.reconcile",
        "schedule": crontab(minute="*/5"),
    },
    # Monthly, the 1st at 03:30: gallring (socialtjanst.retention). A personakt is due the day after the fifth
    # anniversary of its last entry and must be gone by the end of the following calendar year; a monthly run
    # removes it within a month, and a run that failed is simply done the next month. Idempotent.
    "retention-run": {
        "task": "socialtjanst.tasks.retention_run",
        "schedule": crontab(day_of_month=1, hour=3, minute=30),
    },
    # Every ten minutes: the tallies' rows folded (frister and Att göra, common.tally). Idempotent; expires
    # before the next, so runs queued behind a stopped worker are not done in a burst.
    "tally-compact": {
        "task": "socialtjanst.tasks.tally_compact",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
    # Every minute: the worker's heartbeat for /halsa/redo (socialtjanst.health.WorkerHeartbeat). Expires
    # after 50 s, so heartbeats queued behind a stopped worker are dropped, not run in a burst. Idempotent.
    "worker-heartbeat": {
        "task": "socialtjanst.tasks.worker_heartbeat",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
}

# One JSON object per line on stdout, for web, worker and beat alike: timestamp, level, logger, message,
# request_id, user_id, never personal data (socialtjanst.logging_setup; README "Hälsa och loggar").
LOGGING = logging_config(os.environ.get("LOG_LEVEL", "INFO"))

# Health (socialtjanst.health): liveness and readiness for the load balancer and the monitoring, answered
# without a session. Other middleware that gates requests (log-in, two-factor) lets HEALTH_PATHS through.
HEALTH_PATHS = ("/halsa/live", "/halsa/redo")
# Readiness: every check must pass, else 503. Name in the JSON answer → django-health-check check.
HEALTH_READY_CHECKS = (
    ("databas", "socialtjanst.health.Database"),
    ("redis", "socialtjanst.health.Broker"),
    ("worker", "socialtjanst.health.WorkerHeartbeat"),
    ("omrakning", "budget.health.StaleDirtyMonths"),
)
# The worker's heartbeat comes every minute (beat); five missed ones make the system not ready.
HEALTH_WORKER_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_WORKER_MAX_AGE_SECONDS", "300"))
# A month marked for roll-up longer ago than this makes the system not ready (issue 13: 15 minutes).
HEALTH_DIRTY_MONTH_MAX_AGE_MINUTES = int(os.environ.get("HEALTH_DIRTY_MONTH_MAX_AGE_MINUTES", "15"))
# A probe over plain http from the load balancer gets its answer, not a redirect to https.
SECURE_REDIRECT_EXEMPT = [r"^halsa/"]

ADMIN_SITE_TITLE = "IFO-stöd"

# Följa vården (issue 16): contacts a year with a placed child before the control list flags it. Socialstyrelsen
# recommends at least four; a municipality may set its own (placements.care_followup).
IFO_CHILD_CONTACTS_PER_YEAR = int(os.environ.get("IFO_CHILD_CONTACTS_PER_YEAR", "4"))
# Vårdplan, genomförandeplan and the notifications when a child's placement starts or ends (issue 16 points 2
# and 6): days after the start (or the end) by which each is due. Municipal rules, not law
# (socialtjanst.deadlines): vårdplan at or before the start, genomförandeplan within six weeks, notifications
# within a week.
IFO_CARE_PLAN_DAYS = int(os.environ.get("IFO_CARE_PLAN_DAYS", "0"))
IFO_IMPLEMENTATION_PLAN_DAYS = int(os.environ.get("IFO_IMPLEMENTATION_PLAN_DAYS", "42"))
IFO_PLACEMENT_NOTIFICATION_DAYS = int(os.environ.get("IFO_PLACEMENT_NOTIFICATION_DAYS", "7"))
if IFO_IMPLEMENTATION_PLAN_DAYS < 0 or IFO_PLACEMENT_NOTIFICATION_DAYS < 0:
    # A due date before the start (or the end) it follows is no deadline; the database refuses such a checklist.
    raise ImproperlyConfigured(
        "IFO_IMPLEMENTATION_PLAN_DAYS och IFO_PLACEMENT_NOTIFICATION_DAYS får inte vara negativa.")
