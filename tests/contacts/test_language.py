"""A contact's preferred language: what their invoices, PDFs and e-mails are written in."""

import pytest
from django.urls import reverse

from contacts import services
from contacts.models import Contact
from core.exceptions import ApplicationError
from tests.factories.businesses import BusinessFactory

pytestmark = pytest.mark.django_db


def test_a_contact_of_a_quebec_business_is_french_by_default_even_for_an_english_business():
    business = BusinessFactory(province="QC", language="en")
    contact = services.contact_create(business=business, display_name="Marie Tremblay")
    assert contact.language == "fr-ca"


def test_outside_quebec_a_contact_speaks_the_business_language_by_default():
    business = BusinessFactory(province="ON", language="en")
    contact = services.contact_create(business=business, display_name="John Smith")
    assert contact.language == "en"


def test_a_chosen_language_is_kept(business):
    contact = services.contact_create(business=business, display_name="John", language="en")
    services.contact_update(contact=contact, phone="514-555-0101")
    assert Contact.objects.get(pk=contact.pk).language == "en"


def test_an_unknown_language_is_refused_and_nothing_is_saved(business):
    with pytest.raises(ApplicationError) as caught:
        services.contact_create(business=business, display_name="Hans", language="de")
    assert caught.value.field == "language"
    assert Contact.objects.count() == 0


def test_the_new_contact_form_proposes_the_default_and_saves_the_choice(owner_client, business):
    page = owner_client.get(reverse("contacts:contact_create")).content.decode()
    assert '<option value="fr-ca" selected>' in page
    response = owner_client.post(
        reverse("contacts:contact_create"), {"display_name": "John Smith", "language": "en"}
    )
    assert response.status_code == 302
    assert Contact.objects.get().language == "en"
