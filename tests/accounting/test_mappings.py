"""Configure: the four mappings (plus per-tax-group codes), validated against QBO's current
lists, through the page."""

import pytest

from accounting.models import AccountingSettings, QboItem, TaxGroupMapping
from tests.accounting.conftest import CA_REALM, US_REALM, connect
from tests.factories.invoicing import TaxGroupFactory

pytestmark = pytest.mark.django_db
PAGE = "/settings/accounting/"


def _id(emulator, entity, name, realm=CA_REALM) -> str:
    (row,) = emulator.company(realm).find(entity, Name=name)
    return row["Id"]


@pytest.fixture
def connected(owner_client, ready_business, qbo_emulator):
    connect(owner_client)
    owner_client.get(PAGE)  # consume the "Connected" message
    return qbo_emulator


def _abc_choices(emulator) -> dict:
    return {
        "taxable_tax_code": _id(emulator, "TaxCode", "TPS/TVQ QC - 9,975"),
        "non_taxable_tax_code": _id(emulator, "TaxCode", "Exonéré"),
        "default_item": "Autres revenus",
        "deposit_account": _id(emulator, "Account", "Chèques"),
    }


def test_configure_the_four_mappings_and_see_the_checklist_complete(
    owner_client, ready_business, connected
):
    choices = _abc_choices(connected)
    tax_group = TaxGroupFactory(business=ready_business, name="Exempté")
    choices[f"tax_group_{tax_group.pk}"] = choices["non_taxable_tax_code"]

    response = owner_client.post(PAGE, choices, follow=True)

    html = response.content.decode()
    assert "Accounting settings saved." in html
    settings_row = AccountingSettings.objects.get(business=ready_business)
    assert (
        settings_row.taxable_tax_code_name,
        settings_row.non_taxable_tax_code_name,
        settings_row.default_item_name,
        settings_row.deposit_account_name,
    ) == ("TPS/TVQ QC - 9,975", "Exonéré", "Autres revenus", "Chèques")
    assert settings_row.default_item_id == _id(connected, "Item", "Autres revenus")
    mapping = TaxGroupMapping.objects.get(tax_group=tax_group)
    assert mapping.qbo_tax_code_name == "Exonéré"
    assert html.count('class="done"') == 5
    assert "Everything is configured." in html


def test_undeposited_funds_is_a_valid_deposit_account(owner_client, ready_business, connected):
    choices = _abc_choices(connected)
    choices["deposit_account"] = _id(connected, "Account", "Fonds non déposés")
    owner_client.post(PAGE, choices)
    assert (
        AccountingSettings.objects.get(business=ready_business).deposit_account_name
        == "Fonds non déposés"
    )


def test_item_made_inactive_in_qbo_since_the_refresh_is_refused(
    owner_client, ready_business, connected
):
    item = connected.company(CA_REALM).find("Item", Name="Autres revenus")[0]
    connected.company(CA_REALM).save("Item", {**item, "Active": False, "sparse": True})

    response = owner_client.post(PAGE, _abc_choices(connected))

    assert response.status_code == 200
    assert (
        "“Autres revenus” is inactive in QuickBooks Online. Choose another one or "
        "reactivate it in QuickBooks."
    ) in response.content.decode()
    assert AccountingSettings.objects.get(business=ready_business).default_item_id == ""
    assert QboItem.objects.get(business=ready_business, qbo_id=item["Id"]).is_active is False


def test_item_deleted_in_qbo_is_refused(owner_client, ready_business, connected):
    QboItem.objects.create(
        business=ready_business,
        realm_id=CA_REALM,
        qbo_id="99999",
        name="Fantôme",
        fully_qualified_name="Fantôme",
        item_type="Service",
    )
    choices = _abc_choices(connected)
    choices["default_item"] = "Fantôme"

    response = owner_client.post(PAGE, choices)

    assert response.status_code == 200
    assert "This choice no longer exists in QuickBooks Online." in response.content.decode()
    assert not QboItem.objects.filter(qbo_id="99999").exists()
    assert AccountingSettings.objects.get(business=ready_business).taxable_tax_code_id == ""


def test_a_category_cannot_be_the_default_item(owner_client, ready_business, connected):
    choices = _abc_choices(connected)
    choices["default_item"] = "Pièces"
    response = owner_client.post(PAGE, choices)
    assert response.status_code == 200
    assert "Choose a Service or Non-inventory item from the list" in response.content.decode()
    assert AccountingSettings.objects.get(business=ready_business).default_item_id == ""


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "taxable_tax_code": "abc",
            "non_taxable_tax_code": "'; DROP TABLE x;--",
            "default_item": "x" * 100_000,
            "deposit_account": "-1",
        },
        {"taxable_tax_code": ["1", "2"], "deposit_account": "\x00"},
        {"tax_group_999999": "5", "default_item": ""},
    ],
)
def test_malformed_posts_answer_200_with_errors_and_change_nothing(
    owner_client, ready_business, connected, data
):
    before = len(connected.requests_log)
    response = owner_client.post(PAGE, data)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    settings_row = AccountingSettings.objects.get(business=ready_business)
    assert (settings_row.taxable_tax_code_id, settings_row.default_item_id) == ("", "")
    assert len(connected.requests_log) == before  # nothing sent to QBO


def test_tax_group_of_another_business_is_never_mapped(
    owner_client, ready_business, other_business, connected
):
    foreign = TaxGroupFactory(business=other_business)
    choices = _abc_choices(connected)
    choices[f"tax_group_{foreign.pk}"] = choices["taxable_tax_code"]
    response = owner_client.post(PAGE, choices)
    assert response.status_code == 302
    assert TaxGroupMapping.objects.count() == 0


def test_us_company_uses_tax_and_non(owner_client, ready_business, qbo_emulator):
    connect(owner_client, realm_id=US_REALM)
    page = owner_client.get(PAGE).content.decode()
    assert "Sales tax rate for invoices" in page
    assert "Tax code for taxable lines</label>" not in page
    (account,) = [
        a for a in qbo_emulator.company(US_REALM).all("Account") if a.get("AccountType") == "Bank"
    ][:1]
    (item,) = [
        i
        for i in qbo_emulator.company(US_REALM).all("Item")
        if i.get("Type") == "Service" and i.get("Active", True)
    ][:1]

    response = owner_client.post(
        PAGE, {"default_item": item["Name"], "deposit_account": account["Id"]}, follow=True
    )

    assert "Accounting settings saved." in response.content.decode()
    settings_row = AccountingSettings.objects.get(business=ready_business)
    assert (
        settings_row.taxable_tax_code_id,
        settings_row.non_taxable_tax_code_id,
        settings_row.transaction_tax_code_id,
    ) == ("TAX", "NON", "")
    assert "Everything is configured." in response.content.decode()


def test_refresh_lists_button(owner_client, ready_business, connected):
    QboItem.objects.filter(business=ready_business).delete()
    response = owner_client.post(PAGE + "refresh-lists/", follow=True)
    assert "Lists refreshed:" in response.content.decode()
    assert QboItem.objects.filter(business=ready_business, name="Autres revenus").exists()


def test_page_in_french(owner_client, ready_business, connected):
    owner_client.cookies["django_language"] = "fr-ca"
    html = owner_client.get(PAGE).content.decode()
    assert "Comptabilité" in html
    assert "Suis-je configuré?" in html
    assert "Code de taxe des lignes taxables" in html
    assert "Actualiser les listes" in html
    assert "Déconnecter" in html
