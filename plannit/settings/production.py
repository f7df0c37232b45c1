"""Production: every secret must come from the environment, or the process refuses to start.

A refusal is an ImproperlyConfigured whose message names the variable and says what to do:
a missing or empty value, a development key copied from the README or the emulator, or a
placeholder from .env.example."""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import (
    DEV_QBO_CLIENT_ID,
    DEV_QBO_CLIENT_SECRET,
    DEV_QBO_WEBHOOK_VERIFIER_TOKEN,
    DEV_SECRET_KEY,
    DEV_TOKEN_ENCRYPTION_KEY,
    INTUIT_AUTHORIZE_ORIGIN,
    QBO_EMULATOR_URL,
    content_security_policy,
    env,
)

# Values that are public (this repository, .env.example): never a production secret.
PLACEHOLDER_PREFIXES = ("change-me", "changeme", "replace-me", "xxx", "todo")
QBO_ENVIRONMENTS = ("emulator", "sandbox", "production")


def _refuse(name: str, reason: str) -> None:
    raise ImproperlyConfigured(f"Set the {name} environment variable: {reason}")


def required(name: str, *, public_values: tuple[str, ...] = ()) -> str:
    """The variable's value, refused when missing, empty, public or a placeholder."""
    value = env.str(name).strip()  # django-environ: "Set the NAME environment variable"
    if not value:
        _refuse(name, "it is empty.")
    if value in public_values:
        _refuse(name, "it holds the public development value; generate a secret of your own.")
    if value.lower().startswith(PLACEHOLDER_PREFIXES):
        _refuse(name, "it still holds the placeholder from .env.example.")
    return value


def required_list(name: str, **kwargs) -> list[str]:
    items = [item.strip() for item in required(name, **kwargs).split(",")]
    if not all(items):
        _refuse(name, "one of its comma-separated values is empty.")
    return items


DEBUG = False
SECRET_KEY = required("DJANGO_SECRET_KEY", public_values=(DEV_SECRET_KEY,))
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    _refuse("DJANGO_SECRET_KEY", "use at least 50 random characters.")
ALLOWED_HOSTS = required_list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db_url_config(required("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = required("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

QBO_ENVIRONMENT = env("QBO_ENVIRONMENT", default="production")
if QBO_ENVIRONMENT not in QBO_ENVIRONMENTS:
    _refuse("QBO_ENVIRONMENT", f"use one of {', '.join(QBO_ENVIRONMENTS)}.")
# The emulator's seeded app has public credentials; Intuit's never are.
_on_intuit = QBO_ENVIRONMENT != "emulator"
QBO_EMULATOR_PUBLIC_URL = env("QBO_EMULATOR_PUBLIC_URL", default=QBO_EMULATOR_URL).rstrip("/")
CONTENT_SECURITY_POLICY = content_security_policy(
    authorize_origin=INTUIT_AUTHORIZE_ORIGIN if _on_intuit else QBO_EMULATOR_PUBLIC_URL
)
QBO_CLIENT_ID = required("QBO_CLIENT_ID", public_values=(DEV_QBO_CLIENT_ID,) if _on_intuit else ())
QBO_CLIENT_SECRET = required(
    "QBO_CLIENT_SECRET", public_values=(DEV_QBO_CLIENT_SECRET,) if _on_intuit else ()
)
QBO_REDIRECT_URI = required("QBO_REDIRECT_URI")
if _on_intuit and not QBO_REDIRECT_URI.startswith("https://"):
    _refuse("QBO_REDIRECT_URI", "Intuit accepts only an https:// redirect URI.")
QBO_TOKEN_ENCRYPTION_KEYS = required_list(
    "QBO_TOKEN_ENCRYPTION_KEYS", public_values=(DEV_TOKEN_ENCRYPTION_KEY,)
)
for _key in QBO_TOKEN_ENCRYPTION_KEYS:
    if _key == DEV_TOKEN_ENCRYPTION_KEY:
        _refuse("QBO_TOKEN_ENCRYPTION_KEYS", "it holds the public development key.")
    try:
        Fernet(_key)
    except ValueError:
        _refuse(
            "QBO_TOKEN_ENCRYPTION_KEYS",
            "each key must be a Fernet key (32 url-safe base64-encoded bytes); see the README.",
        )
QBO_WEBHOOK_VERIFIER_TOKEN = required(
    "QBO_WEBHOOK_VERIFIER_TOKEN",
    public_values=(DEV_QBO_WEBHOOK_VERIFIER_TOKEN,) if _on_intuit else (),
)

# E-mail: password resets and owner notifications must reach a real mailbox. The console
# backend would print reset links (secrets) into the logs.
_email = env.email_url_config(required("EMAIL_URL"))
if _email["EMAIL_BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    _refuse("EMAIL_URL", "use an smtp://, smtp+tls:// or smtp+ssl:// address in production.")
vars().update(_email)
DEFAULT_FROM_EMAIL = required("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
