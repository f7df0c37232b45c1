"""Our payment reached QuickBooks but its answer was lost (a 500 after the commit): until its
job looks it up and links it, QuickBooks telling us about it is still our own write, not a
payment entered there (found by the chaos run, bench/chaos.py: the payment was counted
twice in Plannit)."""

import datetime
from decimal import Decimal

from accounting.inbound.models import Decision, InboundEvent
from accounting.sync.models import PaymentLink, SyncJob
from invoicing import services as invoicing
from invoicing.models import Invoice, Payment

from .conftest import apply_sent, deliver, run_due, synced_invoice


def _pushed_without_answer(qbo):
    invoice, qbo_id = synced_invoice(qbo)
    qbo.emulator.deliver_webhooks(lambda url, body, headers: 200)  # the invoice's echoes
    payment = invoicing.payment_record(
        invoice=invoice, amount=Decimal("50.00"), date=datetime.date(2026, 11, 25)
    )
    qbo.emulator.add_fault(action="status_after", status=500, entity="payment", times=1)
    assert run_due() == ["pending"]  # QuickBooks has it; we never heard
    assert PaymentLink.objects.count() == 0
    assert len(qbo.payments()) == 1
    return invoice, qbo_id, payment


def test_our_unlinked_payment_coming_back_is_an_echo(qbo, client, inbound_sent):
    invoice, _qbo_id, payment = _pushed_without_answer(qbo)

    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)

    assert list(Payment.objects.values_list("pk", "source")) == [(payment.pk, "plannit")]
    assert Invoice.objects.get(pk=invoice.pk).balance == Decimal("122.46")
    assert list(InboundEvent.objects.filter(entity="Payment").values_list("status")) == [("echo",)]
    assert Decision.objects.count() == 0
    # Its job, due again, finds it by its reference and links it: one payment everywhere.
    SyncJob.objects.filter(object_id=payment.pk).update(next_attempt_at=payment.created_at)
    assert run_due() == ["done"]
    assert PaymentLink.objects.get().qbo_id == qbo.payments()[0]["Id"]
    assert len(qbo.payments()) == 1
    assert Payment.objects.count() == 1


def test_a_note_copying_our_reference_with_another_request_id_is_a_real_payment(
    qbo, client, inbound_sent
):
    """Only the reference our job wrote (its request id) is ours: a bookkeeper's payment whose
    note happens to look like it is applied as any payment from QuickBooks."""
    invoice, qbo_id = synced_invoice(qbo)
    qbo.emulator.deliver_webhooks(lambda url, body, headers: 200)
    mine = invoicing.payment_record(
        invoice=invoice, amount=Decimal("20.00"), date=datetime.date(2026, 11, 25)
    )
    assert run_due() == ["done"]
    qbo.emulator.deliver_webhooks(lambda url, body, headers: 200)
    note = f"Plannit payment #{mine.pk} 00000000-0000-4000-8000-000000000000"
    qbo.company.record_payment([(qbo_id, Decimal("30.00"))], TxnDate="2026-11-28", PrivateNote=note)

    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)

    assert sorted(Payment.objects.values_list("amount", "source")) == [
        (Decimal("20.00"), "plannit"),
        (Decimal("30.00"), "quickbooks"),
    ]
    assert Invoice.objects.get(pk=invoice.pk).balance == Decimal("122.46")
