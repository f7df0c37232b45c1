import pytest

from contacts import selectors
from contacts.models import Contact


def names(queryset):
    return [contact.display_name for contact in queryset]


@pytest.fixture
def people(business, contact_factory, tag_factory):
    vip = tag_factory(business=business, name="VIP")
    return {
        "vip": vip,
        "marie": contact_factory(
            business=business,
            display_name="Marie Tremblay",
            first_name="Marie",
            last_name="Tremblay",
            email="marie@paysage.ca",
            phone="514-555-0101",
            tags=[vip],
        ),
        "luc": contact_factory(
            business=business,
            display_name="Déneigement Roy",
            first_name="Luc",
            last_name="Roy",
            company_name="Déneigement Roy",
            email="luc@roy.ca",
            phone="418 555 0199",
        ),
        "anne": contact_factory(
            business=business,
            display_name="Anne Gagnon",
            first_name="Anne",
            last_name="Gagnon",
            email="anne@gagnon.ca",
            phone="450-555-0123",
            is_active=False,
            tags=[vip],
        ),
    }


def test_contact_list_hides_archived_and_orders_by_name(business, people):
    assert names(selectors.contact_list(business=business)) == ["Déneigement Roy", "Marie Tremblay"]
    assert names(selectors.contact_list(business=business, include_archived=True)) == [
        "Anne Gagnon",
        "Déneigement Roy",
        "Marie Tremblay",
    ]


def test_contact_list_breaks_name_ties_by_id(business, contact_factory):
    first = contact_factory(business=business, display_name="Même nom")
    second = contact_factory(business=business, display_name="Même nom")

    assert [c.pk for c in selectors.contact_list(business=business)] == [first.pk, second.pk]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("tremblay", ["Marie Tremblay"]),  # name
        ("ROY.CA", ["Déneigement Roy"]),  # email, any case
        ("555-0101", ["Marie Tremblay"]),  # phone
        ("418 555", ["Déneigement Roy"]),  # every word must match somewhere
        ("luc roy", ["Déneigement Roy"]),  # first + last name stored apart
        ("paysage", ["Marie Tremblay"]),  # part of the email
        ("555", ["Déneigement Roy", "Marie Tremblay"]),
        ("5145550101", ["Marie Tremblay"]),  # digits, whatever the stored separators
        ("(418)555-0199", ["Déneigement Roy"]),
        ("4185550101", []),
        ("gagnon", []),  # archived
        ("nobody", []),
        ("   ", ["Déneigement Roy", "Marie Tremblay"]),  # blank search: no filter
    ],
)
def test_contact_list_search(business, people, search, expected):
    assert names(selectors.contact_list(business=business, search=search)) == expected


def test_contact_list_search_includes_archived_when_asked(business, people):
    assert names(
        selectors.contact_list(business=business, search="gagnon", include_archived=True)
    ) == ["Anne Gagnon"]


def test_contact_list_tag_filter(business, people):
    vip = people["vip"]

    assert names(selectors.contact_list(business=business, tag_id=vip.pk)) == ["Marie Tremblay"]
    assert names(
        selectors.contact_list(business=business, tag_id=vip.pk, include_archived=True)
    ) == ["Anne Gagnon", "Marie Tremblay"]
    assert names(selectors.contact_list(business=business, tag_id=vip.pk, search="luc")) == []


def test_contact_list_is_scoped_to_the_business(
    business, other_business, people, contact_factory, tag_factory
):
    their_tag = tag_factory(business=other_business, name="VIP")
    contact_factory(business=other_business, display_name="Marie Tremblay", tags=[their_tag])

    assert names(selectors.contact_list(business=other_business)) == ["Marie Tremblay"]
    assert names(selectors.contact_list(business=business, tag_id=their_tag.pk)) == []
    assert names(selectors.contact_list(business=other_business, tag_id=people["vip"].pk)) == []
    assert len(selectors.contact_list(business=business, search="marie")) == 1


def test_contact_list_prefetches_tags(business, people, django_assert_num_queries):
    with django_assert_num_queries(2):
        tags = {
            c.display_name: [t.name for t in c.tags.all()]
            for c in selectors.contact_list(business=business, include_archived=True)
        }

    assert tags == {"Anne Gagnon": ["VIP"], "Déneigement Roy": [], "Marie Tremblay": ["VIP"]}


def test_contact_get(business, other_business, people):
    marie = people["marie"]

    assert selectors.contact_get(business=business, pk=marie.pk) == marie
    assert selectors.contact_get(business=other_business, pk=marie.pk) is None
    assert selectors.contact_get(business=business, pk=10**6) is None
    assert selectors.contact_get(business=business, pk="abc") is None


def test_tag_list_counts_active_contacts(
    business, other_business, people, tag_factory, contact_factory
):
    empty = tag_factory(business=business, name="Aucun")
    tag_factory(business=other_business, name="Ailleurs")

    tags = selectors.tag_list(business=business)

    assert [(t.name, t.contact_count) for t in tags] == [("Aucun", 0), ("VIP", 1)]
    with_archived = selectors.tag_list(business=business, include_archived_in_count=True)
    assert [(t.name, t.contact_count) for t in with_archived] == [("Aucun", 0), ("VIP", 2)]
    assert empty.business == business


def test_tag_find_by_name(business, other_business, tag_factory):
    tag = tag_factory(business=business, name="Élite")
    tag_factory(business=other_business, name="Autre")

    assert selectors.tag_find_by_name(business=business, name=" élite ") == tag
    assert selectors.tag_find_by_name(business=business, name="Autre") is None


def test_contact_invoices_empty(business, people):
    assert selectors.contact_invoices(contact=people["marie"]) == []
    assert Contact.objects.count() == 3
