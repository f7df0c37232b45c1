"""The control API under /_emulator/."""

import requests

from .conftest import CA_REALM, CLIENT_ID


def test_generate_a_company_with_data(base_url, qbo_emulator):
    response = requests.post(
        f"{base_url}/_emulator/companies",
        timeout=5,
        json={
            "name": "Entretien Nord",
            "country": "US",
            "currency": "USD",
            "customers": 12,
            "items": 4,
        },
    )

    realm = response.json()["realm_id"]
    counts = requests.get(f"{base_url}/_emulator/companies/{realm}/counts", timeout=5).json()
    assert response.status_code == 201
    assert realm == "9130357766900458"
    assert counts["counts"]["Customer"] == 12
    assert counts["counts"]["Item"] == 6 + 4
    tokens = requests.post(
        f"{base_url}/_emulator/tokens", timeout=5, json={"client_id": CLIENT_ID, "realm_id": realm}
    ).json()
    info = requests.get(
        f"{base_url}/v3/company/{realm}/companyinfo/{realm}",
        timeout=5,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    ).json()
    assert info["CompanyInfo"]["CompanyName"] == "Entretien Nord"


def test_bad_company_requests_are_400(base_url, qbo_emulator):
    bodies = [
        {},
        {"name": "x", "country": "FR"},
        {"name": "x", "customers": -1},
        {"name": "x", "customers": "many"},
        {"name": "x", "currency": 5},
    ]

    statuses = [
        requests.post(f"{base_url}/_emulator/companies", json=b, timeout=5).status_code
        for b in bodies
    ]
    garbage = requests.post(f"{base_url}/_emulator/companies", data=b"{", timeout=5)

    assert statuses == [400] * 5
    assert garbage.status_code == 400
    assert len(qbo_emulator.realm_ids) == 2


def test_reset_returns_to_the_seeded_state(base_url, qbo_emulator, api):
    api("POST", "customer", json={"DisplayName": "Temporaire"})
    requests.post(f"{base_url}/_emulator/companies", json={"name": "Extra"}, timeout=5)
    qbo_emulator.add_fault(action="hang")

    response = requests.post(f"{base_url}/_emulator/reset", timeout=5)

    assert response.json()["realm_ids"] == [CA_REALM, "9130357766900457"]
    assert qbo_emulator.company(CA_REALM).counts()["Customer"] == 30
    assert qbo_emulator.faults.rules == []
    assert qbo_emulator.requests_log == []
    assert qbo_emulator.state.grants == {}


def test_settings_endpoint(base_url, qbo_emulator):
    changed = requests.put(
        f"{base_url}/_emulator/settings",
        timeout=5,
        json={"access_token_ttl": 60, "requestid_mode": "reject600"},
    )
    bad = requests.put(
        f"{base_url}/_emulator/settings", json={"requestid_mode": "maybe"}, timeout=5
    )
    unknown = requests.put(f"{base_url}/_emulator/settings", json={"colour": 1}, timeout=5)

    assert changed.json()["access_token_ttl"] == 60
    assert qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)["expires_in"] == 60
    assert (bad.status_code, unknown.status_code) == (400, 400)
    assert qbo_emulator.settings.requestid_mode == "reject600"


def test_request_log_size_can_be_changed_and_keeps_the_newest_entries(base_url, qbo_emulator):
    token = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)["access_token"]

    def read(path: str) -> None:
        requests.get(
            f"{base_url}/v3/company/{CA_REALM}/{path}",
            timeout=5,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    for customer_id in ("1", "2", "3"):
        read(f"customer/{customer_id}")
    shrunk = requests.put(f"{base_url}/_emulator/settings", json={"request_log_size": 2}, timeout=5)
    kept = [entry["path"] for entry in qbo_emulator.requests_log]
    read("customer/4")
    after_shrink = [entry["path"] for entry in qbo_emulator.requests_log]
    requests.put(f"{base_url}/_emulator/settings", json={"request_log_size": 50}, timeout=5)
    read("customer/5")
    after_growth = [entry["path"] for entry in qbo_emulator.requests_log]

    prefix = f"/v3/company/{CA_REALM}/customer/"
    assert shrunk.json()["request_log_size"] == 2
    assert kept == [f"{prefix}2", f"{prefix}3"]
    assert after_shrink == [f"{prefix}3", f"{prefix}4"]
    assert after_growth == [f"{prefix}3", f"{prefix}4", f"{prefix}5"]


def test_entities_endpoint_reads_and_changes_as_a_quickbooks_user(base_url, qbo_emulator):
    url = f"{base_url}/_emulator/companies/{CA_REALM}/entities/Customer"

    created = requests.post(url, json={"DisplayName": "Saisi dans QuickBooks"}, timeout=5)
    duplicate = requests.post(url, json={"DisplayName": "Saisi dans QuickBooks"}, timeout=5)
    one = requests.get(f"{url}/{created.json()['Customer']['Id']}", timeout=5)

    assert created.status_code == 200
    assert duplicate.json()["Fault"]["Error"][0]["code"] == "6240"
    assert one.json()["Customer"]["DisplayName"] == "Saisi dans QuickBooks"
    assert len(requests.get(url, timeout=5).json()["Customer"]) == 31


def test_webhook_endpoints(base_url, qbo_emulator, api):
    api("POST", "customer", json={"DisplayName": "Pour le webhook"})

    pending = requests.get(f"{base_url}/_emulator/webhooks", timeout=5).json()["pending"]

    assert [(p["entity"], p["operation"], p["client_id"]) for p in pending] == [
        ("Customer", "Create", CLIENT_ID)
    ]


def test_unknown_control_path_is_404(base_url):
    assert requests.get(f"{base_url}/_emulator/nothing", timeout=5).status_code == 404
    assert (
        requests.post(f"{base_url}/_emulator/tokens", json={"realm_id": "1"}, timeout=5).status_code
        == 404
    )
