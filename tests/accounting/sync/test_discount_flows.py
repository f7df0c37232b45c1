"""Discounts through the sync engine: QBO's discount line before tax on an invoice, a credit
memo and a sales receipt; a discount of 100 %."""

import datetime
from decimal import Decimal

from accounting.sync.models import CreditNoteLink, InvoiceLink, SalesReceiptLink, SyncJob
from invoicing import services as invoicing

from .conftest import make_contact, run_due

LINES = [
    invoicing.LineInput(description="Tonte", quantity=Decimal("3"), unit_price=Decimal("45.00")),
    invoicing.LineInput(description="Taille", quantity=Decimal("1"), unit_price=Decimal("80.00")),
]


def _issue(qbo, **discount):
    invoice = invoicing.invoice_create(
        business=qbo.business,
        contact=make_contact(qbo.business),
        issue_date=datetime.date(2026, 11, 20),
        lines=LINES,
        **discount,
    )
    return invoicing.invoice_issue(invoice=invoice)


def _discount_line(remote):
    return next(line for line in remote["Line"] if line["DetailType"] == "DiscountLineDetail")


def test_percentage_discount_is_a_discount_line_and_the_totals_agree(qbo):
    invoice = _issue(qbo, discount_kind="percent", discount_value=Decimal("12.5"))
    # 215.00 − 26.88 (26.875 -> 26.88) = 188.12; TPS 9.406 -> 9.41, TVQ 18.76497 -> 18.76
    assert (invoice.discount, invoice.tax_total, invoice.total) == (
        Decimal("26.88"),
        Decimal("28.17"),
        Decimal("216.29"),
    )
    assert run_due() == ["done"]
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    line = _discount_line(remote)
    assert line["DiscountLineDetail"]["PercentBased"] is True
    assert Decimal(str(line["DiscountLineDetail"]["DiscountPercent"])) == Decimal("12.5")
    assert Decimal(str(line["Amount"])) == invoice.discount
    assert remote["ApplyTaxAfterDiscount"] is True
    assert Decimal(str(remote["TotalAmt"])) == invoice.total
    assert SyncJob.objects.get().warning_key == ""
    # a credit of one line carries the percentage
    credit_note = invoicing.credit_note_create(
        invoice=invoice,
        date=datetime.date(2026, 11, 25),
        lines=[
            invoicing.CreditLineInput(
                invoice_line=invoice.lines.order_by("position")[1], quantity=Decimal("1")
            )
        ],
    )
    assert (credit_note.discount, credit_note.total) == (Decimal("10.00"), Decimal("80.48"))
    assert run_due() == ["done", "done"]
    memo = qbo.company.get("CreditMemo", CreditNoteLink.objects.get().qbo_id)
    assert Decimal(str(_discount_line(memo)["Amount"])) == Decimal("10.00")
    assert Decimal(str(memo["TotalAmt"])) == credit_note.total
    invoice.refresh_from_db()
    assert Decimal(
        str(qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)["Balance"])
    ) == (invoice.balance)


def test_amount_discount_and_a_full_credit_of_it(qbo):
    invoice = _issue(qbo, discount_kind="amount", discount_value=Decimal("15.00"))
    assert (invoice.discount, invoice.total) == (Decimal("15.00"), Decimal("229.95"))
    credit_note = invoicing.credit_note_create(
        invoice=invoice, date=datetime.date(2026, 11, 25), full=True
    )
    assert (credit_note.discount, credit_note.total) == (Decimal("15.00"), invoice.total)
    assert run_due() == ["done", "done", "done"]
    memo = qbo.company.get("CreditMemo", CreditNoteLink.objects.get().qbo_id)
    assert _discount_line(memo)["DiscountLineDetail"]["PercentBased"] is False
    assert Decimal(str(memo["TotalAmt"])) == invoice.total
    assert (
        Decimal(str(qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)["Balance"])) == 0
    )


def test_a_discount_of_100_percent_reaches_quickbooks_as_a_free_invoice(qbo):
    invoice = _issue(qbo, discount_kind="percent", discount_value=Decimal("100"))
    assert (invoice.total, invoice.status) == (Decimal("0.00"), "paid")
    assert run_due() == ["done"]
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    assert Decimal(str(remote["TotalAmt"])) == 0
    assert Decimal(str(remote["TxnTaxDetail"]["TotalTax"])) == 0


def test_discounted_sales_receipt(qbo):
    receipt = invoicing.sales_receipt_create(
        business=qbo.business,
        contact=make_contact(qbo.business),
        issue_date=datetime.date(2026, 11, 20),
        lines=LINES,
        method="cash",
        discount_kind="percent",
        discount_value=Decimal("10"),
    )
    assert run_due() == ["done"]
    remote = qbo.company.get("SalesReceipt", SalesReceiptLink.objects.get().qbo_id)
    assert Decimal(str(remote["TotalAmt"])) == receipt.total == receipt.amount_paid


def test_a_line_discount_is_a_negative_line_under_it_and_taxes_agree(qbo):
    invoice = invoicing.invoice_create(
        business=qbo.business,
        contact=make_contact(qbo.business),
        issue_date=datetime.date(2026, 11, 20),
        lines=[
            invoicing.LineInput(
                description="Tonte",
                quantity=Decimal("3"),
                unit_price=Decimal("45.00"),
                discount_kind="percent",
                discount_value=Decimal("15"),
            ),
            invoicing.LineInput(
                description="Taille",
                unit_price=Decimal("80.00"),
                discount_kind="amount",
                discount_value=Decimal("5.55"),
            ),
        ],
        discount_kind="percent",
        discount_value=Decimal("5"),
    )
    invoice = invoicing.invoice_issue(invoice=invoice)
    first, second = invoice.lines.order_by("position")
    # 135.00 − 20.25 = 114.75; 80.00 − 5.55 = 74.45; subtotal 189.20; 5 % = 9.46 off
    assert (first.discount, second.discount) == (Decimal("20.25"), Decimal("5.55"))
    assert (invoice.subtotal, invoice.discount) == (Decimal("189.20"), Decimal("9.46"))
    assert run_due() == ["done"]
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    sales = [line for line in remote["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    assert [Decimal(str(line["Amount"])) for line in sales] == [
        Decimal("135.00"),
        Decimal("-20.25"),
        Decimal("80.00"),
        Decimal("-5.55"),
    ]
    # in the business's language (fr-ca)
    assert sales[1]["Description"] == "Remise 15\u00a0% : Tonte"
    assert sales[3]["Description"] == "Remise : Taille"
    assert (
        sales[1]["SalesItemLineDetail"]["TaxCodeRef"]
        == sales[0]["SalesItemLineDetail"]["TaxCodeRef"]
    )
    assert Decimal(str(remote["TotalAmt"])) == invoice.total
    assert Decimal(str(remote["TxnTaxDetail"]["TotalTax"])) == invoice.tax_total
    assert SyncJob.objects.get().warning_key == ""
    # crediting a line with a percentage discount carries it
    credit_note = invoicing.credit_note_create(
        invoice=invoice,
        date=datetime.date(2026, 11, 25),
        lines=[invoicing.CreditLineInput(invoice_line=first, quantity=Decimal("1"))],
    )
    credited = credit_note.lines.get()
    assert (credited.amount, credited.discount) == (Decimal("45.00"), Decimal("6.75"))
    assert credit_note.subtotal == Decimal("38.25")
    assert run_due() == ["done", "done"]
    memo = qbo.company.get("CreditMemo", CreditNoteLink.objects.get().qbo_id)
    assert Decimal(str(memo["TotalAmt"])) == credit_note.total


def test_a_line_with_a_discount_of_an_amount_is_credited_whole(qbo):
    import pytest

    from core.exceptions import ApplicationError

    invoice = invoicing.invoice_issue(
        invoice=invoicing.invoice_create(
            business=qbo.business,
            contact=make_contact(qbo.business),
            issue_date=datetime.date(2026, 11, 20),
            lines=[
                invoicing.LineInput(
                    description="Tonte",
                    quantity=Decimal("3"),
                    unit_price=Decimal("45.00"),
                    discount_kind="amount",
                    discount_value=Decimal("10"),
                )
            ],
        )
    )
    line = invoice.lines.get()
    with pytest.raises(ApplicationError, match="credit the whole line"):
        invoicing.credit_note_create(
            invoice=invoice,
            date=datetime.date(2026, 11, 25),
            lines=[invoicing.CreditLineInput(invoice_line=line, quantity=Decimal("1"))],
        )
    credit_note = invoicing.credit_note_create(
        invoice=invoice, date=datetime.date(2026, 11, 25), full=True
    )
    assert credit_note.total == invoice.total
