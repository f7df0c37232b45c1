"""Accent- and case-insensitive search in every list search and picker, on the database the
suite runs on (SQLite by default, PostgreSQL in CI): "eric" finds "Éric", "epandage" finds
"Épandage", and the pickers' endpoints answer the same."""

import datetime

import pytest
from django.urls import reverse

from accounting import selectors as accounting_selectors
from accounting.imports import selectors as imports_selectors
from catalog import selectors as catalog_selectors
from contacts import selectors as contact_selectors
from core.search import contains, fold
from invoicing import selectors as invoicing_selectors
from invoicing.models import Invoice
from tests.factories.accounting import QboConnectionFactory, QboItemFactory
from tests.factories.catalog import ItemFactory
from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db


def test_fold_drops_accents_case_spaces_and_spells_out_ligatures():
    assert fold("  Cœur d'ÉRIC  Gauthier ") == "coeur d'eric gauthier"
    assert fold("Æsop Ça") == "aesop ca"
    assert fold("") == fold(None) == ""


@pytest.fixture
def people(business):
    names = ["Éric Gauthier", "Valérie Bélanger", "ERIKA Roy", "Cœur de Pomme inc."]
    return {name: ContactFactory(business=business, display_name=name) for name in names}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("eric", ["Éric Gauthier"]),
        ("ÉRIC", ["Éric Gauthier"]),
        ("belanger valerie", ["Valérie Bélanger"]),
        ("eri", ["Éric Gauthier", "ERIKA Roy", "Valérie Bélanger"]),
        ("coeur", ["Cœur de Pomme inc."]),
        ("érika", ["ERIKA Roy"]),
        ("erica", []),
    ],
)
def test_contact_list_search(business, people, search, expected):
    listed = contact_selectors.contact_list(business=business, search=search)
    assert [contact.display_name for contact in listed] == expected


def test_contact_picker_finds_without_accents(owner_client, business, people):
    body = owner_client.get(reverse("contacts:contact_search"), {"q": "valerie"}).json()
    assert [row["label"] for row in body["results"]] == ["Valérie Bélanger"]
    assert body["more"] is False


def test_like_wildcards_in_the_search_are_plain_characters(business):
    ContactFactory(business=business, display_name="Rabais 50%")
    ContactFactory(business=business, display_name="Rabais 500")
    found = contact_selectors.contact_list(business=business, search="50%")
    assert [contact.display_name for contact in found] == ["Rabais 50%"]
    assert list(contact_selectors.contact_list(business=business, search="rabais_")) == []


def test_item_list_and_picker(owner_client, business):
    for name in ["Épandage d'engrais", "Tonte", "Élagage"]:
        ItemFactory(business=business, name=name, sku="")
    ItemFactory(business=business, name="Sel", sku="ÉPA-9")

    listed = catalog_selectors.item_list(business=business, search="epa")
    body = owner_client.get(reverse("catalog:item_search"), {"q": "ELAGAGE"}).json()

    assert [item.name for item in listed] == ["Épandage d'engrais", "Sel"]
    assert [row["label"] for row in body["results"]] == ["Élagage"]


def test_invoice_list_search_finds_the_contact_without_accents(business, people):
    day = datetime.date(2026, 3, 2)
    for number, name in [("1001", "Éric Gauthier"), ("1002", "Valérie Bélanger")]:
        Invoice.objects.create(
            business=business,
            contact=people[name],
            number=number,
            issue_date=day,
            due_date=day,
        )
    found = invoicing_selectors.invoice_list(business=business, search="gauthier eric")
    assert list(found) == []  # the whole text is one phrase here, as before
    found = invoicing_selectors.invoice_list(business=business, search="eric gau")
    assert [invoice.number for invoice in found] == ["1001"]


def test_quickbooks_item_pickers(business):
    connection = QboConnectionFactory(business=business)
    for qbo_id, name in [("1", "Épandage"), ("2", "Tonte"), ("3", "Épandage:Engrais bio")]:
        QboItemFactory(business=business, realm_id=connection.realm_id, qbo_id=qbo_id, name=name)

    defaults = accounting_selectors.qbo_item_search(connection=connection, query="EPANDAGE")
    linkable = imports_selectors.qbo_item_search(connection=connection, query="engrais")

    assert [row["id"] for row in defaults] == ["1", "3"]
    assert [row["name"] for row in linkable] == ["Épandage:Engrais bio"]


def test_contains_is_a_q_that_combines(business, people):
    from contacts.models import Contact

    either = Contact.objects.filter(contains("display_name", "roy") | contains("email", "zzz"))
    assert [contact.display_name for contact in either] == ["ERIKA Roy"]
