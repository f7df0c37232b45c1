"""requestid replay, throttling, injected faults and the request log."""

import threading
import time

import pytest
import requests
from quickbooks.exceptions import GeneralException, QuickbooksException, ValidationException
from quickbooks.objects import Customer, Invoice

from .conftest import CA_REALM, CLIENT_ID


def _customer(name):
    customer = Customer()
    customer.DisplayName = name
    return customer


def test_requestid_replay_returns_the_first_response(qb, api):
    first = api("POST", "customer?requestid=req-1", json={"DisplayName": "Idempotent"})
    second = api("POST", "customer?requestid=req-1", json={"DisplayName": "Idempotent"})

    assert second.status_code == 200
    assert second.content == first.content
    assert Customer.count(qb=qb) == 31


def test_requestid_replay_through_python_quickbooks(qb):
    one = _customer("Rejoué").save(qb=qb, request_id="abc-123")
    two = _customer("Rejoué").save(qb=qb, request_id="abc-123")

    assert one.Id == two.Id
    assert Customer.count(qb=qb) == 31


def test_requestid_reject600_mode(qb, qbo_emulator):
    qbo_emulator.set_settings(requestid_mode="reject600")
    _customer("Une fois").save(qb=qb, request_id="r-600")

    with pytest.raises(GeneralException) as error:
        _customer("Une fois").save(qb=qb, request_id="r-600")

    assert error.value.error_code == 600
    assert Customer.count(qb=qb) == 31


def test_requestid_ignore_mode_runs_again(api, qbo_emulator, qb):
    qbo_emulator.set_settings(requestid_mode="ignore")
    body = {
        "CustomerRef": {"value": "1"},
        "Line": [
            {
                "Amount": 5,
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {"ItemRef": {"value": "4"}, "TaxCodeRef": {"value": "2"}},
            }
        ],
    }

    api("POST", "invoice?requestid=dup", json=body)
    api("POST", "invoice?requestid=dup", json=body)

    assert Invoice.count(qb=qb) == 2


def test_429_xml_by_default_over_the_minute_limit(qb, qbo_emulator):
    qbo_emulator.set_settings(requests_per_window=3)
    for _ in range(3):
        Customer.get(1, qb=qb)

    with pytest.raises(QuickbooksException) as error:
        Customer.get(1, qb=qb)

    assert error.value.error_code == 10000
    assert "ThrottleExceeded" in error.value.message
    assert qbo_emulator.requests_log[-1]["status"] == 429
    qbo_emulator.clock.advance(60)
    assert Customer.get(1, qb=qb).Id == "1"


def test_429_json_fault_3001_with_retry_after(api, qbo_emulator):
    qbo_emulator.set_settings(
        requests_per_window=1, throttle_body="json", throttle_retry_after=True
    )
    api("GET", "customer/1")

    response = api("GET", "customer/1")

    assert response.status_code == 429
    assert response.json()["Fault"]["Error"][0]["code"] == "3001"
    assert response.headers["Retry-After"] == "60"


def test_429_under_load_from_twenty_threads(qbo_emulator, base_url):
    qbo_emulator.set_settings(requests_per_window=50, max_in_flight=100)
    token = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)["access_token"]
    statuses = []
    lock = threading.Lock()

    def worker():
        for _ in range(5):
            response = requests.get(
                f"{base_url}/v3/company/{CA_REALM}/customer/1",
                timeout=5,
                headers={"Authorization": f"Bearer {token}"},
            )
            with lock:
                statuses.append(response.status_code)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 50 + [429] * 50


def test_too_many_in_flight(qbo_emulator, base_url):
    qbo_emulator.set_settings(max_in_flight=1, throttle_body="json")
    qbo_emulator.add_fault(action="latency", latency_ms=300, entity="customer", times=1)
    token = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    slow = threading.Thread(
        target=requests.get,
        kwargs={
            "url": f"{base_url}/v3/company/{CA_REALM}/customer/1",
            "headers": headers,
            "timeout": 5,
        },
    )
    slow.start()
    while not any(qbo_emulator.limiter.in_flight.values()):
        time.sleep(0.005)

    response = requests.get(
        f"{base_url}/v3/company/{CA_REALM}/preferences", headers=headers, timeout=5
    )
    slow.join()

    assert response.status_code == 429


def test_batch_calls_have_their_own_limit(api, qbo_emulator):
    qbo_emulator.set_settings(batch_per_window=2)
    body = {"BatchItemRequest": [{"bId": "1", "Query": "select * from Term"}]}

    statuses = [api("POST", "batch", json=body).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert api("GET", "customer/1").status_code == 200


def test_limits_are_settable_over_http(base_url, qbo_emulator):
    response = requests.put(
        f"{base_url}/_emulator/limits",
        json={"requests_per_window": 10, "window_seconds": 1},
        timeout=5,
    )
    bad = requests.put(f"{base_url}/_emulator/limits", json={"requests_per_window": -1}, timeout=5)

    assert response.json()["requests_per_window"] == 10
    assert qbo_emulator.settings.window_seconds == 1.0
    assert bad.status_code == 400
    assert qbo_emulator.settings.requests_per_window == 10


def test_status_fault_every_second_request(qb, base_url):
    requests.post(
        f"{base_url}/_emulator/faults",
        timeout=5,
        json={"action": "status", "status": 503, "entity": "customer", "every": 2},
    )

    outcomes = []
    for _ in range(4):
        try:
            Customer.get(1, qb=qb)
            outcomes.append("ok")
        except QuickbooksException as error:
            outcomes.append(error.error_code)

    assert outcomes == ["ok", 10000, "ok", 10000]
    requests.delete(f"{base_url}/_emulator/faults", timeout=5)
    assert Customer.get(1, qb=qb).Id == "1"


def test_probability_faults_are_deterministic_with_a_seed(qbo_emulator, api):
    def run():
        qbo_emulator.clear_faults()
        qbo_emulator.add_fault(action="status", status=500, probability=0.5, seed=42)
        return [api("GET", "customer/1").status_code for _ in range(12)]

    first, second = run(), run()

    assert first == second
    assert set(first) == {200, 500}


def test_drop_after_commit_then_retry_with_the_same_requestid(qb, qbo_emulator, api):
    qbo_emulator.add_fault(action="drop_after", method="POST", entity="customer", times=1)

    with pytest.raises(requests.exceptions.ConnectionError):
        api("POST", "customer?requestid=create-42", json={"DisplayName": "Perdu en route"})
    assert Customer.count(qb=qb) == 31  # the write happened

    retry = api("POST", "customer?requestid=create-42", json={"DisplayName": "Perdu en route"})

    assert retry.status_code == 200
    assert retry.json()["Customer"]["Id"] == "31"
    assert Customer.count(qb=qb) == 31


def test_drop_before_commit_writes_nothing(qb, qbo_emulator, api):
    qbo_emulator.add_fault(action="drop_before", method="POST", path="/customer$", times=1)

    with pytest.raises(requests.exceptions.ConnectionError):
        api("POST", "customer", json={"DisplayName": "Jamais créé"})

    assert Customer.count(qb=qb) == 30


def test_hang_is_a_client_timeout(qbo_emulator, api, qb):
    qbo_emulator.add_fault(action="hang", entity="invoice")

    with pytest.raises(requests.exceptions.ReadTimeout):
        api("GET", "invoice/1")
    assert Customer.get(1, qb=qb).Id == "1"


def test_bad_fault_specs_are_400(base_url, qbo_emulator):
    for spec in (
        {"action": "explode"},
        {"action": "status", "status": 404},
        {"action": "latency", "latency_ms": -5},
        {"action": "hang", "colour": "red"},
    ):
        assert (
            requests.post(f"{base_url}/_emulator/faults", json=spec, timeout=5).status_code == 400
        )
    assert qbo_emulator.faults.rules == []


def test_request_log(qb, base_url):
    _customer("Journal").save(qb=qb, request_id="log-1")
    try:
        Customer.get(999, qb=qb)
    except QuickbooksException:
        pass

    log = requests.get(
        f"{base_url}/_emulator/requests", params={"realm_id": CA_REALM}, timeout=5
    ).json()["requests"]

    assert [(e["method"], e["path"], e["status"], e["requestid"]) for e in log] == [
        ("POST", f"/v3/company/{CA_REALM}/customer", 200, "log-1"),
        ("GET", f"/v3/company/{CA_REALM}/customer/999", 400, None),
    ]
    assert all(e["duration_ms"] >= 0 and e["intuit_tid"] for e in log)


def test_validation_exception_code_for_json_throttle(qb, qbo_emulator):
    qbo_emulator.set_settings(requests_per_window=0, throttle_body="json")

    with pytest.raises(ValidationException) as error:
        Customer.get(1, qb=qb)

    assert error.value.error_code == 3001


def test_concurrent_invoice_creates_get_unique_ids_and_numbers(qbo_emulator, base_url, qb):
    qbo_emulator.set_settings(max_in_flight=100)
    token = qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)["access_token"]
    body = {
        "CustomerRef": {"value": "1"},
        "Line": [
            {
                "Amount": 10,
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {"ItemRef": {"value": "4"}, "TaxCodeRef": {"value": "2"}},
            }
        ],
    }
    created = []
    lock = threading.Lock()

    def worker():
        for _ in range(5):
            response = requests.post(
                f"{base_url}/v3/company/{CA_REALM}/invoice",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=5,
            )
            with lock:
                created.append(response.json()["Invoice"])

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({i["Id"] for i in created}) == 100
    assert sorted(int(i["DocNumber"]) for i in created) == list(range(1001, 1101))
    assert Customer.get(1, qb=qb).Balance == 1150
