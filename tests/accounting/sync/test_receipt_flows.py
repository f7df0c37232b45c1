"""Sales receipts against the in-process emulator: one SalesReceipt (no Invoice, no Payment)
deposited to the mapped account, voided, found again after a lost answer."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounting.sync.models import SalesReceiptLink, SyncJob
from invoicing import services as invoicing

from .conftest import make_contact, run_due

SALE_DATE = datetime.date(2026, 11, 26)


def _sell(qbo, **kwargs):
    return invoicing.sales_receipt_create(
        business=qbo.business,
        contact=kwargs.pop("contact", None) or make_contact(qbo.business),
        issue_date=SALE_DATE,
        lines=[
            invoicing.LineInput(
                description="Tonte à la porte", quantity=Decimal("1"), unit_price=Decimal("45.00")
            )
        ],
        method=kwargs.pop("method", "debit"),
        reference=kwargs.pop("reference", "TERM-881"),
    )


def test_sales_receipt_is_one_sales_receipt_deposited_to_the_mapped_account(qbo):
    receipt = _sell(qbo)
    assert (receipt.number, receipt.status, receipt.balance, receipt.total) == (
        "RV-1",
        "paid",
        Decimal("0.00"),
        Decimal("51.74"),
    )
    assert list(SyncJob.objects.values_list("kind", "operation")) == [("receipt", "create")]
    assert run_due() == ["done"]
    link = SalesReceiptLink.objects.get(receipt=receipt)
    remote = qbo.company.get("SalesReceipt", link.qbo_id)
    assert remote["DocNumber"] == "RV-1"
    assert remote["DepositToAccountRef"]["value"] == qbo.settings.deposit_account_id
    assert remote["PaymentRefNum"] == "TERM-881"
    assert "DueDate" not in remote or remote.get("DueDate") in (None, "")
    assert Decimal(str(remote["TotalAmt"])) == receipt.total
    assert Decimal(str(remote["TxnTaxDetail"]["TotalTax"])) == receipt.tax_total
    assert Decimal(str(remote["Balance"])) == 0
    assert qbo.invoices() == [] and qbo.payments() == []
    assert (link.qbo_total, link.has_total_mismatch) == (Decimal("51.74"), False)


def test_voided_sales_receipt_is_voided_in_quickbooks(qbo):
    receipt = _sell(qbo)
    assert run_due() == ["done"]
    invoicing.sales_receipt_void(receipt=receipt)
    receipt.refresh_from_db()
    assert (receipt.status, receipt.balance, receipt.amount_paid) == ("void", 0, 0)
    assert list(SyncJob.objects.order_by("id").values_list("kind", "operation")) == [
        ("receipt", "create"),
        ("receipt", "void"),
    ]
    assert run_due() == ["done"]
    remote = qbo.company.get("SalesReceipt", SalesReceiptLink.objects.get().qbo_id)
    assert Decimal(str(remote["TotalAmt"])) == 0
    assert qbo.payments() == []


def test_lost_sales_receipt_answer_is_found_by_number(qbo):
    qbo.emulator.set_settings(requestid_mode="ignore")
    qbo.emulator.add_fault(action="drop_after", entity="salesreceipt", method="POST", times=1)
    _sell(qbo)
    assert run_due() == ["pending"]
    SyncJob.objects.update(next_attempt_at=timezone.now())
    assert run_due() == ["done"]
    assert len(qbo.company.all("SalesReceipt")) == 1
    assert len(qbo.calls("POST", "/salesreceipt")) == 1


def test_refund_from_a_sales_receipt_is_a_refund_receipt(qbo):
    from invoicing.services import CreditLineInput, RefundInput

    receipt = _sell(qbo)
    payment = receipt.payments.get()
    invoicing.credit_note_create(
        invoice=receipt,
        date=SALE_DATE,
        lines=[CreditLineInput(invoice_line=receipt.lines.get(), quantity=Decimal("1"))],
        refund=RefundInput(payment=payment, method="cash"),
    )
    assert run_due() == ["done", "done"]
    assert len(qbo.company.all("RefundReceipt")) == 1
    assert Decimal(str(qbo.company.all("RefundReceipt")[0]["TotalAmt"])) == Decimal("51.74")


def test_rolled_back_sale_leaves_no_receipt_no_job_and_gives_the_number_back(qbo):
    import pytest
    from django.db import transaction

    from invoicing.models import Invoice

    with pytest.raises(RuntimeError), transaction.atomic():
        _sell(qbo)
        raise RuntimeError("rolled back")
    assert (Invoice.objects.count(), SyncJob.objects.count()) == (0, 0)
    assert _sell(qbo).number == "RV-1"


def test_send_earlier_invoices_brings_sales_receipts_looked_up_by_number(qbo):
    from datetime import timedelta

    from accounting.sync.services.backfill import earlier_invoices_send

    qbo.connection.connected_at = timezone.now() + timedelta(days=1)
    qbo.connection.save()
    typed = _sell(qbo)
    fresh = _sell(qbo)
    assert SyncJob.objects.count() == 0
    customer = qbo.company.save("Customer", {"DisplayName": "Quelqu'un"})
    by_hand = qbo.company.save(
        "SalesReceipt",
        {
            "DocNumber": typed.number,
            "CustomerRef": {"value": customer["Id"]},
            "Line": [
                {
                    "Amount": 45,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "1"},
                        "TaxCodeRef": {"value": qbo.settings.taxable_tax_code_id},
                    },
                }
            ],
        },
    )
    sent = earlier_invoices_send(business=qbo.business, date_from=SALE_DATE, date_to=SALE_DATE)
    assert sent == 2
    assert sorted(SyncJob.objects.values_list("kind", "lookup_first")) == [
        ("receipt", True),
        ("receipt", True),
    ]
    assert run_due() == ["done", "done"]
    assert SalesReceiptLink.objects.get(receipt=typed).qbo_id == by_hand["Id"]
    assert SalesReceiptLink.objects.get(receipt=fresh).doc_number == fresh.number
    assert len(qbo.company.all("SalesReceipt")) == 2
    assert qbo.invoices() == [] and qbo.payments() == []
