"""Credit notes: what they credit, their taxes, their numbers, where their amount goes."""

import datetime
from decimal import Decimal

import pytest

from core.exceptions import ApplicationError
from invoicing import services
from invoicing.models import (
    CreditApplication,
    CreditNote,
    CreditNoteStatus,
    DocumentSequence,
    Invoice,
)
from invoicing.services import CreditAmountInput, CreditLineInput, LineInput
from tests.factories.invoicing import TaxGroupFactory

from .conftest import ISSUE_DATE

CREDIT_DATE = datetime.date(2026, 3, 10)


def _credit(invoice, **kwargs):
    kwargs.setdefault("date", CREDIT_DATE)
    return services.credit_note_create(invoice=invoice, **kwargs)


def test_full_credit_reverses_every_tax_and_settles_the_invoice(make_invoice, recorded_events):
    invoice = make_invoice(lines=(("2", "75.00"), ("1", "19.99"), ("3", "10", False)), issue=True)
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("199.99"),
        Decimal("25.46"),
        Decimal("225.45"),
    )
    recorded_events.clear()
    credit_note = _credit(invoice, full=True, reason="Hiver doux")
    invoice.refresh_from_db()
    assert credit_note.number == "NC-1"
    assert (credit_note.subtotal, credit_note.tax_total, credit_note.total) == (
        invoice.subtotal,
        invoice.tax_total,
        invoice.total,
    )
    assert [(t.name, t.taxable_amount, t.amount) for t in credit_note.taxes.all()] == [
        (t.name, t.taxable_amount, t.amount) for t in invoice.taxes.all()
    ]
    assert (credit_note.amount_applied, credit_note.balance) == (Decimal("225.45"), Decimal("0"))
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (
        Decimal("225.45"),
        Decimal("0.00"),
        "paid",
    )
    assert [name for name, _payload in recorded_events] == ["credit_note_issued", "credit_applied"]


def test_partial_quantity_credit_taxes_its_own_base(make_invoice):
    invoice = make_invoice(lines=(("4", "45.00"), ("1", "100.00")), issue=True)
    first = invoice.lines.order_by("position")[0]
    credit_note = _credit(
        invoice, lines=[CreditLineInput(invoice_line=first, quantity=Decimal("1"))]
    )
    # 45.00 × 5 % = 2.25; 45.00 × 9.975 % = 4.48875 -> 4.49
    assert [(t.name, t.amount) for t in credit_note.taxes.all()] == [
        ("TPS", Decimal("2.25")),
        ("TVQ", Decimal("4.49")),
    ]
    assert credit_note.total == Decimal("51.74")
    invoice.refresh_from_db()
    assert invoice.balance == invoice.total - Decimal("51.74")
    assert invoice.status == "partially_paid"
    # three more can be credited, not four
    with pytest.raises(ApplicationError, match="at most 3"):
        _credit(invoice, lines=[CreditLineInput(invoice_line=first, quantity=Decimal("4"))])
    assert CreditNote.objects.count() == 1


def test_credit_over_two_tax_groups_keeps_each_group_apart(business, make_invoice):
    ontario = TaxGroupFactory(business=business, name="TVH", components=[("TVH", "13")])
    invoice = make_invoice(lines=(("1", "100.00"), ("1", "50.00")), issue=False)
    lines = [
        LineInput(description="QC", quantity=Decimal("1"), unit_price=Decimal("100.00")),
        LineInput(
            description="ON", quantity=Decimal("1"), unit_price=Decimal("50.00"), tax_group=ontario
        ),
    ]
    invoice = services.invoice_update(
        invoice=invoice, contact=invoice.contact, issue_date=ISSUE_DATE, terms="net_30", lines=lines
    )
    invoice = services.invoice_issue(invoice=invoice)
    credit_note = _credit(invoice, full=True)
    assert [(t.name, t.taxable_amount, t.amount) for t in credit_note.taxes.all()] == [
        ("TPS", Decimal("100.00"), Decimal("5.00")),
        ("TVQ", Decimal("100.00"), Decimal("9.98")),
        ("TVH", Decimal("50.00"), Decimal("6.50")),
    ]


def test_amount_credit_is_taxed_with_the_chosen_group(make_invoice, qc_group):
    invoice = make_invoice(lines=(("1", "300.00"),), issue=True)
    credit_note = _credit(
        invoice,
        amount=CreditAmountInput(amount=Decimal("40.00"), tax_group=qc_group, description="Pluie"),
    )
    assert (credit_note.subtotal, credit_note.tax_total, credit_note.total) == (
        Decimal("40.00"),
        Decimal("5.99"),
        Decimal("45.99"),
    )
    assert credit_note.lines.get().description == "Pluie"
    untaxed = _credit(invoice, amount=CreditAmountInput(amount=Decimal("10"), tax_group=None))
    assert (untaxed.tax_total, untaxed.total, untaxed.number) == (
        Decimal("0.00"),
        Decimal("10.00"),
        "NC-2",
    )


def test_amount_credit_cannot_exceed_what_is_left_of_the_invoice(make_invoice, qc_group):
    invoice = make_invoice(lines=(("1", "100.00"),), issue=True)
    with pytest.raises(ApplicationError, match="more than its total"):
        _credit(invoice, amount=CreditAmountInput(amount=Decimal("100.01"), tax_group=qc_group))
    assert CreditNote.objects.count() == 0
    # the number was given back
    assert not DocumentSequence.objects.filter(next_number__gt=1).exists()
    assert _credit(invoice, full=True).number == "NC-1"


def test_credit_on_a_paid_invoice_stays_open_and_pays_the_next_invoice(make_invoice):
    first = make_invoice(lines=(("1", "100.00"),), issue=True)
    services.payment_record(invoice=first, amount=first.total, date=CREDIT_DATE)
    credit_note = _credit(first, full=True)
    first.refresh_from_db()
    assert (first.balance, first.status, first.amount_credited) == (Decimal("0"), "paid", 0)
    assert credit_note.is_open and credit_note.balance == Decimal("114.98")
    assert CreditApplication.objects.count() == 0
    second = make_invoice(lines=(("1", "80.00"),), issue=True)
    application = services.credit_apply(
        credit_note=credit_note, invoice=second, amount=Decimal("50.00"), date=CREDIT_DATE
    )
    second.refresh_from_db()
    credit_note.refresh_from_db()
    assert application.amount == Decimal("50.00")
    assert (second.balance, second.status) == (second.total - Decimal("50.00"), "partially_paid")
    assert (credit_note.amount_applied, credit_note.balance) == (
        Decimal("50.00"),
        Decimal("64.98"),
    )


def test_a_credit_goes_only_to_the_same_contact_and_never_past_a_balance(business, make_invoice):
    from tests.factories.contacts import ContactFactory

    first = make_invoice(lines=(("1", "100.00"),), issue=True)
    credit_note = _credit(first, full=True, apply_to_invoice=False)
    other = make_invoice(
        lines=(("1", "10.00"),), issue=True, contact=ContactFactory(business=business)
    )
    with pytest.raises(ApplicationError, match="same contact"):
        services.credit_apply(
            credit_note=credit_note, invoice=other, amount=Decimal("1"), date=CREDIT_DATE
        )
    small = make_invoice(lines=(("1", "10.00"),), issue=True)
    with pytest.raises(ApplicationError, match="balance"):
        services.credit_apply(
            credit_note=credit_note, invoice=small, amount=Decimal("11.51"), date=CREDIT_DATE
        )
    assert CreditApplication.objects.count() == 0
    assert Invoice.objects.get(pk=small.pk).amount_credited == 0


def test_void_credit_note_gives_the_balances_back(make_invoice, recorded_events):
    invoice = make_invoice(lines=(("1", "100.00"),), issue=True)
    credit_note = _credit(invoice, full=True)
    recorded_events.clear()
    services.credit_note_void(credit_note=credit_note)
    invoice.refresh_from_db()
    credit_note.refresh_from_db()
    assert (invoice.balance, invoice.status, invoice.amount_credited) == (
        invoice.total,
        "issued",
        Decimal("0"),
    )
    assert (credit_note.status, credit_note.balance) == (CreditNoteStatus.VOID, Decimal("0"))
    assert CreditApplication.objects.get().is_void
    assert [name for name, _p in recorded_events] == [
        "credit_application_voided",
        "credit_note_voided",
    ]
    # the invoice can be credited again, fully
    assert _credit(invoice, full=True).number == "NC-2"


def test_invoice_with_credit_notes_cannot_be_edited_or_voided(make_invoice):
    invoice = make_invoice(lines=(("1", "100.00"),), issue=True)
    _credit(invoice, amount=CreditAmountInput(amount=Decimal("5"), tax_group=None))
    with pytest.raises(ApplicationError, match="credit notes"):
        services.invoice_void(invoice=invoice)
    with pytest.raises(ApplicationError, match="credit notes"):
        services.invoice_update(
            invoice=invoice,
            contact=invoice.contact,
            issue_date=ISSUE_DATE,
            terms="net_30",
            lines=[LineInput(description="x", unit_price=Decimal("1"))],
        )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.lines.count()) == ("partially_paid", 1)


def test_drafts_and_void_invoices_cannot_be_credited(make_invoice):
    draft = make_invoice()
    with pytest.raises(ApplicationError, match="Issue the invoice"):
        _credit(draft, full=True)
    void = services.invoice_void(invoice=make_invoice(issue=True))
    with pytest.raises(ApplicationError, match="void"):
        _credit(void, full=True)
    assert CreditNote.objects.count() == 0


def test_credit_note_prefix_is_configurable(business, make_invoice):
    services.document_sequence_update(
        business=business, kind="credit_note", prefix="CR-", next_number=500
    )
    invoice = make_invoice(issue=True)
    assert _credit(invoice, full=True).number == "CR-500"
    with pytest.raises(ApplicationError):
        services.document_sequence_update(
            business=business, kind="credit_note", prefix="CR-", next_number=500
        )
