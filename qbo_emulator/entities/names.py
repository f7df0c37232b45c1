"""Name-list entities: Customer, Item (incl. Category), Account, PaymentMethod, Term, and the
read-only TaxCode, TaxRate plus the CompanyInfo and Preferences singletons."""

from __future__ import annotations

from ..errors import ApiFault, business, invalid_ref, required
from ..store import name_key
from ..util import num, to_decimal
from .base import (
    Ctx,
    Kind,
    check_len,
    check_unique,
    currency_ref,
    ref_value,
    reindex_name,
    require_text,
    resolve_ref,
)


def _number(data: dict, key: str, default=None):
    if key not in data:
        return default
    try:
        value = to_decimal(data[key])
    except ValueError:
        raise ApiFault("2010", f"Invalid number for {key}: {data[key]!r}", element=key) from None
    return default if value is None else num(value)


def _bool(data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def _address(ctx: Ctx, value, old) -> dict | None:
    if not isinstance(value, dict) or not value:
        return None
    address = dict(value)
    if "Id" not in address:
        address["Id"] = (old or {}).get("Id") or ctx.company.next_id("PhysicalAddress")
    return address


class CustomerKind(Kind):
    name = "Customer"
    readonly = frozenset(
        {
            "FullyQualifiedName",
            "Level",
            "Balance",
            "BalanceWithJobs",
            "CurrencyRef",
            "OpenBalanceDate",
        }
    )

    def build(self, ctx, existing, data):
        record = dict(data)
        parts = [
            str(data[k]).strip()
            for k in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")
            if data.get(k)
        ]
        for key, limit in (
            ("Title", 16),
            ("GivenName", 100),
            ("MiddleName", 100),
            ("FamilyName", 100),
            ("Suffix", 16),
            ("CompanyName", 100),
            ("Notes", 2000),
        ):
            if key in data:
                check_len(key, str(data[key]), limit)
        display = str(data.get("DisplayName") or "").strip()
        if not display:
            display = " ".join(parts)
        if not display:
            raise ApiFault(
                "6080",
                "No Name Provided : Please provide a name (DisplayName, "
                "GivenName, FamilyName, ...).",
                element="DisplayName",
            )
        check_len("DisplayName", display, 500)
        if any(c in display for c in ":\t\n"):
            raise business(
                "The name can't contain a colon, a tab or a line break.", element="DisplayName"
            )
        active = _bool(data, "Active", True)
        if (
            ctx.settings.deactivate_renames
            and existing
            and existing.get("Active", True)
            and not active
            and not display.endswith(" (deleted)")
        ):
            display = f"{display} (deleted)"
        check_unique(ctx, self.name, name_key(display), existing and existing["Id"])
        email = (data.get("PrimaryEmailAddr") or {}).get("Address")
        if email is not None:
            text = str(email)
            if "@" not in text or "." not in text.split("@")[-1]:
                raise ApiFault(
                    "2210",
                    f"Email Address does not conform to the syntax rules of "
                    f"RFC 822. Supplied value:{text}",
                    element="PrimaryEmailAddr",
                )
        for key in ("BillAddr", "ShipAddr"):
            if key in record:
                address = _address(ctx, record[key], (existing or {}).get(key))
                if address is None:
                    record.pop(key)
                else:
                    record[key] = address
        for key, entity, label in (
            ("DefaultTaxCodeRef", "TaxCode", "TaxCode"),
            ("SalesTermRef", "Term", "Term"),
            ("PaymentMethodRef", "PaymentMethod", "PaymentMethod"),
        ):
            ref = resolve_ref(ctx, data, key, entity, label, name_field="Name")
            if ref is None:
                record.pop(key, None)
            else:
                record[key] = ref
        parent = None
        if _bool(data, "Job", False) or data.get("ParentRef"):
            parent = resolve_ref(
                ctx, data, "ParentRef", "Customer", "Names", name_field="DisplayName"
            )
        record.update(
            {
                "DisplayName": display,
                "Active": active,
                "Taxable": _bool(data, "Taxable", True),
                "Job": parent is not None,
                "BillWithParent": _bool(data, "BillWithParent", False),
                "IsProject": _bool(data, "IsProject", False),
                "PreferredDeliveryMethod": data.get("PreferredDeliveryMethod", "Print"),
                "PrintOnCheckName": data.get("PrintOnCheckName")
                or data.get("CompanyName")
                or display,
                "Balance": (existing or {}).get("Balance", 0),
                "BalanceWithJobs": (existing or {}).get("BalanceWithJobs", 0),
                "CurrencyRef": currency_ref(ctx.company),
            }
        )
        if parent:
            parent_rec = ctx.company.get("Customer", parent["value"])
            level = parent_rec.get("Level", 0) + 1
            if level > 4:
                raise ApiFault("6180", "Sub Level Limit : only 5 levels of sub-customers.")
            record.update(
                ParentRef=parent,
                Level=level,
                FullyQualifiedName=(f"{parent_rec['FullyQualifiedName']}:{display}"),
            )
        else:
            record.pop("ParentRef", None)
            record["FullyQualifiedName"] = display
        return record

    def after_write(self, ctx, old, new):
        reindex_name(
            ctx,
            self.name,
            old and name_key(old["DisplayName"]),
            name_key(new["DisplayName"]),
            new.get("Id"),
        )


ITEM_TYPES = ("Service", "NonInventory", "Inventory", "Category")


class ItemKind(Kind):
    name = "Item"
    readonly = frozenset({"FullyQualifiedName", "Level"})

    def build(self, ctx, existing, data):
        name = require_text(data, "Name", 100)
        if ":" in name:
            raise business("The name can't contain a colon.", element="Name")
        item_type = data.get("Type") or (existing or {}).get("Type")
        if not item_type:
            raise required("Type")
        if item_type not in ITEM_TYPES:
            raise business(
                f"Items of type {item_type} can't be created through the API.", element="Type"
            )
        if (
            existing
            and existing["Type"] != item_type
            and "Category" in (item_type, existing["Type"])
        ):
            raise business("A category can't become a product or service, nor the reverse.")
        check_unique(ctx, self.name, name_key(name), existing and existing["Id"])
        active = _bool(data, "Active", True)
        obj_id = existing and existing["Id"]
        if existing and not active and item_type == "Category":
            if any(
                i.get("ParentRef", {}).get("value") == obj_id and i.get("Active")
                for i in ctx.company.table("Item").values()
            ):
                raise business("This category has products or services in it. Move them first.")
        record = {"Name": name, "Type": item_type, "Active": active}
        for key in ("Description", "Sku", "PurchaseDesc"):
            if key in data:
                record[key] = str(data[key])
        if "Description" in record:
            check_len("Description", record["Description"], 4000)
        parent = None
        if data.get("ParentRef") is not None and ref_value(data.get("ParentRef")):
            parent = resolve_ref(ctx, data, "ParentRef", "Item", "Item", name_field="Name")
            if parent["value"] == obj_id:
                raise business("An item can't be its own parent.")
        if parent:
            parent_rec = ctx.company.get("Item", parent["value"])
            level = parent_rec.get("Level", 0) + 1
            if level > 4:
                raise ApiFault("6180", "Sub Level Limit : categories nest at most 4 levels.")
            record.update(
                SubItem=True,
                ParentRef=parent,
                Level=level,
                FullyQualifiedName=f"{parent_rec['FullyQualifiedName']}:{name}",
            )
        else:
            record.update(SubItem=False, Level=0, FullyQualifiedName=name)
        if item_type == "Category":
            return record
        income = data.get("IncomeAccountRef")
        if not ref_value(income):
            raise required("IncomeAccountRef")
        record["IncomeAccountRef"] = self._account(
            ctx, data, "IncomeAccountRef", ("Income", "Other Income")
        )
        if ref_value(data.get("ExpenseAccountRef")):
            record["ExpenseAccountRef"] = self._account(ctx, data, "ExpenseAccountRef", None)
        record.update(
            UnitPrice=_number(data, "UnitPrice", 0),
            Taxable=_bool(data, "Taxable", False),
            TrackQtyOnHand=item_type == "Inventory",
            PurchaseCost=_number(data, "PurchaseCost", 0),
        )
        for key in ("SalesTaxIncluded", "PurchaseTaxIncluded"):
            if key in data:
                record[key] = _bool(data, key, False)
        for key in ("SalesTaxCodeRef", "PurchaseTaxCodeRef"):
            ref = resolve_ref(ctx, data, key, "TaxCode", "TaxCode", name_field="Name")
            if ref:
                record[key] = ref
        if item_type == "Inventory":
            for key in ("ExpenseAccountRef", "AssetAccountRef", "QtyOnHand", "InvStartDate"):
                if data.get(key) in (None, "") or (
                    key.endswith("Ref") and not ref_value(data[key])
                ):
                    raise required(key)
            record["AssetAccountRef"] = self._account(ctx, data, "AssetAccountRef", None)
            record["QtyOnHand"] = _number(data, "QtyOnHand", 0)
            record["InvStartDate"] = str(data["InvStartDate"])
        return record

    @staticmethod
    def _account(ctx, data, key, types):
        value = ref_value(data[key])
        account = ctx.company.get("Account", value)
        if account is None or (types and account["AccountType"] not in types):
            raise ApiFault(
                "2500",
                f"Invalid Reference Id : Accounts element id {value} is invalid",
                element=key,
            )
        return {"value": value, "name": account["Name"]}

    def after_write(self, ctx, old, new):
        reindex_name(
            ctx, self.name, old and name_key(old["Name"]), name_key(new["Name"]), new.get("Id")
        )


ACCOUNT_TYPES = {
    "Bank": ("Asset", "CashOnHand"),
    "Accounts Receivable": ("Asset", "AccountsReceivable"),
    "Other Current Asset": ("Asset", "OtherCurrentAssets"),
    "Fixed Asset": ("Asset", "OtherFixedAssets"),
    "Other Asset": ("Asset", "OtherLongTermAssets"),
    "Accounts Payable": ("Liability", "AccountsPayable"),
    "Credit Card": ("Liability", "CreditCard"),
    "Other Current Liability": ("Liability", "OtherCurrentLiabilities"),
    "Long Term Liability": ("Liability", "OtherLongTermLiabilities"),
    "Equity": ("Equity", "OpeningBalanceEquity"),
    "Income": ("Revenue", "OtherPrimaryIncome"),
    "Cost of Goods Sold": ("Expense", "SuppliesMaterialsCogs"),
    "Expense": ("Expense", "OtherMiscellaneousServiceCost"),
    "Other Income": ("Revenue", "OtherMiscellaneousIncome"),
    "Other Expense": ("Expense", "OtherMiscellaneousExpense"),
}
SUBTYPE_TO_TYPE = {
    "Checking": "Bank",
    "Savings": "Bank",
    "CashOnHand": "Bank",
    "MoneyMarket": "Bank",
    "UndepositedFunds": "Other Current Asset",
    "Inventory": "Other Current Asset",
    "OtherCurrentAssets": "Other Current Asset",
    "AccountsReceivable": "Accounts Receivable",
    "SalesOfProductIncome": "Income",
    "ServiceFeeIncome": "Income",
    "DiscountsRefundsGiven": "Income",
    "OtherPrimaryIncome": "Income",
    "UnappliedCashPaymentIncome": "Income",
    "OtherMiscellaneousIncome": "Other Income",
    "GlobalTaxPayable": "Other Current Liability",
    "SalesTaxPayable": "Other Current Liability",
    "SuppliesMaterialsCogs": "Cost of Goods Sold",
    "OpeningBalanceEquity": "Equity",
}


class AccountKind(Kind):
    name = "Account"
    readonly = frozenset(
        {
            "FullyQualifiedName",
            "Classification",
            "CurrentBalance",
            "CurrentBalanceWithSubAccounts",
            "CurrencyRef",
        }
    )

    @staticmethod
    def _key(record) -> str:
        parent = (record.get("ParentRef") or {}).get("value", "")
        return f"{parent}:{name_key(record['Name'])}"

    def build(self, ctx, existing, data):
        name = require_text(data, "Name", 100)
        if any(c in name for c in ':"'):
            raise business(
                "An account name can't contain a colon or a double quote.", element="Name"
            )
        acct_type, sub_type = data.get("AccountType"), data.get("AccountSubType")
        if not acct_type and not sub_type:
            raise ApiFault("6010", "Invalid Account.AccountType && Account.SubType : supply one.")
        acct_type = acct_type or SUBTYPE_TO_TYPE.get(sub_type)
        if acct_type not in ACCOUNT_TYPES:
            raise ApiFault("6010", f"Invalid AccountType: {acct_type}", element="AccountType")
        classification, default_sub = ACCOUNT_TYPES[acct_type]
        record = {
            "Name": name,
            "AccountType": acct_type,
            "AccountSubType": sub_type or default_sub,
            "Classification": classification,
            "Active": _bool(data, "Active", True),
            "CurrentBalance": (existing or {}).get("CurrentBalance", 0),
            "CurrentBalanceWithSubAccounts": (existing or {}).get(
                "CurrentBalanceWithSubAccounts", 0
            ),
            "CurrencyRef": currency_ref(ctx.company),
        }
        for key in ("AcctNum", "Description"):
            if key in data:
                record[key] = str(data[key])
        parent = resolve_ref(ctx, data, "ParentRef", "Account", "Accounts", name_field="Name")
        if parent:
            parent_rec = ctx.company.get("Account", parent["value"])
            record.update(
                SubAccount=True,
                ParentRef=parent,
                FullyQualifiedName=f"{parent_rec['FullyQualifiedName']}:{name}",
            )
        else:
            record.update(SubAccount=False, FullyQualifiedName=name)
        check_unique(ctx, self.name, self._key(record), existing and existing["Id"])
        return record

    def after_write(self, ctx, old, new):
        reindex_name(ctx, self.name, old and self._key(old), self._key(new), new.get("Id"))


class SimpleNamedKind(Kind):
    defaults: dict = {}

    def build(self, ctx, existing, data):
        name = require_text(data, "Name", 100)
        check_unique(ctx, self.name, name_key(name), existing and existing["Id"])
        record = {**self.defaults, **data, "Name": name, "Active": _bool(data, "Active", True)}
        return record

    def after_write(self, ctx, old, new):
        reindex_name(
            ctx, self.name, old and name_key(old["Name"]), name_key(new["Name"]), new.get("Id")
        )


class PaymentMethodKind(SimpleNamedKind):
    name = "PaymentMethod"
    defaults = {"Type": "NON_CREDIT_CARD"}


class TermKind(SimpleNamedKind):
    name = "Term"
    defaults = {"Type": "STANDARD", "DueDays": 0}


class ReadOnlyKind(Kind):
    """Tax codes and rates are created through taxservice, which the emulator does not offer."""

    creatable = False

    def build(self, ctx, existing, data):
        raise ApiFault("500", f"Operation update is not supported for {self.name}.")


class TaxCodeKind(ReadOnlyKind):
    name = "TaxCode"


class TaxRateKind(ReadOnlyKind):
    name = "TaxRate"


class CompanyInfoKind(Kind):
    name = "CompanyInfo"
    creatable = False
    readonly = frozenset({"Country", "SupportedLanguages", "NameValue"})

    def build(self, ctx, existing, data):
        if existing is None:
            raise invalid_ref("CompanyInfo", "?")
        record = {k: v for k, v in existing.items() if k in self.readonly}
        record.update(data)
        require_text(record, "CompanyName", 1024)
        return record


class PreferencesKind(Kind):
    name = "Preferences"
    singleton = True
    creatable = False

    def build(self, ctx, existing, data):
        record = dict(existing)
        for section, values in data.items():
            if isinstance(values, dict) and isinstance(record.get(section), dict):
                record[section] = {**record[section], **values}
        return record
