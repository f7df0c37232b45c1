"""Test settings: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, else embedded."""

import os
import urllib.parse

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
QBO_ENVIRONMENT = "emulator"
QBO_EMULATOR_URL = "http://qbo-emulator.test"
QBO_EMULATOR_PUBLIC_URL = QBO_EMULATOR_URL
CONTENT_SECURITY_POLICY = content_security_policy(authorize_origin=QBO_EMULATOR_URL)  # noqa: F405
QBO_REDIRECT_URI = "http://testserver/settings/accounting/callback/"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
if not env("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    # Under pytest -n, each test process its own Redis database (gw0 the one given, gw1 the
    # next...): tests clear the cache (a FLUSHDB) and would empty another process's.
    _redis = urllib.parse.urlsplit(REDIS_URL)  # noqa: F405
    _db = int(_redis.path.lstrip("/") or 0) + int(os.environ["PYTEST_XDIST_WORKER"][2:])
    REDIS_URL = _redis._replace(path=f"/{_db}").geturl()
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
LANGUAGE_CODE = "en"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile
    from pathlib import Path

    # A file rather than SQLite's shared in-memory database: there, a second writer gets
    # "database table is locked" at once instead of waiting, so threaded tests (concurrent
    # invoice numbering and payments) could not run. One file per test process, so that
    # separate test runs never share a database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"plannit-test-{os.getpid()}.sqlite3"),
    }
