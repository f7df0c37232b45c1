"""Intuit's 2025-2026 platform (reference §15): metered reads and the monthly cap, CloudEvents
or legacy webhooks chosen per app, batch calls limited per company across apps, sandbox
requests per second."""

import datetime as dt
import json

import pytest
import requests
from quickbooks.batch import batch_create
from quickbooks.cdc import change_data_capture
from quickbooks.objects import Customer, Term

from qbo_emulator.webhooks import sign

from .conftest import CA_REALM, CLIENT_ID, US_REALM

OTHER_APP = "autre-app"


def _month(qbo_emulator, shift_days=0):
    ts = qbo_emulator.clock.now() + shift_days * 86_400
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m")


def _customer(name):
    customer = Customer()
    customer.DisplayName = name
    return customer


@pytest.fixture
def other_app(qbo_emulator):
    qbo_emulator.add_app(
        client_id=OTHER_APP,
        client_secret="autre-secret",
        redirect_uris=["http://autre.example/callback"],
        webhook_url="http://autre.example/webhooks",
        verifier_token="autre-verifier",
        webhook_format="legacy",
    )
    return OTHER_APP


@pytest.fixture
def call(qbo_emulator, base_url):
    """Raw HTTP as a given app and company: (method, path, client_id, realm_id, **kw)."""
    tokens = {}

    def run(method, path, client_id=CLIENT_ID, realm_id=CA_REALM, **kwargs):
        key = (client_id, realm_id)
        if key not in tokens:
            tokens[key] = qbo_emulator.issue_tokens(client_id, realm_id)["access_token"]
        headers = {"Authorization": f"Bearer {tokens[key]}", "Accept": "application/json"}
        return requests.request(
            method,
            f"{base_url}/v3/company/{realm_id}/{path}",
            headers=headers,
            timeout=5,
            **kwargs,
        )

    run.tokens = tokens
    return run


def test_the_request_log_marks_reads_and_queries_as_metered(qb, qbo_emulator):
    Customer.get(1, qb=qb)
    Customer.filter(DisplayName="Marie Tremblay", qb=qb)
    _customer("Compteur").save(qb=qb)
    batch_create([_customer("Compteur lot")], qb=qb)
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    change_data_capture([Customer], since.isoformat(), qb=qb)

    log = [e for e in qbo_emulator.requests_log if e["path"].startswith("/v3/")]

    assert [(e["method"], e["path"].rsplit("/", 1)[-1], e["metered"]) for e in log] == [
        ("GET", "1", True),
        ("POST", "query", True),
        ("POST", "customer", False),
        ("POST", "batch", False),
        ("GET", "cdc", True),
    ]


def test_counts_per_app_company_and_month_through_the_control_api(
    call, other_app, qbo_emulator, base_url
):
    call("GET", "customer/1")
    call("GET", "query", params={"query": "select * from Term"})
    call("POST", "customer", json={"DisplayName": "Métré"})
    call("GET", "customer/1", realm_id=US_REALM)
    call("GET", "customer/1", client_id=other_app)
    month = _month(qbo_emulator)

    everything = requests.get(f"{base_url}/_emulator/metering", timeout=5).json()
    one_company = requests.get(
        f"{base_url}/_emulator/metering", params={"realm_id": US_REALM}, timeout=5
    ).json()

    assert everything["usage"] == [
        {
            "client_id": other_app,
            "realm_id": CA_REALM,
            "month": month,
            "metered": 1,
            "not_metered": 0,
        },
        {
            "client_id": CLIENT_ID,
            "realm_id": CA_REALM,
            "month": month,
            "metered": 2,
            "not_metered": 1,
        },
        {
            "client_id": CLIENT_ID,
            "realm_id": US_REALM,
            "month": month,
            "metered": 1,
            "not_metered": 0,
        },
    ]
    assert everything["apps"] == [
        {"client_id": other_app, "month": month, "metered": 1, "cap": 0, "cap_reached": False},
        {"client_id": CLIENT_ID, "month": month, "metered": 3, "cap": 0, "cap_reached": False},
    ]
    assert [(r["client_id"], r["metered"]) for r in one_company["usage"]] == [(CLIENT_ID, 1)]


def test_a_new_month_starts_a_new_count(call, qbo_emulator):
    call("GET", "customer/1")
    qbo_emulator.clock.advance(32 * 86_400)
    call.tokens.clear()  # the month's tokens have expired
    call("GET", "customer/2")

    rows = qbo_emulator.metering(client_id=CLIENT_ID)["usage"]

    assert [(r["month"], r["metered"]) for r in rows] == [
        (_month(qbo_emulator, -32), 1),
        (_month(qbo_emulator), 1),
    ]


def test_the_monthly_cap_blocks_reads_not_writes_until_the_month_ends(
    call, other_app, qbo_emulator
):
    qbo_emulator.set_settings(metered_monthly_cap=3)
    reads = [call("GET", "customer/1").status_code for _ in range(2)]
    reads.append(call("GET", "customer/1", realm_id=US_REALM).status_code)

    blocked = call("GET", "customer/1")
    blocked_query = call("POST", "query", data="select * from Term")
    write = call("POST", "customer", json={"DisplayName": "Toujours permis"})
    other = call("GET", "customer/1", client_id=other_app)

    assert reads == [200, 200, 200]
    assert (blocked.status_code, blocked_query.status_code) == (429, 429)
    assert "ThrottleExceeded" in blocked.text
    assert "Retry-After" not in blocked.headers
    assert write.status_code == 200
    assert other.status_code == 200
    apps = {a["client_id"]: a for a in qbo_emulator.metering()["apps"]}
    assert (apps[CLIENT_ID]["metered"], apps[CLIENT_ID]["cap_reached"]) == (3, True)
    assert apps[other_app]["cap_reached"] is False
    assert qbo_emulator.company(CA_REALM).find("Customer", DisplayName="Toujours permis") != []

    qbo_emulator.clock.advance(32 * 86_400)
    call.tokens.clear()

    assert call("GET", "customer/1").status_code == 200


def test_the_cap_is_a_setting_over_http(base_url, qbo_emulator):
    response = requests.put(
        f"{base_url}/_emulator/limits", json={"metered_monthly_cap": 500_000}, timeout=5
    )

    assert response.json()["metered_monthly_cap"] == 500_000
    assert qbo_emulator.settings.metered_monthly_cap == 500_000


class Receiver:
    def __init__(self):
        self.calls = []

    def __call__(self, url, body, headers):
        self.calls.append((url, body, headers))
        return 200


def test_webhook_format_is_chosen_per_app(qb, other_app, qbo_emulator):
    qbo_emulator.issue_tokens(other_app, CA_REALM)  # connects the second app to the company
    created = _customer("Deux formats").save(qb=qb)
    receiver = Receiver()

    qbo_emulator.deliver_webhooks(receiver)

    by_url = {url: (json.loads(body), headers) for url, body, headers in receiver.calls}
    cloud, cloud_headers = by_url["http://127.0.0.1:8000/webhooks/quickbooks/"]
    legacy, legacy_headers = by_url["http://autre.example/webhooks"]
    assert [(e["type"], e["intuitentityid"]) for e in cloud] == [
        ("qbo.customer.created.v1", created.Id)
    ]
    assert legacy["eventNotifications"][0]["dataChangeEvent"]["entities"][0]["id"] == created.Id
    bodies = {url: body for url, body, _ in receiver.calls}
    assert legacy_headers["intuit-signature"] == sign(
        bodies["http://autre.example/webhooks"], "autre-verifier"
    )
    assert cloud_headers["intuit-signature"] == sign(
        bodies["http://127.0.0.1:8000/webhooks/quickbooks/"], "plannit-dev-verifier"
    )


def test_an_app_switches_format_over_http_and_one_delivery_mixes_companies(
    qb, qb_us, base_url, qbo_emulator
):
    switched = requests.patch(
        f"{base_url}/_emulator/apps/{CLIENT_ID}", json={"webhook_format": "legacy"}, timeout=5
    )
    back = requests.patch(
        f"{base_url}/_emulator/apps/{CLIENT_ID}",
        json={"webhook_format": "cloudevents"},
        timeout=5,
    )
    bad = requests.patch(
        f"{base_url}/_emulator/apps/{CLIENT_ID}", json={"webhook_format": "xml"}, timeout=5
    )
    secret = requests.patch(
        f"{base_url}/_emulator/apps/{CLIENT_ID}", json={"client_secret": "x"}, timeout=5
    )
    _customer("Client canadien").save(qb=qb)
    _customer("US customer").save(qb=qb_us)
    receiver = Receiver()

    qbo_emulator.deliver_webhooks(receiver)

    assert switched.json()["webhook_format"] == "legacy"
    assert back.json()["webhook_format"] == "cloudevents"
    assert "client_secret" not in back.json()
    assert (bad.status_code, secret.status_code) == (400, 400)
    assert qbo_emulator.state.apps[CLIENT_ID]["client_secret"] == "plannit-dev-secret"
    assert len(receiver.calls) == 1
    events = json.loads(receiver.calls[0][1])
    assert sorted(e["intuitaccountid"] for e in events) == [CA_REALM, US_REALM]


def test_batch_calls_are_limited_per_company_across_apps(call, other_app, qbo_emulator):
    qbo_emulator.set_settings(batch_per_window_per_company=3)
    body = {"BatchItemRequest": [{"bId": "1", "Query": "select * from Term"}]}

    statuses = [
        call("POST", "batch", json=body).status_code,
        call("POST", "batch", client_id=other_app, json=body).status_code,
        call("POST", "batch", json=body).status_code,
        call("POST", "batch", client_id=other_app, json=body).status_code,
    ]
    elsewhere = call("POST", "batch", realm_id=US_REALM, json=body).status_code
    plain = call("GET", "customer/1", client_id=other_app).status_code

    assert statuses == [200, 200, 200, 429]
    assert (elsewhere, plain) == (200, 200)
    qbo_emulator.clock.advance(61)
    assert call("POST", "batch", client_id=other_app, json=body).status_code == 200


def test_the_per_company_batch_default_is_intuits(qbo_emulator):
    assert qbo_emulator.settings.batch_per_window_per_company == 120
    assert qbo_emulator.settings.batch_per_window == 40
    assert qbo_emulator.settings.sandbox_requests_per_second == 10
    assert qbo_emulator.settings.sandbox is False


def test_sandbox_mode_allows_ten_requests_per_second_per_company(
    call, other_app, qbo_emulator, monkeypatch, qb
):
    qbo_emulator.set_settings(sandbox=True)
    for client in (CLIENT_ID, other_app):
        call("GET", "companyinfo/" + CA_REALM, client_id=client)  # tokens first
    call("GET", "companyinfo/" + US_REALM, realm_id=US_REALM)
    frozen = qbo_emulator.clock.now() + 5
    monkeypatch.setattr(qbo_emulator.clock, "now", lambda: frozen)

    statuses = [
        call("GET", "customer/1", client_id=CLIENT_ID if n % 2 else other_app).status_code
        for n in range(11)
    ]
    elsewhere = call("GET", "customer/1", realm_id=US_REALM).status_code
    monkeypatch.setattr(qbo_emulator.clock, "now", lambda: frozen + 1.01)
    after_a_second = call("GET", "customer/1").status_code

    assert statuses == [200] * 10 + [429]
    assert (elsewhere, after_a_second) == (200, 200)
    assert Term.count(qb=qb) == 4


@pytest.mark.parametrize(
    ("instant", "month"),
    [
        ("2026-12-31T23:59:59+00:00", "2026-12"),
        ("2027-01-01T00:00:00+00:00", "2027-01"),
        ("2026-12-31T20:00:00-05:00", "2027-01"),  # midnight UTC already passed
        ("2028-02-29T12:00:00+00:00", "2028-02"),
        ("2026-12-01T00:00:00+00:00", "2026-12"),
    ],
)
def test_months_are_calendar_months_in_utc(instant, month):
    from qbo_emulator.metering import month_of

    assert month_of(dt.datetime.fromisoformat(instant).timestamp()) == month
