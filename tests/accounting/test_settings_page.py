"""The page before and after connecting, without talking to QBO."""

import pytest
from django.urls import reverse

from accounting.models import ConnectionStatus
from accounting.selectors import accounting_checklist
from tests.factories.accounting import (
    AccountingSettingsFactory,
    QboAccountFactory,
    QboConnectionFactory,
    QboItemFactory,
    QboTaxCodeFactory,
)
from tests.factories.invoicing import TaxGroupFactory

pytestmark = pytest.mark.django_db
URL = "/settings/accounting/"


def test_url_name_and_path():
    assert reverse("accounting:settings") == URL
    assert reverse("accounting:callback") == "/settings/accounting/callback/"


def test_without_tax_group_the_page_explains_and_connect_is_disabled(owner_client, business):
    response = owner_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Create at least one tax group first" in html
    assert "Create a tax group" in html
    assert reverse("invoicing:taxgroup_list") in html
    assert 'disabled aria-describedby="prerequisite"' in html


def test_connect_post_without_tax_group_is_refused_without_leaving(owner_client, business):
    response = owner_client.post(reverse("accounting:connect"), {"system": "qbo"})
    assert response.status_code == 302
    assert response["Location"] == URL
    from accounting.models import QboAuthorizationState

    assert QboAuthorizationState.objects.count() == 0


def test_inactive_tax_group_does_not_count(owner_client, business):
    TaxGroupFactory(business=business, is_active=False)
    html = owner_client.get(URL).content.decode()
    assert 'disabled aria-describedby="prerequisite"' in html


def test_with_tax_group_connect_is_enabled(owner_client, business):
    TaxGroupFactory(business=business)
    html = owner_client.get(URL).content.decode()
    assert "Create a tax group" not in html
    assert 'disabled aria-describedby="prerequisite"' not in html
    assert 'value="qbo"' in html and "QuickBooks Online" in html


def test_staff_member_cannot_open_the_page(client, staff_user):
    client.force_login(staff_user)
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_connected_page_shows_health_and_never_a_token(owner_client, business, owner):
    TaxGroupFactory(business=business)
    QboConnectionFactory(
        business=business,
        realm_id="9130357766900456",
        company_name="Compagnie ABC",
        connected_by=owner,
        access_token="visible-access-token-0001",
        refresh_token="AB11visible-refresh-token",
    )
    html = owner_client.get(URL).content.decode()
    assert "Compagnie ABC" in html
    assert "9130357766900456" in html
    assert owner.email in html
    assert "Disconnect" in html
    assert "Refresh lists" in html
    assert "visible-access-token" not in html and "AB11visible" not in html


def test_checklist_rows_follow_the_settings(business):
    rows = accounting_checklist(business=business)
    assert [(r.key, r.is_done) for r in rows] == [
        ("connected", False),
        ("taxable_tax_code", False),
        ("non_taxable_tax_code", False),
        ("default_item", False),
        ("deposit_account", False),
    ]
    QboConnectionFactory(business=business)
    AccountingSettingsFactory(
        business=business,
        taxable_tax_code_id="5",
        taxable_tax_code_name="TPS/TVQ QC - 9,975",
        default_item_id="7",
        default_item_name="Autres revenus",
    )
    rows = accounting_checklist(business=business)
    assert [(r.key, r.is_done, r.value) for r in rows] == [
        ("connected", True, "Compagnie ABC"),
        ("taxable_tax_code", True, "TPS/TVQ QC - 9,975"),
        ("non_taxable_tax_code", False, ""),
        ("default_item", True, "Autres revenus"),
        ("deposit_account", False, ""),
    ]
    assert rows[2].fix_url == "/settings/accounting/#mappings"


def test_everything_configured_message_only_when_every_row_is_ticked(owner_client, business):
    TaxGroupFactory(business=business)
    QboConnectionFactory(business=business)
    AccountingSettingsFactory(
        business=business, taxable_tax_code_id="5", non_taxable_tax_code_id="6", default_item_id="7"
    )
    assert "Everything is configured." not in owner_client.get(URL).content.decode()
    AccountingSettingsFactory(business=business, deposit_account_id="35")
    from accounting.models import AccountingSettings

    AccountingSettings.objects.filter(business=business).update(deposit_account_id="35")
    assert "Everything is configured." in owner_client.get(URL).content.decode()


def test_mapping_choices_come_from_the_cache_without_5000_options(owner_client, business):
    TaxGroupFactory(business=business)
    connection = QboConnectionFactory(business=business, realm_id="9130357766900456")
    QboTaxCodeFactory(business=business, name="TPS/TVQ QC - 9,975")
    QboAccountFactory(business=business, name="Chèques")
    QboAccountFactory(
        business=business,
        name="Ventes",
        account_type="Income",
        account_subtype="SalesOfProductIncome",
    )
    from accounting.models import QboItem

    QboItem.objects.bulk_create(
        [
            QboItem(
                business=business,
                realm_id=connection.realm_id,
                qbo_id=str(i),
                name=f"Article {i:04d}",
                fully_qualified_name=f"Article {i:04d}",
                item_type="Service",
            )
            for i in range(1, 5001)
        ]
    )
    html = owner_client.get(URL).content.decode()
    assert "TPS/TVQ QC - 9,975" in html
    assert "Chèques" in html
    assert "Ventes" not in html  # not a deposit account
    assert html.count("<option") < 20
    # The default item is searched as the owner types (picker.js on the JSON endpoint).
    assert 'data-picker-url="/settings/accounting/items/search/"' in html
    assert "data-picker-text-only" in html and "picker.js" in html


def test_item_search_returns_at_most_20_matches_of_the_own_business(
    owner_client, business, other_business
):
    connection = QboConnectionFactory(business=business, realm_id="9130357766900456")
    for i in range(30):
        QboItemFactory(business=business, realm_id=connection.realm_id, name=f"Tonte {i:02d}")
    QboItemFactory(
        business=business,
        realm_id=connection.realm_id,
        name="Tonte catégorie",
        item_type="Category",
    )
    QboItemFactory(
        business=business, realm_id=connection.realm_id, name="Tonte inactive", is_active=False
    )
    QboItemFactory(business=business, realm_id="111", name="Tonte autre compagnie")
    QboItemFactory(
        business=other_business, realm_id=connection.realm_id, name="Tonte autre entreprise"
    )
    response = owner_client.get(reverse("accounting:qbo_item_search"), {"q": "tonte"})
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert names == [f"Tonte {i:02d}" for i in range(20)]


def test_item_search_when_not_connected_is_empty(owner_client, business):
    response = owner_client.get(reverse("accounting:qbo_item_search"), {"q": "x" * 5000})
    assert response.json() == {"results": []}


def test_saving_mappings_while_not_connected_changes_nothing(owner_client, business):
    response = owner_client.post(URL, {"taxable_tax_code": "5"})
    assert response.status_code == 302
    from accounting.models import AccountingSettings

    assert AccountingSettings.objects.count() == 0


@pytest.mark.parametrize(
    "status", [ConnectionStatus.DISCONNECTED, ConnectionStatus.NEEDS_RECONNECT]
)
def test_while_not_connected_the_choices_made_are_kept_not_faults(owner_client, business, status):
    TaxGroupFactory(business=business)
    QboConnectionFactory(business=business, status=status)
    AccountingSettingsFactory(
        business=business,
        taxable_tax_code_id="5",
        taxable_tax_code_name="TPS/TVQ QC - 9,975",
        default_item_id="7",
        default_item_name="Autres revenus",
    )

    rows = accounting_checklist(business=business)
    owner_client.cookies["django_language"] = "fr-ca"
    html = owner_client.get(URL).content.decode()

    assert [(r.key, r.state, r.is_done, r.value) for r in rows] == [
        ("connected", "todo", False, ""),
        ("taxable_tax_code", "kept", False, "TPS/TVQ QC - 9,975"),
        ("non_taxable_tax_code", "later", False, ""),
        ("default_item", "kept", False, "Autres revenus"),
        ("deposit_account", "later", False, ""),
    ]
    # One thing to fix (the connection), named by what to do; no red row for the rest.
    assert html.count('class="todo"') == 1
    assert ">Reconnecter</a>" in html and ">Corriger</a>" not in html
    assert "Code de taxe des lignes taxables : <strong>TPS/TVQ QC - 9,975</strong>" in html
    assert "(conservé, réutilisé à la reconnexion)" in html
    assert '<button type="submit" class="primary" >Reconnecter</button>' in html
