"""Signed webhooks: CloudEvents and legacy payloads, aggregation, retries."""

import base64
import hashlib
import hmac
import json

from quickbooks import QuickBooks
from quickbooks.objects import Customer

from qbo_emulator.webhooks import sign

from .conftest import CA_REALM, CLIENT_ID, US_REALM

VERIFIER = "plannit-dev-verifier"


def _independent_signature(body: bytes, key: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


class Receiver:
    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.calls = []

    def __call__(self, url, body, headers):
        self.calls.append((url, body, headers))
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if isinstance(status, Exception):
            raise status
        return status


def _new_customer(qb, name="Abonné webhook"):
    customer = Customer()
    customer.DisplayName = name
    return customer.save(qb=qb)


def test_signature_matches_intuits_test_vector():
    body = (
        b'{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name'
        b'":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}'
        b"]}}]}"
    )

    assert sign(body, "b5771f19b12ddb4bcdb9f08bdc50bc63878a") == (
        "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q="
    )


def test_cloudevents_delivery_is_signed(qb, qbo_emulator):
    created = _new_customer(qb)
    receiver = Receiver()

    results = qbo_emulator.deliver_webhooks(receiver)

    assert [r["delivered"] for r in results] == [True]
    url, body, headers = receiver.calls[0]
    assert url == "http://127.0.0.1:8000/webhooks/quickbooks/"
    assert hmac.compare_digest(headers["intuit-signature"], _independent_signature(body, VERIFIER))
    assert QuickBooks().validate_webhook_signature(
        body.decode(), headers["intuit-signature"], VERIFIER
    )
    events = json.loads(body)
    assert [
        (e["type"], e["intuitentityid"], e["intuitaccountid"], e["specversion"]) for e in events
    ] == [("qbo.customer.created.v1", created.Id, CA_REALM, "1.0")]
    assert qbo_emulator.webhooks.pending_events() == []


def test_legacy_format_behind_a_switch(qb, qbo_emulator):
    qbo_emulator.set_settings(webhook_format="legacy")
    created = _new_customer(qb)
    created.Notes = "maj"
    created.save(qb=qb)
    receiver = Receiver()

    qbo_emulator.deliver_webhooks(receiver)

    payload = json.loads(receiver.calls[0][1])
    notification = payload["eventNotifications"][0]
    assert notification["realmId"] == CA_REALM
    assert [
        (e["name"], e["id"], e["operation"]) for e in notification["dataChangeEvent"]["entities"]
    ] == [("Customer", created.Id, "Create"), ("Customer", created.Id, "Update")]


def test_invoice_payment_void_and_delete_events(api, qbo_emulator):
    invoice = api(
        "POST",
        "invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "4"},
                        "TaxCodeRef": {"value": "2"},
                    },
                }
            ],
        },
    ).json()["Invoice"]
    payment = api(
        "POST",
        "payment",
        json={
            "CustomerRef": {"value": "1"},
            "TotalAmt": 5,
            "Line": [{"Amount": 5, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}],
        },
    ).json()["Payment"]
    api(
        "POST",
        "payment?operation=update&include=void",
        json={"Id": payment["Id"], "SyncToken": "0", "sparse": True},
    )
    api("POST", "invoice?operation=delete", json={"Id": invoice["Id"], "SyncToken": "2"})
    receiver = Receiver()

    qbo_emulator.deliver_webhooks(receiver)

    types = [e["type"] for e in json.loads(receiver.calls[0][1])]
    assert types == [
        "qbo.invoice.created.v1",
        "qbo.payment.created.v1",
        "qbo.invoice.updated.v1",
        "qbo.payment.voided.v1",
        "qbo.invoice.deleted.v1",
    ]


def test_aggregation_delay_and_retries(qb, qbo_emulator):
    qbo_emulator.set_settings(webhook_delay_seconds=30)
    _new_customer(qb)
    failing = Receiver(statuses=[500, TimeoutError("read timed out"), 200])

    assert qbo_emulator.deliver_webhooks(failing, force=False) == []  # still aggregating
    qbo_emulator.clock.advance(30)
    first = qbo_emulator.deliver_webhooks(failing, force=False)
    qbo_emulator.clock.advance(5)
    assert qbo_emulator.deliver_webhooks(failing, force=False) == []  # retry not due yet
    qbo_emulator.clock.advance(5)
    second = qbo_emulator.deliver_webhooks(failing, force=False)
    qbo_emulator.clock.advance(20)
    third = qbo_emulator.deliver_webhooks(failing, force=False)

    assert [(r["attempt"], r["status"], r["delivered"]) for r in first + second + third] == [
        (1, 500, False),
        (2, None, False),
        (3, 200, True),
    ]
    assert second[0]["error"].startswith("TimeoutError")
    assert len({body for _, body, _ in failing.calls}) == 1  # the same signed body each time


def test_only_connected_apps_receive_events(qbo_emulator, make_qb):
    qbo_emulator.add_app(
        client_id="other",
        client_secret="x",
        redirect_uris=[],
        webhook_url="http://other.test/hook",
        verifier_token="other-token",
    )
    qb_us = make_qb(US_REALM)  # plannit-dev-client connected to the US company only
    qbo_emulator.company(CA_REALM).save("Customer", {"DisplayName": "Changé dans QuickBooks"})
    _new_customer(qb_us, "US customer")
    receiver = Receiver()

    qbo_emulator.deliver_webhooks(receiver)

    assert [
        (url, [e["intuitaccountid"] for e in json.loads(body)]) for url, body, _ in receiver.calls
    ] == [("http://127.0.0.1:8000/webhooks/quickbooks/", [US_REALM])]


def test_changes_made_in_quickbooks_send_events(qbo_emulator):
    qbo_emulator.issue_tokens(CLIENT_ID, CA_REALM)
    record = qbo_emulator.company(CA_REALM).get("Customer", "5")

    qbo_emulator.company(CA_REALM).save("Customer", {**record, "Notes": "par l'utilisateur"})

    assert [
        (e["entity"], e["id"], e["operation"]) for e in qbo_emulator.webhooks.pending_events()
    ] == [("Customer", "5", "Update")]
