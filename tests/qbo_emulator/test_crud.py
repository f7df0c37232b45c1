"""Create, read, full and sparse update, deactivate, and the validation codes, through
python-quickbooks."""

from decimal import Decimal

import pytest
from quickbooks.exceptions import QuickbooksException, ValidationException
from quickbooks.objects import Account, Customer, Item, PaymentMethod, Term
from quickbooks.objects.base import Ref

from .conftest import CA_REALM


def _ref(value):
    ref = Ref()
    ref.value = value
    return ref


def test_customer_create_update_sparse_and_deactivate(qb, qbo_emulator):
    customer = Customer()
    customer.DisplayName = "Plomberie Laval inc."
    customer.GivenName = "Julie"
    customer.PrimaryEmailAddr = None
    customer = customer.save(qb=qb)
    assert customer.Id == "31"
    assert customer.SyncToken == "0"
    assert customer.FullyQualifiedName == "Plomberie Laval inc."
    assert customer.CurrencyRef.value == "CAD"

    customer.CompanyName = "Plomberie Laval"
    customer = customer.save(qb=qb)
    assert customer.SyncToken == "1"

    sparse = Customer()
    sparse.Id, sparse.SyncToken, sparse.sparse = customer.Id, customer.SyncToken, True
    sparse.Notes = "Client fidèle"
    sparse.save(qb=qb)
    stored = qbo_emulator.company(CA_REALM).get("Customer", customer.Id)
    assert stored["SyncToken"] == "2"
    assert stored["Notes"] == "Client fidèle"
    assert stored["CompanyName"] == "Plomberie Laval"
    assert stored["GivenName"] == "Julie"

    # a full update clears the writable fields it leaves out
    full = Customer.get(customer.Id, qb=qb)
    full.Notes = None
    full = full.save(qb=qb)
    assert "Notes" not in qbo_emulator.company(CA_REALM).get("Customer", customer.Id)

    full.Active = False
    full.save(qb=qb)
    assert Customer.count(qb=qb) == 30
    assert Customer.count("Active = false", qb=qb) == 1
    assert Customer.get(customer.Id, qb=qb).Active is False


def test_stale_sync_token_is_5010(qb):
    first = Customer.get(1, qb=qb)
    second = Customer.get(1, qb=qb)
    first.Notes = "première"
    first.save(qb=qb)

    second.Notes = "seconde"
    with pytest.raises(QuickbooksException) as error:
        second.save(qb=qb)

    assert error.value.error_code == 5010
    assert Customer.get(1, qb=qb).Notes == "première"


@pytest.mark.parametrize("name", ["marie tremblay", "  Marie   Tremblay ", "MARIE TREMBLAY"])
def test_duplicate_display_name_is_6240_with_the_existing_id(qb, name):
    customer = Customer()
    customer.DisplayName = name

    with pytest.raises(QuickbooksException) as error:
        customer.save(qb=qb)

    assert error.value.error_code == 6240
    assert error.value.detail == "The name supplied already exists. : Id=1"
    assert Customer.count(qb=qb) == 30


def test_inactive_names_stay_taken(qb):
    old = Customer.get(2, qb=qb)
    old.Active = False
    old.save(qb=qb)
    again = Customer()
    again.DisplayName = old.DisplayName

    with pytest.raises(QuickbooksException) as error:
        again.save(qb=qb)

    assert error.value.error_code == 6240


def test_no_name_is_6080_and_bad_email_is_2210(qb):
    nameless = Customer()
    with pytest.raises(QuickbooksException) as error:
        nameless.save(qb=qb)
    assert error.value.error_code == 6080

    bad = Customer()
    bad.DisplayName = "Courriel invalide"
    bad.PrimaryEmailAddr = {"Address": "pas-un-courriel"}
    with pytest.raises(ValidationException) as error:
        bad.save(qb=qb)
    assert error.value.error_code == 2210
    assert Customer.count(qb=qb) == 30


def test_item_create_and_name_space_shared_with_categories(qb):
    item = Item()
    item.Name = "Inspection"
    item.Type = "Service"
    item.UnitPrice = Decimal("120.50")
    item.IncomeAccountRef = _ref("7")
    item.Sku = "INSP"
    item = item.save(qb=qb)
    assert item.Id == "10"
    assert item.UnitPrice == Decimal("120.5")
    assert item.IncomeAccountRef.name == "Revenus de services"

    clash = Item()
    clash.Name = "pièces"  # the name of a category
    clash.Type = "Service"
    clash.IncomeAccountRef = _ref("7")
    with pytest.raises(QuickbooksException) as error:
        clash.save(qb=qb)
    assert error.value.error_code == 6240
    assert error.value.detail.endswith(": Id=3")


def test_item_needs_an_income_account(qb):
    item = Item()
    item.Name = "Sans compte"
    item.Type = "Service"

    with pytest.raises(ValidationException) as error:
        item.save(qb=qb)

    assert error.value.error_code == 2020
    assert Item.count("Name = 'Sans compte'", qb=qb) == 0


def test_item_with_an_expense_account_as_income_is_2500(qb):
    item = Item()
    item.Name = "Mauvais compte"
    item.Type = "Service"
    item.IncomeAccountRef = _ref("2")  # Chèques, a bank account

    with pytest.raises(ValidationException) as error:
        item.save(qb=qb)

    assert error.value.error_code == 2500


def test_category_with_active_children_cannot_be_deactivated(qb):
    category = Item.get(3, qb=qb)
    category.Active = False

    with pytest.raises(QuickbooksException) as error:
        category.save(qb=qb)

    assert error.value.error_code == 6000
    assert Item.get(3, qb=qb).Active is True


def test_name_lists_cannot_be_deleted(api):
    response = api("POST", "customer?operation=delete", json={"Id": "1", "SyncToken": "0"})

    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == "500"


def test_account_payment_method_and_term(qb):
    account = Account()
    account.Name = "Caisse populaire"
    account.AccountSubType = "Checking"
    account = account.save(qb=qb)
    method = PaymentMethod()
    method.Name = "Bitcoin"
    method = method.save(qb=qb)
    term = Term()
    term.Name = "Net 45"
    term.DueDays = 45
    term = term.save(qb=qb)

    assert (account.AccountType, account.Classification) == ("Bank", "Asset")
    assert method.Type == "NON_CREDIT_CARD"
    assert Term.get(term.Id, qb=qb).DueDays == 45


def test_account_needs_a_type(api):
    response = api("POST", "account", json={"Name": "Sans type"})

    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == "6010"


def test_tax_codes_are_read_only(api, qbo_emulator):
    response = api("POST", "taxcode", json={"Name": "Nouvelle taxe"})

    assert response.json()["Fault"]["Error"][0]["code"] == "500"
    assert qbo_emulator.company(CA_REALM).counts()["TaxCode"] == 6


def test_malformed_bodies_are_faults_not_crashes(api):
    garbage = api(
        "POST", "customer", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    wrong_shape = api("POST", "customer", json=["a"])
    bad_id = api("POST", "customer", json={"Id": "abc", "SyncToken": "0", "DisplayName": "x"})
    bad_number = api(
        "POST",
        "item",
        json={
            "Name": "x",
            "Type": "Service",
            "UnitPrice": "abc",
            "IncomeAccountRef": {"value": "7"},
        },
    )

    assert [r.status_code for r in (garbage, wrong_shape, bad_id, bad_number)] == [400] * 4
    assert [
        r.json()["Fault"]["Error"][0]["code"] for r in (garbage, wrong_shape, bad_id, bad_number)
    ] == ["2010", "2010", "2030", "2010"]


def test_company_info_and_preferences_updates(qb):
    from quickbooks.objects import CompanyInfo, Preferences

    info = CompanyInfo.get(CA_REALM, qb=qb)
    info.LegalName = "Compagnie ABC inc."
    saved = info.save(qb=qb)
    prefs = Preferences.get(qb=qb)
    prefs.SalesFormsPrefs.AllowShipping = True
    prefs.save(qb=qb)

    assert saved.LegalName == "Compagnie ABC inc."
    assert saved.Country == "CA"
    assert saved.SyncToken == "1"
    after = Preferences.get(qb=qb)
    assert after.SalesFormsPrefs.AllowShipping is True
    assert after.SalesFormsPrefs.CustomTxnNumbers is True
    assert after.SyncToken == "1"


def test_inventory_item_needs_its_accounts(api, qb):
    missing = api(
        "POST",
        "item",
        json={"Name": "Pompe", "Type": "Inventory", "IncomeAccountRef": {"value": "6"}},
    )
    created = api(
        "POST",
        "item",
        json={
            "Name": "Pompe",
            "Type": "Inventory",
            "UnitPrice": "310.00",
            "IncomeAccountRef": {"value": "6"},
            "ExpenseAccountRef": {"value": "12"},
            "AssetAccountRef": {"value": "5"},
            "TrackQtyOnHand": True,
            "QtyOnHand": 3,
            "InvStartDate": "2025-01-01",
        },
    )

    assert missing.json()["Fault"]["Error"][0]["code"] == "2020"
    item = created.json()["Item"]
    assert (item["Type"], item["QtyOnHand"], item["TrackQtyOnHand"], item["UnitPrice"]) == (
        "Inventory",
        3,
        True,
        310,
    )
    assert Item.count("Name = 'Pompe'", qb=qb) == 1
