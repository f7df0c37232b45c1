"""Deposit: money moved into a bank account, mostly payments and sales receipts waiting in
Undeposited Funds (a line that links one), plus other money (a line with an account)."""

from __future__ import annotations

from decimal import Decimal

from ..errors import ApiFault, business, invalid_ref, required
from ..util import date_in, num
from .base import Kind, currency_ref, ref_value, resolve_ref
from .sales import ZERO, date_field, dec, touch

DEPOSITABLE = ("Payment", "SalesReceipt")


def deposit_of(record: dict) -> str | None:
    """The Id of the deposit a payment or sales receipt is in, or None."""
    for link in record.get("LinkedTxn", []):
        if link.get("TxnType") == "Deposit":
            return str(link["TxnId"])
    return None


def check_not_deposited(record: dict, action: str) -> None:
    deposit_id = deposit_of(record)
    if deposit_id:
        raise business(
            f"This transaction is in deposit {deposit_id}. Remove it from the deposit before "
            f"you {action} it."
        )


def _linked(record: dict | None) -> set[tuple[str, str]]:
    return {
        (link["TxnType"], str(link["TxnId"]))
        for line in (record or {}).get("Line", [])
        for link in line.get("LinkedTxn", [])
    }


class DepositKind(Kind):
    name = "Deposit"
    deletable = True
    readonly = frozenset({"TotalAmt", "HomeTotalAmt", "CurrencyRef", "ExchangeRate"})

    def build(self, ctx, existing, data):
        company = ctx.company
        account = self._account(ctx, data)
        lines, total = [], ZERO
        for index, line in enumerate(data.get("Line") or [], start=1):
            amount = dec(line.get("Amount"), "Line.Amount")
            if amount is None:
                raise required("Line.Amount")
            links = line.get("LinkedTxn") or []
            out = {"Id": str(index), "LineNum": index, "Amount": num(amount)}
            if links:
                out["LinkedTxn"] = [self._link(ctx, existing, link, amount) for link in links]
                if len(links) != 1:
                    raise ApiFault("620", "Txn ID cannot be linked : one transaction per line.")
            else:
                detail = line.get("DepositLineDetail") or {}
                if not ref_value(detail.get("AccountRef")):
                    raise required("DepositLineDetail.AccountRef")
                out_detail = {
                    "AccountRef": resolve_ref(
                        ctx, detail, "AccountRef", "Account", "Accounts", name_field="Name"
                    )
                }
                for key, entity in (("Entity", "Customer"), ("PaymentMethodRef", "PaymentMethod")):
                    ref = resolve_ref(ctx, detail, key, entity, entity, name_field=None)
                    if ref:
                        out_detail[key] = ref
                if detail.get("CheckNum"):
                    out_detail["CheckNum"] = str(detail["CheckNum"])
                out.update(DetailType="DepositLineDetail", DepositLineDetail=out_detail)
            if line.get("Description"):
                out["Description"] = str(line["Description"])
            total += amount
            lines.append(out)
        if not lines:
            raise required("Line")
        record = {k: v for k, v in data.items() if k in ("PrivateNote", "DocNumber", "TxnSource")}
        cash_back = data.get("CashBack")
        if isinstance(cash_back, dict) and dec(cash_back.get("Amount"), "CashBack.Amount"):
            back = dec(cash_back["Amount"], "CashBack.Amount")
            if not ref_value(cash_back.get("AccountRef")):
                raise required("CashBack.AccountRef")
            record["CashBack"] = {
                "Amount": num(back),
                "AccountRef": resolve_ref(
                    ctx, cash_back, "AccountRef", "Account", "Accounts", name_field="Name"
                ),
            }
            if cash_back.get("Memo"):
                record["CashBack"]["Memo"] = str(cash_back["Memo"])
            total -= back
        if total < 0:
            raise business("The cash back is more than the deposit.")
        record.update(
            DepositToAccountRef=account,
            TxnDate=date_field(data, "TxnDate") or date_in(ctx.now, company.tz),
            Line=lines,
            TotalAmt=num(total),
            HomeTotalAmt=num(total),
            CurrencyRef=currency_ref(company),
            ExchangeRate=1,
        )
        return record

    @staticmethod
    def _account(ctx, data):
        value = ref_value(data.get("DepositToAccountRef"))
        if value is None:
            raise required("DepositToAccountRef")
        account = ctx.company.get("Account", value)
        if (
            account is None
            or account["AccountType"] not in ("Bank", "Other Current Asset")
            or account.get("AccountSubType") == "UndepositedFunds"
        ):
            raise ApiFault(
                "2500",
                f"Invalid Reference Id : Accounts element id {value} is invalid",
                element="DepositToAccountRef",
            )
        return {"value": value, "name": account["Name"]}

    @staticmethod
    def _link(ctx, existing, link, amount: Decimal) -> dict:
        txn_type, txn_id = link.get("TxnType"), str(link.get("TxnId", ""))
        if txn_type not in DEPOSITABLE:
            raise business(f"Only payments and sales receipts can be deposited, not {txn_type}.")
        source = ctx.company.get(txn_type, txn_id)
        if source is None:
            raise invalid_ref(txn_type, txn_id, element="LinkedTxn")
        if txn_id in ctx.company.voided:
            raise business(f"{txn_type} {txn_id} is voided.")
        in_deposit = deposit_of(source)
        if in_deposit and in_deposit != (existing or {}).get("Id"):
            raise business(f"{txn_type} {txn_id} is already in deposit {in_deposit}.")
        account = ctx.company.get("Account", source["DepositToAccountRef"]["value"]) or {}
        if account.get("AccountSubType") != "UndepositedFunds":
            raise business(f"{txn_type} {txn_id} is not in Undeposited Funds.")
        if Decimal(str(source["TotalAmt"])) != amount:
            raise business(
                f"A deposit line takes the whole {txn_type} {txn_id}: "
                f"{num(Decimal(str(source['TotalAmt'])))}, not {num(amount)}."
            )
        return {"TxnId": txn_id, "TxnType": txn_type}

    def after_write(self, ctx, old, new):
        self._relink(ctx, new["Id"], _linked(old), _linked(new))

    def before_delete(self, ctx, record):
        self._relink(ctx, record["Id"], _linked(record), set())

    @staticmethod
    def _relink(ctx, deposit_id: str, before: set, after: set) -> None:
        mark = {"TxnId": deposit_id, "TxnType": "Deposit"}
        for txn_type, txn_id in sorted(after - before):
            source = ctx.company.get(txn_type, txn_id)
            touch(ctx, txn_type, source, LinkedTxn=[*source.get("LinkedTxn", []), mark])
        for txn_type, txn_id in sorted(before - after):
            source = ctx.company.get(txn_type, txn_id)
            if source is not None:
                links = [x for x in source.get("LinkedTxn", []) if x != mark]
                touch(ctx, txn_type, source, LinkedTxn=links)
