"""Concurrent credit notes get consecutive numbers (no gap, no duplicate) and can never credit
a line past its quantity; a credit and a payment at once never take a balance below zero.
Runs on PostgreSQL (row locks) when DATABASE_URL points at it, and on SQLite."""

from decimal import Decimal

import pytest

from core.exceptions import ApplicationError
from invoicing import services
from invoicing.models import CreditNote, DocumentSequence, Invoice
from invoicing.services import CreditAmountInput, CreditLineInput, LineInput
from tests.factories.businesses import BusinessFactory
from tests.factories.contacts import ContactFactory
from tests.factories.invoicing import TaxGroupFactory

from .conftest import ISSUE_DATE
from .test_numbering_concurrency import run_in_threads

THREADS = 8
PER_THREAD = 4


def _invoice(business, contact, *, quantity="1", price="100"):
    invoice = services.invoice_create(
        business=business,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="net_30",
        lines=[LineInput(description="x", quantity=Decimal(quantity), unit_price=Decimal(price))],
    )
    return services.invoice_issue(invoice=invoice)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_credit_notes_get_numbers_without_gap_or_duplicate():
    business = BusinessFactory()
    contact = ContactFactory(business=business)
    TaxGroupFactory(business=business, is_default=True, components=[("TPS", "5")])
    invoices = [_invoice(business, contact) for _ in range(THREADS * PER_THREAD)]
    batches = [invoices[i::THREADS] for i in range(THREADS)]

    def credit_all(batch):
        for invoice in batch:
            services.credit_note_create(invoice=invoice, date=ISSUE_DATE, full=True)

    assert run_in_threads(credit_all, batches) == []
    numbers = sorted(
        CreditNote.objects.filter(business=business).values_list("number", flat=True),
        key=lambda number: int(number.removeprefix("NC-")),
    )
    assert numbers == [f"NC-{n}" for n in range(1, THREADS * PER_THREAD + 1)]
    assert DocumentSequence.objects.get(business=business).next_number == THREADS * PER_THREAD + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_credits_of_one_line_never_pass_its_quantity():
    business = BusinessFactory()
    contact = ContactFactory(business=business)
    TaxGroupFactory(business=business, is_default=True)
    invoice = _invoice(business, contact, quantity="3", price="50")
    line = invoice.lines.get()

    errors = run_in_threads(
        lambda _n: services.credit_note_create(
            invoice=invoice,
            date=ISSUE_DATE,
            lines=[CreditLineInput(invoice_line=line, quantity=Decimal("1"))],
        ),
        list(range(THREADS)),
    )

    assert len(errors) == THREADS - 3
    assert all(isinstance(error, ApplicationError) for error in errors)
    invoice.refresh_from_db()
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (
        Decimal("150.00"),
        Decimal("0.00"),
        "paid",
    )
    assert CreditNote.objects.filter(invoice=invoice).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_credits_and_payments_at_once_never_take_the_balance_below_zero():
    business = BusinessFactory()
    contact = ContactFactory(business=business)
    TaxGroupFactory(business=business, is_default=True)
    invoice = _invoice(business, contact)
    paid = _invoice(business, contact)
    services.payment_record(invoice=paid, amount=paid.total, date=ISSUE_DATE)
    credits = [
        services.credit_note_create(
            invoice=paid,
            date=ISSUE_DATE,
            amount=CreditAmountInput(amount=Decimal("12.50"), tax_group=None),
        )
        for _ in range(THREADS // 2)
    ]

    def work(n):
        if n % 2:
            services.payment_record(invoice=invoice, amount=Decimal("30.00"), date=ISSUE_DATE)
        else:
            services.credit_apply(
                credit_note=credits[n // 2],
                invoice=invoice,
                amount=Decimal("12.50"),
                date=ISSUE_DATE,
            )

    errors = run_in_threads(work, list(range(THREADS)))
    assert all(isinstance(error, ApplicationError) for error in errors)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.balance >= 0
    assert invoice.balance == invoice.total - invoice.amount_paid - invoice.amount_credited
    assert invoice.amount_paid + invoice.amount_credited <= Decimal("100.00")
