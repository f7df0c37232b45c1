import pytest

from contacts import services
from contacts.models import Contact, Tag
from core.exceptions import ApplicationError


def tag_names(contact):
    return sorted(contact.tags.values_list("name", flat=True))


# contact_create


def test_contact_create_stores_cleaned_fields_and_sends_event(
    business, tag_factory, contact_events
):
    vip = tag_factory(business=business, name="VIP")

    contact = services.contact_create(
        business=business,
        display_name="  Paysagement   Tremblay ",
        first_name=" Marie ",
        last_name="Tremblay",
        company_name="Paysagement Tremblay inc.",
        email=" marie@example.com ",
        phone="514 555-0199",
        address_line1="12, rue Principale",
        city="Laval",
        province="QC",
        postal_code="H7N 1A1",
        country="Canada",
        notes="  Porte de côté.\nChien gentil.  ",
        tags=[vip],
    )

    contact.refresh_from_db()
    assert contact.business == business
    assert contact.display_name == "Paysagement Tremblay"
    assert contact.first_name == "Marie"
    assert contact.email == "marie@example.com"
    assert contact.phone == "514 555-0199"
    assert contact.postal_code == "H7N 1A1"
    assert contact.notes == "Porte de côté.\nChien gentil."
    assert contact.is_active is True
    assert tag_names(contact) == ["VIP"]
    assert contact_events == [(contact.pk, "Paysagement Tremblay", True)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"company_name": "Déneigement Roy", "first_name": "Luc", "last_name": "Roy"},
            "Déneigement Roy",
        ),
        ({"first_name": "Luc", "last_name": "Roy"}, "Luc Roy"),
        ({"first_name": "Luc"}, "Luc"),
        ({"last_name": "Roy"}, "Roy"),
        ({"display_name": "  ", "company_name": " Roy  et fils "}, "Roy et fils"),
    ],
)
def test_contact_create_builds_blank_display_name(business, values, expected):
    contact = services.contact_create(business=business, **values)

    assert Contact.objects.get(pk=contact.pk).display_name == expected


def test_contact_create_without_any_name_is_refused(business, contact_events):
    with pytest.raises(ApplicationError) as raised:
        services.contact_create(business=business, email="someone@example.com", first_name=" ")

    assert raised.value.field == "display_name"
    assert raised.value.message == "Enter a display name, a company or a first or last name."
    assert Contact.objects.count() == 0
    assert contact_events == []


def test_contact_create_with_invalid_email_is_refused(business, contact_events):
    with pytest.raises(ApplicationError) as raised:
        services.contact_create(business=business, display_name="Luc", email="luc@@example")

    assert raised.value.field == "email"
    assert raised.value.message == "Enter a valid email address."
    assert Contact.objects.count() == 0
    assert contact_events == []


def test_contact_create_with_too_long_name_is_refused(business):
    with pytest.raises(ApplicationError) as raised:
        services.contact_create(business=business, display_name="x" * 201)

    assert raised.value.field == "display_name"
    assert Contact.objects.count() == 0


def test_contact_create_with_another_business_tag_is_refused(
    business, other_business, tag_factory, contact_events
):
    foreign = tag_factory(business=other_business, name="Ailleurs")

    with pytest.raises(ApplicationError) as raised:
        services.contact_create(business=business, display_name="Luc", tags=[foreign])

    assert raised.value.field == "tags"
    assert Contact.objects.count() == 0
    assert foreign.contacts.count() == 0
    assert contact_events == []


def test_contact_create_rejects_unknown_field(business):
    with pytest.raises(TypeError):
        services.contact_create(business=business, display_name="Luc", is_active=False)

    assert Contact.objects.count() == 0


# contact_update


def test_contact_update_changes_only_given_fields(
    business, contact_factory, tag_factory, contact_events
):
    old, new = (
        tag_factory(business=business, name="Ancien"),
        tag_factory(business=business, name="Nouveau"),
    )
    contact = contact_factory(
        business=business,
        display_name="Luc Roy",
        first_name="Luc",
        last_name="Roy",
        phone="514-555-0100",
        tags=[old],
    )

    services.contact_update(contact=contact, email="luc@roy.ca", tags=[new])

    contact.refresh_from_db()
    assert contact.email == "luc@roy.ca"
    assert contact.phone == "514-555-0100"
    assert contact.display_name == "Luc Roy"
    assert tag_names(contact) == ["Nouveau"]
    assert contact_events == [(contact.pk, "Luc Roy", True)]


def test_contact_update_without_tags_keeps_tags(business, contact_factory, tag_factory):
    vip = tag_factory(business=business, name="VIP")
    contact = contact_factory(business=business, tags=[vip])

    services.contact_update(contact=contact, city="Québec")

    assert tag_names(contact) == ["VIP"]


def test_contact_update_blank_display_name_is_rebuilt(business, contact_factory):
    contact = contact_factory(
        business=business, display_name="Old", first_name="Luc", last_name="Roy", company_name=""
    )

    services.contact_update(contact=contact, display_name="")

    assert Contact.objects.get(pk=contact.pk).display_name == "Luc Roy"


def test_contact_update_invalid_email_changes_nothing(business, contact_factory, contact_events):
    contact = contact_factory(business=business, email="luc@roy.ca", city="Laval")

    with pytest.raises(ApplicationError) as raised:
        services.contact_update(contact=contact, email="not-an-email", city="Québec")

    assert raised.value.field == "email"
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.email, stored.city) == ("luc@roy.ca", "Laval")
    assert contact_events == []


def test_contact_update_with_another_business_tag_changes_nothing(
    business, other_business, contact_factory, tag_factory, contact_events
):
    mine = tag_factory(business=business, name="Mine")
    foreign = tag_factory(business=other_business, name="Foreign")
    contact = contact_factory(business=business, city="Laval", tags=[mine])

    with pytest.raises(ApplicationError):
        services.contact_update(contact=contact, city="Québec", tags=[mine, foreign])

    assert Contact.objects.get(pk=contact.pk).city == "Laval"
    assert tag_names(contact) == ["Mine"]
    assert contact_events == []


# archive / restore


def test_contact_archive_and_restore(business, contact_factory, contact_events):
    contact = contact_factory(business=business, display_name="Luc Roy")

    services.contact_archive(contact=contact)
    assert Contact.objects.get(pk=contact.pk).is_active is False

    services.contact_restore(contact=contact)
    assert Contact.objects.get(pk=contact.pk).is_active is True

    assert contact_events == [(contact.pk, "Luc Roy", False), (contact.pk, "Luc Roy", True)]


def test_contact_archive_twice_sends_one_event(business, contact_factory, contact_events):
    contact = contact_factory(business=business)

    services.contact_archive(contact=contact)
    services.contact_archive(contact=contact)
    services.contact_restore(contact=contact)
    services.contact_restore(contact=contact)

    assert len(contact_events) == 2


def test_contact_set_tags(business, contact_factory, tag_factory, contact_events):
    a, b = tag_factory(business=business, name="A"), tag_factory(business=business, name="B")
    contact = contact_factory(business=business, tags=[a])

    services.contact_set_tags(contact=contact, tags=[b])

    assert tag_names(contact) == ["B"]
    assert contact_events == []


# tags


def test_tag_create_strips_and_stores(business):
    tag = services.tag_create(business=business, name="  Avant   importation QuickBooks ")

    assert Tag.objects.get(pk=tag.pk).name == "Avant importation QuickBooks"
    assert tag.business == business


@pytest.mark.parametrize("duplicate", ["vip", "VIP", " Vip ", "vIp"])
def test_tag_create_duplicate_name_case_insensitive(business, tag_factory, duplicate):
    tag_factory(business=business, name="VIP")

    with pytest.raises(ApplicationError) as raised:
        services.tag_create(business=business, name=duplicate)

    assert raised.value.field == "name"
    assert raised.value.message == "A tag named “VIP” already exists."
    assert Tag.objects.filter(business=business).count() == 1


def test_tag_create_duplicate_with_accents_case_insensitive(business, tag_factory):
    tag_factory(business=business, name="Élite")

    with pytest.raises(ApplicationError):
        services.tag_create(business=business, name="élite")

    assert list(Tag.objects.values_list("name", flat=True)) == ["Élite"]


def test_tag_create_same_name_in_another_business_is_fine(business, other_business, tag_factory):
    tag_factory(business=other_business, name="VIP")

    tag = services.tag_create(business=business, name="VIP")

    assert Tag.objects.filter(name="VIP").count() == 2
    assert tag.business == business


@pytest.mark.parametrize("name", ["", "   ", None])
def test_tag_create_blank_name_is_refused(business, name):
    with pytest.raises(ApplicationError) as raised:
        services.tag_create(business=business, name=name)

    assert raised.value.message == "Enter a tag name."
    assert Tag.objects.count() == 0


def test_tag_create_too_long_name_is_refused(business):
    with pytest.raises(ApplicationError) as raised:
        services.tag_create(business=business, name="x" * 81)

    assert raised.value.field == "name"
    assert Tag.objects.count() == 0


def test_tag_get_or_create(business, tag_factory):
    existing = tag_factory(business=business, name="Avant importation QuickBooks")

    found = services.tag_get_or_create(business=business, name="avant importation quickbooks")
    created = services.tag_get_or_create(business=business, name="Nouveau")

    assert found.pk == existing.pk
    assert created.name == "Nouveau"
    assert Tag.objects.filter(business=business).count() == 2


def test_tag_rename(business, tag_factory):
    tag = tag_factory(business=business, name="VIP")

    services.tag_rename(tag=tag, name="Vip")  # its own name in another case is allowed

    assert Tag.objects.get(pk=tag.pk).name == "Vip"


def test_tag_rename_to_existing_name_is_refused(business, tag_factory):
    tag_factory(business=business, name="VIP")
    tag = tag_factory(business=business, name="Clients")

    with pytest.raises(ApplicationError) as raised:
        services.tag_rename(tag=tag, name="vip")

    assert raised.value.message == "A tag named “VIP” already exists."
    assert Tag.objects.get(pk=tag.pk).name == "Clients"


def test_tag_delete_keeps_contacts(business, contact_factory, tag_factory):
    tag = tag_factory(business=business, name="VIP")
    other = tag_factory(business=business, name="Autre")
    contacts = [contact_factory(business=business, tags=[tag, other]) for _ in range(3)]

    count = services.tag_delete(tag=tag)

    assert count == 3
    assert not Tag.objects.filter(name="VIP").exists()
    assert Contact.objects.filter(pk__in=[c.pk for c in contacts]).count() == 3
    assert Contact.tags.through.objects.count() == 3
    assert all(tag_names(c) == ["Autre"] for c in contacts)


# bulk tagging


def test_contact_bulk_tag_selection_counts_only_new_pairs(
    business, contact_factory, tag_factory, contact_events
):
    tag = tag_factory(business=business, name="VIP")
    already = contact_factory(business=business, tags=[tag])
    first, second = contact_factory(business=business), contact_factory(business=business)
    untouched = contact_factory(business=business)

    count = services.contact_bulk_tag(
        business=business, tag=tag, contact_ids=[already.pk, first.pk, second.pk, first.pk]
    )

    assert count == 2
    assert set(tag.contacts.values_list("pk", flat=True)) == {already.pk, first.pk, second.pk}
    assert tag_names(untouched) == []
    assert contact_events == []


def test_contact_bulk_tag_by_filters(business, contact_factory, tag_factory):
    tag = tag_factory(business=business, name="Avant importation QuickBooks")
    matching = [contact_factory(business=business, company_name="Roy et fils") for _ in range(3)]
    archived = contact_factory(business=business, company_name="Roy et fils", is_active=False)
    other = contact_factory(business=business, company_name="Gagnon")

    count = services.contact_bulk_tag(business=business, tag=tag, filters={"search": "roy"})

    assert count == 3
    assert set(tag.contacts.values_list("pk", flat=True)) == {c.pk for c in matching}
    assert tag_names(archived) == []
    assert tag_names(other) == []


def test_contact_bulk_tag_all_contacts_including_archived(
    business, other_business, contact_factory, tag_factory
):
    tag = tag_factory(business=business, name="Avant importation QuickBooks")
    mine = [contact_factory(business=business) for _ in range(4)]
    mine.append(contact_factory(business=business, is_active=False))
    theirs = contact_factory(business=other_business)

    first = services.contact_bulk_tag(
        business=business, tag=tag, filters={"include_archived": True}
    )
    second = services.contact_bulk_tag(
        business=business, tag=tag, filters={"include_archived": True}
    )

    assert (first, second) == (5, 0)
    assert set(tag.contacts.values_list("pk", flat=True)) == {c.pk for c in mine}
    assert theirs.tags.count() == 0


def test_contact_bulk_tag_uses_one_insert(
    business, contact_factory, tag_factory, django_assert_max_num_queries
):
    tag = tag_factory(business=business, name="VIP")
    Contact.objects.bulk_create(
        [Contact(business=business, display_name=f"Client {i}") for i in range(300)]
    )

    with django_assert_max_num_queries(4):
        count = services.contact_bulk_tag(business=business, tag=tag, filters={})

    assert count == 300
    assert tag.contacts.count() == 300


def test_contact_bulk_tag_with_another_business_contact_changes_nothing(
    business, other_business, contact_factory, tag_factory
):
    tag = tag_factory(business=business, name="VIP")
    mine = contact_factory(business=business)
    theirs = contact_factory(business=other_business)

    with pytest.raises(ApplicationError) as raised:
        services.contact_bulk_tag(business=business, tag=tag, contact_ids=[mine.pk, theirs.pk])

    assert raised.value.message == "Some of the selected contacts do not exist."
    assert Contact.tags.through.objects.count() == 0


def test_contact_bulk_tag_with_another_business_tag_changes_nothing(
    business, other_business, contact_factory, tag_factory
):
    foreign = tag_factory(business=other_business, name="VIP")
    mine = contact_factory(business=business)

    with pytest.raises(ApplicationError):
        services.contact_bulk_tag(business=business, tag=foreign, contact_ids=[mine.pk])
    with pytest.raises(ApplicationError):
        services.contact_bulk_tag(business=business, tag=foreign, filters={})

    assert Contact.tags.through.objects.count() == 0


def test_contact_bulk_tag_needs_exactly_one_target(business, tag_factory):
    tag = tag_factory(business=business)

    with pytest.raises(TypeError):
        services.contact_bulk_tag(business=business, tag=tag)
    with pytest.raises(TypeError):
        services.contact_bulk_tag(business=business, tag=tag, contact_ids=[], filters={})
    with pytest.raises(TypeError):
        services.contact_bulk_tag(business=business, tag=tag, filters={"everything": True})


def test_contact_bulk_untag(business, other_business, contact_factory, tag_factory):
    tag = tag_factory(business=business, name="VIP")
    keep = tag_factory(business=business, name="Keep")
    a, b, c = (contact_factory(business=business, tags=[tag, keep]) for _ in range(3))
    not_tagged = contact_factory(business=business)

    count = services.contact_bulk_untag(
        business=business, tag=tag, contact_ids=[a.pk, b.pk, not_tagged.pk]
    )

    assert count == 2
    assert list(tag.contacts.values_list("pk", flat=True)) == [c.pk]
    assert keep.contacts.count() == 3
