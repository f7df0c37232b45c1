"""Domain events: sent exactly when the issue says, inside the service's transaction."""

from decimal import Decimal

import pytest
from django.db import transaction

from businesses.services import business_sign_up
from contacts.models import Tag
from core import events
from core.exceptions import ApplicationError
from invoicing import services
from invoicing.models import Invoice, InvoiceSequence, Payment
from invoicing.services import LineInput
from tests.factories.invoicing import InvoiceSequenceFactory

from .conftest import ISSUE_DATE

pytestmark = pytest.mark.django_db
D = Decimal


def names(calls):
    return [name for name, _payload in calls]


def test_a_draft_never_issued_announces_nothing(make_invoice, contact, recorded_events):
    invoice = make_invoice()
    services.invoice_update(
        invoice=invoice,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="net_30",
        lines=[LineInput(description="x")],
    )
    services.invoice_delete(invoice=invoice)
    assert recorded_events == []


def test_each_service_sends_its_event_once_with_the_object(make_invoice, contact, recorded_events):
    invoice = make_invoice()
    services.invoice_issue(invoice=invoice)
    services.invoice_update(
        invoice=invoice,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="net_30",
        lines=[LineInput(description="x", unit_price=D("10"))],
    )
    payment = services.payment_record(invoice=invoice, amount=D("5.00"), date=ISSUE_DATE)
    services.payment_void(payment=payment)
    services.invoice_void(invoice=invoice)
    assert names(recorded_events) == [
        "invoice_issued",
        "invoice_changed",
        "payment_recorded",
        "payment_voided",
        "invoice_voided",
    ]
    payloads = [payload for _name, payload in recorded_events]
    assert [p["invoice"].pk for p in (payloads[0], payloads[1], payloads[4])] == [invoice.pk] * 3
    assert [p["payment"].pk for p in (payloads[2], payloads[3])] == [payment.pk] * 2
    # the payload is the state after the change
    assert payloads[0]["invoice"].number == "1001"
    assert payloads[3]["payment"].status == "void"


def test_failed_services_send_nothing(make_invoice, contact, recorded_events):
    invoice = make_invoice(issue=True)
    recorded_events.clear()
    with pytest.raises(ApplicationError):
        services.invoice_issue(invoice=invoice)
    with pytest.raises(ApplicationError):
        services.payment_record(invoice=invoice, amount=D("1000"), date=ISSUE_DATE)
    with pytest.raises(ApplicationError):
        services.invoice_update(
            invoice=invoice, contact=contact, issue_date=ISSUE_DATE, terms="net_30", lines=[]
        )
    assert recorded_events == []


def test_handlers_run_inside_the_transaction_and_roll_back_with_it(make_invoice, business):
    InvoiceSequenceFactory(business=business)
    invoice = make_invoice()

    def writes_then_fails(*, invoice):
        Tag.objects.create(business=invoice.business, name="écrit par le handler")
        raise RuntimeError("the handler failed")

    events.invoice_issued.subscribe(writes_then_fails)
    try:
        with pytest.raises(RuntimeError):
            services.invoice_issue(invoice=invoice)
    finally:
        events.invoice_issued.unsubscribe(writes_then_fails)
    # then nothing of the issue nor of the handler remains
    assert Tag.objects.count() == 0
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", "")
    assert InvoiceSequence.objects.get(business=business).next_number == 1001


def test_an_outer_rollback_undoes_the_handler_writes(make_invoice):
    invoice = make_invoice(issue=True)

    def writes(*, payment, **_payload):
        Tag.objects.create(business=payment.business, name="paiement vu")

    events.payment_recorded.subscribe(writes)
    try:
        with pytest.raises(ZeroDivisionError):
            with transaction.atomic():
                services.payment_record(invoice=invoice, amount=D("10.00"), date=ISSUE_DATE)
                assert Tag.objects.count() == 1
                raise ZeroDivisionError
    finally:
        events.payment_recorded.unsubscribe(writes)
    assert (Tag.objects.count(), Payment.objects.count()) == (0, 0)
    assert Invoice.objects.get(pk=invoice.pk).balance == D("114.98")


def test_business_created_sets_up_the_numbering(db):
    membership = business_sign_up(
        business_name="Déneigement ABC", email="a@example.com", password="un-mot-de-passe-solide"
    )
    sequence = InvoiceSequence.objects.get(business=membership.business)
    assert (sequence.prefix, sequence.next_number, sequence.default_terms) == ("", 1001, "net_30")
