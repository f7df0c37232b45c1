"""Every flow of the issue against the in-process emulator."""

import datetime
from decimal import Decimal

from accounting.sync.models import (
    CustomerLink,
    InvoiceLink,
    PaymentLink,
    SyncAttempt,
    SyncJob,
    SyncStatus,
)
from invoicing import services as invoicing

from .conftest import issue_invoice, make_contact, run_due


def test_issued_invoice_reaches_quickbooks_with_customer_lines_and_tax(qbo):
    # given
    before = len(qbo.invoices())
    customers_before = len(qbo.customers())
    invoice = issue_invoice(qbo.business)
    job = SyncJob.objects.get()
    assert (job.kind, job.operation, job.status, job.object_id) == (
        "invoice",
        "create",
        "pending",
        invoice.pk,
    )
    # when
    assert run_due() == ["done"]
    # then
    job.refresh_from_db()
    link = InvoiceLink.objects.get(invoice=invoice)
    remote = qbo.company.get("Invoice", link.qbo_id)
    assert len(qbo.invoices()) == before + 1
    assert len(qbo.customers()) == customers_before + 1
    customer = qbo.company.get("Customer", CustomerLink.objects.get().qbo_id)
    assert customer["DisplayName"] == "Gabrielle Lavoie"
    assert remote["DocNumber"] == invoice.number
    assert remote["CustomerRef"]["value"] == customer["Id"]
    assert remote["TxnDate"] == "2026-11-20"
    assert remote["DueDate"] == "2026-12-20"
    assert remote["BillEmail"] == {"Address": "gabrielle.lavoie@example.com"}
    assert remote["PrivateNote"] == f"Plannit invoice #{invoice.pk}"
    assert remote["GlobalTaxCalculation"] == "TaxExcluded"
    sales_lines = [line for line in remote["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    assert len(sales_lines) == 1
    assert Decimal(str(sales_lines[0]["Amount"])) == Decimal("150.00")
    detail = sales_lines[0]["SalesItemLineDetail"]
    assert detail["ItemRef"]["value"] == qbo.settings.default_item_id
    assert detail["TaxCodeRef"]["value"] == qbo.settings.taxable_tax_code_id
    assert Decimal(str(remote["TotalAmt"])) == invoice.total == Decimal("172.46")
    assert (job.status, job.qbo_id, job.qbo_number, job.attempts) == (
        "done",
        link.qbo_id,
        invoice.number,
        1,
    )
    assert (link.qbo_total, link.qbo_tax_total, link.has_total_mismatch) == (
        Decimal("172.46"),
        Decimal("22.46"),
        False,
    )
    assert job.warning_key == ""
    outcomes = list(SyncAttempt.objects.filter(job=job).values_list("operation", "outcome"))
    assert outcomes == [
        ("query Customer", "success"),
        ("query Customer", "success"),
        ("create Customer", "success"),
        ("create Invoice", "success"),
    ]
    invoice_calls = qbo.calls("POST", "/invoice")
    assert [call["requestid"] for call in invoice_calls] == [job.request_id]


def test_a_draft_is_never_sent(qbo):
    invoicing.invoice_create(
        business=qbo.business,
        contact=make_contact(qbo.business),
        issue_date=datetime.date(2026, 11, 20),
        lines=[invoicing.LineInput(description="x", unit_price=Decimal("5"))],
    )
    assert SyncJob.objects.count() == 0
    assert run_due() == []
    assert qbo.calls("POST") == []


def test_payment_recorded_then_voided_moves_the_balance_on_both_sides(qbo):
    invoice = issue_invoice(qbo.business)
    payment = invoicing.payment_record(
        invoice=invoice,
        amount=Decimal("100.00"),
        date=datetime.date(2026, 11, 25),
        method="cheque",
        reference="CHQ 1044",
    )
    assert run_due() == ["done", "done"]
    invoice_link = InvoiceLink.objects.get(invoice=invoice)
    payment_link = PaymentLink.objects.get(payment=payment)
    remote_payment = qbo.company.get("Payment", payment_link.qbo_id)
    assert Decimal(str(remote_payment["TotalAmt"])) == Decimal("100.00")
    assert remote_payment["DepositToAccountRef"]["value"] == qbo.settings.deposit_account_id
    assert remote_payment["PaymentRefNum"] == "CHQ 1044"
    cheque_id = next(
        row["Id"] for row in qbo.company.all("PaymentMethod") if row["Name"] == "Chèque"
    )
    assert remote_payment["PaymentMethodRef"]["value"] == cheque_id
    assert remote_payment["Line"][0]["LinkedTxn"][0]["TxnId"] == invoice_link.qbo_id
    assert Decimal(str(qbo.company.get("Invoice", invoice_link.qbo_id)["Balance"])) == Decimal(
        "72.46"
    )
    # when
    invoicing.payment_void(payment=payment)
    assert run_due() == ["done"]
    # then
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("172.46")
    assert Decimal(str(qbo.company.get("Invoice", invoice_link.qbo_id)["Balance"])) == Decimal(
        "172.46"
    )
    assert Decimal(str(qbo.company.get("Payment", payment_link.qbo_id)["TotalAmt"])) == 0
    assert SyncJob.objects.filter(status=SyncStatus.DONE).count() == 3
