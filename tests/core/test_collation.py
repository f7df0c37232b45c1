"""French alphabetical order in every list, on the database the suite runs on (SQLite by
default, PostgreSQL in CI): accents and case do not count."""

import pytest

from catalog import selectors as catalog_selectors
from contacts import selectors as contact_selectors
from core.collation import sort_key
from invoicing import selectors as invoicing_selectors
from tests.factories.catalog import ItemFactory
from tests.factories.contacts import ContactFactory, TagFactory
from tests.factories.invoicing import TaxGroupFactory

pytestmark = pytest.mark.django_db

NAMES = ["Valérie Bélanger", "Éric Gauthier", "zoé Roy", "Denis Côté", "éloïse Arsenault"]
IN_ORDER = ["Denis Côté", "éloïse Arsenault", "Éric Gauthier", "Valérie Bélanger", "zoé Roy"]


def test_sort_key_drops_accents_case_and_extra_spaces():
    assert sort_key("  Éric   GAUTHIER ") == "eric gauthier"
    assert sort_key("Œuvre Ça") == "œuvre ca"
    assert sorted(NAMES, key=sort_key) == IN_ORDER


def test_contacts_are_listed_in_french_order(business):
    for name in NAMES:
        ContactFactory(business=business, display_name=name)

    listed = contact_selectors.contact_list(business=business)

    assert [contact.display_name for contact in listed] == IN_ORDER


def test_a_page_of_contacts_is_cut_after_sorting(business):
    for name in NAMES:
        ContactFactory(business=business, display_name=name)

    page = contact_selectors.contact_list(business=business)[1:3]

    assert [contact.display_name for contact in page] == ["éloïse Arsenault", "Éric Gauthier"]


def test_items_tags_and_tax_groups_are_listed_in_french_order(business):
    for name in ["Tonte", "Épandage", "aération", "Zonage"]:
        ItemFactory(business=business, name=name)
    for name in ["Été", "hiver", "Automne"]:
        TagFactory(business=business, name=name)
    for name in ["TVH 13 %", "Exonéré", "exemption"]:
        TaxGroupFactory(business=business, name=name)

    items = catalog_selectors.item_list(business=business)
    tags = contact_selectors.tag_list(business=business)
    groups = invoicing_selectors.taxgroup_list(business=business)

    assert [item.name for item in items] == ["aération", "Épandage", "Tonte", "Zonage"]
    assert [tag.name for tag in tags] == ["Automne", "Été", "hiver"]
    assert [group.name for group in groups] == ["exemption", "Exonéré", "TVH 13 %"]
