"""Settings shared by every environment. Everything that differs comes from the environment
(cookiecutter-django style); see the README's table of variables."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

VAR_DIR = Path(env("PLANNIT_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Public development values: production.py refuses every one of them.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
DEV_TOKEN_ENCRYPTION_KEY = "ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZA0="
DEV_QBO_CLIENT_ID = "plannit-dev-client"
DEV_QBO_CLIENT_SECRET = "plannit-dev-secret"  # the emulator's seeded app: public
DEV_QBO_WEBHOOK_VERIFIER_TOKEN = "plannit-dev-verifier"  # the emulator's: public

SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "core",
    "businesses",
    "contacts",
    "catalog",
    "invoicing",
    "accounting",
    "accounting.sync",
    "accounting.imports",
    "accounting.inbound",
    "accounting.reconcile",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "businesses.middleware.CurrentBusinessMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "plannit.urls"
WSGI_APPLICATION = "plannit.wsgi.application"

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
                "django.template.context_processors.i18n",
                "businesses.context_processors.current_business",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Embedded default: one SQLite file under var/, in WAL mode so that the web server and the
# Celery worker can write at the same time; IMMEDIATE transactions avoid "database is locked"
# upgrades from read to write locks.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'plannit.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "businesses.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Abuse: login and password-reset throttling, Content-Security-Policy ---------------
# The client's address: REMOTE_ADDR, or with DJANGO_PROXY_COUNT reverse proxies in front
# (compose's Caddy: 1), the address the outermost trusted proxy saw (core/client_ip.py).
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
# django-axes: 5 wrong passwords lock that account, and separately that address, for 15
# minutes (a 429 page that offers the password reset); a success clears the account's count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field (it holds the e-mail address)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_VERBOSE = False  # its log lines would carry the e-mail addresses tried
# Password resets (businesses/throttle.py): per e-mail address and per client address.
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
PASSWORD_RESET_LIMIT_PER_ADDRESS = 10
PASSWORD_RESET_WINDOW = timedelta(hours=1)
# --- E-mail: EMAIL_URL (django-environ: smtp+tls://user:password@host:587, consolemail://)
# Development prints every e-mail on the console; production requires an SMTP server.
vars().update(env.email_url_config(env("EMAIL_URL", default="consolemail://")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Plannit <no-reply@plannit.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages: French (Canada) first, English too --------------------------------------
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", _("French")), ("en", _("English"))]
# Each app (and `plannit` for the shared templates) owns its catalog: see plannit/i18n.py.
LOCALE_PATHS: list = []
USE_I18N = True
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = env("TIME_ZONE", default="America/Toronto")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve static/ directly in dev and tests; production collects
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Redis (broker, cache, shared limiter) or the embedded fallbacks --------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # A cache shared by every local process (web, worker, beat) without any server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        # The worker polls the folder; 0.1 s keeps a push within a fraction of a second.
        "polling_interval": 0.1,
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task's message is acknowledged when the task ends, and given back if its worker process
# dies (killed, out of memory), so that no push is lost with a worker; each worker reserves one
# message at a time, so that a slow company never holds others' messages in its prefetch.
# Duplicates are harmless: a job runs only under its lease (accounting/sync/services/lease.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task is a batch of 30 invoices or an import page: a few calls of at most
# QBO_HTTP_TIMEOUT_SECONDS each. The soft limit lets the job end cleanly (retried later);
# the hard one frees the worker. The broker's visibility timeout (Redis) stays above both.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# Celery's Django fixup closes every database connection before and after each task unless
# this is set: a new PostgreSQL connection (~8 ms) before every push. Connections are kept
# and recycled by Django's own rule instead (CONN_MAX_AGE, health checks; plannit/celery.py).
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}

# --- QuickBooks Online ------------------------------------------------------------------
# QBO_ENVIRONMENT: "emulator" (the local stand-in), "sandbox" or "production" (Intuit).
QBO_ENVIRONMENT = env("QBO_ENVIRONMENT", default="emulator")
QBO_EMULATOR_URL = env("QBO_EMULATOR_URL", default="http://127.0.0.1:8765").rstrip("/")
QBO_CLIENT_ID = env("QBO_CLIENT_ID", default=DEV_QBO_CLIENT_ID)
QBO_CLIENT_SECRET = env("QBO_CLIENT_SECRET", default=DEV_QBO_CLIENT_SECRET)
QBO_REDIRECT_URI = env(
    "QBO_REDIRECT_URI", default="http://127.0.0.1:8000/settings/accounting/callback/"
)
QBO_HTTP_TIMEOUT_SECONDS = env.float("QBO_HTTP_TIMEOUT_SECONDS", default=30.0)
# Fernet keys (comma-separated, newest first) for tokens at rest. The dev default is public.
QBO_TOKEN_ENCRYPTION_KEYS = env.list(
    "QBO_TOKEN_ENCRYPTION_KEYS", default=[DEV_TOKEN_ENCRYPTION_KEY]
)
QBO_WEBHOOK_VERIFIER_TOKEN = env(
    "QBO_WEBHOOK_VERIFIER_TOKEN", default=DEV_QBO_WEBHOOK_VERIFIER_TOKEN
)
# QBO's limits per company (qbo-api-reference §9), kept across workers for every call to QBO
# (the sync engine's, the imports', the owner's pages'). QBO_LIMIT_WINDOW_SECONDS is QBO's
# minute: only the bench shortens it.
QBO_LIMIT_REQUESTS_PER_MINUTE = env.int("QBO_LIMIT_REQUESTS_PER_MINUTE", default=500)
QBO_LIMIT_IN_FLIGHT = env.int("QBO_LIMIT_IN_FLIGHT", default=10)
QBO_LIMIT_BATCH_PER_MINUTE = env.int("QBO_LIMIT_BATCH_PER_MINUTE", default=40)
QBO_LIMIT_WINDOW_SECONDS = env.float("QBO_LIMIT_WINDOW_SECONDS", default=60.0)
# Requests of each window the sync engine leaves to the other calls (at most a tenth), and how
# long those others wait for a slot before saying "QuickBooks is busy, try again".
QBO_LIMIT_RESERVED_REQUESTS = env.int("QBO_LIMIT_RESERVED_REQUESTS", default=10)
QBO_LIMIT_OTHERS_MAX_WAIT_SECONDS = env.float("QBO_LIMIT_OTHERS_MAX_WAIT_SECONDS", default=10.0)
# A backlog of at least this many new invoices for one company goes through batch calls.
QBO_SYNC_BATCH_THRESHOLD = env.int("QBO_SYNC_BATCH_THRESHOLD", default=10)
# Job messages one company may queue per 2 s; past that its jobs wait behind its backlog task,
# which takes turns with the other companies' messages (accounting/sync/services/wake.py).
QBO_SYNC_QUEUE_BUDGET = env.int("QBO_SYNC_QUEUE_BUDGET", default=20)
# Bench and test use only: shortens the retry backoff, the pause after a 429 and the outage
# pauses by this factor (the emulator's window is shortened to match). 1 everywhere else.
QBO_SYNC_TIME_SCALE = env.float("QBO_SYNC_TIME_SCALE", default=1.0)
# How often beat's sweeper looks for due jobs, lost messages and expired leases.
QBO_SYNC_SWEEP_SECONDS = env.float("QBO_SYNC_SWEEP_SECONDS", default=10.0)
# How often each connected company's catch-up (CDC) pass runs, jittered by ±10 %.
QBO_CDC_INTERVAL_SECONDS = env.float("QBO_CDC_INTERVAL_SECONDS", default=900.0)
# How often each connected company's books check runs (jittered by ±10 %): nightly by default.
QBO_RECONCILE_INTERVAL_SECONDS = env.float("QBO_RECONCILE_INTERVAL_SECONDS", default=86_400.0)
# Events of a disconnected company are kept this long, waiting for it to reconnect.
QBO_INBOUND_KEEP_DISCONNECTED_DAYS = 7


def content_security_policy(*, authorize_origin: str) -> dict:
    """Every page is served with a policy that allows no inline script nor inline style (the
    behaviour lives in static/js/, the styles in static/css/). Connect is a form whose answer
    redirects to Intuit's consent page (or the emulator's), which form-action must allow."""
    return {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "font-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'none'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'", authorize_origin],
        }
    }


# The emulator's address as the browser sees it (docker compose: another host than the one
# the containers use).
QBO_EMULATOR_PUBLIC_URL = env("QBO_EMULATOR_PUBLIC_URL", default=QBO_EMULATOR_URL).rstrip("/")
INTUIT_AUTHORIZE_ORIGIN = "https://appcenter.intuit.com"
CONTENT_SECURITY_POLICY = content_security_policy(
    authorize_origin=QBO_EMULATOR_PUBLIC_URL
    if QBO_ENVIRONMENT == "emulator"
    else INTUIT_AUTHORIZE_ORIGIN
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The OAuth callback's `code` and `state` (and any token in a URL) never reach a log.
    "filters": {"redact_secrets": {"()": "core.logging.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each rendering step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # one line per failure and lockout, not five
        # Django gives these two their own console handler; through the root's alone, each
        # line is printed once, redacted, in the same format as every other line.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
    },
}
