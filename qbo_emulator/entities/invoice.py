"""Invoice: lines, server-side totals and taxes, DocNumber rules, void and delete
(reference §3.5, §10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .. import tax
from ..errors import ApiFault, business, invalid_ref, required
from ..util import date_in, is_date, num, round_money, to_decimal
from .base import Ctx, Kind, check_len, currency_ref, ref_value, resolve_ref

ZERO = Decimal("0")
GLOBAL_CALC = ("TaxExcluded", "TaxInclusive", "NotApplicable")
US_LINE_CODES = ("TAX", "NON")


def dec(value, element: str) -> Decimal | None:
    try:
        return to_decimal(value)
    except ValueError:
        raise ApiFault(
            "2010", f"Invalid number for {element}: {value!r}", element=element
        ) from None


def set_customer_balance(ctx: Ctx, customer_id: str, delta: Decimal) -> None:
    """Open A/R follows the invoices; QBO does not bump the customer's SyncToken for it."""
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


def _date(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not is_date(str(value)[:10]):
        raise ApiFault("2010", f"Invalid date for {key}: {value}", element=key)
    return str(value)[:10]


class InvoiceKind(Kind):
    name = "Invoice"
    deletable = True
    voidable = True
    readonly = frozenset(
        {
            "TotalAmt",
            "Balance",
            "HomeBalance",
            "HomeTotalAmt",
            "LinkedTxn",
            "CurrencyRef",
            "InvoiceLink",
            "DeliveryInfo",
            "ExchangeRate",
        }
    )

    def sparse_base(self, existing, data):
        base = super().sparse_base(existing, data)
        # Tax is recomputed unless this request carries TaxLine amounts of its own.
        if "TxnTaxDetail" in base:
            code = base["TxnTaxDetail"].get("TxnTaxCodeRef")
            base["TxnTaxDetail"] = {"TxnTaxCodeRef": code} if code else {}
        return base

    def build(self, ctx, existing, data):
        company = ctx.company
        rounding = ctx.settings.rounding
        if not ref_value(data.get("CustomerRef")):
            raise required("CustomerRef")
        customer_id = ref_value(data["CustomerRef"])
        customer = company.get("Customer", customer_id)
        if customer is None:
            raise invalid_ref("Names", customer_id, element="CustomerRef")
        if customer.get("Active") is False:
            raise ApiFault(
                "6250",
                "InvalidSalesCustomer : the customer is inactive.",
                message="Invalid Sales Customer",
                element="CustomerRef",
            )
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
                out, amount, code = self._sales_line(ctx, line, index)
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
            customer.get("DefaultTaxCodeRef")
        )
        tax_detail, total_tax = tax.compute(
            company,
            lines=taxed,
            customer=customer,
            txn_tax_detail=data.get("TxnTaxDetail"),
            discount_factor=factor,
            rounding=rounding,
            global_calc=global_calc,
            default_code=default_code,
        )
        total = subtotal - discount + total_tax
        if total < 0:
            raise business("Transaction total cannot be negative.")
        deposit = dec(data.get("Deposit"), "Deposit") or ZERO
        applied = ZERO
        if existing:
            applied = (
                Decimal(str(existing["TotalAmt"]))
                - Decimal(str(existing.get("Deposit", 0)))
                - Decimal(str(existing["Balance"]))
            )
        balance = total - deposit - applied
        if balance < 0:
            raise business("The invoice total is less than the payments applied to it.")
        lines.append(
            {"Amount": num(subtotal), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
        )

        record = {k: v for k, v in data.items() if k in PASS_THROUGH}
        record.update(self._header(ctx, existing, data, customer))
        record.update(
            {
                "Line": lines,
                "TxnTaxDetail": tax_detail,
                "TotalAmt": num(total),
                "Balance": num(balance),
                "HomeTotalAmt": num(total),
                "HomeBalance": num(balance),
                "Deposit": num(deposit),
                "CurrencyRef": currency_ref(company),
                "ExchangeRate": 1,
                "LinkedTxn": list((existing or {}).get("LinkedTxn", [])),
                "CustomerRef": {"value": customer_id, "name": customer["DisplayName"]},
                "ApplyTaxAfterDiscount": data.get("ApplyTaxAfterDiscount") is True,
            }
        )
        if global_calc:
            record["GlobalTaxCalculation"] = global_calc
        return record

    def _sales_line(self, ctx, line, index):
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
        for key in ("ServiceDate", "ClassRef", "DiscountRate", "TaxInclusiveAmt"):
            if detail.get(key) not in (None, "", 0):
                out_detail[key] = detail[key]
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

    def _header(self, ctx, existing, data, customer):
        company = ctx.company
        out = {}
        doc = data.get("DocNumber")
        if doc is None:
            doc = (existing or {}).get("DocNumber") if existing else None
        if doc is None:
            while str(company.next_docnumber) in company.docnumbers:
                company.next_docnumber += 1
            doc = str(company.next_docnumber)
        doc = str(doc).strip()
        check_len("DocNumber", doc, 21)
        owner = company.docnumbers.get(doc.casefold())
        allow_dup = "allowduplicatedocnum" in ctx.params.get("include", "")
        if owner and owner != (existing or {}).get("Id") and not allow_dup:
            raise ApiFault(
                "6140",
                f"Duplicate Document Number Error : You must specify a "
                f"different number. This number has already been used. DocNumber="
                f"{doc} is assigned to TxnType=Invoice with TxnId={owner}",
                element="DocNumber",
            )
        out["DocNumber"] = doc
        txn_date = _date(data, "TxnDate") or date_in(ctx.now, company.tz)
        out["TxnDate"] = txn_date
        term = resolve_ref(ctx, data, "SalesTermRef", "Term", "Term", name_field="Name")
        if term:
            out["SalesTermRef"] = term
        due = _date(data, "DueDate")
        if due is None:
            days = 30
            if term:
                days = int(company.get("Term", term["value"]).get("DueDays") or 0)
            due = (dt.date.fromisoformat(txn_date) + dt.timedelta(days=days)).isoformat()
        out["DueDate"] = due
        for key in ("BillAddr", "ShipAddr"):
            value = data.get(key) or customer.get(key)
            if value:
                out[key] = value
        email = data.get("BillEmail") or customer.get("PrimaryEmailAddr")
        if email:
            out["BillEmail"] = email
        out["EmailStatus"] = data.get("EmailStatus", "NotSet")
        if out["EmailStatus"] == "NeedToSend" and not email:
            raise business("BillEmail is required when EmailStatus is NeedToSend.")
        out["PrintStatus"] = data.get("PrintStatus", "NotSet")
        memo = data.get("CustomerMemo")
        if isinstance(memo, dict) and memo.get("value"):
            check_len("CustomerMemo", str(memo["value"]), 1000)
            out["CustomerMemo"] = {"value": str(memo["value"])}
        if data.get("PrivateNote"):
            check_len("PrivateNote", str(data["PrivateNote"]), 4000)
            out["PrivateNote"] = str(data["PrivateNote"])
        return out

    def after_write(self, ctx, old, new):
        docs = ctx.company.docnumbers
        if old and docs.get(old["DocNumber"].casefold()) == old["Id"]:
            del docs[old["DocNumber"].casefold()]
        docs.setdefault(new["DocNumber"].casefold(), new["Id"])
        new_balance = Decimal(str(new["Balance"]))
        if old:
            old_balance = Decimal(str(old["Balance"]))
            if old["CustomerRef"]["value"] != new["CustomerRef"]["value"]:
                set_customer_balance(ctx, old["CustomerRef"]["value"], -old_balance)
                old_balance = ZERO
            set_customer_balance(ctx, new["CustomerRef"]["value"], new_balance - old_balance)
        else:
            set_customer_balance(ctx, new["CustomerRef"]["value"], new_balance)

    def _check_unlinked(self, record, action):
        if any(link.get("TxnType") == "Payment" for link in record.get("LinkedTxn", [])):
            raise business(
                f"This invoice has payments applied. Remove or void the payments "
                f"before you {action} it."
            )

    def void(self, ctx, record):
        self._check_unlinked(record, "void")
        voided = dict(record)
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
        voided.update(
            Line=lines,
            TxnTaxDetail=tax_detail,
            TotalAmt=0,
            Balance=0,
            HomeTotalAmt=0,
            HomeBalance=0,
            Deposit=0,
            PrivateNote=f"Voided - {note}" if note else "Voided",
        )
        set_customer_balance(ctx, record["CustomerRef"]["value"], -Decimal(str(record["Balance"])))
        ctx.company.voided.add(record["Id"])
        return voided

    def before_delete(self, ctx, record):
        self._check_unlinked(record, "delete")
        docs = ctx.company.docnumbers
        if docs.get(record["DocNumber"].casefold()) == record["Id"]:
            del docs[record["DocNumber"].casefold()]
        set_customer_balance(ctx, record["CustomerRef"]["value"], -Decimal(str(record["Balance"])))
        ctx.company.voided.discard(record["Id"])


PASS_THROUGH = frozenset(
    {
        "ClassRef",
        "DepartmentRef",
        "ShipMethodRef",
        "ShipDate",
        "TrackingNum",
        "BillEmailCc",
        "BillEmailBcc",
        "AllowIPNPayment",
        "AllowOnlinePayment",
        "AllowOnlineCreditCardPayment",
        "AllowOnlineACHPayment",
        "CustomField",
        "TxnSource",
        "ShipFromAddr",
    }
)
