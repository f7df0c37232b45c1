"""CreditMemo (a credit the customer can use against invoices), SalesReceipt (paid on the spot),
RefundReceipt (money given back from a bank account) and Estimate (a quote): lines and Canadian
or US taxes exactly as on invoices (reference §10)."""

from __future__ import annotations

from decimal import Decimal

from ..errors import ApiFault, business, required
from ..util import num
from .base import currency_ref
from .deposit import check_not_deposited
from .sales import (
    PASS_THROUGH,
    SALES_READONLY,
    ZERO,
    SalesKind,
    date_field,
    set_customer_balance,
)


def _amounts(computed, balance: Decimal, company) -> dict:
    total = computed.total
    record = {
        "Line": computed.lines,
        "TxnTaxDetail": computed.tax_detail,
        "TotalAmt": num(total),
        "HomeTotalAmt": num(total),
        "Balance": num(balance),
        "HomeBalance": num(balance),
        "CurrencyRef": currency_ref(company),
        "ExchangeRate": 1,
    }
    if computed.global_calc:
        record["GlobalTaxCalculation"] = computed.global_calc
    return record


class CreditMemoKind(SalesKind):
    """Its ``Balance`` (= ``RemainingCredit``) is the credit not yet used; a Payment line that
    links it uses some. The customer's balance goes down by the credit left."""

    name = "CreditMemo"
    readonly = SALES_READONLY | {"RemainingCredit"}

    def build(self, ctx, existing, data):
        customer = self.customer(ctx, data)
        computed = self.compute(ctx, data, customer)
        used = ZERO
        if existing:
            used = Decimal(str(existing["TotalAmt"])) - Decimal(str(existing["Balance"]))
        balance = computed.total - used
        if balance < 0:
            raise business("The credit memo total is less than the credit already applied.")
        record = {k: v for k, v in data.items() if k in PASS_THROUGH}
        record.update(self.header(ctx, existing, data, customer))
        record["EmailStatus"] = data.get("EmailStatus", "NotSet")
        record.update(_amounts(computed, balance, ctx.company))
        record.update(
            RemainingCredit=num(balance),
            ApplyTaxAfterDiscount=data.get("ApplyTaxAfterDiscount") is True,
            LinkedTxn=list((existing or {}).get("LinkedTxn", [])),
        )
        return record

    def after_write(self, ctx, old, new):
        self.index_doc_number(ctx, old, new)
        if old:
            set_customer_balance(ctx, old["CustomerRef"]["value"], Decimal(str(old["Balance"])))
        set_customer_balance(ctx, new["CustomerRef"]["value"], -Decimal(str(new["Balance"])))

    def before_delete(self, ctx, record):
        if any(link.get("TxnType") == "Payment" for link in record.get("LinkedTxn", [])):
            raise business(
                "This credit memo is applied to invoices. Remove it from the payments "
                "before you delete it."
            )
        self.index_doc_number(ctx, record, None)
        set_customer_balance(ctx, record["CustomerRef"]["value"], Decimal(str(record["Balance"])))


class SalesReceiptKind(SalesKind):
    """Paid in full when written: ``Balance`` 0, the money in ``DepositToAccountRef``
    (Undeposited Funds unless given). The customer is optional and its balance does not move.
    Void: ``operation=update&include=void``, as for payments."""

    name = "SalesReceipt"
    customer_required = False
    voidable = True
    void_by_update = True

    def build(self, ctx, existing, data):
        if existing and existing["Id"] in ctx.company.voided:
            raise business("A voided sales receipt can't be changed.")
        customer = self.customer(ctx, data)
        computed = self.compute(ctx, data, customer)
        record = {k: v for k, v in data.items() if k in PASS_THROUGH}
        record.update(self.header(ctx, existing, data, customer))
        record["EmailStatus"] = data.get("EmailStatus", "NotSet")
        record.update(self.payment_fields(ctx, data))
        record["DepositToAccountRef"] = self.deposit_account(ctx, data)
        record.update(_amounts(computed, ZERO, ctx.company))
        record["ApplyTaxAfterDiscount"] = data.get("ApplyTaxAfterDiscount") is True
        record["LinkedTxn"] = list((existing or {}).get("LinkedTxn", []))
        return record

    def after_write(self, ctx, old, new):
        self.index_doc_number(ctx, old, new)

    def void(self, ctx, record):
        if record["Id"] in ctx.company.voided:
            return dict(record)
        check_not_deposited(record, "void")
        ctx.company.voided.add(record["Id"])
        return self.zeroed(record)

    def before_delete(self, ctx, record):
        check_not_deposited(record, "delete")
        self.index_doc_number(ctx, record, None)
        ctx.company.voided.discard(record["Id"])


class RefundReceiptKind(SalesKind):
    """Money given back: ``DepositToAccountRef`` (the account it is paid from) is required and
    is a Bank or Other Current Asset account. ``Balance`` 0; delete, no void."""

    name = "RefundReceipt"
    customer_required = False

    def build(self, ctx, existing, data):
        customer = self.customer(ctx, data)
        computed = self.compute(ctx, data, customer)
        if not data.get("DepositToAccountRef"):
            raise required("DepositToAccountRef")
        record = {k: v for k, v in data.items() if k in PASS_THROUGH | {"CheckPayment"}}
        record.update(self.header(ctx, existing, data, customer))
        record.update(self.payment_fields(ctx, data))
        if data.get("PaymentType") in ("Cash", "Check", "CreditCard", "Other"):
            record["PaymentType"] = data["PaymentType"]
        record["DepositToAccountRef"] = self.deposit_account(ctx, data)
        record.update(_amounts(computed, ZERO, ctx.company))
        record["ApplyTaxAfterDiscount"] = data.get("ApplyTaxAfterDiscount") is True
        return record

    def after_write(self, ctx, old, new):
        self.index_doc_number(ctx, old, new)

    def before_delete(self, ctx, record):
        self.index_doc_number(ctx, record, None)


ESTIMATE_STATUSES = ("Pending", "Accepted", "Closed", "Rejected")


class EstimateKind(SalesKind):
    """A quote: ``TxnStatus`` Pending (default), Accepted, Closed or Rejected. An invoice that
    links it (``LinkedTxn`` TxnType Estimate) closes it; the estimate links the invoice back.
    No balance: nothing is owed until it is invoiced."""

    name = "Estimate"
    readonly = SALES_READONLY - {"LinkedTxn"}

    def build(self, ctx, existing, data):
        customer = self.customer(ctx, data)
        computed = self.compute(ctx, data, customer)
        status = data.get("TxnStatus") or (existing or {}).get("TxnStatus") or "Pending"
        if status not in ESTIMATE_STATUSES:
            raise ApiFault(
                "2010",
                f"Invalid TxnStatus: {status}. Use Pending, Accepted, Closed or Rejected.",
                element="TxnStatus",
            )
        record = {
            k: v
            for k, v in data.items()
            if k in PASS_THROUGH | {"AcceptedBy", "AcceptedDate", "ExpirationDate"}
        }
        for key in ("AcceptedDate", "ExpirationDate"):
            if key in data:
                record[key] = date_field(data, key)
        record.update(self.header(ctx, existing, data, customer))
        record["EmailStatus"] = data.get("EmailStatus", "NotSet")
        amounts = _amounts(computed, ZERO, ctx.company)
        del amounts["Balance"], amounts["HomeBalance"]
        record.update(amounts)
        record.update(
            TxnStatus=status,
            ApplyTaxAfterDiscount=data.get("ApplyTaxAfterDiscount") is True,
            # Links are made by invoices, never by the estimate's own body.
            LinkedTxn=list((existing or {}).get("LinkedTxn", [])),
        )
        return record

    def after_write(self, ctx, old, new):
        self.index_doc_number(ctx, old, new)

    def before_delete(self, ctx, record):
        if record.get("LinkedTxn"):
            raise business("This estimate is linked to an invoice. Delete the invoice first.")
        self.index_doc_number(ctx, record, None)
