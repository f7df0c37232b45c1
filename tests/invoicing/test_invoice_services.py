import datetime
from decimal import Decimal

import pytest

from core.exceptions import ApplicationError
from invoicing import services
from invoicing.models import Invoice, InvoiceLine, InvoiceTax
from invoicing.services import LineInput
from tests.factories.catalog import ItemFactory
from tests.factories.contacts import ContactFactory
from tests.factories.invoicing import InvoiceSequenceFactory, TaxGroupFactory

from .conftest import ISSUE_DATE

pytestmark = pytest.mark.django_db
D = Decimal


def taxes(invoice):
    return list(
        InvoiceTax.objects.filter(invoice=invoice)
        .order_by("position")
        .values_list("name", "rate", "taxable_amount", "amount")
    )


def test_create_stores_a_draft_with_lines_taxes_and_totals(business, contact, qc_group, item):
    # when
    invoice = services.invoice_create(
        business=business,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="net_15",
        notes="  Merci!  ",
        lines=[
            LineInput(item=item, quantity=D("2"), unit_price=D("45.00")),
            LineInput(
                description="Frais de déplacement",
                quantity=D("1"),
                unit_price=D("10.005"),
                is_taxable=False,
            ),
        ],
    )
    # then
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number, invoice.due_date, invoice.notes) == (
        "draft",
        "",
        datetime.date(2026, 3, 17),
        "Merci!",
    )
    assert (
        invoice.subtotal,
        invoice.tax_total,
        invoice.total,
        invoice.amount_paid,
        invoice.balance,
    ) == (D("100.01"), D("13.48"), D("113.49"), D("0.00"), D("113.49"))
    lines = list(
        invoice.lines.order_by("position").values_list(
            "position",
            "item_id",
            "description",
            "quantity",
            "unit_price",
            "is_taxable",
            "tax_group_id",
            "amount",
        )
    )
    assert lines == [
        (0, item.pk, "Tonte", D("2.000"), D("45.0000"), True, qc_group.pk, D("90.00")),
        (1, None, "Frais de déplacement", D("1.000"), D("10.0050"), False, None, D("10.01")),
    ]
    assert taxes(invoice) == [
        ("TPS", D("5.000"), D("90.00"), D("4.50")),
        ("TVQ", D("9.975"), D("90.00"), D("8.98")),
    ]


@pytest.mark.parametrize(
    "terms, due",
    [
        ("on_receipt", datetime.date(2026, 3, 2)),
        ("net_15", datetime.date(2026, 3, 17)),
        ("net_30", datetime.date(2026, 4, 1)),
        ("net_60", datetime.date(2026, 5, 1)),
    ],
)
def test_due_date_follows_the_terms(make_invoice, terms, due):
    assert make_invoice(terms=terms).due_date == due


def test_a_due_date_given_by_the_user_wins_over_the_terms(make_invoice):
    invoice = make_invoice(terms="net_30", due_date=datetime.date(2026, 3, 10))
    assert invoice.due_date == datetime.date(2026, 3, 10)


def test_without_terms_the_business_default_terms_apply(business, make_invoice):
    InvoiceSequenceFactory(business=business, default_terms="net_60")
    invoice = make_invoice(terms=None)
    assert (invoice.terms, invoice.due_date) == ("net_60", datetime.date(2026, 5, 1))


@pytest.mark.parametrize(
    "kwargs, field, message",
    [
        (
            {"due_date": datetime.date(2026, 3, 1)},
            "due_date",
            "The due date cannot be before the issue date.",
        ),
        ({"terms": "net_7"}, "terms", "Choose valid terms."),
        ({"lines": []}, "lines", "Add at least one line to the invoice."),
        ({"lines": [("0", "10")]}, "lines", "Each quantity must be greater than zero."),
        ({"lines": [("1", "-10")]}, "lines", "A unit price cannot be negative."),
        (
            {"lines": [("1.0001", "10")]},
            "lines",
            "Use at most 3 decimals for quantities and 4 for unit prices.",
        ),
        ({"lines": [("999999999", "9999999999")]}, "lines", "The invoice total is too large."),
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(make_invoice, kwargs, field, message):
    with pytest.raises(ApplicationError) as error:
        make_invoice(**kwargs)
    assert (error.value.field, error.value.message) == (field, message)
    assert (Invoice.objects.count(), InvoiceLine.objects.count(), InvoiceTax.objects.count()) == (
        0,
        0,
        0,
    )


def test_another_business_contact_item_or_tax_group_is_refused(
    business, other_business, contact, qc_group
):
    foreign_contact = ContactFactory(business=other_business)
    foreign_item = ItemFactory(business=other_business)
    foreign_group = TaxGroupFactory(business=other_business, components=[("TPS", "5")])
    cases = [
        (
            {"contact": foreign_contact, "lines": [LineInput(description="x")]},
            "Choose one of your contacts.",
        ),
        (
            {"contact": contact, "lines": [LineInput(item=foreign_item)]},
            "Choose one of your products or services.",
        ),
        (
            {"contact": contact, "lines": [LineInput(description="x", tax_group=foreign_group)]},
            "Choose one of your tax groups.",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(ApplicationError) as error:
            services.invoice_create(
                business=business, issue_date=ISSUE_DATE, terms="net_30", **kwargs
            )
        assert error.value.message == message
    assert Invoice.objects.count() == 0


def test_a_line_needs_an_item_or_a_description(make_invoice, business, contact):
    with pytest.raises(ApplicationError) as error:
        services.invoice_create(
            business=business,
            contact=contact,
            issue_date=ISSUE_DATE,
            terms="net_30",
            lines=[LineInput(description="   ")],
        )
    assert error.value.message == "Each line needs a product or service, or a description."
    assert Invoice.objects.count() == 0


def test_taxable_line_without_group_and_without_default_is_refused(business, contact):
    TaxGroupFactory(business=business, name="TVH", components=[("TVH", "13")])  # not default
    with pytest.raises(ApplicationError) as error:
        services.invoice_create(
            business=business,
            contact=contact,
            issue_date=ISSUE_DATE,
            terms="net_30",
            lines=[LineInput(description="x", unit_price=D("10"))],
        )
    assert error.value.field == "lines"
    assert error.value.message.startswith("A taxable line has no tax group")
    assert Invoice.objects.count() == 0


def test_a_line_tax_group_overrides_the_default(make_invoice, business, contact):
    on = TaxGroupFactory(business=business, name="TVH 13 %", components=[("TVH", "13")])
    invoice = services.invoice_create(
        business=business,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="net_30",
        lines=[
            LineInput(description="a", unit_price=D("100"), tax_group=on),
            LineInput(description="b", unit_price=D("100")),
        ],
    )
    assert taxes(invoice) == [
        ("TVH", D("13.000"), D("100.00"), D("13.00")),
        ("TPS", D("5.000"), D("100.00"), D("5.00")),
        ("TVQ", D("9.975"), D("100.00"), D("9.98")),
    ]
    assert invoice.total == D("227.98")


def test_update_replaces_the_lines_of_a_draft_and_recomputes(make_invoice, contact):
    invoice = make_invoice(lines=[("1", "100"), ("2", "50")])
    old_line_ids = set(invoice.lines.values_list("pk", flat=True))
    # when
    services.invoice_update(
        invoice=invoice,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="on_receipt",
        lines=[LineInput(description="Seule", unit_price=D("4495.16"))],
    )
    # then
    invoice.refresh_from_db()
    assert (
        invoice.status,
        invoice.subtotal,
        invoice.tax_total,
        invoice.total,
        invoice.balance,
        invoice.due_date,
    ) == ("draft", D("4495.16"), D("673.15"), D("5168.31"), D("5168.31"), ISSUE_DATE)
    assert list(invoice.lines.values_list("description", flat=True)) == ["Seule"]
    assert not InvoiceLine.objects.filter(pk__in=old_line_ids).exists()
    assert [row[3] for row in taxes(invoice)] == [D("224.76"), D("448.39")]


def test_an_issued_invoice_can_be_edited_and_keeps_its_number(make_invoice, contact):
    invoice = make_invoice(issue=True)
    services.invoice_update(
        invoice=invoice,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="net_30",
        lines=[LineInput(description="x", unit_price=D("200"))],
    )
    invoice.refresh_from_db()
    assert (invoice.number, invoice.status, invoice.total, invoice.balance) == (
        "1001",
        "issued",
        D("229.95"),
        D("229.95"),
    )


def test_editing_a_paid_invoice_up_makes_it_partially_paid(make_invoice, contact):
    invoice = make_invoice(issue=True)
    services.payment_record(invoice=invoice, amount=D("114.98"), date=ISSUE_DATE)
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    # when
    services.invoice_update(
        invoice=invoice,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="net_30",
        lines=[LineInput(description="x", unit_price=D("200"))],
    )
    # then
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.balance) == (
        "partially_paid",
        D("114.98"),
        D("114.97"),
    )


def test_editing_down_to_exactly_the_paid_amount_makes_it_paid(make_invoice, contact):
    invoice = make_invoice(issue=True, lines=[("1", "200")])
    services.payment_record(invoice=invoice, amount=D("114.98"), date=ISSUE_DATE)
    services.invoice_update(
        invoice=invoice,
        contact=contact,
        issue_date=ISSUE_DATE,
        terms="net_30",
        lines=[LineInput(description="x", unit_price=D("100"))],
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.total, invoice.balance) == ("paid", D("114.98"), D("0.00"))


def test_editing_below_the_paid_amount_is_refused_and_changes_nothing(make_invoice, contact):
    invoice = make_invoice(issue=True, lines=[("1", "200")])
    services.payment_record(invoice=invoice, amount=D("150.00"), date=ISSUE_DATE)
    line_ids = list(invoice.lines.values_list("pk", flat=True))
    # when
    with pytest.raises(ApplicationError) as error:
        services.invoice_update(
            invoice=invoice,
            contact=contact,
            issue_date=ISSUE_DATE,
            terms="net_60",
            lines=[LineInput(description="x", unit_price=D("100"))],
        )
    # then
    assert error.value.message == (
        "The new total, $114.98, would be less than the $150.00 already paid. Void a payment "
        "first, or keep the total at least equal to what was paid."
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.terms, invoice.total, invoice.balance) == (
        "partially_paid",
        "net_30",
        D("229.95"),
        D("79.95"),
    )
    assert list(invoice.lines.values_list("pk", flat=True)) == line_ids
    assert [row[3] for row in taxes(invoice)] == [D("10.00"), D("19.95")]


def test_a_void_invoice_cannot_be_edited(make_invoice, contact):
    invoice = make_invoice(issue=True)
    services.invoice_void(invoice=invoice)
    with pytest.raises(ApplicationError) as error:
        services.invoice_update(
            invoice=invoice,
            contact=contact,
            issue_date=ISSUE_DATE,
            terms="net_30",
            lines=[LineInput(description="x")],
        )
    assert error.value.message == "A void invoice cannot be changed."
    invoice.refresh_from_db()
    assert (invoice.status, invoice.total, invoice.balance) == ("void", D("114.98"), D("0.00"))
    assert list(invoice.lines.values_list("description", flat=True)) == ["Ligne 1"]


def test_issue_assigns_the_next_number_with_the_prefix(business, make_invoice):
    InvoiceSequenceFactory(business=business, prefix="F-", next_number=1001)
    first = make_invoice(issue=True)
    second = make_invoice(issue=True)
    assert (first.number, first.status, first.balance) == ("F-1001", "issued", D("114.98"))
    assert first.issued_at is not None
    assert second.number == "F-1002"
    assert business_sequence_next(business) == 1003


def business_sequence_next(business):
    from invoicing.models import InvoiceSequence

    return InvoiceSequence.objects.get(business=business).next_number


def test_issue_creates_the_sequence_lazily(business, make_invoice):
    from invoicing.models import InvoiceSequence

    assert not InvoiceSequence.objects.filter(business=business).exists()
    invoice = make_invoice(issue=True)
    assert invoice.number == "1001"
    assert business_sequence_next(business) == 1002


def test_drafts_do_not_consume_numbers_and_numbering_is_per_business(
    business, other_business, make_invoice
):
    other_contact = ContactFactory(business=other_business)
    TaxGroupFactory(business=other_business, is_default=True, components=[("TPS", "5")])
    make_invoice()  # a draft: no number
    ours = make_invoice(issue=True)
    theirs = make_invoice(business=other_business, contact=other_contact, issue=True)
    assert (ours.number, theirs.number) == ("1001", "1001")


def test_issuing_twice_is_refused(make_invoice):
    invoice = make_invoice(issue=True)
    with pytest.raises(ApplicationError) as error:
        services.invoice_issue(invoice=invoice)
    assert error.value.message == "This invoice has already been issued."
    invoice.refresh_from_db()
    assert invoice.number == "1001"
    assert business_sequence_next(invoice.business) == 1002


def test_issuing_onto_a_number_already_used_is_refused_and_takes_no_number(business, make_invoice):
    sequence = InvoiceSequenceFactory(business=business, prefix="A", next_number=15)
    used = make_invoice(issue=True)
    assert used.number == "A15"
    sequence.refresh_from_db()
    sequence.prefix, sequence.next_number = "A1", 5  # bypassing the settings service
    sequence.save()
    draft = make_invoice()
    with pytest.raises(ApplicationError) as error:
        services.invoice_issue(invoice=draft)
    assert error.value.message == (
        "The next invoice number, A15, is already used. Change the "
        "next number in the invoice settings."
    )
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("draft", "")
    assert business_sequence_next(business) == 5


def test_void_keeps_the_number_and_zeroes_the_balance(make_invoice):
    invoice = make_invoice(issue=True)
    services.invoice_void(invoice=invoice)
    invoice.refresh_from_db()
    assert (invoice.number, invoice.status, invoice.total, invoice.balance) == (
        "1001",
        "void",
        D("114.98"),
        D("0.00"),
    )
    assert invoice.voided_at is not None


def test_void_is_refused_while_payments_exist(make_invoice):
    invoice = make_invoice(issue=True)
    services.payment_record(invoice=invoice, amount=D("10.00"), date=ISSUE_DATE)
    with pytest.raises(ApplicationError) as error:
        services.invoice_void(invoice=invoice)
    assert error.value.message == (
        "This invoice has payments. Void its payments first, then void the invoice."
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.voided_at) == (
        "partially_paid",
        D("104.98"),
        None,
    )


def test_void_twice_or_void_a_draft_is_refused(make_invoice):
    draft = make_invoice()
    with pytest.raises(ApplicationError) as error:
        services.invoice_void(invoice=draft)
    assert error.value.message == "A draft has no number yet: delete it instead of voiding it."
    draft.refresh_from_db()
    assert draft.status == "draft"
    issued = make_invoice(issue=True)
    services.invoice_void(invoice=issued)
    with pytest.raises(ApplicationError) as error:
        services.invoice_void(invoice=issued)
    assert error.value.message == "This invoice is already void."


def test_delete_removes_a_draft_only(make_invoice):
    draft = make_invoice()
    issued = make_invoice(issue=True)
    services.invoice_delete(invoice=draft)
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    assert not InvoiceLine.objects.filter(invoice_id=draft.pk).exists()
    with pytest.raises(ApplicationError) as error:
        services.invoice_delete(invoice=issued)
    assert error.value.message == "Only a draft can be deleted. Void an issued invoice instead."
    assert Invoice.objects.filter(pk=issued.pk, status="issued").exists()


# --- Discounts ------------------------------------------------------------------------------


def test_percentage_discount_comes_off_before_tax(make_invoice):
    from invoicing import services as svc

    invoice = make_invoice(lines=(("2", "75.00"), ("1", "50.00")))
    invoice = svc.invoice_update(
        invoice=invoice,
        contact=invoice.contact,
        issue_date=invoice.issue_date,
        terms="net_30",
        lines=[
            svc.LineInput(
                description=line.description, quantity=line.quantity, unit_price=line.unit_price
            )
            for line in invoice.lines.all()
        ],
        discount_kind="percent",
        discount_value=Decimal("10"),
    )
    # 200.00 − 20.00 = 180.00 taxable: TPS 9.00, TVQ 17.955 -> 17.96
    assert (invoice.subtotal, invoice.discount) == (Decimal("200.00"), Decimal("20.00"))
    assert [(t.taxable_amount, t.amount) for t in invoice.taxes.all()] == [
        (Decimal("180.00"), Decimal("9.00")),
        (Decimal("180.00"), Decimal("17.96")),
    ]
    assert invoice.total == Decimal("206.96")


def test_a_discount_of_100_percent_makes_a_free_invoice(make_invoice):
    from invoicing import services as svc

    invoice = svc.invoice_create(
        business=make_invoice().business,
        contact=make_invoice().contact,
        issue_date=make_invoice().issue_date,
        lines=[svc.LineInput(description="Essai gratuit", unit_price=Decimal("99.99"))],
        discount_kind="percent",
        discount_value=Decimal("100"),
    )
    assert (invoice.discount, invoice.tax_total, invoice.total, invoice.balance) == (
        Decimal("99.99"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    issued = svc.invoice_issue(invoice=invoice)
    assert issued.status == "paid"


def test_bad_discounts_are_refused_and_nothing_is_stored(make_invoice):
    from core.exceptions import ApplicationError
    from invoicing import services as svc
    from invoicing.models import Invoice

    template = make_invoice()
    for kind, value, message in (
        ("percent", Decimal("100.01"), "100"),
        ("percent", Decimal("0"), "greater than zero"),
        ("amount", Decimal("1.001"), "2 decimals"),
        ("bogus", Decimal("1"), "percentage or an amount"),
    ):
        with pytest.raises(ApplicationError, match=message):
            svc.invoice_create(
                business=template.business,
                contact=template.contact,
                issue_date=template.issue_date,
                lines=[svc.LineInput(description="x", unit_price=Decimal("10"))],
                discount_kind=kind,
                discount_value=value,
            )
    assert Invoice.objects.count() == 1
