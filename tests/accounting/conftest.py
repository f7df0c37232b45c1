import pytest

from accounting.qbo import oauth


@pytest.fixture(autouse=True)
def _fresh_discovery_cache():
    """Each test sees its own emulator: never reuse another test's discovery document."""
    oauth.clear_discovery_cache()
    yield
    oauth.clear_discovery_cache()


CA_REALM = "9130357766900456"
US_REALM = "9130357766900457"
EMULATOR = "http://qbo-emulator.test"


@pytest.fixture
def ready_business(business):
    """A business that meets the prerequisite (one active tax group)."""
    from tests.factories.invoicing import TaxGroupFactory

    TaxGroupFactory(
        business=business, name="TPS + TVQ", components=[("TPS", "5"), ("TVQ", "9.975")]
    )
    return business


def token_calls(emulator) -> int:
    return sum(
        1
        for entry in emulator.requests_log
        if entry["path"].rstrip("/") == "/oauth2/v1/tokens/bearer"
    )


def start_connect(client) -> dict:
    """Click Connect; return the query of the authorize URL we were sent to."""
    from urllib.parse import parse_qs, urlsplit

    response = client.post("/settings/accounting/connect/", {"system": "qbo"})
    assert response.status_code == 302, response
    location = response["Location"]
    assert location.startswith(f"{EMULATOR}/connect/oauth2?")
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def consent(params: dict, *, realm_id: str = CA_REALM, action: str = "next") -> str:
    """Act as the user on Intuit's consent page; return the callback URL it redirects to."""
    import requests

    form = {
        "client_id": params["client_id"],
        "redirect_uri": params["redirect_uri"],
        "scope": params["scope"],
        "state": params["state"],
        "realm_id": realm_id,
        "action": action,
    }
    # PKCE: the consent page carries the challenge in hidden fields.
    form.update({k: params[k] for k in ("code_challenge", "code_challenge_method") if k in params})
    response = requests.post(
        f"{EMULATOR}/connect/oauth2", data=form, allow_redirects=False, timeout=5
    )
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def connect(client, *, realm_id: str = CA_REALM):
    """The whole click path; returns the callback response."""
    return client.get(consent(start_connect(client), realm_id=realm_id))
