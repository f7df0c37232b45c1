"""Void, tax check, US companies, payment methods, refused references."""

import datetime
from decimal import Decimal

from accounting.models import TaxGroupMapping
from accounting.sync.models import InvoiceLink, ItemLink, PaymentLink, SyncJob
from invoicing import services as invoicing
from tests.factories.catalog import ItemFactory

from .conftest import US_REALM, connect_business, issue_invoice, linked_item, make_contact, run_due


def test_voided_invoice_is_voided_in_quickbooks(qbo):
    invoice = issue_invoice(qbo.business)
    run_due()
    invoicing.invoice_void(invoice=invoice)
    job = SyncJob.objects.get(operation="void")
    assert run_due() == ["done"]
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    assert Decimal(str(remote["TotalAmt"])) == 0
    assert remote["PrivateNote"].startswith("Voided")
    job.refresh_from_db()
    assert (job.status, job.warning_key) == ("done", "")


def test_void_before_the_first_push_creates_then_voids(qbo):
    invoice = issue_invoice(qbo.business)
    invoicing.invoice_void(invoice=invoice)
    assert run_due() == ["done", "done"]
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    assert remote["DocNumber"] == invoice.number
    assert remote["PrivateNote"].startswith("Voided")


def test_a_cent_of_tax_difference_is_flagged_with_both_figures(qbo, owner_client):
    # The owner mapped the "TPS + TVQ" group to QBO's TPS-only code: QBO computes less tax.
    tps_only = next(row["Id"] for row in qbo.company.all("TaxCode") if row["Name"] == "TPS")
    TaxGroupMapping.objects.create(
        business=qbo.business, tax_group=qbo.tax_group, qbo_tax_code_id=tps_only
    )
    invoice = issue_invoice(qbo.business)
    assert run_due() == ["done"]
    link = InvoiceLink.objects.get()
    assert (link.qbo_total, link.qbo_tax_total) == (Decimal("157.50"), Decimal("7.50"))
    assert (link.expected_total, link.expected_tax_total) == (Decimal("172.46"), Decimal("22.46"))
    assert link.has_total_mismatch is True
    job = SyncJob.objects.get()
    assert job.warning_key == "total_mismatch"
    assert job.warning_params == {
        "qbo_total": "$157.50",
        "qbo_tax": "$7.50",
        "total": "$172.46",
        "tax": "$22.46",
    }
    page = owner_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Total differs" in page
    assert "QuickBooks computed $157.50 (taxes $7.50) where Plannit has $172.46" in page


def test_linked_item_and_non_taxable_line_use_their_mapping(qbo):
    item, qbo_item = linked_item(qbo, "Déplacement", is_taxable=False)
    issue_invoice(
        qbo.business,
        lines=[
            invoicing.LineInput(
                item=item,
                description="Déplacement",
                quantity=Decimal("1.5"),
                unit_price=Decimal("45"),
                is_taxable=False,
            ),
            invoicing.LineInput(
                description="Main-d'œuvre", quantity=Decimal("2"), unit_price=Decimal("95.125")
            ),
        ],
    )
    assert run_due() == ["done"]
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    details = [
        line["SalesItemLineDetail"]
        for line in remote["Line"]
        if line["DetailType"] == "SalesItemLineDetail"
    ]
    assert [(d["ItemRef"]["value"], d["TaxCodeRef"]["value"]) for d in details] == [
        (qbo_item["Id"], qbo.settings.non_taxable_tax_code_id),
        (qbo.settings.default_item_id, qbo.settings.taxable_tax_code_id),
    ]
    assert InvoiceLink.objects.get().has_total_mismatch is False


def test_deleted_quickbooks_item_fails_with_what_to_do(qbo):
    item = ItemFactory(business=qbo.business, name="Ancien service")
    ItemLink.objects.create(
        business=qbo.business, realm_id=qbo.connection.realm_id, item=item, qbo_id="987654"
    )
    issue_invoice(
        qbo.business,
        lines=[invoicing.LineInput(item=item, description="Ancien", unit_price=Decimal("10"))],
    )
    assert run_due() == ["failed"]
    job = SyncJob.objects.get()
    assert job.last_error_key == "qbo_reference_invalid"
    assert job.last_error_code == "2500"
    assert InvoiceLink.objects.count() == 0


def test_missing_payment_method_is_created_once_then_reused(qbo):
    invoice = issue_invoice(qbo.business)
    for amount in ("10.00", "20.00"):
        invoicing.payment_record(
            invoice=invoice,
            amount=Decimal(amount),
            date=datetime.date(2026, 11, 22),
            method="debit",
        )
    assert run_due() == ["done", "done", "done"]
    methods = [row for row in qbo.company.all("PaymentMethod") if row["Name"] == "Debit"]
    assert len(methods) == 1
    assert {
        qbo.company.get("Payment", link.qbo_id)["PaymentMethodRef"]["value"]
        for link in PaymentLink.objects.all()
    } == {methods[0]["Id"]}


def test_us_company_uses_tax_and_non_with_the_transaction_tax_code(
    qbo_emulator, business, enqueued
):
    from accounting.models import AccountingSettings
    from tests.factories.invoicing import TaxGroupFactory

    TaxGroupFactory(
        business=business, name="Sales tax", is_default=True, components=[("State", "8")]
    )
    connect_business(qbo_emulator, business, realm_id=US_REALM)
    company = qbo_emulator.company(US_REALM)
    tax_code = next(row["Id"] for row in company.all("TaxCode") if row["Id"] not in ("TAX", "NON"))
    AccountingSettings.objects.create(
        business=business,
        transaction_tax_code_id=tax_code,
        default_item_id=next(
            row["Id"] for row in company.all("Item") if row.get("Type") == "Service"
        ),
        deposit_account_id=next(
            row["Id"] for row in company.all("Account") if row["Name"] == "Checking"
        ),
    )
    issue_invoice(
        business,
        contact=make_contact(business),
        lines=[
            invoicing.LineInput(
                description="Labor", quantity=Decimal("2"), unit_price=Decimal("95")
            ),
            invoicing.LineInput(description="Permit", unit_price=Decimal("20"), is_taxable=False),
        ],
    )
    assert run_due() == ["done"]
    remote = company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    codes = [
        line["SalesItemLineDetail"]["TaxCodeRef"]["value"]
        for line in remote["Line"]
        if line["DetailType"] == "SalesItemLineDetail"
    ]
    assert codes == ["TAX", "NON"]
    assert remote["TxnTaxDetail"]["TxnTaxCodeRef"]["value"] == tax_code
    assert Decimal(str(remote["TotalAmt"])) == Decimal("225.20")  # 210 + 8 % of 190
