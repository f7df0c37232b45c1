"""Concurrent issues get consecutive numbers: no gap, no duplicate. Runs on PostgreSQL (row
lock: SELECT ... FOR UPDATE) when DATABASE_URL points at it, and on SQLite too, where
IMMEDIATE transactions serialise writers."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.exceptions import ApplicationError
from invoicing import services
from invoicing.models import Invoice, InvoiceSequence, Payment
from invoicing.services import LineInput
from tests.factories.businesses import BusinessFactory
from tests.factories.contacts import ContactFactory
from tests.factories.invoicing import TaxGroupFactory

from .conftest import ISSUE_DATE

THREADS = 8
PER_THREAD = 5


def run_in_threads(work, arguments):
    """Run work(argument) in one thread per argument, all released at once; each thread closes
    its own database connection. Returns the exceptions raised."""
    barrier = threading.Barrier(len(arguments))
    errors = []

    def target(argument):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            work(argument)
        except Exception as error:  # noqa: BLE001 - collected and asserted by the test
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=target, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_numbers_without_gap_or_duplicate():
    # given 40 drafts
    business = BusinessFactory()
    contact = ContactFactory(business=business)
    TaxGroupFactory(business=business, is_default=True, components=[("TPS", "5")])
    drafts = [
        services.invoice_create(
            business=business,
            contact=contact,
            issue_date=ISSUE_DATE,
            terms="net_30",
            lines=[LineInput(description="x")],
        )
        for _ in range(THREADS * PER_THREAD)
    ]
    batches = [drafts[i::THREADS] for i in range(THREADS)]

    # when 8 threads issue 5 each at the same time
    def issue_all(batch):
        for invoice in batch:
            services.invoice_issue(invoice=invoice)

    errors = run_in_threads(issue_all, batches)

    # then
    assert errors == []
    numbers = sorted(
        Invoice.objects.filter(business=business).values_list("number", flat=True), key=int
    )
    assert numbers == [str(n) for n in range(1001, 1041)]
    assert InvoiceSequence.objects.get(business=business).next_number == 1041
    assert connection.vendor in ("postgresql", "sqlite")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_cannot_exceed_the_balance():
    # given an invoice of 100.00 (exempt)
    business = BusinessFactory()
    contact = ContactFactory(business=business)
    TaxGroupFactory(business=business, is_default=True)
    invoice = services.invoice_create(
        business=business,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="net_30",
        lines=[LineInput(description="x", unit_price=Decimal("100"))],
    )
    invoice = services.invoice_issue(invoice=invoice)

    # when 8 threads each try to pay 30.00
    errors = run_in_threads(
        lambda _n: services.payment_record(
            invoice=invoice, amount=Decimal("30.00"), date=ISSUE_DATE
        ),
        list(range(THREADS)),
    )

    # then exactly three succeed; the others are told the balance is too small
    assert len(errors) == THREADS - 3
    assert all(isinstance(error, ApplicationError) for error in errors)
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.balance, invoice.status) == (
        Decimal("90.00"),
        Decimal("10.00"),
        "partially_paid",
    )
    assert Payment.objects.filter(invoice=invoice).count() == 3
