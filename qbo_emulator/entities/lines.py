"""The lines of a sales document, its discount, taxes and totals, computed as QuickBooks
computes them (reference §3.5, §10): the one place every sales document takes them from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import tax
from ..errors import ApiFault, business, invalid_ref, required
from ..util import num, round_money, to_decimal
from .base import Ctx, check_len, ref_value, resolve_ref

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


def compute(ctx: Ctx, data: dict, customer: dict | None) -> Computed:
    """Lines, discount, taxes and totals of a sales document, as QuickBooks computes them."""
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
            out, amount, code = sales_line_of(ctx, line)
            subtotal += amount
            taxed.append((amount, code))
        elif detail_type in ("DescriptionOnly", "DescriptionLineDetail"):
            out = {"DetailType": "DescriptionOnly", "DescriptionLineDetail": {}, "Amount": 0}
        elif detail_type == "DiscountLineDetail":
            if discount_line is not None:
                raise business("Only one discount line is allowed.")
            out = discount_line_of(ctx, line)
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
            discount = round_money(subtotal * Decimal(str(info["DiscountPercent"])) / 100, rounding)
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


def sales_line_of(ctx: Ctx, line: dict):
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


def discount_line_of(ctx: Ctx, line: dict):
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
