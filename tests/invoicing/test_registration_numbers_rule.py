"""Québec: an invoice of $30 or more with taxes is not issued without the business's GST/HST and
QST registration numbers."""

from decimal import Decimal

import pytest

from core.exceptions import ApplicationError
from invoicing import services
from invoicing.models import Invoice, InvoiceSequence
from invoicing.services import LineInput
from tests.factories.invoicing import TaxGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gst_only(business):
    return TaxGroupFactory(business=business, name="TPS", components=[("TPS", "5")])


def make(make_invoice, business, unit_price, group):
    invoice = make_invoice(lines=(("1", unit_price),))
    return services.invoice_update(
        invoice=invoice,
        contact=invoice.contact,
        issue_date=invoice.issue_date,
        terms=invoice.terms,
        lines=[LineInput(description="Tonte", unit_price=Decimal(unit_price), tax_group=group)],
    )


def without_numbers(business, *, gst=True, qst=True):
    if gst:
        business.gst_hst_number = ""
    if qst:
        business.qst_number = ""
    business.save()


def test_exactly_30_dollars_with_taxes_is_refused_without_both_numbers(
    business, make_invoice, gst_only, recorded_events
):
    # given 28.57 + 5 % = 30.00
    without_numbers(business)
    invoice = make(make_invoice, business, "28.57", gst_only)
    assert invoice.total == Decimal("30.00")
    sequence = InvoiceSequence.objects.filter(business=business).values_list("next_number")
    before = list(sequence)
    # when
    with pytest.raises(ApplicationError) as caught:
        services.invoice_issue(invoice=invoice)
    # then
    assert caught.value.message == (
        "An invoice of $30.00 or more with taxes must show your registration numbers. Add your "
        "GST/HST registration number and QST registration number in Settings › Business (an "
        "owner can), then issue the invoice again."
    )
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.status, invoice.number, invoice.issued_at) == ("draft", "", None)
    assert list(sequence) == before
    assert [name for name, _payload in recorded_events] == []


def test_only_the_missing_number_is_named(business, make_invoice, qc_group):
    without_numbers(business, gst=False, qst=True)
    invoice = make_invoice(lines=(("1", "100.00"),))
    with pytest.raises(ApplicationError) as caught:
        services.invoice_issue(invoice=invoice)
    assert "Add your QST registration number in Settings › Business" in caught.value.message
    assert "GST/HST" not in caught.value.message


def test_29_99_with_taxes_is_issued_without_numbers(business, make_invoice, gst_only):
    # 28.56 + 5 % = 29.99
    without_numbers(business)
    invoice = make(make_invoice, business, "28.56", gst_only)
    assert services.invoice_issue(invoice=invoice).number == "1001"


def test_an_invoice_without_taxes_is_issued_without_numbers(business, make_invoice):
    without_numbers(business)
    invoice = make_invoice(lines=(("1", "500.00", False),))
    assert invoice.tax_total == Decimal("0.00")
    assert services.invoice_issue(invoice=invoice).status == "issued"


def test_a_business_outside_quebec_is_not_held_to_the_rule(business, make_invoice, qc_group):
    without_numbers(business)
    business.province = "ON"
    business.save()
    invoice = make_invoice(lines=(("1", "100.00"),))
    assert services.invoice_issue(invoice=invoice).status == "issued"


def test_with_both_numbers_the_invoice_is_issued(business, make_invoice, qc_group):
    invoice = make_invoice(lines=(("1", "100.00"),))
    assert services.invoice_issue(invoice=invoice).number == "1001"


def test_an_issued_invoice_cannot_be_raised_to_30_dollars_once_the_numbers_are_gone(
    business, make_invoice, gst_only
):
    invoice = services.invoice_issue(invoice=make(make_invoice, business, "10.00", gst_only))
    without_numbers(business)
    with pytest.raises(ApplicationError):
        services.invoice_update(
            invoice=invoice,
            contact=invoice.contact,
            issue_date=invoice.issue_date,
            terms=invoice.terms,
            lines=[LineInput(description="Tonte", unit_price=Decimal("40.00"), tax_group=gst_only)],
        )
    assert Invoice.objects.get(pk=invoice.pk).total == Decimal("10.50")
