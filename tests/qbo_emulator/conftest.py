import pytest
import requests
from intuitlib.client import AuthClient
from quickbooks import QuickBooks

CA_REALM = "9130357766900456"
US_REALM = "9130357766900457"
CLIENT_ID = "plannit-dev-client"
CLIENT_SECRET = "plannit-dev-secret"
REDIRECT_URI = "http://testserver/settings/accounting/callback/"


@pytest.fixture
def base_url(qbo_emulator):
    return qbo_emulator.base_url


@pytest.fixture
def make_auth_client(base_url):
    def make(**kwargs):
        return AuthClient(
            CLIENT_ID,
            CLIENT_SECRET,
            REDIRECT_URI,
            environment=f"{base_url}/.well-known/openid_sandbox_configuration/",
            **kwargs,
        )

    return make


@pytest.fixture
def make_qb(qbo_emulator, base_url, make_auth_client, monkeypatch):
    """An unmodified python-quickbooks client whose only change is its base URL."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")

    def make(realm_id=CA_REALM, tokens=None):
        tokens = tokens or qbo_emulator.issue_tokens(CLIENT_ID, realm_id)
        auth = make_auth_client(
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            realm_id=realm_id,
        )
        client = QuickBooks(
            auth_client=auth,
            refresh_token=tokens["refresh_token"],
            company_id=realm_id,
            minorversion=75,
            use_decimal=True,
        )
        client.api_url_v3 = client.sandbox_api_url_v3 = f"{base_url}/v3"
        return client

    return make


@pytest.fixture
def qb(make_qb):
    return make_qb(CA_REALM)


@pytest.fixture
def qb_us(make_qb):
    return make_qb(US_REALM)


@pytest.fixture
def api(qbo_emulator, base_url):
    """Raw HTTP against the API with a valid token: (method, path, **kwargs) -> Response."""
    tokens = {}

    def call(method, path, realm_id=CA_REALM, **kwargs):
        if realm_id not in tokens:
            tokens[realm_id] = qbo_emulator.issue_tokens(CLIENT_ID, realm_id)["access_token"]
        headers = {
            "Authorization": f"Bearer {tokens[realm_id]}",
            "Accept": "application/json",
            **kwargs.pop("headers", {}),
        }
        return requests.request(
            method, f"{base_url}/v3/company/{realm_id}/{path}", headers=headers, timeout=5, **kwargs
        )

    return call
