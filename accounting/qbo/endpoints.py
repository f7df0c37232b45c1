"""The one place that turns QBO_ENVIRONMENT into URLs. Switching between the local emulator,
Intuit's sandbox and production is a change of environment variables, never of code."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# qbo-api-reference §0 / §2.1.
INTUIT_DISCOVERY_URLS = {
    "sandbox": "https://developer.intuit.com/.well-known/openid_sandbox_configuration/",
    "production": "https://developer.intuit.com/.well-known/openid_configuration/",
}
INTUIT_API_BASES = {
    "sandbox": "https://sandbox-quickbooks.api.intuit.com/v3",
    "production": "https://quickbooks.api.intuit.com/v3",
}
ENVIRONMENTS = ("emulator", "sandbox", "production")


def environment() -> str:
    value = (settings.QBO_ENVIRONMENT or "").strip().lower()
    if value not in ENVIRONMENTS:
        raise ImproperlyConfigured(
            f"QBO_ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}; got {value!r}."
        )
    return value


def discovery_url() -> str:
    env = environment()
    if env == "emulator":
        # Trailing slash included: Intuit's own URLs end with one and the emulator mirrors them.
        return f"{settings.QBO_EMULATOR_URL.rstrip('/')}/.well-known/openid_configuration/"
    return INTUIT_DISCOVERY_URLS[env]


def api_base_url() -> str:
    """Base of the Accounting API, ending in /v3 (python-quickbooks' convention)."""
    env = environment()
    if env == "emulator":
        return f"{settings.QBO_EMULATOR_URL.rstrip('/')}/v3"
    return INTUIT_API_BASES[env]
