"""The unscoped-query guard itself (tests/security/unscoped_queries.py): it reads the main
table and WHERE clause right, it catches a view whose lookup lost its `business=`, and it lets
the scoped and the row-in-hand queries through."""

import pytest

from accounting.sync.models import SyncJob
from contacts import selectors as contact_selectors
from contacts.models import Contact
from tests.core import builders

from .ownership import owned_models
from .unscoped_queries import main_table_and_where

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "sql, expected",
    [
        (
            'SELECT "a"."id" FROM "contacts_contact" WHERE "contacts_contact"."id" = %s',
            ("contacts_contact", 'WHERE "contacts_contact"."id" = %s'),
        ),
        (
            'SELECT COUNT(*) FROM (SELECT "t"."id" FROM "contacts_tag" WHERE "x" IN '
            '(SELECT 1 FROM "catalog_item")) subquery',
            ("contacts_tag", 'WHERE "x" IN (SELECT 1 FROM "catalog_item")) subquery'),
        ),
        (
            'SELECT (SELECT 1 FROM "catalog_item" WHERE "business_id" = 1) AS "x" '
            'FROM "invoicing_invoice" ORDER BY 1',
            ("invoicing_invoice", ""),
        ),
        (
            'UPDATE "invoicing_invoice" SET "notes" = %s WHERE "invoicing_invoice"."id" = %s',
            ("invoicing_invoice", ' WHERE "invoicing_invoice"."id" = %s'),
        ),
        ('DELETE FROM "contacts_tag"', ("contacts_tag", "")),
        ('INSERT INTO "contacts_tag" ("name") VALUES (%s)', ("", "")),
        ("SAVEPOINT x", ("", "")),
    ],
)
def test_main_table_and_where(sql, expected):
    assert main_table_and_where(sql) == expected


def test_owned_tables_are_derived_from_the_models():
    owned = owned_models()
    assert owned["contacts_contact"].scope_columns == ("business_id",)
    assert owned["invoicing_invoiceline"].path == "invoice__business"
    assert "invoice_id" in owned["invoicing_payment"].scope_columns
    assert owned["invoicing_taxcomponent"].scope_columns == ("tax_group_id",)
    assert "businesses_business" not in owned
    assert "businesses_user" not in owned


def test_a_view_lookup_without_its_business_is_caught(
    owner_client, business, monkeypatch, _business_scoped_requests
):
    # given the contact page's selector losing its business= filter
    contact = builders.contact(business)
    monkeypatch.setattr(
        contact_selectors,
        "contact_get",
        lambda *, business, pk: Contact.objects.filter(pk=pk).first(),
    )
    # when the page is asked for
    assert owner_client.get(f"/contacts/{contact.pk}/").status_code == 200
    # then the guard saw the query, and named where it came from
    found = [(f.table, f.where.split(":")[0]) for f in _business_scoped_requests.found]
    assert found == [("contacts_contact", "contacts.views._contact_or_404")]
    _business_scoped_requests.found.clear()  # seen: do not fail this test for it


def test_scoped_pages_and_followed_keys_pass(owner_client, business, _business_scoped_requests):
    invoice = builders.issued_invoice(business)
    # the invoice page follows invoice.contact, its lines, its payments: all from the invoice
    assert owner_client.get(f"/invoices/{invoice.pk}/").status_code == 200
    assert _business_scoped_requests.found == []


def test_the_sync_log_names_no_object_of_another_business(
    owner_client, business, other_business, _business_scoped_requests
):
    # given a job of this business whose object_id is another business's invoice (a plain
    # number, not a foreign key)
    theirs = builders.issued_invoice(other_business)
    Contact.objects.filter(business=other_business).update(display_name="Leur client secret")
    SyncJob.objects.all().delete()
    for kind, object_id in (("invoice", theirs.pk), ("customer", theirs.contact_id)):
        SyncJob.objects.create(
            business=business,
            realm_id="9130357766900456",
            kind=kind,
            operation="create",
            object_id=object_id,
            status="failed",
        )
    # when the owner opens the sync log
    page = owner_client.get("/settings/accounting/sync/").content.decode()
    # then the other business's invoice number and customer appear nowhere
    assert theirs.number not in page.replace(f"/{theirs.pk}/", "")
    assert "Leur client secret" not in page
    assert _business_scoped_requests.found == []
