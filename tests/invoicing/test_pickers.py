"""The invoice form's contact and item pickers: searched on the server, a page at a time,
scoped to the business, and usable without JavaScript (the typed text is resolved on save)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.pickers import PAGE_SIZE
from invoicing.models import Invoice
from tests.factories.catalog import ItemFactory
from tests.factories.contacts import ContactFactory

from .test_views import lines_post

pytestmark = pytest.mark.django_db
CREATE_URL = "/invoices/new/"


def person(business, display_name, **values):
    first, _, last = display_name.partition(" ")
    values.setdefault("email", "")
    return ContactFactory(
        business=business, display_name=display_name, first_name=first, last_name=last, **values
    )


def typed(contact_text, item_text, **extra):
    """What a browser without JavaScript posts: the text boxes, the hidden ids empty."""
    data = {
        "contact": "",
        "contact_search": contact_text,
        "issue_date": "2026-03-02",
        "terms": "net_30",
        "due_date": "",
        "notes": "",
    }
    data.update(
        lines_post({"item": "", "item_search": item_text, "quantity": "2", "unit_price": "45"})
    )
    data.update(extra)
    return data


def test_typed_names_that_match_one_record_each_are_chosen(owner_client, business, qc_group):
    marie = person(business, "Marie Tremblay")
    person(business, "Jean Gagnon")
    tonte = ItemFactory(business=business, name="Tonte", unit_price=Decimal("45.00"))
    ItemFactory(business=business, name="Déneigement")

    response = owner_client.post(CREATE_URL, typed("tremblay", "TONTE"))

    assert response.status_code == 302, response.context["form"].errors or [
        f.errors for f in response.context["formset"]
    ]
    invoice = Invoice.objects.get(business=business)
    assert response.status_code == 302
    assert invoice.contact == marie
    assert [(line.item, line.quantity) for line in invoice.lines.all()] == [
        (tonte, Decimal("2.000"))
    ]


def test_an_exact_name_wins_over_longer_names_that_contain_it(owner_client, business, qc_group):
    marie = person(business, "Marie Tremblay")
    person(business, "Marie Tremblay-Roy")
    ItemFactory(business=business, name="Tonte")

    owner_client.post(CREATE_URL, typed("Marie Tremblay", "Tonte"))

    assert Invoice.objects.get(business=business).contact == marie


def test_several_matches_are_offered_as_choices_and_nothing_is_saved(
    owner_client, business, qc_group
):
    first = person(business, "Éric Tremblay")
    second = person(business, "Annie Tremblay")
    ItemFactory(business=business, name="Tonte")

    response = owner_client.post(CREATE_URL, typed("Tremblay", "Tonte"))

    page = response.content.decode()
    assert response.status_code == 200
    assert Invoice.objects.count() == 0
    assert "Several match “Tremblay”: choose one below, or type more of the name." in page
    # Offered in alphabetical order, accents aside: Annie before Éric.
    assert page.index(f'value="{second.pk}"> Annie Tremblay') < page.index(
        f'value="{first.pk}"> Éric Tremblay'
    )

    # The person picks one of the radio buttons and saves again, the text unchanged.
    response = owner_client.post(CREATE_URL, typed("Tremblay", "Tonte", contact=str(first.pk)))

    assert response.status_code == 302
    assert Invoice.objects.get(business=business).contact == first


def test_no_match_is_an_error_on_the_field(owner_client, business, qc_group):
    person(business, "Marie Tremblay")
    ItemFactory(business=business, name="Tonte")

    response = owner_client.post(CREATE_URL, typed("Zacharie", "Tonte"))

    assert response.status_code == 200
    assert Invoice.objects.count() == 0
    assert response.context["form"].errors == {
        "contact": ["Nothing matches “Zacharie”: check the spelling or type less of it."]
    }


def test_another_business_contact_is_never_found_by_its_name(
    owner_client, business, other_business, qc_group
):
    person(other_business, "Marie Tremblay")
    ItemFactory(business=business, name="Tonte")

    response = owner_client.post(CREATE_URL, typed("Marie Tremblay", "Tonte"))

    assert Invoice.objects.count() == 0
    assert response.context["form"].errors["contact"] == [
        "Nothing matches “Marie Tremblay”: check the spelling or type less of it."
    ]


def test_an_edited_name_replaces_the_id_posted_with_it(owner_client, business, qc_group):
    marie = person(business, "Marie Tremblay")
    jean = person(business, "Jean Gagnon")
    ItemFactory(business=business, name="Tonte")

    # Without JavaScript the hidden id stays while the person types another name over it.
    owner_client.post(CREATE_URL, typed("Gagnon", "Tonte", contact=str(marie.pk)))

    assert Invoice.objects.get(business=business).contact == jean


def test_the_edit_page_shows_the_chosen_names_in_the_text_boxes(
    owner_client, make_invoice, contact
):
    invoice = make_invoice()

    page = owner_client.get(reverse("invoicing:invoice_update", args=[invoice.pk])).content.decode()

    assert 'name="contact_search" value="Marie Tremblay"' in page
    assert f'name="contact" value="{contact.pk}" data-picker-value' in page


def test_contact_search_returns_one_page_of_the_business_active_contacts(
    owner_client, business, other_business
):
    for number in range(PAGE_SIZE + 5):
        person(business, f"Client {number:02d}")
    person(business, "Client archivé", is_active=False)
    person(other_business, "Client étranger")
    person(business, "Émilie Client", company_name="Ferme Bo", email="e@x.ca", phone="")

    body = owner_client.get(reverse("contacts:contact_search"), {"q": "client"}).json()

    labels = [row["label"] for row in body["results"]]
    assert body["more"] is True
    assert len(labels) == PAGE_SIZE
    assert labels[:3] == ["Client 00", "Client 01", "Client 02"]
    assert "Client archivé" not in labels and "Client étranger" not in labels

    for typed in ("emilie", "Émilie", "EMILIE"):  # accents and case aside
        body = owner_client.get(reverse("contacts:contact_search"), {"q": typed}).json()
        assert [(row["label"], row["detail"]) for row in body["results"]] == [
            ("Émilie Client", "Ferme Bo · e@x.ca")
        ]


def test_search_endpoints_need_a_member(client):
    for name in ("contacts:contact_search", "catalog:item_search"):
        response = client.get(reverse(name), {"q": "a"})
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
