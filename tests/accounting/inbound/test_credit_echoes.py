"""Credits applied in QuickBooks are not money: the Payment that links a credit memo to an
invoice (ours, pushed for a Plannit credit note, or the bookkeeper's) never becomes a Plannit
payment of the invoice."""

import datetime
from decimal import Decimal

import pytest

from accounting.inbound.models import Decision, InboundEvent
from accounting.qbo import inbound as wire
from invoicing import services as invoicing
from invoicing.models import Payment
from invoicing.services.credits import CreditLineInput
from tests.accounting.sync.conftest import run_due

from .conftest import apply_sent, deliver, synced_invoice

pytestmark = pytest.mark.django_db


def test_a_plannit_credit_applied_comes_back_as_an_echo_not_a_payment(qbo, client, inbound_sent):
    # given an invoice in QuickBooks, then a credit note on it applied in Plannit and pushed
    # (a CreditMemo, and a Payment of 0 linking it to the invoice)
    invoice, _qbo_id = synced_invoice(qbo)
    qbo.emulator.deliver_webhooks(lambda url, body, headers: 200)  # the invoice's echo
    line = invoice.lines.get()
    note = invoicing.credit_note_create(
        invoice=invoice,
        date=datetime.date(2026, 11, 21),
        lines=[CreditLineInput(invoice_line=line, quantity=Decimal("1"))],
    )
    assert set(run_due()) == {"done"}
    invoice.refresh_from_db()
    balance = invoice.balance
    # when QuickBooks tells us about those writes
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    # then no payment was recorded and the balance is what the credit left
    invoice.refresh_from_db()
    assert Payment.objects.count() == 0
    assert (invoice.balance, invoice.amount_paid) == (balance, Decimal("0.00"))
    assert note.total > 0 and balance == invoice.total - note.total
    payment_event = InboundEvent.objects.get(entity="Payment")
    assert payment_event.status == "echo"
    assert Decision.objects.count() == 0  # nothing asked of the owner either


def test_the_money_of_a_payment_that_also_uses_a_credit_memo_is_its_total():
    # a payment of 40 that, with a credit memo of 60, pays an invoice of 100
    row = {
        "Id": "77",
        "SyncToken": "0",
        "TotalAmt": 40,
        "TxnDate": "2026-11-28",
        "Line": [
            {"Amount": 100, "LinkedTxn": [{"TxnId": "12", "TxnType": "Invoice"}]},
            {"Amount": 60, "LinkedTxn": [{"TxnId": "31", "TxnType": "CreditMemo"}]},
        ],
    }
    state = wire.payment_state_from_qbo(row)
    assert state.applied == (("12", Decimal("40.00")),)
    assert state.credit_memo_ids == ("31",)
    # and a payment made only of a credit memo carries no money
    row["TotalAmt"] = 0
    row["Line"][1]["Amount"] = 100
    assert wire.payment_state_from_qbo(row).applied == ()
