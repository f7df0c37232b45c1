"""Payment (ReceivePayment): applies amounts to invoices, lowering their Balance and linking
them (reference §3.6, §10); void and delete give the balances back."""

from __future__ import annotations

from decimal import Decimal

from ..errors import ApiFault, business, invalid_ref, required
from ..util import date_in, num
from .base import Ctx, Kind, currency_ref, ref_value, resolve_ref
from .deposit import check_not_deposited
from .sales import ZERO, date_field, dec, set_customer_balance, touch

LINKABLE = ("Invoice", "CreditMemo")


def _applied(record: dict | None, txn_type: str = "Invoice") -> dict[str, Decimal]:
    """Id of each linked ``txn_type`` document -> amount this payment applies to it."""
    result: dict[str, Decimal] = {}
    for line in (record or {}).get("Line", []):
        for link in line.get("LinkedTxn", []):
            if link.get("TxnType") == txn_type:
                key = str(link["TxnId"])
                result[key] = result.get(key, ZERO) + Decimal(str(line.get("Amount", 0)))
    return result


def apply_links(
    ctx: Ctx,
    payment_id: str,
    txn_type: str,
    before: dict[str, Decimal],
    after: dict[str, Decimal],
) -> None:
    """Move the open balance of each linked invoice (what is owed) or credit memo (what is
    left to use) by what this payment now applies to it, and link or unlink it. The customer's
    balance follows: paying an invoice lowers it, using a credit raises it back."""
    for doc_id in sorted(set(before) | set(after), key=int):
        delta = after.get(doc_id, ZERO) - before.get(doc_id, ZERO)
        linked_now = doc_id in after
        doc = ctx.company.get(txn_type, doc_id)
        if doc is None:
            continue
        was_linked = any(
            link.get("TxnId") == payment_id and link.get("TxnType") == "Payment"
            for link in doc.get("LinkedTxn", [])
        )
        if not delta and linked_now == was_linked:
            continue
        balance = num(Decimal(str(doc["Balance"])) - delta)
        links = [
            link
            for link in doc.get("LinkedTxn", [])
            if not (link.get("TxnId") == payment_id and link.get("TxnType") == "Payment")
        ]
        if linked_now:
            links.append({"TxnId": payment_id, "TxnType": "Payment"})
        changes = {"Balance": balance, "HomeBalance": balance, "LinkedTxn": links}
        if txn_type == "CreditMemo":
            changes["RemainingCredit"] = balance
        touch(ctx, txn_type, doc, **changes)
        sign = -1 if txn_type == "Invoice" else 1
        set_customer_balance(ctx, doc["CustomerRef"]["value"], sign * delta)


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
        previous = {txn_type: _applied(existing, txn_type) for txn_type in LINKABLE}
        lines = []
        after: dict[str, dict[str, Decimal]] = {txn_type: {} for txn_type in LINKABLE}
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
                if txn_type not in LINKABLE:
                    raise business(
                        f"Payments can only be linked to invoices and credit memos here, "
                        f"not {txn_type}."
                    )
                doc = company.get(txn_type, txn_id)
                if doc is None:
                    raise invalid_ref(txn_type, txn_id, element="LinkedTxn")
                label = "Invoice" if txn_type == "Invoice" else "Credit memo"
                if txn_id in company.voided:
                    raise business(f"{label} {doc['DocNumber']} is voided.")
                if doc["CustomerRef"]["value"] != customer_id:
                    raise business(f"{label} {doc['DocNumber']} belongs to another customer.")
                links.append({"TxnId": txn_id, "TxnType": txn_type})
                after[txn_type][txn_id] = after[txn_type].get(txn_id, ZERO) + amount
            if len(links) != 1:
                raise ApiFault(
                    "620",
                    "Txn ID cannot be linked : each line links exactly one invoice or credit memo.",
                    element="LinkedTxn",
                )
            lines.append({"Amount": num(amount), "LinkedTxn": links})
        for txn_type in LINKABLE:
            what = "invoice" if txn_type == "Invoice" else "credit memo"
            for doc_id, amount in after[txn_type].items():
                doc = company.get(txn_type, doc_id)
                open_balance = Decimal(str(doc["Balance"])) + previous[txn_type].get(doc_id, ZERO)
                if amount > open_balance:
                    raise business(
                        f"The amount applied to {what} {doc['DocNumber']} ({amount}) "
                        f"is more than its open balance ({open_balance})."
                    )
        invoices_paid = sum(after["Invoice"].values(), ZERO)
        credits_used = sum(after["CreditMemo"].values(), ZERO)
        if credits_used > invoices_paid:
            raise business("The credits applied are more than the invoices they pay.")
        # A credit memo line pays invoices without money: only the rest comes from TotalAmt.
        applied_total = invoices_paid - credits_used
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
                "TxnDate": date_field(data, "TxnDate") or date_in(ctx.now, company.tz),
                "CurrencyRef": currency_ref(company),
                "ExchangeRate": 1,
                "Line": lines,
                "LinkedTxn": list((existing or {}).get("LinkedTxn", [])),
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
        for txn_type in LINKABLE:
            apply_links(ctx, new["Id"], txn_type, _applied(old, txn_type), _applied(new, txn_type))

    def void(self, ctx, record):
        if record["Id"] in ctx.company.voided:
            return dict(record)
        check_not_deposited(record, "void")
        for txn_type in LINKABLE:
            apply_links(ctx, record["Id"], txn_type, _applied(record, txn_type), {})
        voided = dict(record)
        voided["Line"] = [dict(line, Amount=0) for line in record.get("Line", [])]
        note = record.get("PrivateNote")
        voided.update(
            TotalAmt=0, UnappliedAmt=0, PrivateNote=f"Voided - {note}" if note else "Voided"
        )
        ctx.company.voided.add(record["Id"])
        return voided

    def before_delete(self, ctx, record):
        check_not_deposited(record, "delete")
        for txn_type in LINKABLE:
            apply_links(ctx, record["Id"], txn_type, _applied(record, txn_type), {})
        ctx.company.voided.discard(record["Id"])
