import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from contacts.models import Contact, Tag
from invoicing.models import Invoice


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def tag_names(contact):
    return sorted(contact.tags.values_list("name", flat=True))


# list


def test_contact_list_requires_sign_in(client, business):
    response = client.get(reverse("contacts:contact_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_contact_list_shows_active_contacts_with_tags(
    owner_client, business, contact_factory, tag_factory
):
    vip = tag_factory(business=business, name="VIP")
    contact_factory(business=business, display_name="Marie Tremblay", tags=[vip])
    contact_factory(business=business, display_name="Anne Gagnon", is_active=False)

    response = owner_client.get(reverse("contacts:contact_list"))

    assert response.status_code == 200
    assert [c.display_name for c in response.context["contacts"]] == ["Marie Tremblay"]
    assert response.context["page_obj"].paginator.count == 1
    html = response.content.decode()
    assert '<span class="tag">VIP</span>' in html
    assert "Anne Gagnon" not in html
    assert "Tag the 1 matching contact" in html


def test_contact_list_search_tag_and_archived_filters(
    owner_client, business, contact_factory, tag_factory
):
    vip = tag_factory(business=business, name="VIP")
    contact_factory(
        business=business, display_name="Marie Tremblay", phone="514-555-0101", tags=[vip]
    )
    contact_factory(business=business, display_name="Luc Roy", email="luc@roy.ca")
    contact_factory(business=business, display_name="Anne Gagnon", is_active=False, tags=[vip])
    url = reverse("contacts:contact_list")

    def shown(params):
        response = owner_client.get(url, params)
        assert response.status_code == 200
        return [c.display_name for c in response.context["contacts"]]

    assert shown({"q": "roy.ca"}) == ["Luc Roy"]
    assert shown({"q": "555-0101"}) == ["Marie Tremblay"]
    assert shown({"tag": vip.pk}) == ["Marie Tremblay"]
    assert shown({"tag": vip.pk, "archived": "on"}) == ["Anne Gagnon", "Marie Tremblay"]
    assert shown({"archived": "on"}) == ["Anne Gagnon", "Luc Roy", "Marie Tremblay"]


def test_contact_list_pagination_keeps_filters(owner_client, business):
    Contact.objects.bulk_create(
        [
            Contact(business=business, display_name=f"Client {i:03}", email=f"c{i}@roy.ca")
            for i in range(120)
        ]
    )

    response = owner_client.get(reverse("contacts:contact_list"), {"q": "roy", "page": "3"})

    assert response.status_code == 200
    assert [c.display_name for c in response.context["contacts"]] == [
        f"Client {i:03}" for i in range(100, 120)
    ]
    assert response.context["querystring_without_page"] == "q=roy&"
    assert 'href="?q=roy&amp;page=2"' in response.content.decode()
    assert "Tag all 120 matching contacts" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "999"},
        {"tag": "abc"},
        {"tag": "99999999999999999999999"},
        {"q": "x" * 5000},
        {"archived": "maybe"},
    ],
)
def test_contact_list_garbage_params_do_not_fail(owner_client, business, contact_factory, params):
    contact_factory(business=business, display_name="Luc Roy")

    response = owner_client.get(reverse("contacts:contact_list"), params)

    assert response.status_code == 200


def test_contact_list_with_another_business_tag_shows_error(
    owner_client, business, other_business, contact_factory, tag_factory
):
    theirs = tag_factory(business=other_business, name="Ailleurs")
    contact_factory(business=business, display_name="Luc Roy")

    response = owner_client.get(reverse("contacts:contact_list"), {"tag": theirs.pk})

    assert response.status_code == 200
    assert response.context["filter_form"].errors["tag"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert response.context["filters_valid"] is False
    # no "tag all matching" button while the filters are not the ones shown
    assert 'value="add_all_matching"' not in response.content.decode()
    assert "Ailleurs" not in response.content.decode()


def test_contact_list_10000_contacts_bounded_queries(
    owner_client, business, tag_factory, django_assert_max_num_queries
):
    tags = [tag_factory(business=business, name=f"Tag {i}") for i in range(3)]
    Contact.objects.bulk_create(
        [
            Contact(
                business=business,
                display_name=f"Client {i:05}",
                email=f"c{i}@example.com",
                phone=f"514-555-{i:04}",
            )
            for i in range(10_000)
        ]
    )
    first_page = list(Contact.objects.order_by("display_name", "id")[:50])
    Through = Contact.tags.through
    Through.objects.bulk_create(
        [Through(contact_id=c.pk, tag_id=t.pk) for c in first_page for t in tags]
    )

    with django_assert_max_num_queries(10):
        response = owner_client.get(reverse("contacts:contact_list"), {"page": "2"})
    with django_assert_max_num_queries(10):
        first = owner_client.get(reverse("contacts:contact_list"))

    assert response.status_code == 200
    assert [c.display_name for c in response.context["contacts"]][:2] == [
        "Client 00050",
        "Client 00051",
    ]
    assert len(response.context["contacts"]) == 50
    assert response.context["page_obj"].paginator.num_pages == 200
    assert first.content.decode().count('<span class="tag">Tag 0</span>') == 50
    assert "Tag all 10,000 matching contacts" in first.content.decode()


def test_contact_list_escapes_names(owner_client, business, contact_factory, tag_factory):
    tag = tag_factory(business=business, name="<b>tag</b>")
    contact_factory(business=business, display_name="<script>alert(1)</script>", tags=[tag])

    response = owner_client.get(reverse("contacts:contact_list"))

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>tag</b>" not in html


# create / edit


def test_contact_create(owner_client, business, tag_factory, contact_events):
    vip = tag_factory(business=business, name="VIP")

    response = owner_client.post(
        reverse("contacts:contact_create"),
        {
            "display_name": "",
            "first_name": "Marie",
            "last_name": "Tremblay",
            "company_name": "",
            "email": "marie@example.com",
            "phone": "514-555-0101",
            "city": "Laval",
            "tags": [vip.pk],
        },
    )

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:contact_detail", args=[contact.pk])
    assert contact.business == business
    assert contact.display_name == "Marie Tremblay"
    assert contact.email == "marie@example.com"
    assert tag_names(contact) == ["VIP"]
    assert len(contact_events) == 1


def test_contact_create_form_page(owner_client, business):
    response = owner_client.get(reverse("contacts:contact_create"))

    assert response.status_code == 200
    assert 'name="display_name"' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        (
            {"display_name": "", "first_name": " ", "email": "a@b.ca"},
            "display_name",
            "Enter a display name, a company or a first or last name.",
        ),
        ({"display_name": "Luc", "email": "luc@@roy"}, "email", "Enter a valid email address."),
        (
            {"display_name": "x" * 5000},
            "display_name",
            "Ensure this value has at most 200 characters (it has 5000).",
        ),
        ({"display_name": "Luc", "tags": ["abc"]}, "tags", "“abc” is not a valid value."),
    ],
)
def test_contact_create_bad_input_shows_errors(
    owner_client, business, data, field, error, contact_events
):
    response = owner_client.post(reverse("contacts:contact_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    assert Contact.objects.count() == 0
    assert contact_events == []


def test_contact_create_with_another_business_tag(
    owner_client, business, other_business, tag_factory
):
    theirs = tag_factory(business=other_business, name="Ailleurs")

    response = owner_client.post(
        reverse("contacts:contact_create"), {"display_name": "Luc", "tags": [theirs.pk]}
    )

    assert response.status_code == 200
    assert "tags" in response.context["form"].errors
    assert Contact.objects.count() == 0
    assert theirs.contacts.count() == 0


def test_contact_create_empty_post(owner_client, business):
    response = owner_client.post(reverse("contacts:contact_create"), {})

    assert response.status_code == 200
    assert Contact.objects.count() == 0


def test_contact_update(owner_client, business, contact_factory, tag_factory, contact_events):
    old, new = (
        tag_factory(business=business, name="Old"),
        tag_factory(business=business, name="New"),
    )
    contact = contact_factory(business=business, display_name="Luc Roy", tags=[old])
    url = reverse("contacts:contact_update", args=[contact.pk])

    assert owner_client.get(url).status_code == 200
    response = owner_client.post(
        url,
        {
            "display_name": "Luc Roy inc.",
            "email": "luc@roy.ca",
            "phone": "418-555-0199",
            "tags": [new.pk],
        },
    )

    contact.refresh_from_db()
    assert response.status_code == 302
    assert (contact.display_name, contact.email, contact.phone) == (
        "Luc Roy inc.",
        "luc@roy.ca",
        "418-555-0199",
    )
    assert contact.city == ""  # the form edits every field
    assert tag_names(contact) == ["New"]
    assert contact_events == [(contact.pk, "Luc Roy inc.", True)]


def test_contact_update_invalid_email_changes_nothing(owner_client, business, contact_factory):
    contact = contact_factory(business=business, display_name="Luc Roy", email="luc@roy.ca")

    response = owner_client.post(
        reverse("contacts:contact_update", args=[contact.pk]),
        {"display_name": "Changed", "email": "nope"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    contact.refresh_from_db()
    assert (contact.display_name, contact.email) == ("Luc Roy", "luc@roy.ca")


# detail / archive


def test_contact_detail_shows_contact_tags_and_invoices(
    owner_client, business, contact_factory, tag_factory
):
    vip = tag_factory(business=business, name="VIP")
    contact = contact_factory(
        business=business,
        display_name="<script>alert(1)</script>",
        email="x@example.com",
        tags=[vip],
    )
    Invoice.objects.create(
        business=business,
        contact=contact,
        number="F-1001",
        status="issued",
        issue_date=datetime.date(2026, 3, 2),
        due_date=datetime.date(2026, 4, 1),
        total=Decimal("114.98"),
    )

    response = owner_client.get(reverse("contacts:contact_detail", args=[contact.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "F-1001" in html
    assert "$114.98" in html
    assert [i.number for i in response.context["invoices"]] == ["F-1001"]
    assert list(response.context["tags_form"].initial["tags"]) == [vip]


def test_contact_detail_without_invoices(owner_client, business, contact_factory):
    contact = contact_factory(business=business)

    response = owner_client.get(reverse("contacts:contact_detail", args=[contact.pk]))

    assert response.status_code == 200
    assert "No invoices for this contact yet." in response.content.decode()


def test_contact_detail_sets_tags(owner_client, business, contact_factory, tag_factory):
    a, b = tag_factory(business=business, name="A"), tag_factory(business=business, name="B")
    contact = contact_factory(business=business, tags=[a])

    response = owner_client.post(
        reverse("contacts:contact_tags", args=[contact.pk]), {"tags": [b.pk]}
    )

    assert response.status_code == 302
    assert tag_names(contact) == ["B"]
    assert messages_of(response) == ["Tags saved."]


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1"])
def test_contact_detail_set_tags_garbage_changes_nothing(
    owner_client, business, contact_factory, tag_factory, value
):
    a = tag_factory(business=business, name="A")
    contact = contact_factory(business=business, tags=[a])

    response = owner_client.post(
        reverse("contacts:contact_tags", args=[contact.pk]), {"tags": [value]}
    )

    assert response.status_code == 302
    assert tag_names(contact) == ["A"]
    assert messages_of(response) == ["Choose tags of this business only."]


def test_contact_archive_and_restore(owner_client, business, contact_factory, contact_events):
    contact = contact_factory(business=business, display_name="Luc Roy")

    assert (
        owner_client.get(reverse("contacts:contact_archive", args=[contact.pk])).status_code == 405
    )
    response = owner_client.post(reverse("contacts:contact_archive", args=[contact.pk]))
    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).is_active is False
    listing = owner_client.get(reverse("contacts:contact_list"))
    assert list(listing.context["contacts"]) == []

    response = owner_client.post(reverse("contacts:contact_restore", args=[contact.pk]))
    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).is_active is True
    assert contact_events == [(contact.pk, "Luc Roy", False), (contact.pk, "Luc Roy", True)]


def test_staff_can_manage_contacts(client, staff_user, business):
    client.force_login(staff_user)

    response = client.post(reverse("contacts:contact_create"), {"display_name": "Luc Roy"})

    assert response.status_code == 302
    assert Contact.objects.get().display_name == "Luc Roy"


# tags pages


def test_tag_list_create_rename_delete(owner_client, business, contact_factory, tag_factory):
    response = owner_client.post(
        reverse("contacts:tag_create"), {"name": "Avant importation QuickBooks"}
    )
    assert response.status_code == 302
    tag = Tag.objects.get(business=business)
    contact_factory(business=business, tags=[tag])
    contact_factory(business=business, tags=[tag], is_active=False)

    listing = owner_client.get(reverse("contacts:tag_list"))
    assert listing.status_code == 200
    assert [(t.name, t.contact_count) for t in listing.context["tags"]] == [
        ("Avant importation QuickBooks", 1)
    ]

    response = owner_client.post(
        reverse("contacts:tag_update", args=[tag.pk]), {"name": "Importés"}
    )
    assert response.status_code == 302
    assert Tag.objects.get(pk=tag.pk).name == "Importés"

    confirm = owner_client.get(reverse("contacts:tag_delete", args=[tag.pk]))
    assert confirm.status_code == 200
    assert "It is on 2 contacts." in confirm.content.decode()
    assert Tag.objects.filter(pk=tag.pk).exists()

    response = owner_client.post(reverse("contacts:tag_delete", args=[tag.pk]))
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert Contact.objects.count() == 2
    assert messages_of(response)[-1] == "Tag “Importés” deleted; it was removed from 2 contacts."


def test_tag_create_duplicate_shows_error(owner_client, business, tag_factory):
    tag_factory(business=business, name="VIP")

    response = owner_client.post(reverse("contacts:tag_create"), {"name": "vip"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["A tag named “VIP” already exists."]
    assert Tag.objects.count() == 1


def test_tag_rename_duplicate_shows_error(owner_client, business, tag_factory):
    tag_factory(business=business, name="VIP")
    tag = tag_factory(business=business, name="Clients")

    response = owner_client.post(reverse("contacts:tag_update", args=[tag.pk]), {"name": "Vip"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["A tag named “VIP” already exists."]
    assert Tag.objects.get(pk=tag.pk).name == "Clients"


@pytest.mark.parametrize("data", [{}, {"name": ""}, {"name": "x" * 5000}])
def test_tag_create_bad_input(owner_client, business, data):
    response = owner_client.post(reverse("contacts:tag_create"), data)

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Tag.objects.count() == 0


# bulk actions


@pytest.fixture
def bulk_setup(business, contact_factory, tag_factory):
    vip = tag_factory(business=business, name="VIP")
    roys = [
        contact_factory(business=business, display_name=f"Roy {i}", company_name="Roy")
        for i in range(3)
    ]
    others = [contact_factory(business=business, display_name=f"Gagnon {i}") for i in range(2)]
    return vip, roys, others


def test_bulk_add_tag_to_selection(owner_client, business, bulk_setup):
    vip, roys, others = bulk_setup

    response = owner_client.post(
        reverse("contacts:contact_bulk_tag"),
        {
            "action": "add",
            "tag": vip.pk,
            "contact_ids": [roys[0].pk, others[1].pk],
            "filter-q": "",
            "page": "1",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:contact_list") + "?page=1"
    assert set(vip.contacts.values_list("pk", flat=True)) == {roys[0].pk, others[1].pk}
    assert messages_of(response) == ["Tag “VIP” added to 2 contacts."]


def test_bulk_add_new_tag_to_selection(owner_client, business, bulk_setup):
    _vip, roys, _others = bulk_setup

    response = owner_client.post(
        reverse("contacts:contact_bulk_tag"),
        {
            "action": "add",
            "new_tag_name": "Printemps",
            "contact_ids": [roys[0].pk],
        },
    )

    assert response.status_code == 302
    assert tag_names(roys[0]) == ["Printemps"]
    assert messages_of(response) == ["Tag “Printemps” added to 1 contact."]


def test_bulk_remove_tag_from_selection(owner_client, business, bulk_setup):
    vip, roys, _others = bulk_setup
    for contact in roys:
        contact.tags.add(vip)

    response = owner_client.post(
        reverse("contacts:contact_bulk_tag"),
        {
            "action": "remove",
            "tag": vip.pk,
            "contact_ids": [roys[0].pk, roys[1].pk],
        },
    )

    assert response.status_code == 302
    assert list(vip.contacts.values_list("pk", flat=True)) == [roys[2].pk]
    assert messages_of(response) == ["Tag “VIP” removed from 2 contacts."]


def test_bulk_tag_all_matching_uses_posted_filters(
    owner_client, business, bulk_setup, contact_factory
):
    vip, roys, others = bulk_setup
    archived_roy = contact_factory(
        business=business, display_name="Roy archivé", company_name="Roy", is_active=False
    )
    list_response = owner_client.get(reverse("contacts:contact_list"), {"q": "roy"})
    assert "Tag all 3 matching contacts" in list_response.content.decode()

    response = owner_client.post(
        reverse("contacts:contact_bulk_tag"),
        {
            "action": "add_all_matching",
            "new_tag_name": "Avant importation QuickBooks",
            "filter-q": "roy",
            "contact_ids": [others[0].pk],  # checkboxes are ignored here
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:contact_list") + "?q=roy"
    tag = Tag.objects.get(name="Avant importation QuickBooks")
    assert set(tag.contacts.values_list("pk", flat=True)) == {c.pk for c in roys}
    assert tag_names(archived_roy) == []
    assert messages_of(response) == ["Tag “Avant importation QuickBooks” added to 3 contacts."]


def test_bulk_tag_all_matching_with_tag_and_archived_filters(
    owner_client, business, bulk_setup, contact_factory
):
    vip, roys, others = bulk_setup
    roys[0].tags.add(vip)
    archived = contact_factory(business=business, is_active=False, tags=[vip])
    target = Tag.objects.create(business=business, name="Cible")

    response = owner_client.post(
        reverse("contacts:contact_bulk_tag"),
        {
            "action": "add_all_matching",
            "tag": target.pk,
            "filter-tag": vip.pk,
            "filter-archived": "on",
        },
    )

    assert response.status_code == 302
    assert set(target.contacts.values_list("pk", flat=True)) == {roys[0].pk, archived.pk}


@pytest.mark.parametrize(
    "data",
    [
        {"action": "add", "tag": "abc", "contact_ids": ["1"]},
        {"action": "add", "tag": "", "contact_ids": ["1"]},
        {"action": "add", "contact_ids": ["abc"]},
        {"action": "add", "contact_ids": ["99999999999999999999999"]},
        {"action": "add", "contact_ids": []},
        {"action": "remove", "contact_ids": ["1"]},
        {"action": "explode", "contact_ids": ["1"]},
        {},
        {"action": "add", "new_tag_name": "x" * 5000, "contact_ids": ["1"]},
        {"action": "add_all_matching", "new_tag_name": "Nouveau", "filter-tag": "abc"},
    ],
)
def test_bulk_tag_garbage_changes_nothing(owner_client, business, bulk_setup, data):
    vip, roys, _others = bulk_setup
    data = {key: value for key, value in data.items()}
    if data.get("tag") == "VIP":
        data["tag"] = vip.pk

    response = owner_client.post(reverse("contacts:contact_bulk_tag"), data)

    assert response.status_code == 302
    assert len(messages_of(response)) >= 1
    assert Contact.tags.through.objects.count() == 0
    assert list(Tag.objects.values_list("name", flat=True)) == ["VIP"]


def test_bulk_tag_with_another_business_ids_changes_nothing(
    owner_client, business, other_business, bulk_setup, contact_factory, tag_factory
):
    vip, roys, _others = bulk_setup
    their_contact = contact_factory(business=other_business)
    their_tag = tag_factory(business=other_business, name="Ailleurs")
    url = reverse("contacts:contact_bulk_tag")

    # another business's contact, with a new tag name: the tag is not kept either
    r3 = owner_client.post(
        url,
        {"action": "add", "new_tag_name": "Nouveau", "contact_ids": [roys[0].pk, their_contact.pk]},
    )
    assert messages_of(r3) == ["Some of the selected contacts do not exist."]
    # another business's tag
    r1 = owner_client.post(url, {"action": "add", "tag": their_tag.pk, "contact_ids": [roys[0].pk]})
    r2 = owner_client.post(url, {"action": "add_all_matching", "tag": their_tag.pk})
    # filtering by another business's tag
    r4 = owner_client.post(
        url, {"action": "add_all_matching", "tag": vip.pk, "filter-tag": their_tag.pk}
    )

    assert [r.status_code for r in (r1, r2, r3, r4)] == [302, 302, 302, 302]
    assert Contact.tags.through.objects.count() == 0
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Ailleurs", "VIP"]


def test_bulk_tag_get_not_allowed(owner_client, business):
    assert owner_client.get(reverse("contacts:contact_bulk_tag")).status_code == 405


# other businesses' objects


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("contacts:contact_detail", "get"),
        ("contacts:contact_update", "get"),
        ("contacts:contact_update", "post"),
        ("contacts:contact_tags", "post"),
        ("contacts:contact_archive", "post"),
        ("contacts:contact_restore", "post"),
    ],
)
def test_another_business_contact_is_404_and_unchanged(
    owner_client, other_business, contact_factory, tag_factory, name, method, contact_events
):
    theirs = contact_factory(business=other_business, display_name="Chez eux", email="a@b.ca")
    their_tag = tag_factory(business=other_business, name="Eux")
    theirs.tags.add(their_tag)

    response = getattr(owner_client, method)(
        reverse(name, args=[theirs.pk]), {"display_name": "Pirate", "tags": []}
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.display_name, theirs.email, theirs.is_active) == ("Chez eux", "a@b.ca", True)
    assert tag_names(theirs) == ["Eux"]
    assert contact_events == []


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("contacts:tag_update", "get"),
        ("contacts:tag_update", "post"),
        ("contacts:tag_delete", "get"),
        ("contacts:tag_delete", "post"),
    ],
)
def test_another_business_tag_is_404_and_unchanged(
    owner_client, other_business, tag_factory, name, method
):
    theirs = tag_factory(business=other_business, name="Eux")

    response = getattr(owner_client, method)(reverse(name, args=[theirs.pk]), {"name": "Pirate"})

    assert response.status_code == 404
    assert Tag.objects.get(pk=theirs.pk).name == "Eux"


@pytest.mark.parametrize(
    "path",
    [
        "/contacts/99999999999999999999999/",
        "/contacts/99999999999999999999999/edit/",
        "/contacts/tags/99999999999999999999999/edit/",
    ],
)
def test_huge_ids_are_404(owner_client, business, path):
    assert owner_client.get(path).status_code == 404


def test_contact_pages_in_french(owner_client, business, contact_factory, tag_factory):
    tag = tag_factory(business=business, name="VIP")
    contact = contact_factory(business=business, display_name="Marie Tremblay", tags=[tag])
    owner_client.cookies["django_language"] = "fr-ca"

    listing = owner_client.get(reverse("contacts:contact_list"))
    detail = owner_client.get(reverse("contacts:contact_detail", args=[contact.pk]))
    form = owner_client.get(reverse("contacts:contact_update", args=[contact.pk]))
    response = owner_client.post(reverse("contacts:tag_create"), {"name": "vip"})

    assert "Étiqueter le contact correspondant (1)" in listing.content.decode()
    assert "Nom, courriel ou téléphone" in listing.content.decode()
    assert "Aucune facture pour ce contact pour l’instant." in detail.content.decode()
    assert "Courriel et téléphone" in form.content.decode()
    assert response.context["form"].errors["name"] == [
        "Une étiquette nommée «\u00a0VIP\u00a0» existe déjà."
    ]
