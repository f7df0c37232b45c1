"""Refunds (a credit paid back in money out of a payment) against the in-process emulator: a
RefundReceipt from the deposit account, the invoice's balance unchanged on both sides."""

import datetime
from decimal import Decimal

import pytest

from accounting.sync.models import CreditNoteLink, InvoiceLink, SyncJob
from core.exceptions import ApplicationError
from invoicing import services as invoicing
from invoicing.models import CreditNote
from invoicing.services import CreditAmountInput, RefundInput

from .conftest import issue_invoice, run_due

REFUND_DATE = datetime.date(2026, 11, 28)


def _paid_invoice(qbo):
    invoice = issue_invoice(qbo.business)
    payment = invoicing.payment_record(
        invoice=invoice, amount=invoice.total, date=datetime.date(2026, 11, 21), method="cheque"
    )
    return invoice, payment


def test_part_of_a_payment_refunded_is_a_refund_receipt_from_the_deposit_account(qbo):
    invoice, payment = _paid_invoice(qbo)
    refund = invoicing.credit_note_create(
        invoice=invoice,
        date=REFUND_DATE,
        amount=CreditAmountInput(amount=Decimal("40.00"), tax_group=qbo.tax_group),
        reason="Visite annulée",
        refund=RefundInput(payment=payment, method="e_transfer", reference="VIR-77"),
    )
    invoice.refresh_from_db()
    assert (refund.total, refund.balance, refund.is_refund) == (Decimal("45.99"), 0, True)
    assert (invoice.balance, invoice.status, invoice.amount_credited) == (0, "paid", 0)
    assert run_due() == ["done", "done", "done"]
    link = CreditNoteLink.objects.get(credit_note=refund)
    receipt = qbo.company.get("RefundReceipt", link.qbo_id)
    assert receipt["DocNumber"] == refund.number == "NC-1"
    assert receipt["DepositToAccountRef"]["value"] == qbo.settings.deposit_account_id
    transfer = (
        next(
            row["Id"]
            for row in qbo.company.all("PaymentMethod")
            if row["Name"] == "Virement Interac"
        )
        if any(row["Name"] == "Virement Interac" for row in qbo.company.all("PaymentMethod"))
        else None
    )
    if transfer is not None:
        assert receipt["PaymentMethodRef"]["value"] == transfer
    assert receipt["PaymentRefNum"] == "VIR-77"
    assert Decimal(str(receipt["TotalAmt"])) == Decimal("45.99")
    assert Decimal(str(receipt["TxnTaxDetail"]["TotalTax"])) == refund.tax_total == Decimal("5.99")
    assert qbo.company.all("CreditMemo") == []
    remote_invoice = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    assert Decimal(str(remote_invoice["Balance"])) == invoice.balance == 0
    customer = qbo.company.get("Customer", remote_invoice["CustomerRef"]["value"])
    assert Decimal(str(customer["Balance"])) == 0
    assert SyncJob.objects.get(kind="credit").warning_key == ""


def test_a_refund_never_exceeds_what_is_left_of_the_payment(qbo):
    invoice = issue_invoice(qbo.business)
    payment = invoicing.payment_record(
        invoice=invoice, amount=Decimal("100.00"), date=datetime.date(2026, 11, 21)
    )
    invoicing.credit_note_create(
        invoice=invoice,
        date=REFUND_DATE,
        amount=CreditAmountInput(amount=Decimal("20.00"), tax_group=None),
        refund=RefundInput(payment=payment, method="cash"),
    )
    with pytest.raises(ApplicationError, match="than the \\$80.00 left of this payment"):
        invoicing.credit_note_create(
            invoice=invoice,
            date=REFUND_DATE,
            amount=CreditAmountInput(amount=Decimal("80.01"), tax_group=None),
            refund=RefundInput(payment=payment, method="cash"),
        )
    assert CreditNote.objects.count() == 1
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("72.46"), "partially_paid")
    with pytest.raises(ApplicationError, match="Void the refunds first"):
        invoicing.payment_void(payment=payment)


def test_voided_refund_deletes_the_refund_receipt(qbo):
    invoice, payment = _paid_invoice(qbo)
    refund = invoicing.credit_note_create(
        invoice=invoice,
        date=REFUND_DATE,
        full=True,
        refund=RefundInput(payment=payment, method="cheque"),
    )
    assert run_due() == ["done", "done", "done"]
    receipt_id = CreditNoteLink.objects.get().qbo_id
    invoicing.credit_note_void(credit_note=refund)
    assert run_due() == ["done"]
    assert qbo.company.get("RefundReceipt", receipt_id) is None
    # the payment can be voided now, and its void reaches QuickBooks
    invoicing.payment_void(payment=payment)
    assert run_due() == ["done"]


def test_lost_refund_answer_is_found_by_number_not_sent_twice(qbo):
    from django.utils import timezone

    qbo.emulator.set_settings(requestid_mode="ignore")
    invoice, payment = _paid_invoice(qbo)
    assert run_due() == ["done", "done"]
    qbo.emulator.add_fault(action="drop_after", entity="refundreceipt", method="POST", times=1)
    invoicing.credit_note_create(
        invoice=invoice,
        date=REFUND_DATE,
        amount=CreditAmountInput(amount=Decimal("10.00"), tax_group=None),
        refund=RefundInput(payment=payment, method="cash"),
    )
    assert run_due() == ["pending"]
    SyncJob.objects.update(next_attempt_at=timezone.now())
    assert run_due() == ["done"]
    assert len(qbo.company.all("RefundReceipt")) == 1
    assert len(qbo.calls("POST", "/refundreceipt")) == 1
