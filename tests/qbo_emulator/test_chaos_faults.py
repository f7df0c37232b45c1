"""The faults a chaos run needs besides the others: an error status after the write is
committed, access tokens that stop working after N requests, and the list of every secret
the emulator handed out."""

from urllib.parse import parse_qs, urlsplit

import requests
from intuitlib.enums import Scopes

from .conftest import CA_REALM, CLIENT_ID, CLIENT_SECRET, US_REALM
from .test_oauth import _consent


def _customers(qbo_emulator, realm=CA_REALM) -> list[str]:
    return [row["DisplayName"] for row in qbo_emulator.company(realm).all("Customer")]


def test_status_after_commits_the_write_then_answers_intuits_500(qbo_emulator, api):
    qbo_emulator.add_fault(action="status_after", status=500, method="POST", times=1)
    before = len(_customers(qbo_emulator))

    response = api("POST", "customer?requestid=after-1", json={"DisplayName": "Écrit quand même"})

    assert response.status_code == 500
    fault = response.json()["Fault"]
    assert fault["type"] == "SystemFault"
    assert fault["Error"][0]["code"] == "10000"
    assert "Customer" not in response.json()
    assert len(_customers(qbo_emulator)) == before + 1
    assert _customers(qbo_emulator).count("Écrit quand même") == 1
    # The same requestid replays the committed answer (replay mode): still one customer.
    retry = api("POST", "customer?requestid=after-1", json={"DisplayName": "Écrit quand même"})
    assert retry.status_code == 200
    assert retry.json()["Customer"]["DisplayName"] == "Écrit quand même"
    assert _customers(qbo_emulator).count("Écrit quand même") == 1


def test_status_after_with_requestid_ignored_a_retry_writes_twice(qbo_emulator, api):
    """What a blind retry does once replay is off: the engine must look the object up."""
    qbo_emulator.set_settings(requestid_mode="ignore")
    qbo_emulator.add_fault(action="status_after", status=500, method="POST", times=1)

    first = api("POST", "customer?requestid=after-2", json={"DisplayName": "Deux fois"})
    second = api("POST", "customer?requestid=after-2", json={"DisplayName": "Deux fois 2"})

    assert (first.status_code, second.status_code) == (500, 200)
    assert {"Deux fois", "Deux fois 2"} <= set(_customers(qbo_emulator))


def test_status_after_gateway_statuses_are_html_and_reads_are_answered_normally_before(
    qbo_emulator, api
):
    qbo_emulator.add_fault(action="status_after", status=503, method="POST", times=1)

    response = api("POST", "customer", json={"DisplayName": "Passerelle"})
    read = api("GET", "customer/1")

    assert response.status_code == 503
    assert response.headers["Content-Type"] == "text/html"
    assert b"503 Service Unavailable" in response.content
    assert "Passerelle" in _customers(qbo_emulator)
    assert read.status_code == 200
    assert [r.fired for r in qbo_emulator.faults.rules] == [1]


def test_status_after_accepts_only_error_statuses(base_url, qbo_emulator):
    bad = requests.post(
        f"{base_url}/_emulator/faults", json={"action": "status_after", "status": 404}, timeout=5
    )
    good = requests.post(
        f"{base_url}/_emulator/faults",
        json={"action": "status_after", "status": 500, "probability": 0.1},
        timeout=5,
    )

    assert bad.status_code == 400
    assert good.status_code == 201
    assert [(r.action, r.status) for r in qbo_emulator.faults.rules] == [("status_after", 500)]


def test_status_after_on_the_token_endpoint_rotates_then_answers_500(qbo_emulator, base_url):
    qbo_emulator.set_settings(refresh_rotation_seconds=0)
    tokens = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)
    qbo_emulator.add_fault(action="status_after", status=500, path="/tokens/bearer", times=1)

    response = requests.post(
        f"{base_url}/oauth2/v1/tokens/bearer",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=5,
    )

    assert response.status_code == 500
    record = qbo_emulator.state.refresh_tokens[tokens["refresh_token"]]
    assert record["superseded_at"] is not None  # the rotation happened


def _preferences(qbo_emulator, access_token: str, realm=CA_REALM):
    return requests.get(
        f"{qbo_emulator.base_url}/v3/company/{realm}/preferences",
        headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        timeout=5,
    )


def test_access_token_stops_after_its_use_limit_as_an_expired_token(qbo_emulator):
    qbo_emulator.set_settings(access_token_max_uses=3)
    first = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)["access_token"]
    other = qbo_emulator.issue_tokens(CLIENT_ID, US_REALM)["access_token"]

    statuses = [_preferences(qbo_emulator, first).status_code for _ in range(5)]
    refused = _preferences(qbo_emulator, first)

    assert statuses == [200, 200, 200, 401, 401]
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="Intuit", error="invalid_token"'
    error = refused.json()["fault"]["error"][0]
    assert error["code"] == "3200"
    assert error["detail"].startswith("Token expired")
    # Each token counts its own requests.
    assert _preferences(qbo_emulator, other, US_REALM).status_code == 200
    fresh = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)["access_token"]
    assert _preferences(qbo_emulator, fresh).status_code == 200


def test_access_token_use_limit_zero_is_no_limit_and_settable_over_http(qbo_emulator, base_url):
    token = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)["access_token"]

    assert all(_preferences(qbo_emulator, token).status_code == 200 for _ in range(30))
    changed = requests.put(
        f"{base_url}/_emulator/settings", json={"access_token_max_uses": 31}, timeout=5
    )
    bad = requests.put(
        f"{base_url}/_emulator/settings", json={"access_token_max_uses": -1}, timeout=5
    )

    assert changed.json()["access_token_max_uses"] == 31
    assert bad.status_code == 400
    assert qbo_emulator.settings.access_token_max_uses == 31
    assert [_preferences(qbo_emulator, token).status_code for _ in range(2)] == [200, 401]


def test_secrets_lists_every_code_and_token_issued_and_the_client_secrets(
    qbo_emulator, base_url, make_auth_client
):
    auth = make_auth_client()
    redirect = _consent(base_url, auth.get_authorization_url([Scopes.ACCOUNTING], "s"))
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]
    auth.get_bearer_token(code, realm_id=CA_REALM)
    qbo_emulator.set_settings(refresh_rotation_seconds=0)
    first_refresh = auth.refresh_token
    auth.refresh()
    direct = qbo_emulator.issue_tokens(CLIENT_ID, US_REALM)

    issued = requests.get(f"{base_url}/_emulator/secrets", timeout=5).json()

    assert issued["codes"] == [code]
    assert issued["access_tokens"] == [
        issued["access_tokens"][0],
        auth.access_token,
        direct["access_token"],
    ]
    assert issued["refresh_tokens"] == [first_refresh, auth.refresh_token, direct["refresh_token"]]
    assert first_refresh != auth.refresh_token
    assert issued["client_secrets"] == [CLIENT_SECRET]
    assert len(set(issued["access_tokens"])) == 3
    qbo_emulator.reset()
    assert requests.get(f"{base_url}/_emulator/secrets", timeout=5).json() == {
        "access_tokens": [],
        "refresh_tokens": [],
        "codes": [],
        "client_secrets": [CLIENT_SECRET],
    }
