import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import TestCase

from accounting.inbound.services import process, wake
from accounting.qbo.inbound import signature_is_valid  # noqa: F401 - re-exported for tests
from qbo_emulator.webhooks import sign
from tests.accounting.sync.conftest import (  # noqa: F401 - fixtures
    CA_REALM,
    US_REALM,
    backlogs_sent,
    connect_business,
    enqueued,
    issue_invoice,
    make_contact,
    qbo,
    run_due,
)

WEBHOOK = "/webhooks/quickbooks/"


@pytest.fixture(autouse=True)
def inbound_sent(monkeypatch):
    """Event ids sent to the broker (one list per delivery), instead of a real broker."""
    sent: list[list[int]] = []
    monkeypatch.setattr(wake, "_send_task", lambda event_ids: sent.append(list(event_ids)))
    return sent


def signed(body: bytes, token: str | None = None) -> str:
    return sign(body, settings.QBO_WEBHOOK_VERIFIER_TOKEN if token is None else token)


def post_webhook(client, body, *, signature: str | None = None):
    """POST a delivery as Intuit would (signed with the verifier token unless `signature` is
    given; "" sends none); the on-commit wake-up runs as after a real commit."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {} if signature == "" else {"HTTP_INTUIT_SIGNATURE": signature or signed(raw)}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(WEBHOOK, data=raw, content_type="application/json", **headers)


def cloud_event(
    entity: str, entity_id: str, verb: str = "created", *, realm=CA_REALM, event_id=None, **extra
):
    return {
        "specversion": "1.0",
        "id": event_id or f"evt-{entity}-{entity_id}-{verb}",
        "source": "intuit.test",
        "type": f"qbo.{entity.lower()}.{verb}.v1",
        "datacontenttype": "application/json",
        "time": "2026-11-30T15:00:00.000Z",
        "intuitentityid": entity_id,
        "intuitaccountid": realm,
        "data": extra.get("data", {}),
    }


def deliver(emulator, client) -> list[dict]:
    """The emulator's queued webhooks, posted to the app's endpoint through the test client."""

    def target(url, body, headers):
        assert url.endswith(WEBHOOK), url
        return post_webhook(client, body, signature=headers["intuit-signature"]).status_code

    return emulator.deliver_webhooks(target)


def apply_sent(inbound_sent) -> list[dict]:
    """The worker: apply every event id the endpoint queued, in order."""
    results = []
    while inbound_sent:
        results.append(process.events_apply(event_ids=inbound_sent.pop(0)))
    return results


def synced_invoice(world, **kwargs):
    """An invoice issued in Plannit and pushed to QuickBooks; returns (invoice, its QBO id)."""
    from accounting.sync.models import InvoiceLink

    invoice = issue_invoice(world.business, **kwargs)
    assert run_due() == ["done"]
    link = InvoiceLink.objects.get(invoice=invoice)
    return invoice, link.qbo_id


def qbo_payment(world, invoices, *, ref="CHK 1044", date="2026-11-28", **fields):
    """A payment the bookkeeper records in QuickBooks, against (invoice Id, amount) pairs."""
    return world.company.record_payment(
        [(inv, Decimal(amount)) for inv, amount in invoices],
        PaymentRefNum=ref,
        TxnDate=date,
        **fields,
    )
