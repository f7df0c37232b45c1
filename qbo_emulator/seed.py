"""The seeded state: the development app and two companies with fixed realm ids, plus the
generator behind ``POST /_emulator/companies``."""

from __future__ import annotations

import random

from .entities import KINDS, Ctx, save
from .entities.base import finish
from .store import Company, State

CA_REALM = "9130357766900456"
US_REALM = "9130357766900457"
FIRST_GENERATED_REALM = 9130357766900458

DEV_APP = {
    "client_id": "plannit-dev-client",
    "client_secret": "plannit-dev-secret",
    "name": "Plannit (development)",
    "redirect_uris": [
        "http://127.0.0.1:8000/settings/accounting/callback/",
        "http://localhost:8000/settings/accounting/callback/",
        "http://testserver/settings/accounting/callback/",
    ],
    "webhook_url": "http://127.0.0.1:8000/webhooks/quickbooks/",
    "verifier_token": "plannit-dev-verifier",
}

FR_GIVEN = [
    "Marie",
    "Jean",
    "Sophie",
    "Luc",
    "Isabelle",
    "François",
    "Chantal",
    "Mathieu",
    "Geneviève",
    "Étienne",
    "Nathalie",
    "Pierre",
    "Josée",
    "Sébastien",
    "Mélanie",
]
FR_FAMILY = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
]
FR_CITIES = [
    ("Montréal", "H2X 1Y4"),
    ("Québec", "G1R 4P5"),
    ("Laval", "H7N 5H9"),
    ("Gatineau", "J8X 3X7"),
    ("Sherbrooke", "J1H 1Z3"),
    ("Longueuil", "J4K 2T5"),
]
EN_GIVEN = ["Amy", "Bill", "Carol", "Dan", "Emma", "Frank", "Grace", "Henry", "Ivy", "Jack"]
EN_FAMILY = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson"]
EN_CITIES = [
    ("San Pablo", "94806"),
    ("Mountain View", "94042"),
    ("Sacramento", "95814"),
    ("Fresno", "93721"),
]


def _insert(company: Company, ctx: Ctx, entity: str, obj_id: str, record: dict) -> dict:
    finish(ctx, KINDS[entity], record, obj_id, 0, ctx.now)
    company.put(entity, record, ctx.now)
    number = int(obj_id) if obj_id.isdigit() else 0
    seq = entity
    company.counters[seq] = max(company.counters.get(seq, 0), number)
    return record


def _save(ctx: Ctx, entity: str, payload: dict) -> dict:
    return save(ctx, KINDS[entity], payload)


def _rate(name, value, agency, special="NONE"):
    return {
        "Name": name,
        "Description": name,
        "Active": True,
        "RateValue": value,
        "AgencyRef": {"value": agency},
        "SpecialTaxType": special,
        "DisplayType": "ReadOnly",
        "EffectiveTaxRate": [{"RateValue": value, "EffectiveDate": "2013-01-01T00:00:00-05:00"}],
    }


def _agency(company: Company, ctx: Ctx, obj_id: str, name: str, number_label) -> None:
    record = {"DisplayName": name, "TaxTrackedOnSales": True, "TaxTrackedOnPurchases": True}
    if number_label:
        # A registration number of the usual shape (BN RT0001 for GST/HST, TQ0001 for QST).
        suffix = "RT0001" if number_label == "TPS/TVH" else "TQ0001"
        record["TaxRegistrationNumber"] = f"123456789 {suffix}"
    _insert(company, ctx, "TaxAgency", obj_id, record)


def _code(name, rates, taxable=True):
    details = [
        {
            "TaxRateRef": {"value": rid, "name": rname},
            "TaxTypeApplicable": "TaxOnAmount",
            "TaxOrder": 0,
        }
        for rid, rname in rates
    ]
    return {
        "Name": name,
        "Description": name,
        "Active": True,
        "Hidden": False,
        "Taxable": taxable,
        "TaxGroup": len(details) > 1,
        "SalesTaxRateList": {"TaxRateDetail": details},
        "PurchaseTaxRateList": {"TaxRateDetail": []},
        "TaxCodeConfigType": "SYSTEM_GENERATED",
    }


def _company_info(company: Company, ctx: Ctx, addr: dict, languages: str, email: str) -> None:
    _insert(
        company,
        ctx,
        "CompanyInfo",
        "1",
        {
            "CompanyName": company.name,
            "LegalName": company.name,
            "CompanyAddr": dict(addr, Id="1"),
            "CustomerCommunicationAddr": dict(addr, Id="1"),
            "LegalAddr": dict(addr, Id="1"),
            "PrimaryPhone": {},
            "CompanyStartDate": "2024-01-01",
            "FiscalYearStartMonth": "January",
            "Country": company.country,
            "Email": {"Address": email},
            "WebAddr": {},
            "SupportedLanguages": languages,
            "NameValue": [
                {"Name": "NeoEnabled", "Value": "true"},
                {"Name": "SubscriptionStatus", "Value": "PAID"},
                {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
                {"Name": "PayrollFeature", "Value": "false"},
                {"Name": "AccountantFeature", "Value": "false"},
                {"Name": "IsQbdtMigrated", "Value": "false"},
                {"Name": "ItemCategoriesFeature", "Value": "true"},
            ],
        },
    )


def _preferences(company: Company, ctx: Ctx, tax_code: str | None, net30: str) -> None:
    french = company.country == "CA"
    tax_prefs = {"UsingSalesTax": True, "PartnerTaxEnabled": False}
    if tax_code:
        tax_prefs["TaxGroupCodeRef"] = {"value": tax_code}
    if french:
        messages = {
            "InvoiceMessage": ("Facture {doc} de {company}", "Voici votre facture."),
            "EstimateMessage": ("Devis {doc} de {company}", "Voici votre devis."),
            "SalesReceiptMessage": ("Reçu de vente {doc} de {company}", "Merci de votre achat."),
            "StatementMessage": ("Relevé de {company}", "Voici votre relevé."),
        }
    else:
        messages = {
            "InvoiceMessage": ("Invoice {doc} from {company}", "Here is your invoice."),
            "EstimateMessage": ("Estimate {doc} from {company}", "Here is your estimate."),
            "SalesReceiptMessage": ("Sales Receipt {doc} from {company}", "Thank you."),
            "StatementMessage": ("Statement from {company}", "Here is your statement."),
        }
    _insert(
        company,
        ctx,
        "Preferences",
        "1",
        {
            "AccountingInfoPrefs": {
                "UseAccountNumbers": False,
                "TrackDepartments": False,
                "DepartmentTerminology": "Location",
                "ClassTrackingPerTxn": False,
                "ClassTrackingPerTxnLine": False,
                "CustomerTerminology": "Customers",
                "FirstMonthOfFiscalYear": "January",
                "TaxYearMonth": "January",
                "TaxForm": "6",
            },
            "ProductAndServicesPrefs": {
                "ForSales": True,
                "ForPurchase": True,
                "QuantityWithPriceAndRate": True,
                "QuantityOnHand": True,
                "RevenueRecognition": False,
            },
            "SalesFormsPrefs": {
                "CustomTxnNumbers": True,
                "AllowDeposit": True,
                "AllowDiscount": True,
                "AllowEstimates": True,
                "AllowShipping": False,
                "AllowServiceDate": True,
                "DefaultTerms": {"value": net30},
                "AutoApplyCredit": True,
                "AutoApplyPayments": True,
                "ETransactionEnabledStatus": "NotApplicable",
                "ETransactionAttachPDF": False,
                "ETransactionPaymentEnabled": False,
                "IPNSupportEnabled": False,
                "EmailCopyToCompany": False,
                "PrintItemWithZeroAmount": True,
                "UsingPriceLevels": False,
                "UsingProgressInvoicing": False,
            },
            "EmailMessagesPrefs": {
                key: {"Subject": subject, "Message": message}
                for key, (subject, message) in messages.items()
            },
            "VendorAndPurchasesPrefs": {
                "TrackingByCustomer": False,
                "BillableExpenseTracking": False,
                "TPAREnabled": False,
                "POCustomField": [],
            },
            "TimeTrackingPrefs": {
                "UseServices": True,
                "BillCustomers": True,
                "ShowBillRateToAll": False,
                "WorkWeekStartDate": "Monday",
                "MarkTimeEntriesBillable": True,
            },
            "TaxPrefs": tax_prefs,
            "CurrencyPrefs": {
                "MultiCurrencyEnabled": False,
                "HomeCurrency": {"value": company.currency},
            },
            "ReportPrefs": {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
            "OtherPrefs": {
                "NameValue": [
                    {"Name": "SalesFormsPrefs.DefaultItem", "Value": "1"},
                    {"Name": "ItemCategoriesFeature", "Value": "true"},
                ]
            },
        },
    )


# What a new company's chart of accounts has beside the accounts the seed needs by id (those
# come first, so their ids never move). Names as QuickBooks Online gives them in a new US
# company, and in French for a Québec company.
MORE_ACCOUNTS_US = [
    ("Inventory Asset", "Other Current Asset", "Inventory"),
    ("Uncategorized Asset", "Other Current Asset", "OtherCurrentAssets"),
    ("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable"),
    ("Opening Balance Equity", "Equity", "OpeningBalanceEquity"),
    ("Retained Earnings", "Equity", "RetainedEarnings"),
    ("Owner's Investment", "Equity", "OwnersEquity"),
    ("Uncategorized Income", "Income", "ServiceFeeIncome"),
    ("Discounts given", "Income", "DiscountsRefundsGiven"),
    ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    ("Bank Charges", "Expense", "BankCharges"),
    ("Office Expenses", "Expense", "OfficeGeneralAdministrativeExpenses"),
    ("Uncategorized Expense", "Expense", "OtherMiscellaneousServiceCost"),
]
MORE_ACCOUNTS_FR = [
    ("Actifs non classés", "Other Current Asset", "OtherCurrentAssets"),
    ("Comptes fournisseurs (C/F)", "Accounts Payable", "AccountsPayable"),
    ("Capitaux propres d'ouverture", "Equity", "OpeningBalanceEquity"),
    ("Bénéfices non répartis", "Equity", "RetainedEarnings"),
    ("Apport du propriétaire", "Equity", "OwnersEquity"),
    ("Revenus non classés", "Income", "ServiceFeeIncome"),
    ("Frais bancaires", "Expense", "BankCharges"),
    ("Frais de bureau", "Expense", "OfficeGeneralAdministrativeExpenses"),
    ("Dépenses non classées", "Expense", "OtherMiscellaneousServiceCost"),
]


def _more_accounts(ctx: Ctx, rows: list[tuple[str, str, str]]) -> None:
    for name, account_type, sub_type in rows:
        _save(
            ctx,
            "Account",
            {"Name": name, "AccountType": account_type, "AccountSubType": sub_type},
        )


def _customers(ctx: Ctx, count: int, rng: random.Random, french: bool, start: int = 0) -> None:
    given, family, cities = (
        (FR_GIVEN, FR_FAMILY, FR_CITIES) if french else (EN_GIVEN, EN_FAMILY, EN_CITIES)
    )
    region, country = ("QC", "CAN") if french else ("CA", "USA")
    for n in range(start, start + count):
        first, last = given[n % len(given)], family[(n * 7 + n // len(given)) % len(family)]
        city, postal = cities[rng.randrange(len(cities))]
        display = f"{first} {last}" if n < len(given) * len(family) else f"{first} {last} {n}"
        payload = {
            "GivenName": first,
            "FamilyName": last,
            "DisplayName": display,
            "PrimaryEmailAddr": {"Address": f"client{n + 1}@example.com"},
            "PrimaryPhone": {"FreeFormNumber": f"(514) 555-{1000 + n:04d}"},
            "BillAddr": {
                "Line1": f"{100 + n * 3} rue Principale" if french else f"{100 + n * 3} Main St",
                "City": city,
                "CountrySubDivisionCode": region,
                "PostalCode": postal,
                "Country": country,
            },
        }
        if n % 3 == 0:
            payload["CompanyName"] = f"{last} et fils inc." if french else f"{last} LLC"
        _save(ctx, "Customer", payload)


def seed_canada(
    state: State,
    ctx_for,
    realm_id: str = CA_REALM,
    name: str = "Compagnie ABC",
    customers: int = 30,
    extra_items: int = 0,
    currency: str = "CAD",
) -> Company:
    company = Company(realm_id, name, "CA", currency, "America/Toronto")
    state.companies[realm_id] = company
    ctx = ctx_for(company)
    _company_info(
        company,
        ctx,
        {
            "Line1": "1000 rue Sherbrooke Ouest",
            "City": "Montréal",
            "CountrySubDivisionCode": "QC",
            "PostalCode": "H3A 3G4",
            "Country": "CAN",
        },
        "fr,en",
        "info@compagnie-abc.example",
    )
    acct = {}
    for key, payload in [
        (
            "ar",
            {
                "Name": "Comptes clients",
                "AccountType": "Accounts Receivable",
                "AccountSubType": "AccountsReceivable",
            },
        ),
        ("chequing", {"Name": "Chèques", "AccountType": "Bank", "AccountSubType": "Checking"}),
        ("savings", {"Name": "Épargne", "AccountType": "Bank", "AccountSubType": "Savings"}),
        (
            "undeposited",
            {
                "Name": "Fonds non déposés",
                "AccountType": "Other Current Asset",
                "AccountSubType": "UndepositedFunds",
            },
        ),
        (
            "inventory",
            {"Name": "Stocks", "AccountType": "Other Current Asset", "AccountSubType": "Inventory"},
        ),
        (
            "sales",
            {"Name": "Ventes", "AccountType": "Income", "AccountSubType": "SalesOfProductIncome"},
        ),
        (
            "services",
            {
                "Name": "Revenus de services",
                "AccountType": "Income",
                "AccountSubType": "ServiceFeeIncome",
            },
        ),
        (
            "other",
            {
                "Name": "Revenus autres",
                "AccountType": "Other Income",
                "AccountSubType": "OtherMiscellaneousIncome",
            },
        ),
        (
            "discounts",
            {
                "Name": "Remises accordées",
                "AccountType": "Income",
                "AccountSubType": "DiscountsRefundsGiven",
            },
        ),
        (
            "gst",
            {
                "Name": "TPS/TVH à payer",
                "AccountType": "Other Current Liability",
                "AccountSubType": "GlobalTaxPayable",
            },
        ),
        (
            "qst",
            {
                "Name": "TVQ à payer",
                "AccountType": "Other Current Liability",
                "AccountSubType": "GlobalTaxPayable",
            },
        ),
        (
            "cogs",
            {
                "Name": "Coût des marchandises vendues",
                "AccountType": "Cost of Goods Sold",
                "AccountSubType": "SuppliesMaterialsCogs",
            },
        ),
    ]:
        acct[key] = _save(ctx, "Account", payload)["Id"]
    _more_accounts(ctx, MORE_ACCOUNTS_FR)
    _agency(company, ctx, "1", "Agence du revenu du Canada", "TPS/TVH")
    _agency(company, ctx, "2", "Revenu Québec", "TVQ")
    rates = {}
    for key, args in [
        ("gst", ("TPS", 5, "1")),
        ("qst", ("TVQ", 9.975, "2")),
        ("hst13", ("TVH ON", 13, "1")),
        ("hst15", ("TVH (Atlantique)", 15, "1")),
        ("zero", ("Détaxé", 0, "1", "ZERO_RATE")),
        ("exempt", ("Exonéré", 0, "1")),
    ]:
        rates[key] = _insert(company, ctx, "TaxRate", str(len(rates) + 1), _rate(*args))
    codes = {}
    for key, code_name, rate_keys, taxable in [
        ("gst_qst", "TPS/TVQ QC - 9,975", ["gst", "qst"], True),
        ("hst13", "TVH ON 13 %", ["hst13"], True),
        ("hst15", "TVH 15 %", ["hst15"], True),
        ("gst", "TPS", ["gst"], True),
        ("zero", "Détaxé", ["zero"], True),
        ("exempt", "Exonéré", ["exempt"], False),
    ]:
        rate_refs = [(rates[k]["Id"], rates[k]["Name"]) for k in rate_keys]
        codes[key] = _insert(
            company, ctx, "TaxCode", str(len(codes) + 2), _code(code_name, rate_refs, taxable)
        )
    terms = {}
    for name_, days in [
        ("Payable dès réception", 0),
        ("Net 15", 15),
        ("Net 30", 30),
        ("Net 60", 60),
    ]:
        terms[days] = _save(ctx, "Term", {"Name": name_, "DueDays": days})["Id"]
    for method, kind in [
        ("Comptant", "NON_CREDIT_CARD"),
        ("Chèque", "NON_CREDIT_CARD"),
        ("Visa", "CREDIT_CARD"),
        ("MasterCard", "CREDIT_CARD"),
        ("Virement Interac", "NON_CREDIT_CARD"),
    ]:
        _save(ctx, "PaymentMethod", {"Name": method, "Type": kind})
    _preferences(company, ctx, None, terms[30])
    gst_qst = {"value": codes["gst_qst"]["Id"]}
    services = {"value": acct["services"]}
    _save(
        ctx,
        "Item",
        {
            "Name": "Services",
            "Type": "Service",
            "IncomeAccountRef": services,
            "SalesTaxCodeRef": gst_qst,
        },
    )
    labour = _save(ctx, "Item", {"Name": "Main-d'œuvre", "Type": "Category"})["Id"]
    parts = _save(ctx, "Item", {"Name": "Pièces", "Type": "Category"})["Id"]
    for payload in [
        {
            "Name": "Main-d'œuvre (heure)",
            "Type": "Service",
            "UnitPrice": 95,
            "Sku": "MO-H",
            "ParentRef": {"value": labour},
            "SubItem": True,
            "IncomeAccountRef": services,
        },
        {
            "Name": "Déplacement",
            "Type": "Service",
            "UnitPrice": 45,
            "Sku": "DEP",
            "ParentRef": {"value": labour},
            "SubItem": True,
            "IncomeAccountRef": services,
        },
        {
            "Name": "Contrat d'entretien annuel",
            "Type": "Service",
            "UnitPrice": 299,
            "Sku": "CONTRAT",
            "IncomeAccountRef": services,
        },
        {
            "Name": "Filtre à fournaise",
            "Type": "NonInventory",
            "UnitPrice": 29.99,
            "Sku": "FILT-16",
            "ParentRef": {"value": parts},
            "SubItem": True,
            "IncomeAccountRef": {"value": acct["sales"]},
        },
        {
            "Name": "Thermostat intelligent",
            "Type": "Inventory",
            "UnitPrice": 149,
            "Sku": "THERMO",
            "ParentRef": {"value": parts},
            "SubItem": True,
            "IncomeAccountRef": {"value": acct["sales"]},
            "ExpenseAccountRef": {"value": acct["cogs"]},
            "AssetAccountRef": {"value": acct["inventory"]},
            "TrackQtyOnHand": True,
            "QtyOnHand": 12,
            "InvStartDate": "2024-01-01",
        },
        {
            "Name": "Autres revenus",
            "Type": "Service",
            "UnitPrice": 0,
            "Sku": "AUTRE",
            "IncomeAccountRef": {"value": acct["other"]},
        },
    ]:
        payload.setdefault("SalesTaxCodeRef", gst_qst)
        _save(ctx, "Item", payload)
    for n in range(extra_items):
        _save(
            ctx,
            "Item",
            {
                "Name": f"Produit {n + 1}",
                "Type": "Service",
                "UnitPrice": 10 + n,
                "IncomeAccountRef": services,
            },
        )
    _customers(ctx, customers, random.Random(realm_id), french=True)
    return company


def seed_us(
    state: State,
    ctx_for,
    realm_id: str = US_REALM,
    name: str = "Sandbox Company US",
    customers: int = 20,
    extra_items: int = 0,
    currency: str = "USD",
) -> Company:
    company = Company(realm_id, name, "US", currency, "America/Los_Angeles")
    state.companies[realm_id] = company
    ctx = ctx_for(company)
    _company_info(
        company,
        ctx,
        {
            "Line1": "123 Sierra Way",
            "City": "San Pablo",
            "CountrySubDivisionCode": "CA",
            "PostalCode": "87999",
            "Country": "USA",
        },
        "en",
        "noreply@quickbooks.example",
    )
    acct = {}
    for key, payload in [
        ("ar", {"Name": "Accounts Receivable (A/R)", "AccountType": "Accounts Receivable"}),
        ("checking", {"Name": "Checking", "AccountType": "Bank", "AccountSubType": "Checking"}),
        ("savings", {"Name": "Savings", "AccountType": "Bank", "AccountSubType": "Savings"}),
        (
            "undeposited",
            {
                "Name": "Undeposited Funds",
                "AccountType": "Other Current Asset",
                "AccountSubType": "UndepositedFunds",
            },
        ),
        (
            "sales",
            {
                "Name": "Sales of Product Income",
                "AccountType": "Income",
                "AccountSubType": "SalesOfProductIncome",
            },
        ),
        (
            "services",
            {"Name": "Services", "AccountType": "Income", "AccountSubType": "ServiceFeeIncome"},
        ),
        (
            "other",
            {
                "Name": "Other Income",
                "AccountType": "Other Income",
                "AccountSubType": "OtherMiscellaneousIncome",
            },
        ),
        (
            "tax",
            {
                "Name": "Sales Tax Payable",
                "AccountType": "Other Current Liability",
                "AccountSubType": "SalesTaxPayable",
            },
        ),
    ]:
        acct[key] = _save(ctx, "Account", payload)["Id"]
    _more_accounts(ctx, MORE_ACCOUNTS_US)
    _agency(company, ctx, "1", "California Department of Tax and Fee Administration", None)
    _insert(company, ctx, "TaxRate", "3", _rate("California", 8, "1"))
    for pseudo, taxable in (("TAX", True), ("NON", False)):
        record = {"Name": pseudo, "Description": pseudo, "Taxable": taxable, "TaxGroup": False}
        finish(ctx, KINDS["TaxCode"], record, pseudo, 0, ctx.now)
        company.put("TaxCode", record, ctx.now)
    _insert(
        company,
        ctx,
        "TaxCode",
        "2",
        _code("California", [("3", "California")])
        | {"TaxGroup": True, "TaxCodeConfigType": "USER_DEFINED"},
    )
    terms = {}
    for name_, days in [("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60)]:
        terms[days] = _save(ctx, "Term", {"Name": name_, "DueDays": days})["Id"]
    for method, kind in [
        ("Cash", "NON_CREDIT_CARD"),
        ("Check", "NON_CREDIT_CARD"),
        ("Visa", "CREDIT_CARD"),
        ("MasterCard", "CREDIT_CARD"),
    ]:
        _save(ctx, "PaymentMethod", {"Name": method, "Type": kind})
    _preferences(company, ctx, "2", terms[30])
    services = {"value": acct["services"]}
    _save(ctx, "Item", {"Name": "Services", "Type": "Service", "IncomeAccountRef": services})
    category = _save(ctx, "Item", {"Name": "Repairs", "Type": "Category"})["Id"]
    for payload in [
        {
            "Name": "Hours",
            "Type": "Service",
            "UnitPrice": 95,
            "Sku": "HRS",
            "ParentRef": {"value": category},
            "SubItem": True,
            "IncomeAccountRef": services,
        },
        {
            "Name": "Installation",
            "Type": "Service",
            "UnitPrice": 50,
            "Sku": "INST",
            "IncomeAccountRef": services,
        },
        {
            "Name": "Pump",
            "Type": "NonInventory",
            "UnitPrice": 15,
            "Taxable": True,
            "Sku": "PUMP",
            "IncomeAccountRef": {"value": acct["sales"]},
        },
        {
            "Name": "Other income",
            "Type": "Service",
            "UnitPrice": 0,
            "Sku": "OTHER",
            "IncomeAccountRef": {"value": acct["other"]},
        },
    ]:
        _save(ctx, "Item", payload)
    for n in range(extra_items):
        _save(
            ctx,
            "Item",
            {
                "Name": f"Product {n + 1}",
                "Type": "Service",
                "UnitPrice": 10 + n,
                "IncomeAccountRef": services,
            },
        )
    _customers(ctx, customers, random.Random(realm_id), french=False)
    return company


def seed(state: State, ctx_for) -> None:
    state.apps = {
        DEV_APP["client_id"]: {**DEV_APP, "redirect_uris": list(DEV_APP["redirect_uris"])}
    }
    state.companies = {}
    state.grants, state.refresh_tokens, state.access_tokens, state.codes = {}, {}, {}, {}
    seed_canada(state, ctx_for)
    seed_us(state, ctx_for)


def generate_company(
    state: State,
    ctx_for,
    *,
    name: str,
    country: str,
    currency: str | None,
    customers: int,
    items: int,
) -> Company:
    numbers = [int(r) for r in state.companies if r.isdigit()] + [FIRST_GENERATED_REALM - 1]
    realm_id = str(max(max(numbers) + 1, FIRST_GENERATED_REALM))
    if country == "US":
        return seed_us(state, ctx_for, realm_id, name, customers, items, currency or "USD")
    return seed_canada(state, ctx_for, realm_id, name, customers, items, currency or "CAD")
