"""The seeded companies, read through the unmodified python-quickbooks client."""

from decimal import Decimal

from quickbooks.objects import (
    Account,
    CompanyInfo,
    Customer,
    Item,
    PaymentMethod,
    Preferences,
    TaxCode,
    TaxRate,
    Term,
)

from .conftest import CA_REALM, US_REALM


def test_company_info_and_preferences(qb):
    info = CompanyInfo.get(CA_REALM, qb=qb)
    prefs = Preferences.get(qb=qb)

    assert info.CompanyName == "Compagnie ABC"
    assert info.Country == "CA"
    assert {"Name": "ItemCategoriesFeature", "Value": "true"} in [
        {"Name": nv["Name"], "Value": nv["Value"]} for nv in info.NameValue
    ]
    assert prefs.SalesFormsPrefs.CustomTxnNumbers is True
    assert prefs.TaxPrefs.UsingSalesTax is True
    assert prefs.CurrencyPrefs.HomeCurrency.value == "CAD"


def test_french_chart_of_accounts(qb):
    banks = Account.filter(AccountType="Bank", qb=qb)
    undeposited = Account.filter(AccountSubType="UndepositedFunds", qb=qb)
    income = Account.where("AccountType IN ('Income', 'Other Income')", qb=qb)

    assert [a.Name for a in banks] == ["Chèques", "Épargne"]
    assert [a.Name for a in undeposited] == ["Fonds non déposés"]
    assert {"Ventes", "Revenus autres"} <= {a.Name for a in income}


def test_canadian_tax_codes_and_rates(qb):
    codes = {c.Name: c for c in TaxCode.all(qb=qb)}
    rates = {r.Id: r for r in TaxRate.all(qb=qb)}

    assert set(codes) == {
        "TPS/TVQ QC - 9,975",
        "TVH ON 13 %",
        "TVH 15 %",
        "TPS",
        "Détaxé",
        "Exonéré",
    }
    qc = codes["TPS/TVQ QC - 9,975"].SalesTaxRateList.TaxRateDetail
    assert [(rates[d.TaxRateRef.value].Name, rates[d.TaxRateRef.value].RateValue) for d in qc] == [
        ("TPS", Decimal("5")),
        ("TVQ", Decimal("9.975")),
    ]
    hst = codes["TVH ON 13 %"].SalesTaxRateList.TaxRateDetail[0].TaxRateRef.value
    assert rates[hst].RateValue == Decimal("13")


def test_items_and_categories(qb):
    items = Item.all(qb=qb, max_results=1000)
    by_name = {i.Name: i for i in items}

    assert by_name["Main-d'œuvre"].Type == "Category"
    assert by_name["Main-d'œuvre (heure)"].FullyQualifiedName == "Main-d'œuvre:Main-d'œuvre (heure)"
    assert by_name["Main-d'œuvre (heure)"].Sku == "MO-H"
    assert by_name["Autres revenus"].Type == "Service"
    assert by_name["Thermostat intelligent"].QtyOnHand == Decimal("12")


def test_thirty_customers_and_lists(qb):
    assert Customer.count(qb=qb) == 30
    assert len(Customer.all(qb=qb, max_results=1000)) == 30
    assert {m.Name for m in PaymentMethod.all(qb=qb)} >= {"Comptant", "Chèque", "Visa"}
    assert {t.Name: t.DueDays for t in Term.all(qb=qb)}["Net 30"] == 30


def test_us_company_has_tax_non_and_a_state_rate(qb_us):
    codes = {c.Id: c for c in TaxCode.all(qb=qb_us)}
    rate = TaxRate.get(3, qb=qb_us)

    assert {"TAX", "NON", "2"} == set(codes)
    assert codes["2"].Name == "California"
    assert rate.RateValue == Decimal("8")
    assert CompanyInfo.get(US_REALM, qb=qb_us).Country == "US"


def test_get_by_id_and_unknown_id(qb):
    customer = Customer.get(1, qb=qb)

    assert customer.DisplayName == "Marie Tremblay"
    assert customer.SyncToken == "0"
    import pytest
    from quickbooks.exceptions import ObjectNotFoundException

    with pytest.raises(ObjectNotFoundException) as error:
        Customer.get(999, qb=qb)
    assert error.value.error_code == 610
