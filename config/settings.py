"""DealLens settings: one file, everything from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
import plotly
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "simple_history",
    "common",
    "accounts_app",
    "events_app",
    "personas_app",
    "deals_app",
    "crm_app",
    "surveys_app",
    "insights_app",
    "conversations_app",
    "alerts_app",
    "demo_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "common.middleware.MissingTablesMiddleware",  # no tables: a page that says what to run
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change: history rows of deals, roles and conversations record request.user.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts_app.context_processors.workspace",
                "alerts_app.context_processors.notification_bell",
            ],
        },
    },
]

# SQLite in the project unless DATABASE_URL says otherwise (postgres://… in production and CI).
# An empty DATABASE_URL counts as unset.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an in-process task writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.js from the plotly package itself, so charts work offline (no CDN).
    ("vendor/plotly", Path(plotly.__file__).parent / "package_data"),
]
# Collected static (collectstatic; on unless DEBUG, and in `make run`): gzip, hashed, cached.
DEALLENS_COLLECTED_STATIC = env.bool("DEALLENS_COLLECTED_STATIC", default=not DEBUG)
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG and not DEALLENS_COLLECTED_STATIC
_static = "common.storage.HashedStaticFilesStorage" if DEALLENS_COLLECTED_STATIC else ""
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _static or "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# Security headers (docs/security.md). The https-only ones are driven by the environment and
# default on when DEBUG is off, off when it is on, so local http (`make run`) still works.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): no inline script anywhere; JS lives in static/js and
# gets its data from json_script blocks or data- attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Styles only: plotly.js inserts a <style id="plotly.js-style-global"> of its own rules
        # at runtime and sets style="" attributes (colour bars, images); its strict-CSP mode
        # needs a plotly.css the plotly package does not ship. Without 'unsafe-inline' here the
        # mode bar and hover labels lose their layout. Scripts, the real XSS risk, stay strict.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # plotly's mode bar icons and chart exports are data: URLs
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# Sign-in lockout (django-axes): 5 failures from one username at one address lock that pair
# out for the cool-off; a successful sign-in clears the count.
AXES_ENABLED = env.bool("DJANGO_AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts_app.views.locked_out"  # a page, not a bare 403
AXES_VERBOSE = False
# Behind a proxy the client's address is the one it appends to X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = 1 if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if env.bool("DJANGO_BEHIND_PROXY", default=False)
    else ["REMOTE_ADDR"]
)

REST_FRAMEWORK = {
    # Token first, so a request without credentials answers 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested deeper than 32 levels is a 400, not a RecursionError (common/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "accounts_app.api.plumbing.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "accounts_app.api.plumbing.SearchFilter",
        "accounts_app.api.plumbing.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "accounts_app.api.schema.WorkspaceAutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    # Per token (or session) and per address for anonymous calls; an empty rate turns a limit
    # off. Counts live in the "throttle" cache: Redis whenever REDIS_URL is set, so every
    # process shares one budget (common/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "common.throttling.AnonRateThrottle",
        "common.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("DJANGO_API_THROTTLE_ANON", default="60/minute") or None,
        "user": env.str("DJANGO_API_THROTTLE_USER", default="1200/minute") or None,
    },
    # An anonymous caller is its address: the one the proxy appends to X-Forwarded-For behind
    # one, REMOTE_ADDR otherwise (DRF's default trusts the whole header, a free budget per lie).
    "NUM_PROXIES": 1 if env.bool("DJANGO_BEHIND_PROXY", default=False) else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DealLens API",
    "DESCRIPTION": (
        "Deal intelligence for enterprise product and sales teams. Authenticate with a session "
        "or `Authorization: Token KEY`; name the workspace with `X-Workspace: SLUG` (optional "
        "when you belong to one). Money is a decimal string, dates are ISO 8601. Every member "
        "reads everything in the workspace; who writes what is said on each operation."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components, so read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    # The API takes JSON bodies (the browsable API's forms still work; they are not documented).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "LossReasonEnum": "deals_app.models.LossReason",
        "DealRoleEnum": "deals_app.models.DealRole.Role",
        "MembershipRoleEnum": "accounts_app.models.Membership.Role",
        "FeatureRequestStatusEnum": "insights_app.models.FeatureRequest.Status",
        "ScorecardStatusEnum": "deals_app.models.ScorecardItem.Status",
        "SyncRunStateEnum": "crm_app.models.SyncRun.State",
        "EventTypeEnum": "events_app.models.EventType",
    },
}

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process (embedded default).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Tasks are idempotent, so a task whose worker died is run again (STYLE.md §6).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=720)
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis down a request must not hang: connecting gives up after 2 s (for every retry
# together), a silent socket (Redis paused, a network black hole) after 1.5 s (more than the
# 1 s a worker's BRPOP waits), and a publish is retried once — except the recompute request,
# which must answer within 3 s and does not retry (tests/insights_app/test_faults_redis_down.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged task (its worker died) is handed out again after this long; it must
    # exceed the longest task (CELERY_TASK_TIME_LIMIT).
    "visibility_timeout": 3600,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": 1.5,
    "socket_keepalive": True,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"]
# Heavy work has its own queue, so a long recompute never delays quick tasks; the worker in
# docker-compose.yml and `make worker` listen to both queues.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"insights_app.tasks.insights_recompute*": {"queue": "insights"}}
# Debounce: data changes only mark a workspace dirty; this recomputes dirty workspaces, so a
# burst costs one recompute (with no beat, in `make run`, the server runs it: services/inprocess).
INSIGHTS_DEBOUNCE_SECONDS = 30.0
DEALLENS_INPROCESS_RECOMPUTE = env.bool("DEALLENS_INPROCESS_RECOMPUTE", DEBUG and not REDIS_URL)
CELERY_BEAT_SCHEDULE = {
    "insights-recompute-dirty": {
        "task": "insights_app.tasks.insights_recompute_dirty_workspaces",
        "schedule": INSIGHTS_DEBOUNCE_SECONDS,
        "options": {"expires": INSIGHTS_DEBOUNCE_SECONDS},  # a backlog does not pile them up
    },
    "insights-recompute-nightly": {  # forced: the 90-day window moves with the calendar
        "task": "insights_app.tasks.insights_recompute_all_workspaces",
        "schedule": crontab(hour=3, minute=15),
    },
}
CELERY_BEAT_SCHEDULE["crm-sync-due"] = {
    # Starts the connections whose schedule_minutes have passed (each on its own clock) and
    # re-queues runs whose worker died (no heartbeat for CRM_SYNC_STALE_SECONDS).
    "task": "crm_app.tasks.crm_sync_due",
    "schedule": 60.0,
    "options": {"expires": 60.0},
}
# CSV imports (PRODUCT.md §6): an upload is stopped while it streams once one file passes
# DEALLENS_IMPORT_MAX_FILE_MB or the files together pass DEALLENS_IMPORT_MAX_TOTAL_MB, so nothing
# that large is kept; a draft nobody ran goes, with its files, after DEALLENS_IMPORT_DRAFT_HOURS.
DEALLENS_IMPORT_MAX_FILE_MB = env.int("DEALLENS_IMPORT_MAX_FILE_MB", default=50)
DEALLENS_IMPORT_MAX_TOTAL_MB = env.int("DEALLENS_IMPORT_MAX_TOTAL_MB", default=200)
DEALLENS_IMPORT_DRAFT_HOURS = env.int("DEALLENS_IMPORT_DRAFT_HOURS", default=24)
CELERY_BEAT_SCHEDULE["crm-import-drafts-delete"] = {
    "task": "crm_app.tasks.import_drafts_delete",
    "schedule": crontab(minute=40),  # hourly
    "options": {"expires": 3600.0},
}
CELERY_TIMEZONE = TIME_ZONE

# Alerts, digests and webhooks (PRODUCT.md §12). Events wait in the outbox until the fan-out
# has handed them on: a kick after each commit, and this sweep for what a broker outage left.
CELERY_BEAT_SCHEDULE["events-dispatch-pending"] = {
    "task": "events_app.tasks.events_dispatch",
    "schedule": 30.0,
    "options": {"expires": 30.0},
}
# Webhook retries whose time has come (the first after ~5 s) and deliveries whose kick was lost.
CELERY_BEAT_SCHEDULE["alerts-deliveries-due"] = {
    "task": "alerts_app.tasks.alerts_deliveries_due",
    "schedule": 5.0,
    "options": {"expires": 5.0},
}
CELERY_BEAT_SCHEDULE["alerts-digests-send"] = {
    "task": "alerts_app.tasks.alerts_digests_send",
    "schedule": crontab(minute=0),  # hourly: each member's digest at the hour they chose
    "options": {"expires": 3000.0},
}
# The address links in e-mails, Slack messages and webhook payloads start with.
DEALLENS_BASE_URL = env.str("DEALLENS_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Outbound webhooks to loopback, private, link-local or reserved addresses are refused (every
# address the host resolves to is checked) unless this is on — tests and closed networks.
DEALLENS_WEBHOOKS_ALLOW_PRIVATE = env.bool("DEALLENS_WEBHOOKS_ALLOW_PRIVATE", default=False)
DEALLENS_WEBHOOK_TIMEOUT_SECONDS = env.float("DEALLENS_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# segment.shifted: a segment value's win rate moved by more than this many percentage points,
# or its pipeline by more than this share, between two snapshots.
DEALLENS_SEGMENT_SHIFT_WIN_RATE_POINTS = env.float(
    "DEALLENS_SEGMENT_SHIFT_WIN_RATE_POINTS", default=10.0
)
DEALLENS_SEGMENT_SHIFT_PIPELINE_SHARE = env.float(
    "DEALLENS_SEGMENT_SHIFT_PIPELINE_SHARE", default=0.25
)

# E-mail (alerts, digests): EMAIL_URL as django-environ reads it — smtp://user:pass@host:25,
# smtp+tls://…:587, consolemail:// (the default: messages printed, as in `make run`).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="DealLens <alerts@deallens.local>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Live CRM sync (PRODUCT.md §11). Credentials are encrypted with the first of these Fernet keys
# and decrypted with any of them, so a new key goes first and `rotate_encryption_keys` re-encrypts
# (comma-separated, each 32 url-safe base64 bytes: `Fernet.generate_key()`). DEBUG (make run)
# derives one from SECRET_KEY when none is set; elsewhere, without keys, saving a connection is
# refused with a message naming this setting (the rest of DealLens runs).
DEALLENS_ENCRYPTION_KEYS = env.list("DEALLENS_ENCRYPTION_KEYS", default=[])
# A CA bundle the CRM connectors trust instead of the system store (a private test server, a
# TLS-inspecting proxy); falls back to REQUESTS_CA_BUNDLE, then to certifi.
DEALLENS_CRM_CA_BUNDLE = env.str(
    "DEALLENS_CRM_CA_BUNDLE", default=env.str("REQUESTS_CA_BUNDLE", default="")
)
CRM_SYNC_OVERLAP_SECONDS = env.int("DEALLENS_CRM_SYNC_OVERLAP_SECONDS", default=300)  # clock skew
CRM_SYNC_TIMEOUT_SECONDS = env.float("DEALLENS_CRM_SYNC_TIMEOUT_SECONDS", default=30.0)
CRM_SYNC_RETRIES = env.int("DEALLENS_CRM_SYNC_RETRIES", default=5)  # per request
CRM_SYNC_BACKOFF_MAX_SECONDS = env.float("DEALLENS_CRM_SYNC_BACKOFF_MAX_SECONDS", default=60.0)
CRM_SYNC_STALE_SECONDS = env.int("DEALLENS_CRM_SYNC_STALE_SECONDS", default=300)
# HubSpot answers 429 past about 100 requests per 10 s per app (Free/Starter; 190 above) and
# 5 searches per second: the connector paces itself under both (0 = no pacing).
CRM_HUBSPOT_REQUESTS_PER_10S = env.int("DEALLENS_CRM_HUBSPOT_REQUESTS_PER_10S", default=90)
CRM_HUBSPOT_SEARCHES_PER_SECOND = env.int("DEALLENS_CRM_HUBSPOT_SEARCHES_PER_SECOND", default=4)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and env.bool("DJANGO_REDIS_CACHE", default=False)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # API throttle counters, shared by every gunicorn worker and host whenever REDIS_URL is set
    # (whatever DJANGO_REDIS_CACHE says). Short timeouts: with Redis down or silent the
    # throttle lets calls through rather than hold them (common/throttling.py).
    "throttle": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "deallens-throttle",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
