from decimal import Decimal

import pytest

from core.exceptions import ApplicationError
from invoicing import services
from invoicing.models import Payment

from .conftest import ISSUE_DATE

pytestmark = pytest.mark.django_db
D = Decimal


def state(invoice):
    invoice.refresh_from_db()
    return invoice.status, invoice.amount_paid, invoice.balance


def test_partial_then_full_payment(make_invoice):
    invoice = make_invoice(issue=True)  # 114.98
    first = services.payment_record(
        invoice=invoice, amount=D("14.98"), date=ISSUE_DATE, method="cheque", reference=" 123 "
    )
    assert state(invoice) == ("partially_paid", D("14.98"), D("100.00"))
    assert (first.business_id, first.status, first.method, first.reference) == (
        invoice.business_id,
        "recorded",
        "cheque",
        "123",
    )
    services.payment_record(invoice=invoice, amount=D("100.00"), date=ISSUE_DATE)
    assert state(invoice) == ("paid", D("114.98"), D("0.00"))


@pytest.mark.parametrize(
    "amount, message",
    [
        (D("0"), "Enter an amount greater than zero."),
        (D("-5"), "Enter an amount greater than zero."),
        (D("NaN"), "Enter an amount greater than zero."),
        (D("1.001"), "Enter an amount in dollars and cents (2 decimals at most)."),
        (D("114.99"), "The amount cannot exceed the balance of $114.98."),
    ],
)
def test_amount_must_be_positive_and_at_most_the_balance(make_invoice, amount, message):
    invoice = make_invoice(issue=True)
    with pytest.raises(ApplicationError) as error:
        services.payment_record(invoice=invoice, amount=amount, date=ISSUE_DATE)
    assert (error.value.field, error.value.message) == ("amount", message)
    assert Payment.objects.count() == 0
    assert state(invoice) == ("issued", D("0.00"), D("114.98"))


def test_bad_method_is_refused(make_invoice):
    invoice = make_invoice(issue=True)
    with pytest.raises(ApplicationError) as error:
        services.payment_record(invoice=invoice, amount=D("1"), date=ISSUE_DATE, method="bitcoin")
    assert error.value.field == "method"
    assert Payment.objects.count() == 0


def test_no_payment_on_a_draft_a_void_or_a_paid_invoice(make_invoice):
    draft = make_invoice()
    void = make_invoice(issue=True)
    services.invoice_void(invoice=void)
    paid = make_invoice(issue=True)
    services.payment_record(invoice=paid, amount=D("114.98"), date=ISSUE_DATE)
    cases = [
        (draft, "Issue the invoice before recording a payment on it."),
        (void, "This invoice is void: it cannot receive a payment."),
        (paid, "This invoice is fully paid."),
    ]
    for invoice, message in cases:
        with pytest.raises(ApplicationError) as error:
            services.payment_record(invoice=invoice, amount=D("1.00"), date=ISSUE_DATE)
        assert error.value.message == message
    assert Payment.objects.count() == 1
    assert state(draft) == ("draft", D("0.00"), D("114.98"))
    assert state(void) == ("void", D("0.00"), D("0.00"))


def test_the_invoice_state_read_before_the_call_does_not_matter(make_invoice):
    invoice = make_invoice(issue=True)
    stale = type(invoice).objects.get(pk=invoice.pk)
    services.payment_record(invoice=invoice, amount=D("100.00"), date=ISSUE_DATE)
    # the stale copy still says balance 114.98; the service reads the locked row
    with pytest.raises(ApplicationError) as error:
        services.payment_record(invoice=stale, amount=D("20.00"), date=ISSUE_DATE)
    assert error.value.message == "The amount cannot exceed the balance of $14.98."
    assert state(invoice) == ("partially_paid", D("100.00"), D("14.98"))


def test_voiding_a_payment_gives_the_balance_back(make_invoice):
    invoice = make_invoice(issue=True)
    first = services.payment_record(invoice=invoice, amount=D("100.00"), date=ISSUE_DATE)
    second = services.payment_record(invoice=invoice, amount=D("14.98"), date=ISSUE_DATE)
    services.payment_void(payment=second)
    assert state(invoice) == ("partially_paid", D("100.00"), D("14.98"))
    second.refresh_from_db()
    assert (second.status, second.voided_at is not None) == ("void", True)
    services.payment_void(payment=first)
    assert state(invoice) == ("issued", D("0.00"), D("114.98"))
    # then the invoice can be voided
    services.invoice_void(invoice=invoice)
    assert state(invoice) == ("void", D("0.00"), D("0.00"))


def test_voiding_a_payment_twice_is_refused(make_invoice):
    invoice = make_invoice(issue=True)
    payment = services.payment_record(invoice=invoice, amount=D("50.00"), date=ISSUE_DATE)
    services.payment_void(payment=payment)
    with pytest.raises(ApplicationError) as error:
        services.payment_void(payment=payment)
    assert error.value.message == "This payment is already void."
    assert state(invoice) == ("issued", D("0.00"), D("114.98"))
