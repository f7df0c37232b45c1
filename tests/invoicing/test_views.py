import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing import services
from invoicing.models import Invoice, InvoiceSequence, Payment, TaxGroup
from tests.factories.businesses import MembershipFactory
from tests.factories.catalog import ItemFactory
from tests.factories.contacts import ContactFactory
from tests.factories.invoicing import InvoiceSequenceFactory, TaxGroupFactory

from .conftest import ISSUE_DATE

pytestmark = pytest.mark.django_db
D = Decimal


def lines_post(*lines, initial=0):
    """Formset data for the line editor; each line is a dict of its fields."""
    data = {
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{index}-{key}"] = value
    return data


def invoice_post(contact, *lines, **header):
    data = {
        "contact": str(contact.pk),
        "issue_date": "2026-03-02",
        "terms": "net_30",
        "due_date": "",
        "notes": "",
    }
    data.update(header)
    data.update(lines_post(*lines))
    return data


def test_list_shows_invoices_with_money_dates_and_badges(owner_client, make_invoice):
    make_invoice(issue=True)
    make_invoice(lines=(("2", "10"),))
    response = owner_client.get(reverse("invoicing:invoice_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert ">1001</a>" in page
    assert "$114.98" in page and "$23.00" in page
    assert '<span class="badge badge-issued">Issued</span>' in page
    assert '<span class="badge badge-draft">Draft</span>' in page
    assert "2026-03-02" in page or "03/02/2026" in page


def test_list_filters_by_status_and_searches_number_and_contact(
    owner_client, business, make_invoice
):
    other_contact = ContactFactory(business=business, display_name="Jean Gagnon")
    make_invoice(issue=True)
    make_invoice(contact=other_contact)
    url = reverse("invoicing:invoice_list")
    assert [i.pk for i in owner_client.get(url, {"status": "draft"}).context["invoices"]] == [
        Invoice.objects.get(status="draft").pk
    ]
    found = owner_client.get(url, {"q": "gagnon"}).context["invoices"]
    assert [i.contact.display_name for i in found] == ["Jean Gagnon"]
    assert [i.number for i in owner_client.get(url, {"q": "1001"}).context["invoices"]] == ["1001"]
    response = owner_client.get(url, {"status": "nope"})  # shown as an error, not applied
    assert len(response.context["invoices"]) == 2
    assert "Select a valid choice. nope is not one of the available choices." in (
        response.content.decode()
    )


def test_list_paginates_by_50(owner_client, business, contact, qc_group):
    Invoice.objects.bulk_create(
        [
            Invoice(business=business, contact=contact, issue_date=ISSUE_DATE, due_date=ISSUE_DATE)
            for _ in range(51)
        ]
    )
    url = reverse("invoicing:invoice_list")
    assert len(owner_client.get(url).context["invoices"]) == 50
    second = owner_client.get(url, {"page": "2", "status": "draft"})
    assert len(second.context["invoices"]) == 1
    assert second.context["querystring_without_page"] == "status=draft&"


def test_list_shows_only_the_business_invoices(owner_client, other_business, make_invoice):
    theirs = ContactFactory(business=other_business, display_name="Chez les autres")
    Invoice.objects.create(
        business=other_business,
        contact=theirs,
        issue_date=ISSUE_DATE,
        due_date=ISSUE_DATE,
        number="9999",
    )
    page = owner_client.get(reverse("invoicing:invoice_list")).content.decode()
    assert "Chez les autres" not in page and "9999" not in page


def test_create_page_searches_items_instead_of_embedding_the_catalog(
    owner_client, business, item, qc_group
):
    item.default_tax_group = qc_group
    item.save()
    ItemFactory(business=business, name="Archivé", is_active=False)
    response = owner_client.get(reverse("invoicing:invoice_create"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="empty-line"' in page and "invoice_form.js" in page and "picker.js" in page
    assert 'name="lines-TOTAL_FORMS" value="1"' in page
    assert "invoice-catalog" not in page and "Tonte" not in page
    assert f'data-picker-url="{reverse("catalog:item_search")}"' in page
    assert f'data-picker-url="{reverse("contacts:contact_search")}"' in page
    terms = json.loads(
        page.split('id="invoice-terms" type="application/json">')[1].split("</script>")[0]
    )
    assert terms == {"on_receipt": 0, "net_15": 15, "net_30": 30, "net_60": 60}

    found = owner_client.get(reverse("catalog:item_search"), {"q": "ton"}).json()

    assert found == {
        "results": [
            {
                "id": str(item.pk),
                "label": "Tonte",
                "detail": "45.00",
                "data": {
                    "description": "Tonte",
                    "unit_price": "45.00",
                    "is_taxable": True,
                    "tax_group": qc_group.pk,
                },
            }
        ],
        "more": False,
    }
    # archived items are not offered
    assert owner_client.get(reverse("catalog:item_search"), {"q": "Arch"}).json() == {
        "results": [],
        "more": False,
    }


def test_create_posts_a_draft_and_redirects_to_it(owner_client, contact, item, qc_group):
    data = invoice_post(
        contact,
        {
            "item": str(item.pk),
            "description": "Tonte",
            "quantity": "2",
            "unit_price": "45",
            "is_taxable": "on",
            "tax_group": "",
        },
        {"description": "", "quantity": "1", "unit_price": "", "is_taxable": "on"},  # blank
        {"description": "Déplacement", "quantity": "1", "unit_price": "10", "DELETE": "on"},
        {"description": "Sacs", "quantity": "3", "unit_price": "1.5"},  # not taxable
    )
    response = owner_client.post(reverse("invoicing:invoice_create"), data)
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert (
        invoice.status,
        invoice.due_date,
        invoice.subtotal,
        invoice.tax_total,
        invoice.total,
    ) == ("draft", datetime.date(2026, 4, 1), D("94.50"), D("13.48"), D("107.98"))
    assert list(invoice.lines.values_list("description", "is_taxable", "tax_group_id")) == [
        ("Tonte", True, qc_group.pk),
        ("Sacs", False, None),
    ]


def test_create_without_any_line_shows_an_error(owner_client, contact, qc_group):
    response = owner_client.post(reverse("invoicing:invoice_create"), invoice_post(contact))
    assert response.status_code == 200
    assert "Add at least one line to the invoice." in response.content.decode()
    assert Invoice.objects.count() == 0


def test_create_refuses_other_business_contact_item_and_tax_group(
    owner_client, business, other_business, contact, qc_group
):
    their_contact = ContactFactory(business=other_business)
    their_item = ItemFactory(business=other_business)
    their_group = TaxGroupFactory(business=other_business, components=[("TPS", "5")])
    url = reverse("invoicing:invoice_create")
    line = {"description": "x", "quantity": "1", "unit_price": "1", "is_taxable": "on"}
    for data in [
        invoice_post(their_contact, line),
        invoice_post(contact, {**line, "item": str(their_item.pk)}),
        invoice_post(contact, {**line, "tax_group": str(their_group.pk)}),
        invoice_post(contact, {**line, "tax_group": "abc"}),
    ]:
        response = owner_client.post(url, data)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert Invoice.objects.count() == 0


def test_create_shows_line_errors(owner_client, contact, qc_group):
    data = invoice_post(
        contact, {"description": "x", "quantity": "0", "unit_price": "-1"}, due_date="2026-03-01"
    )
    response = owner_client.post(reverse("invoicing:invoice_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0.001." in page
    assert "Ensure this value is greater than or equal to 0." in page
    assert "The due date cannot be before the issue date." in page
    assert Invoice.objects.count() == 0


def test_edit_page_shows_the_lines_and_saves_changes(owner_client, make_invoice, contact):
    invoice = make_invoice(issue=True, lines=(("2.5", "45"),))
    url = reverse("invoicing:invoice_update", args=[invoice.pk])
    page = owner_client.get(url).content.decode()
    assert 'name="lines-0-quantity" value="2.5"' in page
    assert 'name="lines-0-unit_price" value="45.00"' in page
    assert 'name="lines-INITIAL_FORMS" value="1"' in page
    data = invoice_post(
        contact,
        {"description": "Ligne 1", "quantity": "1", "unit_price": "100", "is_taxable": "on"},
        terms="net_15",
    )
    data["lines-INITIAL_FORMS"] = "1"
    response = owner_client.post(url, data)
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.number, invoice.terms, invoice.total) == ("1001", "net_15", D("114.98"))


def test_edit_page_of_a_void_invoice_redirects(owner_client, make_invoice):
    invoice = make_invoice(issue=True)
    services.invoice_void(invoice=invoice)
    response = owner_client.get(reverse("invoicing:invoice_update", args=[invoice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])


def test_detail_shows_lines_taxes_totals_payments_and_actions(owner_client, make_invoice):
    invoice = make_invoice(issue=True)
    payment = services.payment_record(invoice=invoice, amount=D("14.98"), date=ISSUE_DATE)
    response = owner_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Invoice 1001" in page
    assert "TPS (5%) on $100.00" in page and "$5.00" in page
    assert "TVQ (9.975%) on $100.00" in page and "$9.98" in page
    assert "$114.98" in page and "$100.00" in page
    assert reverse("invoicing:payment_void", args=[invoice.pk, payment.pk]) in page
    assert reverse("invoicing:payment_create", args=[invoice.pk]) in page
    assert reverse("invoicing:invoice_void", args=[invoice.pk]) in page
    assert reverse("invoicing:invoice_issue", args=[invoice.pk]) not in page


def test_issue_button_issues_and_a_second_click_explains(owner_client, make_invoice):
    invoice = make_invoice()
    url = reverse("invoicing:invoice_issue", args=[invoice.pk])
    assert owner_client.get(url).status_code == 405
    response = owner_client.post(url, follow=True)
    assert "Invoice 1001 issued." in response.content.decode()
    response = owner_client.post(url, follow=True)
    assert "This invoice has already been issued." in response.content.decode()
    assert InvoiceSequence.objects.get(business=invoice.business).next_number == 1002


def test_void_with_payments_is_refused_with_a_message(owner_client, make_invoice):
    invoice = make_invoice(issue=True)
    services.payment_record(invoice=invoice, amount=D("1.00"), date=ISSUE_DATE)
    response = owner_client.post(reverse("invoicing:invoice_void", args=[invoice.pk]), follow=True)
    assert (
        "This invoice has payments. Void its payments first, then void the invoice."
        in response.content.decode()
    )
    invoice.refresh_from_db()
    assert invoice.status == "partially_paid"


def test_delete_draft_button(owner_client, make_invoice):
    invoice = make_invoice()
    response = owner_client.post(reverse("invoicing:invoice_delete", args=[invoice.pk]))
    assert response.status_code == 302
    assert not Invoice.objects.filter(pk=invoice.pk).exists()


def test_payment_page_records_and_voids(owner_client, make_invoice):
    invoice = make_invoice(issue=True)
    url = reverse("invoicing:payment_create", args=[invoice.pk])
    page = owner_client.get(url).content.decode()
    assert 'name="amount" value="114.98"' in page
    response = owner_client.post(
        url, {"amount": "100", "date": "2026-03-05", "method": "cheque", "reference": "42"}
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.date, payment.method, payment.reference) == (
        D("100.00"),
        datetime.date(2026, 3, 5),
        "cheque",
        "42",
    )
    response = owner_client.post(url, {"amount": "20", "date": "2026-03-05", "method": "cash"})
    assert response.status_code == 200
    assert "The amount cannot exceed the balance of $14.98." in response.content.decode()
    assert Payment.objects.count() == 1
    owner_client.post(reverse("invoicing:payment_void", args=[invoice.pk, payment.pk]))
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, invoice.status, invoice.balance) == ("void", "issued", D("114.98"))


def test_payment_of_another_invoice_answers_404(owner_client, make_invoice):
    first = make_invoice(issue=True)
    second = make_invoice(issue=True)
    payment = services.payment_record(invoice=first, amount=D("1.00"), date=ISSUE_DATE)
    response = owner_client.post(reverse("invoicing:payment_void", args=[second.pk, payment.pk]))
    assert response.status_code == 404
    payment.refresh_from_db()
    assert payment.status == "recorded"


def test_print_page_has_business_contact_address_lines_and_taxes(
    owner_client, business, make_invoice, contact
):
    contact.language = "en"  # the document is in the client's language
    contact.save()
    invoice = make_invoice(issue=True)
    response = owner_client.get(reverse("invoicing:invoice_print", args=[invoice.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        business.name,
        "Marie Tremblay",
        "123 rue Principale",
        "Montréal",
        "H2X 1Y4",
        "Ligne 1",
        "TPS (5%)",
        "TVQ (9.975%)",
        "$114.98",
        # the print rules live in a stylesheet: the page allows no inline style
        'href="/static/css/print.css"',
    ):
        assert text in page
    assert 'class="topbar"' not in page


def test_user_text_is_escaped(owner_client, business, make_invoice):
    nasty = ContactFactory(business=business, display_name="<script>alert(1)</script>")
    invoice = make_invoice(contact=nasty, notes="<b>gras</b>")
    for name in ("invoice_detail", "invoice_print", "invoice_update"):
        page = owner_client.get(reverse(f"invoicing:{name}", args=[invoice.pk])).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = owner_client.get(reverse("invoicing:invoice_list")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert (
        "<b>gras</b>"
        not in owner_client.get(
            reverse("invoicing:invoice_detail", args=[invoice.pk])
        ).content.decode()
    )


def test_french_pages_format_money_and_dates(owner_client, make_invoice):
    invoice = make_invoice(issue=True)
    owner_client.cookies["django_language"] = "fr-ca"
    page = owner_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Facture 1001" in page
    assert "114,98\xa0$" in page
    assert "2 mars 2026" in page
    assert "Émise" in page


# --- Tax groups and settings ---------------------------------------------------------------


def components_post(*components):
    data = {
        "components-TOTAL_FORMS": str(len(components)),
        "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "10",
    }
    for index, component in enumerate(components):
        for key, value in component.items():
            data[f"components-{index}-{key}"] = value
    return data


def test_taxgroup_list_and_presets_button(owner_client, business):
    url = reverse("invoicing:taxgroup_list")
    page = owner_client.get(url).content.decode()
    assert "Add the ready-made groups for my province" in page
    response = owner_client.post(reverse("invoicing:taxgroup_presets"), follow=True)
    assert "Added: TPS + TVQ, Exonéré." in response.content.decode()
    response = owner_client.post(reverse("invoicing:taxgroup_presets"), follow=True)
    assert "The ready-made groups for your province are already there." in response.content.decode()
    assert TaxGroup.objects.filter(business=business).count() == 2
    page = owner_client.get(url).content.decode()
    assert "TPS 5%" in page and "TVQ 9.975%" in page and "14.975%" in page


def test_taxgroup_create_and_edit_with_components(owner_client, business):
    response = owner_client.post(
        reverse("invoicing:taxgroup_create"),
        {
            "name": "TPS + TVQ",
            **components_post(
                {"name": "TPS", "rate": "5"},
                {"name": "TVQ", "rate": "9.975"},
                {"name": "", "rate": ""},
            ),
        },
    )
    assert response.status_code == 302
    group = TaxGroup.objects.get(business=business)
    assert [(c.name, c.rate) for c in group.components.all()] == [
        ("TPS", D("5.000")),
        ("TVQ", D("9.975")),
    ]
    edit = reverse("invoicing:taxgroup_update", args=[group.pk])
    page = owner_client.get(edit).content.decode()
    assert 'value="9.975"' in page
    data = {
        "name": "Québec",
        **components_post(
            {"name": "TPS", "rate": "5"}, {"name": "TVQ", "rate": "9.975", "DELETE": "on"}
        ),
    }
    assert owner_client.post(edit, data).status_code == 302
    group.refresh_from_db()
    assert (group.name, [(c.name, c.rate) for c in group.components.all()]) == (
        "Québec",
        [("TPS", D("5.000"))],
    )


def test_taxgroup_form_errors(owner_client, business, qc_group):
    response = owner_client.post(
        reverse("invoicing:taxgroup_create"),
        {"name": "tps + tvq", **components_post({"name": "X", "rate": "101"})},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in page
    response = owner_client.post(
        reverse("invoicing:taxgroup_create"), {"name": "tps + tvq", **components_post()}
    )
    assert "A tax group with this name already exists." in response.content.decode()
    assert TaxGroup.objects.count() == 1


def test_taxgroup_actions(owner_client, business, qc_group, make_invoice):
    make_invoice()  # uses the default group, TPS + TVQ
    other = TaxGroupFactory(business=business, name="TVH")
    owner_client.post(reverse("invoicing:taxgroup_set_default", args=[other.pk]))
    other.refresh_from_db()
    assert other.is_default
    response = owner_client.post(
        reverse("invoicing:taxgroup_delete", args=[qc_group.pk]), follow=True
    )
    assert "cannot be deleted. Archive it instead." in response.content.decode()
    owner_client.post(reverse("invoicing:taxgroup_archive", args=[qc_group.pk]))
    qc_group.refresh_from_db()
    assert qc_group.is_active is False
    owner_client.post(reverse("invoicing:taxgroup_restore", args=[qc_group.pk]))
    qc_group.refresh_from_db()
    assert qc_group.is_active is True


def test_staff_can_see_tax_groups_but_not_change_them(client, business, qc_group):
    staff = MembershipFactory(business=business, role="staff").user
    client.force_login(staff)
    page = client.get(reverse("invoicing:taxgroup_list")).content.decode()
    assert "TPS + TVQ" in page and "Make default" not in page
    assert client.post(reverse("invoicing:taxgroup_archive", args=[qc_group.pk])).status_code == 403
    assert client.get(reverse("invoicing:invoice_settings")).status_code == 403
    qc_group.refresh_from_db()
    assert qc_group.is_active is True


def test_invoice_settings_page(owner_client, business, make_invoice):
    url = reverse("invoicing:invoice_settings")
    page = owner_client.get(url).content.decode()
    assert 'name="next_number" value="1001"' in page
    response = owner_client.post(
        url, {"prefix": "F-", "next_number": "2000", "default_terms": "net_15"}
    )
    assert response.status_code == 302
    sequence = InvoiceSequence.objects.get(business=business)
    assert (sequence.prefix, sequence.next_number, sequence.default_terms) == ("F-", 2000, "net_15")
    make_invoice(issue=True)
    response = owner_client.post(
        url, {"prefix": "F-", "next_number": "1500", "default_terms": "net_15"}
    )
    assert response.status_code == 200
    assert (
        "The next number must be greater than 2000: invoices up to F-2000 have already "
        "been issued, and each invoice number can be used only once." in response.content.decode()
    )
    sequence.refresh_from_db()
    assert sequence.next_number == 2001


def test_invoice_settings_rules(business, make_invoice):
    InvoiceSequenceFactory(business=business)
    make_invoice(issue=True)  # 1001
    from core.exceptions import ApplicationError

    for prefix, number, field in [
        ("F1", 5000, "prefix"),
        ("F 1", 5000, "prefix"),
        ("", 1001, "next_number"),
        ("", 0, "next_number"),
    ]:
        with pytest.raises(ApplicationError) as error:
            services.invoice_settings_update(
                business=business, prefix=prefix, next_number=number, default_terms="net_30"
            )
        assert error.value.field == field
    # a new prefix may start anywhere; the same prefix may skip ahead or come back to 1002
    services.invoice_settings_update(
        business=business, prefix="A-", next_number=1, default_terms="net_30"
    )
    services.invoice_settings_update(
        business=business, prefix="", next_number=1002, default_terms="net_30"
    )
    assert InvoiceSequence.objects.get(business=business).next_number == 1002


def test_discount_through_the_invoice_form(owner_client, contact, qc_group):
    data = invoice_post(
        contact,
        {"description": "Tonte", "quantity": "2", "unit_price": "50.00", "is_taxable": "on"},
        discount_kind="percent",
        discount_value="10",
    )
    response = owner_client.post(reverse("invoicing:invoice_create"), data)
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert (invoice.discount_kind, invoice.discount_value, invoice.discount) == (
        "percent",
        D("10.00"),
        D("10.00"),
    )
    assert invoice.total == D("103.48")
    page = owner_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Discount (10" in page and "−$10.00" in page
    edit = owner_client.get(reverse("invoicing:invoice_update", args=[invoice.pk])).content.decode()
    assert 'value="10.00"' in edit


def test_line_discount_through_the_invoice_form(owner_client, contact, qc_group):
    data = invoice_post(
        contact,
        {
            "description": "Tonte",
            "quantity": "3",
            "unit_price": "45.00",
            "is_taxable": "on",
            "discount_kind": "percent",
            "discount_value": "15",
        },
    )
    response = owner_client.post(reverse("invoicing:invoice_create"), data)
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    line = invoice.lines.get()
    assert (line.amount, line.discount, invoice.subtotal) == (D("135.00"), D("20.25"), D("114.75"))
    page = owner_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Discount (15" in page and "−$20.25" in page
    edit = owner_client.get(reverse("invoicing:invoice_update", args=[invoice.pk])).content.decode()
    assert 'name="lines-0-discount_value"' in edit and 'value="15.00"' in edit
    # a kind without a value is refused on the line, nothing saved
    data["lines-0-discount_value"] = ""
    refused = owner_client.post(reverse("invoicing:invoice_create"), data)
    assert refused.status_code == 200
    assert Invoice.objects.count() == 1
