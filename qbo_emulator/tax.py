"""Sales tax as QuickBooks computes it (reference §10): one TaxLine per rate, each rounded to
the cent; non-US lines carry a tax code id, US lines TAX/NON with one transaction tax code."""

from __future__ import annotations

from decimal import Decimal

from .errors import invalid_ref
from .util import num, round_money, to_decimal

ZERO = Decimal("0")


def _rates_of(company, code: dict) -> list[tuple[str, Decimal]]:
    result = []
    for detail in (code.get("SalesTaxRateList") or {}).get("TaxRateDetail", []):
        rate_id = detail["TaxRateRef"]["value"]
        rate = company.get("TaxRate", rate_id)
        if rate is not None:
            result.append((rate_id, Decimal(str(rate.get("RateValue", 0)))))
    return result


def _client_overrides(txn_tax_detail: dict | None) -> dict[str, Decimal]:
    """Client-supplied TaxLine amounts are kept on non-US companies (reference §10, step 4)."""
    overrides = {}
    for line in (txn_tax_detail or {}).get("TaxLine") or []:
        detail = line.get("TaxLineDetail") or {}
        rate_id = (detail.get("TaxRateRef") or {}).get("value")
        try:
            amount = to_decimal(line.get("Amount"))
        except ValueError:
            amount = None
        if rate_id and amount is not None:
            overrides[str(rate_id)] = amount
    return overrides


def compute(
    company,
    *,
    lines: list[tuple[Decimal, str]],
    customer: dict,
    txn_tax_detail: dict | None,
    discount_factor: Decimal,
    rounding: str,
    global_calc: str,
    default_code: str | None,
) -> tuple[dict, Decimal]:
    """``lines`` = (net amount, tax code value) of each sales line. Returns (TxnTaxDetail, tax)."""
    if global_calc == "NotApplicable":
        return {"TotalTax": 0}, ZERO
    bases: dict[str, Decimal] = {}
    percents: dict[str, Decimal] = {}
    order: list[str] = []
    txn_code_ref = None
    if company.is_us:
        code_id = ((txn_tax_detail or {}).get("TxnTaxCodeRef") or {}).get("value") or default_code
        taxable = sum((amount for amount, code in lines if code == "TAX"), ZERO)
        if code_id:
            code = company.get("TaxCode", str(code_id))
            if code is None or code_id in ("TAX", "NON"):
                raise invalid_ref("TaxCode", code_id, element="TxnTaxCodeRef")
            txn_code_ref = {"value": str(code_id)}
            if customer.get("Taxable", True) and taxable:
                for rate_id, percent in _rates_of(company, code):
                    bases[rate_id] = taxable * discount_factor
                    percents[rate_id] = percent
                    order.append(rate_id)
    else:
        # One TaxLine per (code, rate) (reference §3.4): two codes that share a rate (GST in
        # "GST" and in "GST/QST QC") each round their own part.
        for amount, code_id in lines:
            code = company.get("TaxCode", code_id)
            for rate_id, percent in _rates_of(company, code):
                key = (code_id, rate_id)
                if key not in bases:
                    bases[key] = ZERO
                    percents[key] = percent
                    order.append(key)
                bases[key] += amount * discount_factor
    overrides = {} if company.is_us else _client_overrides(txn_tax_detail)
    tax_lines = []
    total = ZERO
    for key in order:
        rate_id = key[1] if isinstance(key, tuple) else key
        base = round_money(bases[key], rounding)
        amount = overrides.pop(rate_id, None)  # a rate's override, on its first TaxLine
        if amount is None:
            amount = round_money(base * percents[key] / 100, rounding)
        total += amount
        tax_lines.append(
            {
                "Amount": num(amount),
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {
                    "TaxRateRef": {"value": rate_id},
                    "PercentBased": True,
                    "TaxPercent": num(percents[key]),
                    "NetAmountTaxable": num(base),
                },
            }
        )
    detail = {}
    if txn_code_ref:
        detail["TxnTaxCodeRef"] = txn_code_ref
    detail["TotalTax"] = num(total)
    if tax_lines:
        detail["TaxLine"] = tax_lines
    return detail, total
