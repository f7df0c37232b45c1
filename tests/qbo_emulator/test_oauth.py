"""The OAuth 2.0 server, driven through the unmodified intuitlib client."""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError

from .conftest import CA_REALM, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, US_REALM

SIX_KEYS = {
    "authorization_endpoint",
    "token_endpoint",
    "revocation_endpoint",
    "issuer",
    "jwks_uri",
    "userinfo_endpoint",
}


def _consent(base_url, auth_url, action="next", realm_id=CA_REALM):
    """Load the consent page like a browser, then post its form."""
    page = requests.get(auth_url, timeout=5)
    assert page.status_code == 200
    assert 'name="realm_id"' in page.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(auth_url).query).items()}
    form = {k: query[k] for k in ("client_id", "redirect_uri", "scope", "state")}
    form.update(action=action, realm_id=realm_id)
    return requests.post(f"{base_url}/connect/oauth2", data=form, allow_redirects=False, timeout=5)


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/openid_configuration/",
        "/.well-known/openid_sandbox_configuration/",
        "/.well-known/openid_configuration",
    ],
)
def test_discovery_points_at_the_emulator(base_url, path):
    doc = requests.get(base_url + path, timeout=5).json()

    assert SIX_KEYS <= set(doc)
    assert doc["token_endpoint"] == f"{base_url}/oauth2/v1/tokens/bearer"
    assert doc["authorization_endpoint"] == f"{base_url}/connect/oauth2"
    assert doc["revocation_endpoint"] == f"{base_url}/v2/oauth2/tokens/revoke"
    assert doc["userinfo_endpoint"] == f"{base_url}/v1/openid_connect/userinfo"
    assert doc["jwks_uri"] == f"{base_url}/op/v1/jwks"


def test_intuit_host_names_are_served_too(qbo_emulator):
    doc = requests.get(
        "https://developer.intuit.com/.well-known/openid_sandbox_configuration/", timeout=5
    ).json()

    assert doc["token_endpoint"] == "https://developer.intuit.com/oauth2/v1/tokens/bearer"


def test_every_response_carries_an_intuit_tid(base_url):
    response = requests.get(f"{base_url}/.well-known/openid_configuration/", timeout=5)

    assert response.headers["intuit_tid"].startswith("1-")


def test_full_authorization_code_flow(qbo_emulator, base_url, make_auth_client):
    auth = make_auth_client()
    url = auth.get_authorization_url([Scopes.ACCOUNTING], state_token="csrf-123")

    redirect = _consent(base_url, url)

    assert redirect.status_code == 302
    location = urlsplit(redirect.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["state"] == "csrf-123"
    assert params["realmId"] == CA_REALM
    auth.get_bearer_token(params["code"], realm_id=params["realmId"])
    assert auth.access_token and auth.refresh_token.startswith("AB11")
    assert auth.expires_in == 3600
    assert auth.x_refresh_token_expires_in == 8_726_400
    # the code is single use
    with pytest.raises(AuthClientError) as error:
        auth.get_bearer_token(params["code"], realm_id=params["realmId"])
    assert error.value.status_code == 400
    assert error.value.response.json()["error"] == "invalid_grant"


def test_token_response_has_only_token_keys(qbo_emulator, base_url):
    url = (
        f"{base_url}/connect/oauth2?client_id={CLIENT_ID}&response_type=code"
        f"&scope=com.intuit.quickbooks.accounting&redirect_uri={REDIRECT_URI}&state=s1"
    )
    code = parse_qs(urlsplit(_consent(base_url, url).headers["Location"]).query)["code"][0]
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()

    response = requests.post(
        f"{base_url}/oauth2/v1/tokens/bearer",
        timeout=5,
        headers={"Authorization": f"Basic {basic}"},
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
    )

    assert response.status_code == 200
    assert set(response.json()) == {
        "token_type",
        "access_token",
        "refresh_token",
        "expires_in",
        "x_refresh_token_expires_in",
    }
    assert response.json()["token_type"] == "bearer"


def test_cancel_redirects_with_access_denied(qbo_emulator, base_url, make_auth_client):
    url = make_auth_client().get_authorization_url([Scopes.ACCOUNTING], state_token="st")

    redirect = _consent(base_url, url, action="cancel")

    assert redirect.status_code == 302
    params = parse_qs(urlsplit(redirect.headers["Location"]).query)
    assert params == {"error": ["access_denied"], "state": ["st"]}
    assert qbo_emulator.state.codes == {}


@pytest.mark.parametrize(
    "query",
    [
        "client_id=nobody&redirect_uri=http://testserver/settings/accounting/callback/",
        f"client_id={CLIENT_ID}&redirect_uri=http://testserver/settings/accounting/callback",
        f"client_id={CLIENT_ID}&redirect_uri=http://evil.example/cb",
    ],
)
def test_unknown_client_or_redirect_is_refused_on_the_page(base_url, query):
    response = requests.get(
        f"{base_url}/connect/oauth2?{query}&response_type=code&scope=x&state=s",
        allow_redirects=False,
        timeout=5,
    )

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Something went wrong" in response.text


def test_expired_authorization_code_is_invalid_grant(qbo_emulator, base_url, make_auth_client):
    auth = make_auth_client()
    redirect = _consent(base_url, auth.get_authorization_url([Scopes.ACCOUNTING]))
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]
    qbo_emulator.clock.advance(601)

    with pytest.raises(AuthClientError) as error:
        auth.get_bearer_token(code, realm_id=CA_REALM)

    assert error.value.status_code == 400
    assert auth.access_token is None


def test_wrong_secret_is_invalid_client(qbo_emulator, base_url):
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)
    from intuitlib.client import AuthClient

    auth = AuthClient(
        CLIENT_ID,
        "wrong",
        REDIRECT_URI,
        environment=f"{base_url}/.well-known/openid_configuration/",
    )
    with pytest.raises(AuthClientError) as error:
        auth.refresh(refresh_token=tokens["refresh_token"])

    assert error.value.status_code == 401
    assert error.value.response.json() == {"error": "invalid_client"}


def test_refresh_keeps_the_value_until_it_is_a_day_old(qbo_emulator, make_auth_client):
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)
    auth = make_auth_client()

    auth.refresh(refresh_token=tokens["refresh_token"])
    assert auth.refresh_token == tokens["refresh_token"]
    assert auth.access_token != tokens["access_token"]

    qbo_emulator.clock.advance(86_400)
    auth.refresh(refresh_token=tokens["refresh_token"])
    rotated = auth.refresh_token
    assert rotated != tokens["refresh_token"]
    # within the grace period the superseded value still works and answers the newest one
    auth.refresh(refresh_token=tokens["refresh_token"])
    assert auth.refresh_token == rotated


def test_strict_rotation_rejects_the_superseded_value(qbo_emulator, make_auth_client):
    qbo_emulator.set_settings(refresh_rotation_seconds=0, refresh_grace_seconds=0)
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)
    auth = make_auth_client()
    auth.refresh(refresh_token=tokens["refresh_token"])
    new_value = auth.refresh_token
    assert new_value != tokens["refresh_token"]
    qbo_emulator.clock.advance(1)

    with pytest.raises(AuthClientError) as error:
        auth.refresh(refresh_token=tokens["refresh_token"])

    assert error.value.status_code == 400
    assert auth.refresh_token == new_value


def test_refresh_token_expires_after_its_lifetime_without_use(qbo_emulator, make_auth_client):
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)
    qbo_emulator.clock.advance(8_726_401)

    with pytest.raises(AuthClientError) as error:
        make_auth_client().refresh(refresh_token=tokens["refresh_token"])

    assert error.value.response.json()["error"] == "invalid_grant"


def test_x_refresh_token_expires_in_counts_down(qbo_emulator, make_auth_client):
    qbo_emulator.set_settings(refresh_rotation_seconds=10**9)
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)
    qbo_emulator.clock.advance(1000)
    auth = make_auth_client()

    auth.refresh(refresh_token=tokens["refresh_token"])

    assert auth.x_refresh_token_expires_in == 8_726_400


def test_revoke_disconnects_both_tokens(qbo_emulator, make_auth_client, api):
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)
    auth = make_auth_client(
        access_token=tokens["access_token"], refresh_token=tokens["refresh_token"]
    )

    assert auth.revoke() is True

    with pytest.raises(AuthClientError):
        auth.refresh()
    response = requests.get(
        f"{qbo_emulator.base_url}/v3/company/{CA_REALM}/companyinfo/{CA_REALM}",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )
    assert response.status_code == 401


def test_revoke_accepts_a_form_body(qbo_emulator, base_url):
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, US_REALM)

    response = requests.post(
        f"{base_url}/v2/oauth2/tokens/revoke",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"token": tokens["refresh_token"]},
        timeout=5,
    )

    assert response.status_code == 200
    assert response.content == b""
    assert all(g["revoked"] for g in qbo_emulator.state.grants.values())


def test_userinfo(qbo_emulator, make_auth_client):
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM, scope="openid email")
    auth = make_auth_client(access_token=tokens["access_token"])

    response = auth.get_user_info()

    assert response.status_code == 200
    assert auth.email == "owner@example.com"


def test_expired_access_token_gives_401_code_3200(qbo_emulator, api):
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)
    qbo_emulator.clock.advance(3600)

    response = requests.get(
        f"{qbo_emulator.base_url}/v3/company/{CA_REALM}/preferences",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )

    assert response.status_code == 401
    assert response.json()["fault"]["error"][0]["code"] == "3200"
    assert response.json()["fault"]["error"][0]["detail"].startswith("Token expired")


def test_control_expire_and_revoke(qbo_emulator, base_url):
    tokens = requests.post(
        f"{base_url}/_emulator/tokens",
        timeout=5,
        json={"client_id": CLIENT_ID, "realm_id": CA_REALM},
    ).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    url = f"{base_url}/v3/company/{CA_REALM}/preferences"
    assert requests.get(url, headers=headers, timeout=5).status_code == 200

    expired = requests.post(
        f"{base_url}/_emulator/tokens/expire", json={"realm_id": CA_REALM}, timeout=5
    )
    assert expired.json() == {"expired": 1}
    assert requests.get(url, headers=headers, timeout=5).status_code == 401

    revoked = requests.post(
        f"{base_url}/_emulator/tokens/revoke", json={"realm_id": CA_REALM}, timeout=5
    )
    assert revoked.json() == {"revoked": 1}
    basic = (CLIENT_ID, CLIENT_SECRET)
    refresh = requests.post(
        f"{base_url}/oauth2/v1/tokens/bearer",
        auth=basic,
        timeout=5,
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert refresh.status_code == 400
    assert refresh.json()["error"] == "invalid_grant"


def test_a_token_for_one_company_cannot_read_another(qbo_emulator, base_url):
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)

    response = requests.get(
        f"{base_url}/v3/company/{US_REALM}/preferences",
        timeout=5,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )

    assert response.status_code == 403
    assert response.json()["Fault"]["Error"][0]["code"] == "3100"


def test_registered_app_via_control_api(qbo_emulator, base_url):
    created = requests.post(
        f"{base_url}/_emulator/apps",
        timeout=5,
        json={
            "client_id": "other-app",
            "client_secret": "s3cret",
            "redirect_uris": ["http://x.test/cb"],
            "webhook_url": "http://x.test/hook",
            "verifier_token": "vt",
        },
    )
    assert created.status_code == 201
    assert "client_secret" not in created.json()

    page = requests.get(
        f"{base_url}/connect/oauth2?client_id=other-app&response_type=code"
        "&scope=com.intuit.quickbooks.accounting&redirect_uri=http://x.test/cb"
        "&state=z",
        timeout=5,
    )

    assert page.status_code == 200
    assert "Compagnie ABC" in page.text and "Sandbox Company US" in page.text
