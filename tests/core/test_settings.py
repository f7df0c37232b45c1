import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "plannit.settings.production",
    "DJANGO_SECRET_KEY": "a-very-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "plannit.example.com",
    "DATABASE_URL": "postgres://plannit:pw@127.0.0.1:5432/plannit",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "QBO_CLIENT_ID": "client",
    "QBO_CLIENT_SECRET": "secret",
    "QBO_REDIRECT_URI": "https://plannit.example.com/settings/accounting/callback/",
    "QBO_TOKEN_ENCRYPTION_KEYS": "q8Jm3rWl3B3pRSy0wq8Zb1fS5mO9Xc8x3eHqyJ7n0ZA=",
    "QBO_WEBHOOK_VERIFIER_TOKEN": "verifier",
}


def _run(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "QBO_")) and key not in ("DATABASE_URL", "REDIS_URL")
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


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV.keys() - {"DJANGO_SETTINGS_MODULE"}))
def test_production_settings_refuse_to_start_without_each_secret(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _run(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_tests_cannot_reach_the_network():
    import requests

    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://quickbooks.api.intuit.com/v3/company/1/companyinfo/1", timeout=2)
