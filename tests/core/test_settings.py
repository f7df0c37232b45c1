import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "plannit.settings.production",
    "DJANGO_SECRET_KEY": "kP9v-3xQz7Lm2Rt8Wy4Nb6Hc1Jd5Fg0Sa-UeIoPqZxCvBnMlKjHgFdSaQwErTyU",
    "DJANGO_ALLOWED_HOSTS": "plannit.example.com",
    "DATABASE_URL": "postgres://plannit:pw@127.0.0.1:5432/plannit",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "QBO_ENVIRONMENT": "production",
    "QBO_CLIENT_ID": "ABo3kX9mQ2rT7vW1yZ4cE6gH8jK0lN5pR",
    "QBO_CLIENT_SECRET": "f8Jk2LmN4pQr6StU8vWx0YzA2bCd4EfG6hIj8KlM",
    "QBO_REDIRECT_URI": "https://plannit.example.com/settings/accounting/callback/",
    "QBO_TOKEN_ENCRYPTION_KEYS": "q8Jm3rWl3B3pRSy0wq8Zb1fS5mO9Xc8x3eHqyJ7n0ZA=",
    "QBO_WEBHOOK_VERIFIER_TOKEN": "3c9f0e1a-7b2d-4e8f-9a6c-5d4b3a2f1e0d",
    "EMAIL_URL": "smtp+tls://plannit:mail-password@smtp.example.com:587",
    "DEFAULT_FROM_EMAIL": "Plannit <no-reply@plannit.example.com>",
}
REQUIRED = sorted(PRODUCTION_ENV.keys() - {"DJANGO_SETTINGS_MODULE", "QBO_ENVIRONMENT"})


def _load_production(monkeypatch, env: dict):
    """Import plannit.settings.production afresh under `env` (the base module is shared)."""
    for key in list(os.environ):
        if key.startswith(("DJANGO_", "QBO_", "EMAIL_")) or key in (
            "DATABASE_URL",
            "REDIS_URL",
            "DEFAULT_FROM_EMAIL",
        ):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    sys.modules.pop("plannit.settings.production", None)
    try:
        return importlib.import_module("plannit.settings.production")
    finally:
        sys.modules.pop("plannit.settings.production", None)


def _refusal(monkeypatch, **overrides) -> str:
    env = dict(PRODUCTION_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key)
        else:
            env[key] = value
    with pytest.raises(ImproperlyConfigured) as refused:
        _load_production(monkeypatch, env)
    return str(refused.value)


def test_production_settings_load_with_real_looking_values(monkeypatch):
    module = _load_production(monkeypatch, PRODUCTION_ENV)
    assert module.DEBUG is False
    assert module.ALLOWED_HOSTS == ["plannit.example.com"]
    assert module.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (module.EMAIL_HOST, module.EMAIL_PORT, module.EMAIL_USE_TLS) == (
        "smtp.example.com",
        587,
        True,
    )
    assert module.DEFAULT_FROM_EMAIL == "Plannit <no-reply@plannit.example.com>"
    assert module.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == [
        "'self'",
        "https://appcenter.intuit.com",
    ]


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_settings_refuse_each_missing_variable(monkeypatch, missing):
    assert f"Set the {missing} environment variable" in _refusal(monkeypatch, **{missing: None})


@pytest.mark.parametrize("empty", REQUIRED)
def test_production_settings_refuse_each_empty_variable(monkeypatch, empty):
    message = _refusal(monkeypatch, **{empty: "  "})
    assert message == f"Set the {empty} environment variable: it is empty."


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production", "public"),
        ("DJANGO_SECRET_KEY", "change-me-to-a-long-random-string", "placeholder"),
        ("DJANGO_SECRET_KEY", "short-but-random-9f8e7d", "at least 50"),
        ("QBO_TOKEN_ENCRYPTION_KEYS", "ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZA0=", "public"),
        (
            "QBO_TOKEN_ENCRYPTION_KEYS",
            "q8Jm3rWl3B3pRSy0wq8Zb1fS5mO9Xc8x3eHqyJ7n0ZA=,ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZA0=",
            "public development key",
        ),
        ("QBO_TOKEN_ENCRYPTION_KEYS", "not-a-fernet-key", "Fernet key"),
        ("QBO_TOKEN_ENCRYPTION_KEYS", "q8Jm3rWl3B3pRSy0wq8Zb1fS5mO9Xc8x3eHqyJ7n0ZA=,", "empty"),
        ("QBO_CLIENT_ID", "plannit-dev-client", "public"),
        ("QBO_CLIENT_SECRET", "plannit-dev-secret", "public"),
        ("QBO_WEBHOOK_VERIFIER_TOKEN", "plannit-dev-verifier", "public"),
        ("QBO_REDIRECT_URI", "http://plannit.example.com/settings/accounting/callback/", "https"),
        ("QBO_ENVIRONMENT", "staging", "one of"),
        ("EMAIL_URL", "consolemail://", "smtp"),
        ("DJANGO_ALLOWED_HOSTS", "plannit.example.com,,", "empty"),
    ],
)
def test_production_settings_refuse_public_and_placeholder_values(monkeypatch, name, value, reason):
    message = _refusal(monkeypatch, **{name: value})
    assert message.startswith(f"Set the {name} environment variable: ")
    assert reason in message


def test_the_emulator_s_public_app_is_accepted_when_production_runs_the_emulator(monkeypatch):
    module = _load_production(
        monkeypatch,
        dict(
            PRODUCTION_ENV,
            QBO_ENVIRONMENT="emulator",
            QBO_CLIENT_ID="plannit-dev-client",
            QBO_CLIENT_SECRET="plannit-dev-secret",
            QBO_WEBHOOK_VERIFIER_TOKEN="plannit-dev-verifier",
            QBO_REDIRECT_URI="https://localhost/settings/accounting/callback/",
            QBO_EMULATOR_PUBLIC_URL="http://localhost:8765",
        ),
    )
    assert module.QBO_CLIENT_ID == "plannit-dev-client"
    assert module.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == [
        "'self'",
        "http://localhost:8765",
    ]


def _run(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "QBO_", "EMAIL_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL")
    }
    env.update(env_overrides)
    env["PLANNIT_VAR_DIR"] = str(ROOT / "var")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_refusal_stops_manage_py_and_names_the_variable():
    result = _run(dict(PRODUCTION_ENV, QBO_TOKEN_ENCRYPTION_KEYS=""), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set the QBO_TOKEN_ENCRYPTION_KEYS environment variable: it is empty." in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _run(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


# --- The README's table of variables is the settings' reads -----------------------------

ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")
COMPOSE_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]+)(?::-[^}]*)?\}")
TABLE_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]+)` \|", re.MULTILINE)


def _settings_reads() -> set[str]:
    found = set()
    for path in (ROOT / "plannit" / "settings").glob("*.py"):
        found |= set(ENV_READ.findall(path.read_text()))
    return found


def test_the_readme_table_lists_exactly_the_variables_that_are_read():
    table = set(TABLE_ROW.findall((ROOT / "README.md").read_text()))
    compose = set(COMPOSE_READ.findall((ROOT / "docker-compose.yml").read_text()))
    read = _settings_reads() | compose | {"DJANGO_SETTINGS_MODULE"}
    assert sorted(read - table) == [], "add these to the README's table"
    assert sorted(table - read) == [], "the README lists variables nothing reads"


def test_the_table_reader_sees_every_kind_of_read():
    reads = _settings_reads()
    # env(...), env.bool(...), env.int(...), env.list(...), env.str(...) all count
    assert {
        "DJANGO_DEBUG",
        "DATABASE_CONN_MAX_AGE",
        "QBO_TOKEN_ENCRYPTION_KEYS",
        "EMAIL_URL",
    } <= reads


def test_tests_cannot_reach_the_network():
    import requests

    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://quickbooks.api.intuit.com/v3/company/1/companyinfo/1", timeout=2)
