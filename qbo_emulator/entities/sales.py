"""What every sales document shares (Invoice, CreditMemo, SalesReceipt, RefundReceipt):
the customer, lines, discount, taxes and totals computed as QuickBooks computes them
(reference §3.5, §10), DocNumber rules and the header fields."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import tax
from ..errors import ApiFault, business, invalid_ref, required
from ..util import date_in, is_date, iso, num, round_money, to_decimal
from .base import Ctx, Kind, check_len, ref_value, resolve_ref

ZERO = Decimal("0")
GLOBAL_CALC = ("TaxExcluded", "TaxInclusive", "NotApplicable")
US_LINE_CODES = ("TAX", "NON")
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


def dec(value, element: str) -> Decimal | None:
    try:
        return to_decimal(value)
    except ValueError:
        raise ApiFault(
            "2010", f"Invalid number for {element}: {value!r}", element=element
        ) from None


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


def tracking_ref(ctx: Ctx, data: dict, key: str) -> dict | None:
    """``ClassRef`` / ``DepartmentRef``: an active class or department, else 2500."""
    entity = "Class" if key == "ClassRef" else "Department"
    return resolve_ref(ctx, data, key, entity, entity, name_field="FullyQualifiedName")


@dataclass
class Computed:
    lines: list
    tax_detail: dict
    subtotal: Decimal
    discount: Decimal
    total_tax: Decimal
    global_calc: str | None

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount + self.total_tax


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

    # lines, discount, tax -----------------------------------------------------------------------
    def compute(self, ctx: Ctx, data: dict, customer: dict | None) -> Computed:
        company = ctx.company
        rounding = ctx.settings.rounding
        raw_lines = [
            line
            for line in data.get("Line") or []
            if isinstance(line, dict) and line.get("DetailType") != "SubTotalLineDetail"
        ]
        if not raw_lines:
            raise required("Line")
        global_calc = data.get("GlobalTaxCalculation") or "TaxExcluded"
        if company.is_us:
            global_calc = None
        elif global_calc not in GLOBAL_CALC:
            raise ApiFault(
                "2010",
                f"Invalid GlobalTaxCalculation: {global_calc}",
                element="GlobalTaxCalculation",
            )
        elif global_calc == "NotApplicable" and (data.get("TxnTaxDetail") or {}).get("TaxLine"):
            raise ApiFault(
                "6170",
                "Invalid TxnTaxDetail : TxnTaxDetail can't be sent with "
                "GlobalTaxCalculation NotApplicable.",
            )

        used_ids = {str(line.get("Id")) for line in raw_lines if str(line.get("Id", "")).isdigit()}
        next_line = max([int(i) for i in used_ids] + [0]) + 1
        lines, taxed, discount_line = [], [], None
        subtotal = ZERO
        for index, line in enumerate(raw_lines, start=1):
            detail_type = line.get("DetailType")
            line_id = str(line.get("Id", ""))
            if not line_id.isdigit():
                line_id = str(next_line)
                next_line += 1
            if detail_type == "SalesItemLineDetail":
                out, amount, code = self._sales_line(ctx, line)
                subtotal += amount
                taxed.append((amount, code))
            elif detail_type in ("DescriptionOnly", "DescriptionLineDetail"):
                out = {"DetailType": "DescriptionOnly", "DescriptionLineDetail": {}, "Amount": 0}
            elif detail_type == "DiscountLineDetail":
                if discount_line is not None:
                    raise business("Only one discount line is allowed.")
                out = self._discount_line(ctx, line)
                discount_line = True
            elif detail_type == "GroupLineDetail":
                raise business("Group (bundle) lines are not supported.", element="Line")
            else:
                raise ApiFault("2010", f"Invalid DetailType: {detail_type}", element="Line")
            out = {"Id": line_id, "LineNum": index, **out}
            if detail_type == "DiscountLineDetail":
                discount_line = out
            if line.get("Description") is not None:
                out["Description"] = str(line["Description"])
                check_len("Line.Description", out["Description"], 4000)
            lines.append(out)
        if len(lines) > 750:
            raise business("A taxable transaction can have at most 750 lines.")

        discount = ZERO
        if discount_line is not None:
            info = discount_line["DiscountLineDetail"]
            if info.get("PercentBased"):
                discount = round_money(
                    subtotal * Decimal(str(info["DiscountPercent"])) / 100, rounding
                )
            else:
                discount = dec(discount_line["Amount"], "Line.Amount") or ZERO
            discount_line["Amount"] = num(discount)
        factor = Decimal(1)
        if discount and data.get("ApplyTaxAfterDiscount") is True and subtotal:
            # How the discount spreads between lines is unconfirmed: pro rata (reference §13.8).
            factor = (subtotal - discount) / subtotal
        prefs = company.get("Preferences", "1") or {}
        default_code = ref_value((prefs.get("TaxPrefs") or {}).get("TaxGroupCodeRef")) or ref_value(
            (customer or {}).get("DefaultTaxCodeRef")
        )
        tax_detail, total_tax = tax.compute(
            company,
            lines=taxed,
            customer=customer or {},
            txn_tax_detail=data.get("TxnTaxDetail"),
            discount_factor=factor,
            rounding=rounding,
            global_calc=global_calc,
            default_code=default_code,
        )
        if subtotal - discount + total_tax < 0:
            raise business("Transaction total cannot be negative.")
        lines.append(
            {"Amount": num(subtotal), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
        )
        return Computed(lines, tax_detail, subtotal, discount, total_tax, global_calc)

    def _sales_line(self, ctx, line):
        company = ctx.company
        detail = line.get("SalesItemLineDetail") or {}
        amount = dec(line.get("Amount"), "Line.Amount")
        if amount is None:
            raise required("Line.Amount")
        qty = dec(detail.get("Qty"), "Qty")
        price = dec(detail.get("UnitPrice"), "UnitPrice")
        # python-quickbooks sends Qty 0 and UnitPrice 0 for unset values: only a real pair counts.
        if qty and price:
            expected = round_money(qty * price, ctx.settings.rounding)
            if expected != amount:
                raise ApiFault(
                    "6070",
                    f"Amount is not equal to UnitPrice * Qty. Supplied value: {amount}",
                    element="Line.Amount",
                )
        item_id = ref_value(detail.get("ItemRef")) or "1"
        item = company.get("Item", item_id)
        if item is None or item.get("Active") is False:
            raise invalid_ref("Item", item_id, element="ItemRef")
        if item["Type"] == "Category":
            raise ApiFault(
                "2500",
                "Invalid Reference Id : An item in this transaction is set up "
                "as a category instead of a product or service.",
                element="ItemRef",
            )
        code = ref_value(detail.get("TaxCodeRef"))
        if company.is_us:
            code = code or "NON"
            if code not in US_LINE_CODES:
                raise ApiFault(
                    "6100",
                    f"Invalid Line TaxCode in the request : For US, specify TAX "
                    f"or NON. Supplied value: {code}",
                    element="TaxCodeRef",
                )
        else:
            if code is None:
                raise business(
                    "Make sure all your transactions have a GST/HST rate before you save.",
                    element="TaxCodeRef",
                )
            tax_code = company.get("TaxCode", code)
            if tax_code is None or tax_code.get("Active") is False:
                raise invalid_ref("TaxCode", code, element="TaxCodeRef")
        out_detail = {"ItemRef": {"value": item_id, "name": item["Name"]}}
        if qty:
            out_detail["Qty"] = num(qty)
        if price:
            out_detail["UnitPrice"] = num(price)
        elif qty:
            out_detail["UnitPrice"] = num((amount / qty).quantize(Decimal("0.0000001")))
        if item.get("IncomeAccountRef"):
            out_detail["ItemAccountRef"] = dict(item["IncomeAccountRef"])
        out_detail["TaxCodeRef"] = {"value": code}
        for key in ("ServiceDate", "DiscountRate", "TaxInclusiveAmt"):
            if detail.get(key) not in (None, "", 0):
                out_detail[key] = detail[key]
        class_ref = tracking_ref(ctx, detail, "ClassRef")
        if class_ref:
            out_detail["ClassRef"] = class_ref
        out = {
            "Amount": num(amount),
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": out_detail,
        }
        return out, amount, code

    def _discount_line(self, ctx, line):
        detail = line.get("DiscountLineDetail") or {}
        out_detail = {"PercentBased": detail.get("PercentBased") is True}
        if out_detail["PercentBased"]:
            percent = dec(detail.get("DiscountPercent"), "DiscountPercent")
            if percent is None or percent < 0 or percent > 100:
                raise required("DiscountPercent")
            out_detail["DiscountPercent"] = num(percent)
        elif dec(line.get("Amount"), "Line.Amount") is None:
            raise required("Line.Amount")
        if detail.get("DiscountAccountRef"):
            out_detail["DiscountAccountRef"] = resolve_ref(
                ctx, detail, "DiscountAccountRef", "Account", "Accounts", name_field="Name"
            )
        return {
            "Amount": line.get("Amount", 0),
            "DetailType": "DiscountLineDetail",
            "DiscountLineDetail": out_detail,
        }

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
