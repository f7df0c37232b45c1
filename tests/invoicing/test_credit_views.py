"""Credit note pages: the button on an issued invoice, the form, the credit note, its print
view, open credits on the contact and on the payment form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing import services
from invoicing.models import CreditApplication, CreditNote

pytestmark = pytest.mark.django_db


def _form(invoice, **values):
    data = {"what": "lines", "date": "2026-03-10", "reason": "", "apply_to_invoice": "on"}
    data.update(values)
    return data


def test_issued_invoice_offers_a_credit_note_and_a_draft_does_not(owner_client, make_invoice):
    issued = make_invoice(issue=True)
    draft = make_invoice()
    url = reverse("invoicing:credit_note_create", args=[issued.pk])
    assert (
        f'href="{url}"'
        in owner_client.get(reverse("invoicing:invoice_detail", args=[issued.pk])).content.decode()
    )
    page = owner_client.get(reverse("invoicing:invoice_detail", args=[draft.pk])).content.decode()
    assert "credit-notes/new" not in page
    response = owner_client.get(reverse("invoicing:credit_note_create", args=[draft.pk]))
    assert response.status_code == 302
    assert CreditNote.objects.count() == 0


def test_credit_one_line_through_the_form(owner_client, make_invoice):
    invoice = make_invoice(lines=(("3", "75.00"), ("2", "12.49")), issue=True)
    second = invoice.lines.order_by("position")[1]
    url = reverse("invoicing:credit_note_create", args=[invoice.pk])
    page = owner_client.get(url).content.decode()
    assert f'name="line_{second.pk}"' in page and "At most 2" in page
    response = owner_client.post(url, _form(invoice, **{f"line_{second.pk}": "2"}))
    credit_note = CreditNote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:credit_note_detail", args=[credit_note.pk])
    assert (credit_note.total, credit_note.lines.get().quantity) == (Decimal("28.72"), 2)
    invoice.refresh_from_db()
    assert invoice.balance == invoice.total - Decimal("28.72")
    detail = owner_client.get(response["Location"]).content.decode()
    assert "Credit note NC-1" in detail and "$28.72" in detail
    printed = owner_client.get(reverse("invoicing:credit_note_print", args=[credit_note.pk]))
    assert printed.status_code == 200
    assert "Note de crédit NC-1" in printed.content.decode()  # the client reads French
    invoice_printed = owner_client.get(reverse("invoicing:invoice_print", args=[invoice.pk]))
    assert "Crédits appliqués" in invoice_printed.content.decode()


def test_more_than_what_is_left_is_refused_on_the_form(owner_client, make_invoice):
    invoice = make_invoice(lines=(("3", "75.00"),), issue=True)
    line = invoice.lines.get()
    response = owner_client.post(
        reverse("invoicing:credit_note_create", args=[invoice.pk]),
        _form(invoice, **{f"line_{line.pk}": "4"}),
    )
    assert response.status_code == 200
    assert CreditNote.objects.count() == 0


def test_an_amount_credit_through_the_form(owner_client, make_invoice, qc_group):
    invoice = make_invoice(lines=(("1", "300.00"),), issue=True)
    response = owner_client.post(
        reverse("invoicing:credit_note_create", args=[invoice.pk]),
        _form(
            invoice,
            what="amount",
            amount="40.00",
            tax_group=str(qc_group.pk),
            description="Visite annulée",
            apply_to_invoice="",
        ),
    )
    assert response.status_code == 302
    credit_note = CreditNote.objects.get()
    assert (credit_note.total, credit_note.balance) == (Decimal("45.99"), Decimal("45.99"))
    assert CreditApplication.objects.count() == 0


def test_open_credit_is_shown_on_the_contact_and_applied_from_the_payment_form(
    owner_client, make_invoice, contact
):
    first = make_invoice(lines=(("1", "100.00"),), issue=True)
    services.payment_record(invoice=first, amount=first.total, date=first.issue_date)
    credit_note = services.credit_note_create(invoice=first, date=first.issue_date, full=True)
    contact_page = owner_client.get(reverse("contacts:contact_detail", args=[contact.pk]))
    assert "Open credits" in contact_page.content.decode()
    assert "NC-1" in contact_page.content.decode()
    second = make_invoice(lines=(("1", "50.00"),), issue=True)
    form_page = owner_client.get(reverse("invoicing:payment_create", args=[second.pk]))
    apply_url = reverse("invoicing:credit_apply", args=[second.pk, credit_note.pk])
    assert f'action="{apply_url}"' in form_page.content.decode()
    response = owner_client.post(apply_url, {"amount": "57.49"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.balance, second.status) == (Decimal("0.00"), "paid")
    # and taken back
    application = CreditApplication.objects.get()
    owner_client.post(
        reverse("invoicing:credit_application_void", args=[second.pk, application.pk])
    )
    second.refresh_from_db()
    assert second.balance == second.total


def test_void_credit_note_from_its_page(owner_client, make_invoice):
    invoice = make_invoice(issue=True)
    credit_note = services.credit_note_create(invoice=invoice, date=invoice.issue_date, full=True)
    owner_client.post(reverse("invoicing:credit_note_void", args=[credit_note.pk]))
    credit_note.refresh_from_db()
    invoice.refresh_from_db()
    assert credit_note.is_void and invoice.balance == invoice.total


def test_credit_note_printable_view_is_in_the_clients_language(owner_client, make_invoice, contact):
    contact.language = "fr"
    contact.save()
    invoice = make_invoice(issue=True)
    credit_note = services.credit_note_create(invoice=invoice, date=invoice.issue_date, full=True)
    page = owner_client.get(reverse("invoicing:credit_note_print", args=[credit_note.pk]))
    assert "Note de crédit NC-1" in page.content.decode()


def test_credit_note_numbering_is_set_on_the_invoice_settings_page(owner_client, make_invoice):
    url = reverse("invoicing:invoice_settings")
    page = owner_client.get(url).content.decode()
    assert 'value="credit_note"' in page and 'value="NC-"' in page
    response = owner_client.post(
        url,
        {"numbering": "credit_note", "credit_note-prefix": "AV-", "credit_note-next_number": "40"},
    )
    assert response.status_code == 302
    invoice = make_invoice(issue=True)
    assert (
        services.credit_note_create(invoice=invoice, date=invoice.issue_date, full=True).number
        == "AV-40"
    )
    # the invoice numbering did not move
    assert invoice.number == "1001"
    refused = owner_client.post(
        url,
        {"numbering": "credit_note", "credit_note-prefix": "AV-", "credit_note-next_number": "40"},
    )
    assert refused.status_code == 200
    assert "already" in refused.content.decode()


def test_refund_part_of_a_payment_from_its_button(owner_client, make_invoice, qc_group):
    invoice = make_invoice(lines=(("1", "150.00"),), issue=True)
    payment = services.payment_record(
        invoice=invoice, amount=invoice.total, date=invoice.issue_date
    )
    url = reverse("invoicing:refund_create", args=[invoice.pk, payment.pk])
    detail = owner_client.get(
        reverse("invoicing:invoice_detail", args=[invoice.pk])
    ).content.decode()
    assert f'href="{url}"' in detail
    response = owner_client.post(
        url,
        {
            "what": "amount",
            "date": "2026-03-12",
            "amount": "40.00",
            "tax_group": str(qc_group.pk),
            "method": "cash",
            "reference": "",
        },
    )
    refund = CreditNote.objects.get()
    assert response.status_code == 302
    assert (refund.total, refund.refund_payment, refund.refund_method) == (
        Decimal("45.99"),
        payment,
        "cash",
    )
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), "paid")
    page = owner_client.get(
        reverse("invoicing:credit_note_detail", args=[refund.pk])
    ).content.decode()
    assert "Refunded by" in page and "Cash" in page
