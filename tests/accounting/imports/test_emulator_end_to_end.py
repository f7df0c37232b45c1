"""Both imports against the QuickBooks Online emulator's "Compagnie ABC", as the article's
steps 3 and 4 describe: everything arrives, linked, and a second run changes nothing."""

from decimal import Decimal

import pytest

from accounting.imports.models import ImportStatus
from accounting.sync.models import CustomerLink, ItemLink
from catalog.models import Category, Item
from contacts.models import Contact
from qbo_emulator.seed import CA_REALM
from tests.factories.accounting import (
    AccountingSettingsFactory,
    QboConnectionFactory,
    QboTaxCodeFactory,
)
from tests.factories.invoicing import TaxGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(business, owner, qbo_emulator):
    tokens = qbo_emulator.issue_tokens("plannit-dev-client", CA_REALM)
    TaxGroupFactory(business=business)
    AccountingSettingsFactory(
        business=business,
        taxable_tax_code_id="2",
        non_taxable_tax_code_id="7",
        default_item_id="1",
        deposit_account_id="2",
    )
    QboTaxCodeFactory(
        business=business, realm_id=CA_REALM, qbo_id="7", name="Exonéré", is_taxable=False
    )
    return QboConnectionFactory(
        business=business,
        realm_id=CA_REALM,
        connected_by=owner,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
    )


def test_compagnie_abc_contacts_and_items(connection, run_import, business, qbo_emulator):
    contacts_run = run_import("contacts")
    assert (
        contacts_run.status,
        contacts_run.total,
        contacts_run.done,
        contacts_run.created,
        contacts_run.failed,
    ) == (ImportStatus.SUCCEEDED, 30, 30, 30, 0)
    assert Contact.objects.filter(business=business).count() == 30
    first = qbo_emulator.company(CA_REALM).get("Customer", "1")
    contact = CustomerLink.objects.get(business=business, qbo_id="1").contact
    assert (contact.display_name, contact.email, contact.phone, contact.province) == (
        first["DisplayName"],
        first["PrimaryEmailAddr"]["Address"],
        first["PrimaryPhone"]["FreeFormNumber"],
        "QC",
    )

    items_run = run_import("items", unit="hour")
    assert (items_run.status, items_run.total, items_run.created, items_run.failed) == (
        ImportStatus.SUCCEEDED,
        9,
        9,
        0,
    )
    assert sorted(Category.objects.filter(business=business).values_list("name", flat=True)) == [
        "Main-d'œuvre",
        "Pièces",
    ]
    labour = Item.objects.get(business=business, name="Main-d'œuvre (heure)")
    assert (
        labour.unit_price,
        labour.sku,
        labour.unit,
        labour.is_taxable,
        labour.item_type,
        labour.category.name,
    ) == (Decimal("95.0000"), "MO-H", "hour", True, "service", "Main-d'œuvre")
    thermostat = Item.objects.get(business=business, name="Thermostat intelligent")
    assert (thermostat.item_type, thermostat.category.name) == ("product", "Pièces")
    assert ItemLink.objects.filter(business=business, realm_id=CA_REALM).count() == 7

    again = run_import("contacts")
    assert (again.created, again.skipped, again.updated) == (0, 30, 0)
    items_again = run_import("items", unit="hour")
    assert (items_again.created, items_again.skipped, items_again.updated) == (0, 9, 0)
    assert Contact.objects.filter(business=business).count() == 30
    assert Item.objects.filter(business=business).count() == 7
