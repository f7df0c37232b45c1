import pytest
from django.urls import reverse

from contacts.models import Contact, Tag


@pytest.fixture
def admin_client_logged(client, user_factory):
    admin = user_factory(email="support@plannit.example", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_contact_admin_list_search_and_filter(
    admin_client_logged, business, other_business, contact_factory, tag_factory
):
    vip = tag_factory(business=business, name="VIP")
    contact_factory(
        business=business, display_name="Marie Tremblay", email="marie@ex.ca", tags=[vip]
    )
    contact_factory(business=other_business, display_name="Luc Roy", phone="418-555-0199")
    url = reverse("admin:contacts_contact_changelist")

    def shown(params):
        response = admin_client_logged.get(url, params)
        assert response.status_code == 200
        return [c.display_name for c in response.context["cl"].result_list]

    assert shown({}) == ["Luc Roy", "Marie Tremblay"]
    assert shown({"q": "marie@ex"}) == ["Marie Tremblay"]
    assert shown({"q": "418-555"}) == ["Luc Roy"]
    assert shown({"business__id__exact": other_business.pk}) == ["Luc Roy"]
    assert shown({"tags__id__exact": vip.pk}) == ["Marie Tremblay"]
    assert shown({"is_active__exact": "0"}) == []


def test_contact_admin_change_page_keeps_business(
    admin_client_logged, business, other_business, contact_factory, tag_factory
):
    contact = contact_factory(business=business, display_name="Marie Tremblay")
    foreign = tag_factory(business=other_business, name="Ailleurs")
    url = reverse("admin:contacts_contact_change", args=[contact.pk])

    page = admin_client_logged.get(url)
    assert page.status_code == 200
    assert "business" in page.context["adminform"].readonly_fields

    response = admin_client_logged.post(
        url,
        {
            "business": other_business.pk,
            "display_name": "Marie T.",
            "is_active": "on",
            "tags": [foreign.pk],
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tags"] == [
        "Choose tags of this contact's business only."
    ]
    contact.refresh_from_db()
    assert (contact.business, contact.display_name) == (business, "Marie Tremblay")
    assert contact.tags.count() == 0


def test_tag_admin_list_counts_and_autocomplete(
    admin_client_logged, business, contact_factory, tag_factory
):
    tag = tag_factory(business=business, name="VIP")
    contact_factory(business=business, tags=[tag])
    contact_factory(business=business, tags=[tag])

    response = admin_client_logged.get(reverse("admin:contacts_tag_changelist"), {"q": "vi"})
    assert response.status_code == 200
    assert [(t.name, t._contact_count) for t in response.context["cl"].result_list] == [("VIP", 2)]

    autocomplete = admin_client_logged.get(
        reverse("admin:autocomplete"),
        {"term": "vi", "app_label": "contacts", "model_name": "contact", "field_name": "tags"},
    )
    assert autocomplete.status_code == 200
    assert autocomplete.json()["results"] == [{"id": str(tag.pk), "text": "VIP"}]
    assert (
        admin_client_logged.get(reverse("admin:contacts_tag_change", args=[tag.pk])).status_code
        == 200
    )
    assert Tag.objects.count() == 1
    assert Contact.objects.count() == 2
