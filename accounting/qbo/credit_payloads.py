"""Credit memos and the payments that apply them: Plannit values -> QBO JSON. Pure functions
(qbo-api-reference §3.5 for the lines and taxes, §3.6 for Payment lines linking a CreditMemo)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .sales_payloads import (
    CENT,
    LineData,
    Mapping,
    MappingMissing,
    _ref,
    add_discount,
    sales_lines,
)


@dataclass(frozen=True)
class CreditMemoData:
    credit_note_id: int
    number: str
    date: datetime.date
    email: str
    reason: str
    lines: tuple[LineData, ...]
    discount_percent: Decimal | None = None
    discount_amount: Decimal = Decimal("0")


@dataclass(frozen=True)
class CreditApplicationData:
    application_id: int
    request_id: str
    amount: Decimal
    date: datetime.date


def credit_note_reference(credit_note_id: int) -> str:
    return f"Plannit credit note #{credit_note_id}"


def credit_application_reference(application_id: int, request_id: str) -> str:
    """In the PrivateNote of the Payment that applies a credit: after an ambiguous failure the
    payment is found again by it (payments have no DocNumber)."""
    return f"Plannit credit applied #{application_id} {request_id}"


def credit_memo_body(data: CreditMemoData, *, customer_id: str, mapping: Mapping) -> dict:
    """The CreditMemo create body: the credit note's lines with the invoice's tax codes. As
    for invoices, a non-US company computes the tax itself (TaxExcluded, no TxnTaxDetail), so
    its TotalTax can be compared to ours."""
    body: dict = {
        "DocNumber": data.number[:21],
        "TxnDate": data.date.isoformat(),
        "CustomerRef": _ref(customer_id),
        "Line": sales_lines(data.lines, mapping),
        "PrivateNote": credit_note_reference(data.credit_note_id),
    }
    if data.email:
        body["BillEmail"] = {"Address": data.email}
    if data.reason:
        body["CustomerMemo"] = {"value": data.reason[:1000]}
    if mapping.is_us:
        if not mapping.transaction_tax_code:
            raise MappingMissing("no_transaction_tax_code")
        body["TxnTaxDetail"] = {"TxnTaxCodeRef": _ref(mapping.transaction_tax_code)}
    else:
        body["GlobalTaxCalculation"] = "TaxExcluded"
    return add_discount(body, percent=data.discount_percent, amount=data.discount_amount)


def refund_receipt_body(
    data: CreditMemoData,
    *,
    customer_id: str,
    mapping: Mapping,
    payment_method_id: str,
    reference: str = "",
) -> dict:
    """A credit paid back in money: the credit memo's body, paid from the deposit account
    (qbo-api-reference: DepositToAccountRef is the account the refund comes out of)."""
    if not mapping.deposit_account:
        raise MappingMissing("no_deposit_account")
    body = credit_memo_body(data, customer_id=customer_id, mapping=mapping)
    body["DepositToAccountRef"] = _ref(mapping.deposit_account)
    if payment_method_id:
        body["PaymentMethodRef"] = _ref(payment_method_id)
    if reference:
        body["PaymentRefNum"] = reference[:21]
    return body


def credit_application_body(
    data: CreditApplicationData, *, customer_id: str, invoice_qbo_id: str, credit_memo_qbo_id: str
) -> dict:
    """A Payment of 0 that uses the credit memo on the invoice: one line links the invoice, the
    other the credit memo, both for the amount applied (no money moves, so no deposit)."""
    amount = data.amount.quantize(CENT)
    return {
        "CustomerRef": _ref(customer_id),
        "TotalAmt": Decimal("0.00"),
        "TxnDate": data.date.isoformat(),
        "PrivateNote": credit_application_reference(data.application_id, data.request_id),
        "Line": [
            {"Amount": amount, "LinkedTxn": [{"TxnId": str(invoice_qbo_id), "TxnType": "Invoice"}]},
            {
                "Amount": amount,
                "LinkedTxn": [{"TxnId": str(credit_memo_qbo_id), "TxnType": "CreditMemo"}],
            },
        ],
    }
