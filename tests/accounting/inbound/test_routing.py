"""Whose event is it: unknown realms dropped, disconnected companies kept (7 days), a
delivery mixing two companies applied to each with its own data; a worker dying between the
fetch and the apply loses nothing and applies once."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounting.inbound.models import InboundEvent
from accounting.inbound.services import process
from accounting.models import ConnectionStatus, QboConnection
from invoicing.models import Payment
from tests.factories.invoicing import TaxGroupFactory

from .conftest import (
    US_REALM,
    apply_sent,
    cloud_event,
    connect_business,
    deliver,
    issue_invoice,
    post_webhook,
    qbo_payment,
    run_due,
    synced_invoice,
)


def _quiet(qbo):
    qbo.emulator.deliver_webhooks(lambda url, body, headers: 200)


def test_an_unknown_realm_is_logged_and_dropped(db, client, inbound_sent, caplog):
    post_webhook(client, [cloud_event("Payment", "1", realm="4620816365000000000")])
    with caplog.at_level(logging.WARNING, logger="accounting.inbound.services.process"):
        apply_sent(inbound_sent)
    event = InboundEvent.objects.get()
    assert (event.status, event.result_key, event.business_id) == ("dropped", "unknown_realm", None)
    assert "4620816365000000000" in caplog.text
    assert Payment.objects.count() == 0


def test_a_disconnected_company_keeps_its_events_until_it_reconnects(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo_payment(qbo, [(qbo_id, "100.00")])
    QboConnection.objects.filter(pk=qbo.connection.pk).update(status=ConnectionStatus.DISCONNECTED)
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    assert Payment.objects.count() == 0
    assert set(InboundEvent.objects.values_list("status", flat=True)) == {"waiting"}
    assert process.events_due() == []  # nothing to do while it is disconnected
    # reconnected: the sweeper hands the events to a worker
    QboConnection.objects.filter(pk=qbo.connection.pk).update(status=ConnectionStatus.CONNECTED)
    due = process.events_due()
    assert len(due) == InboundEvent.objects.count()
    process.events_apply(event_ids=due)
    assert Payment.objects.get().amount == Decimal("100.00")


def test_a_disconnected_company_s_events_expire_after_seven_days(qbo, client, inbound_sent):
    post_webhook(client, [cloud_event("Payment", "1")])
    QboConnection.objects.filter(pk=qbo.connection.pk).update(status=ConnectionStatus.DISCONNECTED)
    apply_sent(inbound_sent)
    event = InboundEvent.objects.get()
    assert event.status == "waiting"
    InboundEvent.objects.filter(pk=event.pk).update(received_at=timezone.now() - timedelta(days=8))
    assert process.events_due() == [event.pk]
    process.events_apply(event_ids=[event.pk])
    event.refresh_from_db()
    assert event.status == "expired"


def test_a_delivery_mixing_two_companies_updates_each_with_its_own(
    qbo, other_business, client, inbound_sent
):
    # given: a second business connected to the US company, each with a synced invoice
    ca_invoice, ca_id = synced_invoice(qbo)
    TaxGroupFactory(
        business=other_business, name="Sales tax", is_default=True, components=[("State", "8")]
    )
    us_connection = connect_business(qbo.emulator, other_business, realm_id=US_REALM)
    from accounting.models import AccountingSettings

    us = qbo.emulator.company(US_REALM)

    def first(entity, **match):
        return next(r["Id"] for r in us.all(entity) if all(r.get(k) == v for k, v in match.items()))

    AccountingSettings.objects.create(
        business=other_business,
        transaction_tax_code_id=next(
            r["Id"] for r in us.all("TaxCode") if r["Id"] not in ("TAX", "NON")
        ),
        default_item_id=first("Item", Type="Service"),
        deposit_account_id=first("Account", AccountType="Bank"),
    )
    us_invoice = issue_invoice(other_business)
    assert run_due() == ["done"]
    from accounting.sync.models import InvoiceLink

    us_qbo_id = InvoiceLink.objects.get(invoice=us_invoice).qbo_id
    _quiet(qbo)
    qbo_payment(qbo, [(ca_id, "10.00")])
    us.record_payment([(us_qbo_id, Decimal("20.00"))], TxnDate="2026-11-28")
    bodies = [d["body"] for d in qbo.emulator.deliver_webhooks(lambda url, body, headers: 500)]
    import json

    mixed = [event for body in bodies for event in json.loads(body)]
    assert {e["intuitaccountid"] for e in mixed} == {qbo.connection.realm_id, US_REALM}
    # when: one delivery with both companies' events
    post_webhook(client, mixed)
    apply_sent(inbound_sent)
    # then
    assert list(
        Payment.objects.order_by("amount").values_list("business_id", "invoice_id", "amount")
    ) == [
        (qbo.business.pk, ca_invoice.pk, Decimal("10.00")),
        (other_business.pk, us_invoice.pk, Decimal("20.00")),
    ]
    assert us_connection.business_id == other_business.pk


def test_a_worker_dying_between_fetch_and_apply_loses_nothing_and_applies_once(
    qbo, client, inbound_sent, monkeypatch
):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo_payment(qbo, [(qbo_id, "100.00")])
    deliver(qbo.emulator, client)
    ids = [pk for batch in inbound_sent for pk in batch]
    inbound_sent.clear()

    class WorkerKilled(BaseException):
        """What SIGKILL looks like from inside: nothing after the fetch runs."""

    real = process._apply_and_finish

    def killed(event, business_id, state):
        raise WorkerKilled()

    monkeypatch.setattr(process, "_apply_and_finish", killed)
    for pk in ids:
        try:
            process.event_apply(event_id=pk)
        except WorkerKilled:
            pass
    assert Payment.objects.count() == 0
    assert set(InboundEvent.objects.values_list("status", flat=True)) == {"processing"}
    assert process.events_due() == []  # still leased by the dead worker
    monkeypatch.setattr(process, "_apply_and_finish", real)
    InboundEvent.objects.update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    due = process.events_due()
    assert sorted(due) == sorted(ids)
    process.events_apply(event_ids=due)
    process.events_apply(event_ids=due)  # a duplicate message changes nothing
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("72.46")
