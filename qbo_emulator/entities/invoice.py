"""Invoice: lines, server-side totals and taxes, DocNumber rules, void and delete
(reference §3.5, §10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..errors import business, invalid_ref
from ..util import num
from .base import currency_ref, resolve_ref
from .sales import PASS_THROUGH, SALES_READONLY, ZERO, SalesKind, date_field, dec, touch
from .sales import set_customer_balance as set_customer_balance

INVOICE_PASS_THROUGH = PASS_THROUGH | {
    "AllowIPNPayment",
    "AllowOnlinePayment",
    "AllowOnlineCreditCardPayment",
    "AllowOnlineACHPayment",
}


class InvoiceKind(SalesKind):
    name = "Invoice"
    voidable = True
    # LinkedTxn is read for the estimates an invoice links (the payment links are computed).
    readonly = (SALES_READONLY - {"LinkedTxn"}) | {"InvoiceLink"}

    def build(self, ctx, existing, data):
        company = ctx.company
        customer = self.customer(ctx, data)
        computed = self.compute(ctx, data, customer)
        total = computed.total
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

        record = {k: v for k, v in data.items() if k in INVOICE_PASS_THROUGH}
        record.update(self.header(ctx, existing, data, customer))
        record.update(self._terms(ctx, data, record["TxnDate"]))
        record["EmailStatus"] = data.get("EmailStatus", "NotSet")
        if record["EmailStatus"] == "NeedToSend" and not record.get("BillEmail"):
            raise business("BillEmail is required when EmailStatus is NeedToSend.")
        record.update(
            {
                "Line": computed.lines,
                "TxnTaxDetail": computed.tax_detail,
                "TotalAmt": num(total),
                "Balance": num(balance),
                "HomeTotalAmt": num(total),
                "HomeBalance": num(balance),
                "Deposit": num(deposit),
                "CurrencyRef": currency_ref(company),
                "ExchangeRate": 1,
                "LinkedTxn": self._links(ctx, existing, data, customer),
                "ApplyTaxAfterDiscount": data.get("ApplyTaxAfterDiscount") is True,
            }
        )
        if computed.global_calc:
            record["GlobalTaxCalculation"] = computed.global_calc
        return record

    def _links(self, ctx, existing, data, customer) -> list:
        """The payments applied (kept as they are) and the estimates this invoice bills: those
        it already links, plus those the body names. A link to an estimate stays until the
        invoice is deleted."""
        links = list((existing or {}).get("LinkedTxn", []))
        linked = {link["TxnId"] for link in links if link.get("TxnType") == "Estimate"}
        for link in data.get("LinkedTxn") or []:
            if not isinstance(link, dict) or link.get("TxnType") != "Estimate":
                continue
            estimate_id = str(link.get("TxnId", ""))
            if estimate_id in linked:
                continue
            estimate = ctx.company.get("Estimate", estimate_id)
            if estimate is None:
                raise invalid_ref("Estimate", estimate_id, element="LinkedTxn")
            if estimate["CustomerRef"]["value"] != customer["Id"]:
                raise business(f"Estimate {estimate['DocNumber']} belongs to another customer.")
            if estimate.get("TxnStatus") in ("Closed", "Rejected"):
                raise business(
                    f"Estimate {estimate['DocNumber']} is {estimate['TxnStatus'].lower()}."
                )
            links.append({"TxnId": estimate_id, "TxnType": "Estimate"})
            linked.add(estimate_id)
        return links

    def _link_estimates(self, ctx, old, new) -> None:
        def estimates(record):
            return {
                link["TxnId"]
                for link in (record or {}).get("LinkedTxn", [])
                if link.get("TxnType") == "Estimate"
            }

        invoice_link = {"TxnId": new["Id"] if new else old["Id"], "TxnType": "Invoice"}
        before, after = estimates(old), estimates(new)
        for estimate_id in sorted(after - before, key=int):
            estimate = ctx.company.get("Estimate", estimate_id)
            touch(
                ctx,
                "Estimate",
                estimate,
                TxnStatus="Closed",
                LinkedTxn=[*estimate.get("LinkedTxn", []), invoice_link],
            )
        for estimate_id in sorted(before - after, key=int):
            estimate = ctx.company.get("Estimate", estimate_id)
            if estimate is not None:
                links = [x for x in estimate.get("LinkedTxn", []) if x != invoice_link]
                touch(ctx, "Estimate", estimate, TxnStatus="Pending", LinkedTxn=links)

    def _terms(self, ctx, data, txn_date: str) -> dict:
        out = {}
        term = resolve_ref(ctx, data, "SalesTermRef", "Term", "Term", name_field="Name")
        if term:
            out["SalesTermRef"] = term
        due = date_field(data, "DueDate")
        if due is None:
            days = 30
            if term:
                days = int(ctx.company.get("Term", term["value"]).get("DueDays") or 0)
            due = (dt.date.fromisoformat(txn_date) + dt.timedelta(days=days)).isoformat()
        out["DueDate"] = due
        return out

    def after_write(self, ctx, old, new):
        self.index_doc_number(ctx, old, new)
        self._link_estimates(ctx, old, new)
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
        voided = self.zeroed(record)
        voided["Deposit"] = 0
        set_customer_balance(ctx, record["CustomerRef"]["value"], -Decimal(str(record["Balance"])))
        ctx.company.voided.add(record["Id"])
        return voided

    def before_delete(self, ctx, record):
        self._check_unlinked(record, "delete")
        self.index_doc_number(ctx, record, None)
        self._link_estimates(ctx, record, None)
        set_customer_balance(ctx, record["CustomerRef"]["value"], -Decimal(str(record["Balance"])))
        ctx.company.voided.discard(record["Id"])
