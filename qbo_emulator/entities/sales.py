"""What every sales document shares (Invoice, CreditMemo, SalesReceipt, RefundReceipt):
the customer, lines, discount, taxes and totals computed as QuickBooks computes them
(reference §3.5, §10), DocNumber rules and the header fields."""

from __future__ import annotations

from decimal import Decimal

from ..errors import ApiFault, invalid_ref, required
from ..util import date_in, is_date, iso, num
from .base import Ctx, Kind, check_len, ref_value, resolve_ref
from .lines import ZERO, Computed, compute, dec, tracking_ref

__all__ = ["ZERO", "Computed", "SalesKind", "dec", "date_field", "set_customer_balance", "touch"]

SALES_READONLY = frozenset(
    {
        "TotalAmt",
        "Balance",
        "HomeBalance",
        "HomeTotalAmt",
        "LinkedTxn",
        "CurrencyRef",
        "ExchangeRate",
        "DeliveryInfo",
    }
)


def date_field(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not is_date(str(value)[:10]):
        raise ApiFault("2010", f"Invalid date for {key}: {value}", element=key)
    return str(value)[:10]


def set_customer_balance(ctx: Ctx, customer_id: str, delta: Decimal) -> None:
    """Open A/R follows the invoices and credits; QBO does not bump the customer's SyncToken
    for it."""
    if not delta:
        return
    customer = ctx.company.get("Customer", customer_id)
    if customer is None:
        return
    updated = dict(customer)
    balance = Decimal(str(customer.get("Balance", 0))) + delta
    updated["Balance"] = num(balance)
    updated["BalanceWithJobs"] = num(balance)
    ctx.company.table("Customer")[customer_id] = updated
    ctx.company.dirty.add(("Customer", customer_id))


def touch(ctx: Ctx, entity: str, record: dict, **changes) -> dict:
    """Another object's write changes this one (balances, links): a new SyncToken, webhooks."""
    updated = dict(record, **changes)
    updated["SyncToken"] = str(int(record["SyncToken"]) + 1)
    updated["MetaData"] = {
        **record["MetaData"],
        "LastUpdatedTime": iso(ctx.now, ctx.company.tz),
    }
    ctx.company.put(entity, updated, ctx.now)
    ctx.emit(entity, record["Id"], "Update")
    return updated


class SalesKind(Kind):
    """A sales document. Subclasses say whether the customer is required and add their own
    fields in ``document``."""

    deletable = True
    customer_required = True
    readonly = SALES_READONLY

    def sparse_base(self, existing, data):
        base = super().sparse_base(existing, data)
        # Tax is recomputed unless this request carries TaxLine amounts of its own.
        if "TxnTaxDetail" in base:
            code = base["TxnTaxDetail"].get("TxnTaxCodeRef")
            base["TxnTaxDetail"] = {"TxnTaxCodeRef": code} if code else {}
        return base

    # the customer -----------------------------------------------------------------------------
    def customer(self, ctx: Ctx, data: dict) -> dict | None:
        if not ref_value(data.get("CustomerRef")):
            if self.customer_required:
                raise required("CustomerRef")
            return None
        customer_id = ref_value(data["CustomerRef"])
        customer = ctx.company.get("Customer", customer_id)
        if customer is None:
            raise invalid_ref("Names", customer_id, element="CustomerRef")
        if customer.get("Active") is False:
            raise ApiFault(
                "6250",
                "InvalidSalesCustomer : the customer is inactive.",
                message="Invalid Sales Customer",
                element="CustomerRef",
            )
        return customer

    def compute(self, ctx: Ctx, data: dict, customer: dict | None) -> Computed:
        return compute(ctx, data, customer)

    # header -------------------------------------------------------------------------------------
    def doc_number(self, ctx: Ctx, existing: dict | None, data: dict) -> str:
        """Given, kept, or the next free number of the company's sales forms; unique per
        transaction type unless ``include=allowduplicatedocnum`` (6140)."""
        company = ctx.company
        numbers = company.docnumbers_of(self.name)
        doc = data.get("DocNumber")
        if doc is None:
            doc = (existing or {}).get("DocNumber") if existing else None
        if doc is None:
            # One sequence for every sales form (an UNCONFIRMED choice, README): a number
            # another form already has is skipped.
            taken = [company.docnumbers, *company.other_docnumbers.values()]
            while any(str(company.next_docnumber) in index for index in taken):
                company.next_docnumber += 1
            doc = str(company.next_docnumber)
        doc = str(doc).strip()
        check_len("DocNumber", doc, 21)
        owner = numbers.get(doc.casefold())
        allow_dup = "allowduplicatedocnum" in ctx.params.get("include", "")
        if owner and owner != (existing or {}).get("Id") and not allow_dup:
            raise ApiFault(
                "6140",
                f"Duplicate Document Number Error : You must specify a "
                f"different number. This number has already been used. DocNumber="
                f"{doc} is assigned to TxnType={self.name} with TxnId={owner}",
                element="DocNumber",
            )
        return doc

    def header(self, ctx: Ctx, existing: dict | None, data: dict, customer: dict | None) -> dict:
        company = ctx.company
        out = {"DocNumber": self.doc_number(ctx, existing, data)}
        out["TxnDate"] = date_field(data, "TxnDate") or date_in(ctx.now, company.tz)
        for key in ("BillAddr", "ShipAddr"):
            value = data.get(key) or (customer or {}).get(key)
            if value:
                out[key] = value
        email = data.get("BillEmail") or (customer or {}).get("PrimaryEmailAddr")
        if email:
            out["BillEmail"] = email
        memo = data.get("CustomerMemo")
        if isinstance(memo, dict) and memo.get("value"):
            check_len("CustomerMemo", str(memo["value"]), 1000)
            out["CustomerMemo"] = {"value": str(memo["value"])}
        if data.get("PrivateNote"):
            check_len("PrivateNote", str(data["PrivateNote"]), 4000)
            out["PrivateNote"] = str(data["PrivateNote"])
        out["PrintStatus"] = data.get("PrintStatus", "NotSet")
        for key in ("ClassRef", "DepartmentRef"):
            ref = tracking_ref(ctx, data, key)
            if ref:
                out[key] = ref
        if customer is not None:
            out["CustomerRef"] = {"value": customer["Id"], "name": customer["DisplayName"]}
        return out

    def index_doc_number(self, ctx: Ctx, old: dict | None, new: dict | None) -> None:
        numbers = ctx.company.docnumbers_of(self.name)
        if old and numbers.get(old["DocNumber"].casefold()) == old["Id"]:
            del numbers[old["DocNumber"].casefold()]
        if new:
            numbers.setdefault(new["DocNumber"].casefold(), new["Id"])

    def deposit_account(self, ctx: Ctx, data: dict, *, types=("Bank", "Other Current Asset")):
        """DepositToAccountRef: given (of one of ``types``) or Undeposited Funds."""
        value = ref_value(data.get("DepositToAccountRef"))
        accounts = ctx.company.table("Account")
        if value is None:
            for account in accounts.values():
                if account.get("AccountSubType") == "UndepositedFunds":
                    return {"value": account["Id"], "name": account["Name"]}
            raise required("DepositToAccountRef")
        account = accounts.get(value)
        if account is None or account["AccountType"] not in types:
            raise ApiFault(
                "2500",
                f"Invalid Reference Id : Accounts element id {value} is invalid",
                element="DepositToAccountRef",
            )
        return {"value": value, "name": account["Name"]}

    def payment_fields(self, ctx: Ctx, data: dict) -> dict:
        out = {}
        method = resolve_ref(
            ctx, data, "PaymentMethodRef", "PaymentMethod", "PaymentMethod", name_field="Name"
        )
        if method:
            out["PaymentMethodRef"] = method
        if data.get("PaymentRefNum") is not None:
            ref_num = str(data["PaymentRefNum"])
            if len(ref_num) > 21:
                raise ApiFault(
                    "2050", "PaymentRefNum is at most 21 characters.", element="PaymentRefNum"
                )
            out["PaymentRefNum"] = ref_num
        return out

    @staticmethod
    def zeroed(record: dict) -> dict:
        """A voided document: amounts, quantities and taxes become 0 (reference §3.5)."""
        lines = []
        for line in record["Line"]:
            line = dict(line, Amount=0)
            if "SalesItemLineDetail" in line:
                detail = dict(line["SalesItemLineDetail"])
                if "Qty" in detail:
                    detail["Qty"] = 0
                line["SalesItemLineDetail"] = detail
            lines.append(line)
        tax_detail = dict(record.get("TxnTaxDetail") or {}, TotalTax=0)
        if "TaxLine" in tax_detail:
            tax_detail["TaxLine"] = [dict(t, Amount=0) for t in tax_detail["TaxLine"]]
        note = record.get("PrivateNote")
        return dict(
            record,
            Line=lines,
            TxnTaxDetail=tax_detail,
            TotalAmt=0,
            Balance=0,
            HomeTotalAmt=0,
            HomeBalance=0,
            PrivateNote=f"Voided - {note}" if note else "Voided",
        )


# Header fields kept as sent (the emulator does not interpret them).
PASS_THROUGH = frozenset(
    {
        "ShipMethodRef",
        "ShipDate",
        "TrackingNum",
        "BillEmailCc",
        "BillEmailBcc",
        "CustomField",
        "TxnSource",
        "ShipFromAddr",
    }
)
