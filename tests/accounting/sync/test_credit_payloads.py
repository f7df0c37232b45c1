"""Credit memo, refund receipt, credit application and discount bodies, as pure functions."""

import datetime
import json
from decimal import Decimal

import pytest

from accounting.qbo.credit_payloads import (
    CreditApplicationData,
    CreditMemoData,
    credit_application_body,
    credit_memo_body,
    refund_receipt_body,
)
from accounting.qbo.sales import dumps
from accounting.qbo.sales_payloads import LineData, Mapping, MappingMissing, add_discount

CA = Mapping(
    is_us=False,
    taxable_tax_code="2",
    non_taxable_tax_code="7",
    default_item="1",
    deposit_account="35",
    tax_group_codes={9: "5"},
)
US = Mapping(is_us=True, default_item="1", deposit_account="35", transaction_tax_code="3")


def _memo(**values) -> CreditMemoData:
    values.setdefault(
        "lines",
        (
            LineData(
                description="Sel",
                quantity=Decimal("2.000"),
                unit_price=Decimal("12.4900"),
                amount=Decimal("24.98"),
                is_taxable=True,
                tax_group_id=9,
                qbo_item_id="",
                label="Sel",
            ),
        ),
    )
    return CreditMemoData(
        credit_note_id=12,
        number="NC-4",
        date=datetime.date(2026, 11, 25),
        email="a@example.com",
        reason="Sel non livré",
        **values,
    )


def test_credit_memo_body_has_the_lines_tax_codes_and_no_tax_detail():
    body = credit_memo_body(_memo(), customer_id="58", mapping=CA)
    assert json.loads(dumps(body)) == {
        "DocNumber": "NC-4",
        "TxnDate": "2026-11-25",
        "CustomerRef": {"value": "58"},
        "Line": [
            {
                "Amount": 24.98,
                "DetailType": "SalesItemLineDetail",
                "Description": "Sel",
                "SalesItemLineDetail": {
                    "ItemRef": {"value": "1"},
                    "Qty": 2,
                    "UnitPrice": 12.49,
                    "TaxCodeRef": {"value": "5"},
                },
            }
        ],
        "PrivateNote": "Plannit credit note #12",
        "BillEmail": {"Address": "a@example.com"},
        "CustomerMemo": {"value": "Sel non livré"},
        "GlobalTaxCalculation": "TaxExcluded",
    }


def test_us_credit_memo_carries_the_transaction_tax_code():
    body = credit_memo_body(_memo(), customer_id="58", mapping=US)
    assert body["TxnTaxDetail"] == {"TxnTaxCodeRef": {"value": "3"}}
    assert body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "TAX"}
    assert "GlobalTaxCalculation" not in body


def test_refund_receipt_is_paid_from_the_deposit_account_and_needs_it():
    body = refund_receipt_body(
        _memo(), customer_id="58", mapping=CA, payment_method_id="4", reference="CHQ 12"
    )
    assert (body["DepositToAccountRef"], body["PaymentMethodRef"], body["PaymentRefNum"]) == (
        {"value": "35"},
        {"value": "4"},
        "CHQ 12",
    )
    without = Mapping(is_us=False, taxable_tax_code="2", non_taxable_tax_code="7", default_item="1")
    with pytest.raises(MappingMissing) as missing:
        refund_receipt_body(_memo(), customer_id="58", mapping=without, payment_method_id="")
    assert missing.value.key == "no_deposit_account"


def test_credit_application_is_a_payment_of_zero_linking_both_documents():
    body = credit_application_body(
        CreditApplicationData(
            application_id=7,
            request_id="rid-1",
            amount=Decimal("28.72"),
            date=datetime.date(2026, 11, 25),
        ),
        customer_id="58",
        invoice_qbo_id="130",
        credit_memo_qbo_id="131",
    )
    assert json.loads(dumps(body)) == {
        "CustomerRef": {"value": "58"},
        "TotalAmt": 0.0,
        "TxnDate": "2026-11-25",
        "PrivateNote": "Plannit credit applied #7 rid-1",
        "Line": [
            {"Amount": 28.72, "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]},
            {"Amount": 28.72, "LinkedTxn": [{"TxnId": "131", "TxnType": "CreditMemo"}]},
        ],
    }
    assert "DepositToAccountRef" not in body  # no money moves


def test_discount_line_percent_or_amount_before_tax():
    percent = add_discount({"Line": []}, percent=Decimal("12.50"), amount=Decimal("0"))
    assert json.loads(dumps(percent)) == {
        "Line": [
            {
                "Amount": 0,
                "DetailType": "DiscountLineDetail",
                "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 12.5},
            }
        ],
        "ApplyTaxAfterDiscount": True,
    }
    amount = add_discount({"Line": []}, percent=None, amount=Decimal("15"))
    assert amount["Line"][0]["Amount"] == Decimal("15.00")
    assert amount["Line"][0]["DiscountLineDetail"] == {"PercentBased": False}
    assert add_discount({"Line": []}, percent=None, amount=Decimal("0")) == {"Line": []}
