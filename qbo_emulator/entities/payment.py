"""Payment (ReceivePayment): applies amounts to invoices, lowering their Balance and linking
them (reference §3.6, §10); void and delete give the balances back."""

from __future__ import annotations

from decimal import Decimal

from ..errors import ApiFault, business, invalid_ref, required
from ..util import date_in, iso, num
from .base import Ctx, Kind, currency_ref, ref_value, resolve_ref
from .invoice import ZERO, _date, dec, set_customer_balance


def _applied(record: dict | None) -> dict[str, Decimal]:
    """Invoice Id -> amount this payment applies to it."""
    result: dict[str, Decimal] = {}
    for line in (record or {}).get("Line", []):
        for link in line.get("LinkedTxn", []):
            if link.get("TxnType") == "Invoice":
                key = str(link["TxnId"])
                result[key] = result.get(key, ZERO) + Decimal(str(line.get("Amount", 0)))
    return result


def apply_to_invoices(
    ctx: Ctx, payment_id: str, before: dict[str, Decimal], after: dict[str, Decimal]
) -> None:
    for invoice_id in sorted(set(before) | set(after), key=int):
        delta = after.get(invoice_id, ZERO) - before.get(invoice_id, ZERO)
        linked_now = invoice_id in after
        invoice = ctx.company.get("Invoice", invoice_id)
        if invoice is None:
            continue
        was_linked = any(
            link.get("TxnId") == payment_id and link.get("TxnType") == "Payment"
            for link in invoice.get("LinkedTxn", [])
        )
        if not delta and linked_now == was_linked:
            continue
        updated = dict(invoice)
        balance = Decimal(str(invoice["Balance"])) - delta
        updated["Balance"] = updated["HomeBalance"] = num(balance)
        links = [
            link
            for link in invoice.get("LinkedTxn", [])
            if not (link.get("TxnId") == payment_id and link.get("TxnType") == "Payment")
        ]
        if linked_now:
            links.append({"TxnId": payment_id, "TxnType": "Payment"})
        updated["LinkedTxn"] = links
        updated["SyncToken"] = str(int(invoice["SyncToken"]) + 1)
        updated["MetaData"] = {
            **invoice["MetaData"],
            "LastUpdatedTime": iso(ctx.now, ctx.company.tz),
        }
        ctx.company.put("Invoice", updated, ctx.now)
        ctx.emit("Invoice", invoice_id, "Update")
        set_customer_balance(ctx, invoice["CustomerRef"]["value"], -delta)


class PaymentKind(Kind):
    name = "Payment"
    deletable = True
    voidable = True
    void_by_update = True
    readonly = frozenset({"UnappliedAmt", "CurrencyRef", "ExchangeRate", "LinkedTxn"})

    def build(self, ctx, existing, data):
        company = ctx.company
        if existing and existing["Id"] in company.voided:
            raise business("A voided payment can't be changed.")
        if not ref_value(data.get("CustomerRef")):
            raise required("CustomerRef")
        customer_id = ref_value(data["CustomerRef"])
        customer = company.get("Customer", customer_id)
        if customer is None:
            raise invalid_ref("Names", customer_id, element="CustomerRef")
        total = dec(data.get("TotalAmt"), "TotalAmt")
        if total is None:
            raise required("TotalAmt")
        if total < 0:
            raise business("The payment amount can't be negative.", element="TotalAmt")
        previous = _applied(existing)
        lines, applied_total, after = [], ZERO, {}
        for line in data.get("Line") or []:
            amount = dec(line.get("Amount"), "Line.Amount")
            if amount is None:
                raise required("Line.Amount")
            if amount < 0:
                raise business("A payment line can't be negative.")
            links = []
            for link in line.get("LinkedTxn") or []:
                txn_type = link.get("TxnType")
                txn_id = str(link.get("TxnId", ""))
                if txn_type != "Invoice":
                    raise business(f"Payments can only be linked to invoices here, not {txn_type}.")
                invoice = company.get("Invoice", txn_id)
                if invoice is None:
                    raise invalid_ref("Invoice", txn_id, element="LinkedTxn")
                if txn_id in company.voided:
                    raise business(f"Invoice {invoice['DocNumber']} is voided.")
                if invoice["CustomerRef"]["value"] != customer_id:
                    raise business(f"Invoice {invoice['DocNumber']} belongs to another customer.")
                links.append({"TxnId": txn_id, "TxnType": "Invoice"})
                after[txn_id] = after.get(txn_id, ZERO) + amount
            if len(links) != 1:
                raise ApiFault(
                    "620",
                    "Txn ID cannot be linked : each line links exactly one invoice.",
                    element="LinkedTxn",
                )
            applied_total += amount
            lines.append({"Amount": num(amount), "LinkedTxn": links})
        for invoice_id, amount in after.items():
            invoice = company.get("Invoice", invoice_id)
            open_balance = Decimal(str(invoice["Balance"])) + previous.get(invoice_id, ZERO)
            if amount > open_balance:
                raise business(
                    f"The amount applied to invoice {invoice['DocNumber']} ({amount}) "
                    f"is more than its open balance ({open_balance})."
                )
        if applied_total > total:
            raise business("The amounts applied are more than the payment total.")
        deposit = self._deposit_account(ctx, data)
        record = {
            k: v
            for k, v in data.items()
            if k in ("PaymentRefNum", "PrivateNote", "ARAccountRef", "TxnSource")
        }
        method = resolve_ref(
            ctx, data, "PaymentMethodRef", "PaymentMethod", "PaymentMethod", name_field="Name"
        )
        if method:
            record["PaymentMethodRef"] = method
        record.update(
            {
                "CustomerRef": {"value": customer_id, "name": customer["DisplayName"]},
                "DepositToAccountRef": deposit,
                "TotalAmt": num(total),
                "UnappliedAmt": num(total - applied_total),
                "ProcessPayment": False,
                "TxnDate": _date(data, "TxnDate") or date_in(ctx.now, company.tz),
                "CurrencyRef": currency_ref(company),
                "ExchangeRate": 1,
                "Line": lines,
                "LinkedTxn": [],
            }
        )
        if len(str(record.get("PaymentRefNum", ""))) > 21:
            raise ApiFault(
                "2050", "PaymentRefNum is at most 21 characters.", element="PaymentRefNum"
            )
        return record

    @staticmethod
    def _deposit_account(ctx, data):
        value = ref_value(data.get("DepositToAccountRef"))
        accounts = ctx.company.table("Account")
        if value is None:
            for account in accounts.values():
                if account.get("AccountSubType") == "UndepositedFunds":
                    return {"value": account["Id"], "name": account["Name"]}
            raise required("DepositToAccountRef")
        account = accounts.get(value)
        if account is None or account["AccountType"] not in ("Bank", "Other Current Asset"):
            raise ApiFault(
                "2500",
                f"Invalid Reference Id : Accounts element id {value} is invalid",
                element="DepositToAccountRef",
            )
        return {"value": value, "name": account["Name"]}

    def after_write(self, ctx, old, new):
        apply_to_invoices(ctx, new["Id"], _applied(old), _applied(new))

    def void(self, ctx, record):
        if record["Id"] in ctx.company.voided:
            return dict(record)
        apply_to_invoices(ctx, record["Id"], _applied(record), {})
        voided = dict(record)
        voided["Line"] = [dict(line, Amount=0) for line in record.get("Line", [])]
        note = record.get("PrivateNote")
        voided.update(
            TotalAmt=0, UnappliedAmt=0, PrivateNote=f"Voided - {note}" if note else "Voided"
        )
        ctx.company.voided.add(record["Id"])
        return voided

    def before_delete(self, ctx, record):
        apply_to_invoices(ctx, record["Id"], _applied(record), {})
        ctx.company.voided.discard(record["Id"])
