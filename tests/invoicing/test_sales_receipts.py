"""Sales receipts: paid on the spot, their own numbering, their own filter in the list."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from invoicing import services
from invoicing.models import Invoice, Payment
from invoicing.services import LineInput

from .conftest import ISSUE_DATE

pytestmark = pytest.mark.django_db


def _sell(business, contact, price="45.00", **kwargs):
    return services.sales_receipt_create(
        business=business,
        contact=contact,
        issue_date=ISSUE_DATE,
        lines=[LineInput(description="Tonte", unit_price=Decimal(price))],
        **kwargs,
    )


def test_sales_receipt_is_issued_and_paid_at_once(business, contact, qc_group, recorded_events):
    receipt = _sell(business, contact, method="debit", reference="TERM-1")
    payment = receipt.payments.get()
    assert (receipt.number, receipt.status, receipt.is_sales_receipt) == ("RV-1", "paid", True)
    assert (receipt.total, receipt.amount_paid, receipt.balance) == (
        Decimal("51.74"),
        Decimal("51.74"),
        Decimal("0.00"),
    )
    assert (receipt.due_date, receipt.terms) == (ISSUE_DATE, "on_receipt")
    assert (payment.amount, payment.method, payment.reference) == (
        Decimal("51.74"),
        "debit",
        "TERM-1",
    )
    assert [name for name, _p in recorded_events] == ["invoice_issued", "payment_recorded"]
    # invoices keep their own numbering
    invoice = services.invoice_issue(
        invoice=services.invoice_create(
            business=business,
            contact=contact,
            issue_date=ISSUE_DATE,
            lines=[LineInput(description="x", unit_price=Decimal("1"))],
        )
    )
    assert invoice.number == "1001"
    assert _sell(business, contact).number == "RV-2"


def test_a_sales_receipt_cannot_be_edited_and_voids_with_its_payment(business, contact, qc_group):
    receipt = _sell(business, contact)
    with pytest.raises(ApplicationError, match="sales receipt"):
        services.invoice_update(
            invoice=receipt,
            contact=contact,
            issue_date=ISSUE_DATE,
            terms="on_receipt",
            lines=[LineInput(description="x", unit_price=Decimal("1"))],
        )
    services.sales_receipt_void(receipt=receipt)
    receipt.refresh_from_db()
    assert (receipt.status, receipt.balance, receipt.amount_paid) == ("void", 0, 0)
    assert Payment.objects.get().is_void


def test_the_payment_of_a_sales_receipt_is_not_voided_alone(
    owner_client, business, contact, qc_group, recorded_events
):
    # given a sales receipt (one SalesReceipt in QuickBooks: money and sale together)
    receipt = _sell(business, contact)
    payment = receipt.payments.get()
    recorded_events.clear()
    # when its payment alone is voided, by the service or by a forged POST
    with pytest.raises(ApplicationError, match="void the sales receipt instead"):
        services.payment_void(payment=payment)
    response = owner_client.post(
        reverse("invoicing:payment_void", args=[receipt.pk, payment.pk]), follow=True
    )
    # then nothing changed, nothing was announced, and the page says what to do
    receipt.refresh_from_db()
    payment.refresh_from_db()
    assert (receipt.status, receipt.balance, payment.status) == (
        "paid",
        Decimal("0.00"),
        "recorded",
    )
    assert recorded_events == []
    page = response.content.decode()
    assert "void the sales receipt instead" in page
    # and the page offers no such button, and names its void for what it is
    assert reverse("invoicing:payment_void", args=[receipt.pk, payment.pk]) not in page
    assert ">Void sales receipt<" in page


def test_new_sales_receipt_page_and_the_list_filter(owner_client, business, contact, qc_group):
    page = owner_client.get(reverse("invoicing:invoice_list")).content.decode()
    assert reverse("invoicing:sales_receipt_create") in page
    response = owner_client.post(
        reverse("invoicing:sales_receipt_create"),
        {
            "contact": str(contact.pk),
            "issue_date": "2026-03-02",
            "notes": "",
            "method": "cash",
            "reference": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "200",
            "lines-0-description": "Tonte à la porte",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "45.00",
            "lines-0-is_taxable": "on",
            "lines-0-tax_group": "",
        },
    )
    receipt = Invoice.objects.get(is_sales_receipt=True)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[receipt.pk])
    detail = owner_client.get(response["Location"]).content.decode()
    assert "Sales receipt RV-1" in detail
    assert reverse("invoicing:invoice_update", args=[receipt.pk]) not in detail
    invoice = services.invoice_create(
        business=business,
        contact=contact,
        issue_date=ISSUE_DATE,
        lines=[LineInput(description="x", unit_price=Decimal("1"))],
    )
    only_receipts = owner_client.get(reverse("invoicing:invoice_list"), {"kind": "sales_receipt"})
    listed = [row.pk for row in only_receipts.context["invoices"]]
    assert listed == [receipt.pk]
    only_invoices = owner_client.get(reverse("invoicing:invoice_list"), {"kind": "invoice"})
    assert [row.pk for row in only_invoices.context["invoices"]] == [invoice.pk]
    # voided from its page, with its payment
    owner_client.post(reverse("invoicing:invoice_void", args=[receipt.pk]))
    receipt.refresh_from_db()
    assert receipt.status == "void"
    printed = owner_client.get(reverse("invoicing:invoice_print", args=[receipt.pk]))
    assert "Reçu de vente RV-1" in printed.content.decode()  # the client reads French


def test_sales_receipt_numbering_is_on_the_invoice_settings_page(
    owner_client, business, contact, qc_group
):
    owner_client.post(
        reverse("invoicing:invoice_settings"),
        {
            "numbering": "sales_receipt",
            "sales_receipt-prefix": "VC-",
            "sales_receipt-next_number": "7",
        },
    )
    assert _sell(business, contact).number == "VC-7"
