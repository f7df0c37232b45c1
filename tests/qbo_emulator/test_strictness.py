"""Unknown properties are refused as QuickBooks' deserialiser refuses them (Fault 2010), at any
depth, and nothing is stored; Preferences sections; the default chart of accounts."""

import importlib
from decimal import Decimal

import pytest
from quickbooks.batch import batch_create
from quickbooks.exceptions import ValidationException
from quickbooks.objects import Customer, Invoice, Preferences
from quickbooks.objects.base import Ref
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail

from qbo_emulator.schema import ENTITIES, check_entity

from .conftest import CA_REALM, US_REALM


def _ref(value):
    ref = Ref()
    ref.value = value
    return ref


def _detail(field, java_class):
    return (
        f'Property Name:Unrecognized field "{field}" (class com.intuit.schema.finance.v3.'
        f"{java_class}), not marked as ignorable specified is unsupported or invalid"
    )


def _invoice_line(amount="100.00"):
    line = SalesItemLine()
    line.Amount = Decimal(amount)
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = _ref("4")
    line.SalesItemLineDetail.TaxCodeRef = _ref("2")
    return line


def test_a_misspelled_customer_field_is_2010_and_nothing_is_stored(qb, qbo_emulator):
    customer = Customer()
    customer.DisplayName = "Toitures Boréal"
    customer.CompanyNmae = "Toitures Boréal inc."

    with pytest.raises(ValidationException) as error:
        customer.save(qb=qb)

    assert error.value.error_code == 2010
    assert error.value.message == "Request has invalid or unsupported property"
    assert error.value.detail == _detail("CompanyNmae", "Customer")
    company = qbo_emulator.company(CA_REALM)
    assert company.find("Customer", DisplayName="Toitures Boréal") == []
    assert company.counts()["Customer"] == 30


def test_an_unknown_field_with_a_null_value_is_refused_too(api, qbo_emulator):
    response = api("POST", "customer", json={"DisplayName": "Nul", "Nickname": None})

    assert response.status_code == 400
    error = response.json()["Fault"]["Error"][0]
    assert response.json()["Fault"]["type"] == "ValidationFault"
    assert (error["code"], error["element"]) == ("2010", "Nickname")
    assert error["Detail"] == _detail("Nickname", "Customer")
    assert qbo_emulator.company(CA_REALM).counts()["Customer"] == 30


def test_an_unknown_field_inside_a_line_detail_is_2010_and_no_invoice_exists(qb, qbo_emulator):
    line = _invoice_line()
    line.SalesItemLineDetail.Quantity = 2
    invoice = Invoice()
    invoice.CustomerRef = _ref("1")
    invoice.DocNumber = "S-1"
    invoice.Line = [line]

    with pytest.raises(ValidationException) as error:
        invoice.save(qb=qb)

    assert error.value.error_code == 2010
    assert error.value.detail == _detail("Quantity", "SalesItemLineDetail")
    company = qbo_emulator.company(CA_REALM)
    assert company.all("Invoice") == []
    assert company.get("Customer", "1")["Balance"] == 0
    # The DocNumber was not taken: the same invoice without the typo goes through.
    del line.SalesItemLineDetail.Quantity
    assert invoice.save(qb=qb).DocNumber == "S-1"


@pytest.mark.parametrize(
    ("body", "field", "java_class"),
    [
        (
            {"CustomerRef": {"value": "1", "nom": "Marie"}},
            "nom",
            "ReferenceType",
        ),
        (
            {"CustomerRef": {"value": "1"}, "BillAddr": {"Line1": "1 rue A", "Zip": "H2X"}},
            "Zip",
            "PhysicalAddress",
        ),
        (
            {"CustomerRef": {"value": "1"}, "BillEmail": {"Adress": "a@example.com"}},
            "Adress",
            "EmailAddress",
        ),
        (
            {"CustomerRef": {"value": "1"}, "TxnTaxDetail": {"TotalTaxes": 1}},
            "TotalTaxes",
            "TxnTaxDetail",
        ),
        (
            {"CustomerRef": {"value": "1"}, "LineItems": []},
            "LineItems",
            "Invoice",
        ),
    ],
    ids=["ref", "address", "email", "tax-detail", "top-level"],
)
def test_unknown_fields_at_every_level_of_an_invoice(api, qbo_emulator, body, field, java_class):
    line = {
        "Amount": 95,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "4"}, "TaxCodeRef": {"value": "2"}},
    }

    response = api("POST", "invoice", json={"Line": [line], **body})

    assert response.status_code == 400
    error = response.json()["Fault"]["Error"][0]
    assert (error["code"], error["element"], error["Detail"]) == (
        "2010",
        field,
        _detail(field, java_class),
    )
    assert qbo_emulator.company(CA_REALM).all("Invoice") == []


def test_sparse_and_full_updates_with_an_unknown_field_change_nothing(api, qbo_emulator):
    company = qbo_emulator.company(CA_REALM)
    before = company.get("Customer", "2")

    sparse = api(
        "POST",
        "customer",
        json={"Id": "2", "SyncToken": "0", "sparse": True, "Notes": "x", "Nots": "y"},
    )
    full = api(
        "POST",
        "customer",
        json={**before, "Notes": "x", "ShipAddr": {"Line1": "2 rue B", "Province": "QC"}},
    )

    assert [r.status_code for r in (sparse, full)] == [400, 400]
    assert [r.json()["Fault"]["Error"][0]["Detail"] for r in (sparse, full)] == [
        _detail("Nots", "Customer"),
        _detail("Province", "PhysicalAddress"),
    ]
    assert company.get("Customer", "2") == before


def test_an_unknown_field_on_a_payment_line_leaves_the_invoice_balance(qb, api, qbo_emulator):
    invoice = api(
        "POST",
        "invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [
                {
                    "Amount": 100,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "4"},
                        "TaxCodeRef": {"value": "2"},
                    },
                }
            ],
        },
    ).json()["Invoice"]

    response = api(
        "POST",
        "payment",
        json={
            "CustomerRef": {"value": "1"},
            "TotalAmt": 50,
            "Line": [
                {"Amount": 50, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]},
                {"Amount": 0, "LinkedTxn": [], "AmountApplied": 1},
            ],
        },
    )

    assert response.json()["Fault"]["Error"][0]["Detail"] == _detail("AmountApplied", "Line")
    company = qbo_emulator.company(CA_REALM)
    assert company.all("Payment") == []
    assert company.get("Invoice", invoice["Id"])["Balance"] == 114.98
    assert company.get("Invoice", invoice["Id"])["SyncToken"] == "0"


def test_a_batch_item_with_an_unknown_field_faults_alone(qb, qbo_emulator):
    good = Customer()
    good.DisplayName = "Lot valide"
    bad = Customer()
    bad.DisplayName = "Lot invalide"
    bad.Courriel = "x@example.com"

    result = batch_create([good, bad], qb=qb)

    assert [c.DisplayName for c in result.successes] == ["Lot valide"]
    assert [(f.Error[0].code, f.Error[0].Detail) for f in result.faults] == [
        ("2010", _detail("Courriel", "Customer"))
    ]
    assert qbo_emulator.company(CA_REALM).find("Customer", DisplayName="Lot invalide") == []


def _filled(cls, depth=0):
    """A python-quickbooks object with every nested object and one element of every list the
    library models, so its JSON names every property the library can send."""
    obj = cls()
    if depth > 3:
        return obj
    for key, sub in getattr(cls, "class_dict", {}).items():
        setattr(obj, key, _filled(sub, depth + 1))
    for key, sub in getattr(cls, "list_dict", {}).items():
        setattr(obj, key, [_filled(sub, depth + 1)])
    return obj


LIBRARY_MODELS = [
    ("customer", "Customer", "Customer"),
    ("item", "Item", "Item"),
    ("account", "Account", "Account"),
    ("term", "Term", "Term"),
    ("paymentmethod", "PaymentMethod", "PaymentMethod"),
    ("invoice", "Invoice", "Invoice"),
    ("payment", "Payment", "Payment"),
    ("preferences", "Preferences", "Preferences"),
    ("creditmemo", "CreditMemo", "CreditMemo"),
    ("salesreceipt", "SalesReceipt", "SalesReceipt"),
    ("refundreceipt", "RefundReceipt", "RefundReceipt"),
]


@pytest.mark.parametrize(("module", "cls_name", "entity"), LIBRARY_MODELS, ids=lambda v: str(v))
def test_every_property_python_quickbooks_models_is_known(module, cls_name, entity):
    import json

    cls = getattr(importlib.import_module(f"quickbooks.objects.{module}"), cls_name)
    body = json.loads(_filled(cls).to_json())

    assert entity in ENTITIES
    check_entity(entity, body)  # raises ApiFault 2010 on a property the emulator does not know

    assert body  # the filled object did serialise something to check


@pytest.mark.parametrize(
    "line_class",
    ["SalesItemLine", "DiscountLine", "DescriptionOnlyLine", "GroupLine"],
)
def test_every_sales_line_python_quickbooks_models_is_known(line_class):
    import json

    from quickbooks.objects import detailline

    invoice = Invoice()
    invoice.Line = [_filled(getattr(detailline, line_class))]

    check_entity("Invoice", json.loads(invoice.to_json()))

    assert json.loads(invoice.to_json())["Line"][0]["DetailType"]


def test_what_the_emulator_answers_can_be_sent_back_unchanged(qb, api, qbo_emulator):
    """A client that reads an object and saves it whole (python-quickbooks does) sends every
    read-only property back; QBO accepts those."""
    invoice = api(
        "POST",
        "invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [
                {
                    "Amount": 100,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "4"},
                        "TaxCodeRef": {"value": "2"},
                    },
                }
            ],
        },
    ).json()["Invoice"]
    payment = api(
        "POST",
        "payment",
        json={
            "CustomerRef": {"value": "1"},
            "TotalAmt": 20,
            "Line": [{"Amount": 20, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}],
        },
    ).json()["Payment"]
    company = qbo_emulator.company(CA_REALM)
    for entity in ("Customer", "Item", "Account", "Term", "PaymentMethod", "CompanyInfo"):
        for record in company.all(entity):
            check_entity(entity, record)
    for realm in (CA_REALM, US_REALM):
        check_entity("Preferences", qbo_emulator.company(realm).get("Preferences", "1"))

    resent = api("POST", "invoice", json=company.get("Invoice", invoice["Id"]))
    resent_payment = api("POST", "payment", json=company.get("Payment", payment["Id"]))

    assert [resent.status_code, resent_payment.status_code] == [200, 200]
    assert resent.json()["Invoice"]["Balance"] == 94.98
    assert resent_payment.json()["Payment"]["SyncToken"] == "1"


PREFERENCE_SECTIONS = [
    "AccountingInfoPrefs",
    "CurrencyPrefs",
    "EmailMessagesPrefs",
    "OtherPrefs",
    "ProductAndServicesPrefs",
    "ReportPrefs",
    "SalesFormsPrefs",
    "TaxPrefs",
    "TimeTrackingPrefs",
    "VendorAndPurchasesPrefs",
]


def test_preferences_have_every_section_a_real_company_has(api):
    prefs = api("GET", "preferences").json()["Preferences"]

    assert sorted(k for k in prefs if k.endswith("Prefs")) == PREFERENCE_SECTIONS
    assert prefs["EmailMessagesPrefs"]["InvoiceMessage"]["Subject"] == (
        "Facture {doc} de {company}"
    )
    assert prefs["ReportPrefs"] == {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False}
    assert prefs["TimeTrackingPrefs"]["WorkWeekStartDate"] == "Monday"


def test_preferences_sections_update_through_python_quickbooks(qb, qbo_emulator):
    prefs = Preferences.get(qb=qb)
    prefs.VendorAndPurchasesPrefs.TrackingByCustomer = True
    prefs.ReportPrefs.ReportBasis = "Cash"
    prefs.EmailMessagesPrefs.InvoiceMessage.Subject = "Votre facture"

    prefs.save(qb=qb)

    stored = qbo_emulator.company(CA_REALM).get("Preferences", "1")
    assert stored["VendorAndPurchasesPrefs"]["TrackingByCustomer"] is True
    assert stored["ReportPrefs"]["ReportBasis"] == "Cash"
    assert stored["EmailMessagesPrefs"]["InvoiceMessage"] == {
        "Subject": "Votre facture",
        "Message": "Voici votre facture.",
    }
    assert stored["SalesFormsPrefs"]["CustomTxnNumbers"] is True
    assert stored["SyncToken"] == "1"


@pytest.mark.parametrize(
    ("body", "field", "java_class"),
    [
        ({"LoyaltyPrefs": {"Enabled": True}}, "LoyaltyPrefs", "Preferences"),
        ({"SalesFormsPrefs": {"AllowTips": True}}, "AllowTips", "SalesFormsPrefs"),
        (
            {"EmailMessagesPrefs": {"InvoiceMessage": {"Body": "x"}}},
            "Body",
            "EmailMessageType",
        ),
    ],
    ids=["section", "field", "nested"],
)
def test_preferences_update_naming_an_unknown_section_or_field_is_refused(
    api, qbo_emulator, body, field, java_class
):
    before = qbo_emulator.company(CA_REALM).get("Preferences", "1")

    response = api(
        "POST",
        "preferences",
        json={"Id": "1", "SyncToken": "0", "sparse": True, "ReportPrefs": {"ReportBasis": "Cash"}}
        | body,
    )

    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["Detail"] == _detail(field, java_class)
    assert qbo_emulator.company(CA_REALM).get("Preferences", "1") == before


def _accounts(company):
    return [(a["Name"], a["AccountType"]) for a in company.all("Account")]


def test_the_us_chart_of_accounts_is_a_new_company_s(qbo_emulator):
    assert _accounts(qbo_emulator.company(US_REALM)) == [
        ("Accounts Receivable (A/R)", "Accounts Receivable"),
        ("Checking", "Bank"),
        ("Savings", "Bank"),
        ("Undeposited Funds", "Other Current Asset"),
        ("Sales of Product Income", "Income"),
        ("Services", "Income"),
        ("Other Income", "Other Income"),
        ("Sales Tax Payable", "Other Current Liability"),
        ("Inventory Asset", "Other Current Asset"),
        ("Uncategorized Asset", "Other Current Asset"),
        ("Accounts Payable (A/P)", "Accounts Payable"),
        ("Opening Balance Equity", "Equity"),
        ("Retained Earnings", "Equity"),
        ("Owner's Investment", "Equity"),
        ("Uncategorized Income", "Income"),
        ("Discounts given", "Income"),
        ("Cost of Goods Sold", "Cost of Goods Sold"),
        ("Bank Charges", "Expense"),
        ("Office Expenses", "Expense"),
        ("Uncategorized Expense", "Expense"),
    ]


def test_the_quebec_chart_of_accounts_is_in_french(qbo_emulator):
    accounts = _accounts(qbo_emulator.company(CA_REALM))

    assert accounts[:4] == [
        ("Comptes clients", "Accounts Receivable"),
        ("Chèques", "Bank"),
        ("Épargne", "Bank"),
        ("Fonds non déposés", "Other Current Asset"),
    ]
    assert accounts[12:] == [
        ("Actifs non classés", "Other Current Asset"),
        ("Comptes fournisseurs (C/F)", "Accounts Payable"),
        ("Capitaux propres d'ouverture", "Equity"),
        ("Bénéfices non répartis", "Equity"),
        ("Apport du propriétaire", "Equity"),
        ("Revenus non classés", "Income"),
        ("Frais bancaires", "Expense"),
        ("Frais de bureau", "Expense"),
        ("Dépenses non classées", "Expense"),
    ]
    subtypes = {
        a["Name"]: a["AccountSubType"] for a in qbo_emulator.company(CA_REALM).all("Account")
    }
    assert subtypes["Stocks"] == "Inventory"
    assert subtypes["Coût des marchandises vendues"] == "SuppliesMaterialsCogs"
    assert subtypes["Capitaux propres d'ouverture"] == "OpeningBalanceEquity"
