"""Payments entered, edited, voided and deleted in QuickBooks reach Plannit through the
webhook, once, and only the business that owns the realm."""

import datetime
from decimal import Decimal

from accounting.inbound.models import Decision, InboundEvent, InboundPaymentLine
from accounting.sync.models import PaymentLink, SyncJob
from invoicing import services as invoicing
from invoicing.models import Payment

from .conftest import apply_sent, deliver, qbo_payment, synced_invoice


def _quiet(qbo):
    """Drop what the emulator queued so far (the echoes of the pushes)."""
    qbo.emulator.deliver_webhooks(lambda url, body, headers: 200)


def _statuses():
    return sorted(InboundEvent.objects.values_list("entity", "status"))


def test_payment_entered_in_quickbooks_appears_on_the_invoice(qbo, client, inbound_sent):
    # given
    invoice, qbo_id = synced_invoice(qbo)
    jobs_before = SyncJob.objects.count()
    _quiet(qbo)
    cheque = next(
        m["Id"]
        for m in qbo.company.all("PaymentMethod")
        if m["Name"] in ("Cheque", "Check", "Chèque")
    )
    remote = qbo_payment(
        qbo, [(qbo_id, "100.00")], ref="CHK 1044", PaymentMethodRef={"value": cheque}
    )
    # when
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    # then
    payment = Payment.objects.get()
    invoice.refresh_from_db()
    assert (
        payment.invoice_id,
        payment.amount,
        payment.date,
        payment.method,
        payment.reference,
    ) == (
        invoice.pk,
        Decimal("100.00"),
        datetime.date(2026, 11, 28),
        "cheque",
        "CHK 1044",
    )
    assert (payment.source, payment.source_reference, payment.is_from_quickbooks) == (
        "quickbooks",
        remote["Id"],
        True,
    )
    assert (invoice.amount_paid, invoice.balance, invoice.status) == (
        Decimal("100.00"),
        Decimal("72.46"),
        "partially_paid",
    )
    assert SyncJob.objects.count() == jobs_before  # not sent back to QuickBooks
    assert PaymentLink.objects.count() == 0
    line = InboundPaymentLine.objects.get()
    assert (line.qbo_payment_id, line.qbo_invoice_id, line.payment_id) == (
        remote["Id"],
        qbo_id,
        payment.pk,
    )
    assert ("Payment", "applied") in _statuses()


def test_the_same_payment_applied_twice_is_recorded_once(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo_payment(qbo, [(qbo_id, "172.46")])
    body = qbo.emulator.deliver_webhooks(lambda url, body, headers: 500)[0]["body"]
    from .conftest import post_webhook

    post_webhook(client, body.encode())
    post_webhook(client, body.replace('"id":"', '"id":"again-').encode())  # new event ids
    apply_sent(inbound_sent)
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), "paid")


def test_a_payment_over_two_invoices_is_split(qbo, client, inbound_sent):
    first, first_id = synced_invoice(qbo)
    second, second_id = synced_invoice(qbo, contact=first.contact)
    _quiet(qbo)
    qbo_payment(qbo, [(first_id, "172.46"), (second_id, "50.00")])
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    assert sorted(Payment.objects.values_list("invoice_id", "amount")) == sorted(
        [(first.pk, Decimal("172.46")), (second.pk, Decimal("50.00"))]
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.balance) == (
        "paid",
        "partially_paid",
        Decimal("122.46"),
    )


def test_a_payment_for_an_invoice_plannit_does_not_know_is_listed_not_guessed(
    qbo, client, inbound_sent
):
    invoice, qbo_id = synced_invoice(qbo)
    customer = qbo.company.get("Invoice", qbo_id)["CustomerRef"]["value"]
    typed = qbo.company.save(
        "Invoice",
        {
            "CustomerRef": {"value": customer},
            "Line": [
                {
                    "DetailType": "SalesItemLineDetail",
                    "Amount": "80.00",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": qbo.settings.default_item_id},
                        "TaxCodeRef": {"value": qbo.settings.non_taxable_tax_code_id},
                    },
                }
            ],
        },
    )
    _quiet(qbo)
    remote = qbo_payment(qbo, [(typed["Id"], "80.00")])
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    assert Payment.objects.count() == 0
    decision = Decision.objects.get()
    assert (decision.kind, decision.qbo_id, decision.status, decision.params["invoices"]) == (
        "unknown_payment",
        remote["Id"],
        "open",
        [typed["Id"]],
    )
    assert ("Payment", "attention") in _statuses()


def test_void_delete_and_edit_in_quickbooks_are_followed(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    remote = qbo_payment(qbo, [(qbo_id, "100.00")])
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    payment = Payment.objects.get()
    jobs_before = SyncJob.objects.count()
    # edited: 100 → 120
    current = qbo.company.get("Payment", remote["Id"])
    qbo.company.save(
        "Payment",
        {
            "Id": remote["Id"],
            "SyncToken": current["SyncToken"],
            "sparse": True,
            "TotalAmt": "120.00",
            "Line": [{"Amount": "120.00", "LinkedTxn": [{"TxnId": qbo_id, "TxnType": "Invoice"}]}],
        },
    )
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.amount, payment.status, invoice.balance) == (
        Decimal("120.00"),
        "recorded",
        Decimal("52.46"),
    )
    # voided
    qbo.company.void("Payment", remote["Id"])
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, invoice.balance, invoice.status) == (
        "void",
        Decimal("172.46"),
        "issued",
    )
    assert SyncJob.objects.count() == jobs_before  # nothing sent back


def test_a_payment_deleted_in_quickbooks_gives_the_balance_back(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    remote = qbo_payment(qbo, [(qbo_id, "172.46")])
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    qbo.company.delete("Payment", remote["Id"])
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    invoice.refresh_from_db()
    assert (Payment.objects.get().status, invoice.balance, invoice.status) == (
        "void",
        Decimal("172.46"),
        "issued",
    )


def test_events_applied_in_reverse_order_end_in_the_latest_state(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    remote = qbo_payment(qbo, [(qbo_id, "100.00")])
    qbo.company.void("Payment", remote["Id"])
    deliver(qbo.emulator, client)
    ids = [pk for batch in inbound_sent for pk in batch]
    inbound_sent.clear()
    from accounting.inbound.services import process

    process.events_apply(event_ids=list(reversed(ids)))
    assert Payment.objects.count() == 0
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("172.46")


def test_our_own_payment_coming_back_changes_nothing(qbo, client, inbound_sent):
    from .conftest import run_due

    invoice, qbo_id = synced_invoice(qbo)
    payment = invoicing.payment_record(
        invoice=invoice, amount=Decimal("50.00"), date=datetime.date(2026, 11, 25)
    )
    assert run_due() == ["done"]
    jobs_before = SyncJob.objects.count()
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    assert Payment.objects.count() == 1
    payment.refresh_from_db()
    assert (payment.amount, payment.status, payment.source) == (
        Decimal("50.00"),
        "recorded",
        "plannit",
    )
    assert SyncJob.objects.count() == jobs_before
    assert ("Payment", "echo") in _statuses()
    # and voided in QuickBooks: followed, not sent back
    qbo.company.void("Payment", PaymentLink.objects.get().qbo_id)
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, invoice.balance) == ("void", Decimal("172.46"))
    assert SyncJob.objects.count() == jobs_before


def test_the_legacy_format_is_applied_the_same_way(qbo, client, inbound_sent):
    qbo.emulator.update_app("plannit-dev-client", webhook_format="legacy")
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo_payment(qbo, [(qbo_id, "172.46")])
    records = deliver(qbo.emulator, client)
    assert records[0]["body"].startswith('{"eventNotifications"')
    apply_sent(inbound_sent)
    invoice.refresh_from_db()
    assert (Payment.objects.get().amount, invoice.status) == (Decimal("172.46"), "paid")
    assert InboundEvent.objects.filter(key__startswith="legacy:").count() >= 1


def test_the_sweeper_hands_back_lost_events_and_due_catch_ups(qbo, client, inbound_sent):
    from datetime import timedelta

    from django.utils import timezone

    from accounting.inbound import tasks

    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo_payment(qbo, [(qbo_id, "100.00")])
    deliver(qbo.emulator, client)
    inbound_sent.clear()  # the broker lost the message
    InboundEvent.objects.update(received_at=timezone.now() - timedelta(seconds=11))
    sent_cdc = []
    from unittest import mock

    with mock.patch.object(
        tasks.inbound_cdc_run, "apply_async", lambda args: sent_cdc.append(args)
    ):
        tasks.inbound_sweep()
    assert sent_cdc == [[qbo.business.pk, qbo.connection.realm_id]]
    assert sorted(pk for batch in inbound_sent for pk in batch) == sorted(
        InboundEvent.objects.values_list("pk", flat=True)
    )
    apply_sent(inbound_sent)
    assert Payment.objects.get().amount == Decimal("100.00")


def test_the_invoice_update_a_payment_causes_is_not_read_again(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo_payment(qbo, [(qbo_id, "100.00")])
    reads_before = len([e for e in qbo.emulator.requests_log if e["method"] == "GET"])
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    reads = [e["path"] for e in qbo.emulator.requests_log if e["method"] == "GET"][reads_before:]
    assert [path.rsplit("/", 2)[-2] for path in reads] == ["payment"]
    invoice_event = InboundEvent.objects.get(entity="Invoice")
    assert (invoice_event.status, invoice_event.result_key) == ("unchanged", "payment_side_effect")
    assert Payment.objects.get().amount == Decimal("100.00")


def test_an_invoice_edit_in_the_same_delivery_as_a_payment_is_still_read(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo_payment(qbo, [(qbo_id, "100.00")])
    qbo.emulator.clock.advance(5)
    remote = qbo.company.get("Invoice", qbo_id)
    qbo.company.save(
        "Invoice",
        {"Id": qbo_id, "SyncToken": remote["SyncToken"], "sparse": True, "PrivateNote": "edited"},
    )
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    invoice_event = InboundEvent.objects.get(entity="Invoice")
    assert invoice_event.result_key != "payment_side_effect"
    assert invoice_event.status == "unchanged"
