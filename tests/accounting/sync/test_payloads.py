"""Payload building as pure functions (no HTTP, no database)."""

import datetime
import json
from decimal import Decimal

import pytest

from accounting.qbo import errors
from accounting.qbo.errors import duplicate_name_id
from accounting.qbo.sales import dumps
from accounting.qbo.sales_payloads import (
    ContactData,
    InvoiceData,
    LineData,
    Mapping,
    MappingMissing,
    PaymentData,
    clean_display_name,
    customer_body,
    find_payment_by_reference,
    invoice_body,
    invoice_totals,
    invoice_update_body,
    match_payment_method,
    payment_body,
)
from accounting.sync import messages

CA = Mapping(
    is_us=False,
    taxable_tax_code="2",
    non_taxable_tax_code="7",
    default_item="1",
    deposit_account="35",
    tax_group_codes={9: "5"},
)


def line(**values) -> LineData:
    base = dict(
        description="Tonte",
        quantity=Decimal("2.000"),
        unit_price=Decimal("37.5000"),
        amount=Decimal("75.00"),
        is_taxable=True,
        tax_group_id=None,
        qbo_item_id="",
        label="Tonte",
    )
    base.update(values)
    return LineData(**base)


def data(*lines) -> InvoiceData:
    return InvoiceData(
        invoice_id=12,
        number="1042",
        issue_date=datetime.date(2026, 11, 3),
        due_date=datetime.date(2026, 12, 3),
        email="a@example.com",
        notes="",
        lines=lines or (line(),),
    )


def test_canadian_invoice_body_lets_quickbooks_compute_the_tax():
    body = invoice_body(
        data(line(), line(is_taxable=False, qbo_item_id="19"), line(tax_group_id=9)),
        customer_id="58",
        mapping=CA,
    )
    assert body == {
        "DocNumber": "1042",
        "TxnDate": "2026-11-03",
        "DueDate": "2026-12-03",
        "CustomerRef": {"value": "58"},
        "PrivateNote": "Plannit invoice #12",
        "BillEmail": {"Address": "a@example.com"},
        "GlobalTaxCalculation": "TaxExcluded",
        "Line": [
            {
                "Amount": Decimal("75.00"),
                "DetailType": "SalesItemLineDetail",
                "Description": "Tonte",
                "SalesItemLineDetail": {
                    "ItemRef": {"value": "1"},
                    "Qty": Decimal("2"),
                    "UnitPrice": Decimal("37.5"),
                    "TaxCodeRef": {"value": "2"},
                },
            },
            {
                "Amount": Decimal("75.00"),
                "DetailType": "SalesItemLineDetail",
                "Description": "Tonte",
                "SalesItemLineDetail": {
                    "ItemRef": {"value": "19"},
                    "Qty": Decimal("2"),
                    "UnitPrice": Decimal("37.5"),
                    "TaxCodeRef": {"value": "7"},
                },
            },
            {
                "Amount": Decimal("75.00"),
                "DetailType": "SalesItemLineDetail",
                "Description": "Tonte",
                "SalesItemLineDetail": {
                    "ItemRef": {"value": "1"},
                    "Qty": Decimal("2"),
                    "UnitPrice": Decimal("37.5"),
                    "TaxCodeRef": {"value": "5"},
                },
            },
        ],
    }
    assert "TxnTaxDetail" not in body


def test_an_exempt_group_without_its_own_code_takes_the_non_taxable_code():
    mapping = Mapping(
        is_us=False,
        taxable_tax_code="2",
        non_taxable_tax_code="7",
        default_item="1",
        tax_group_codes={9: "5", 11: "8"},
        zero_rate_tax_groups=frozenset({4, 11}),
    )
    body = invoice_body(
        data(
            line(tax_group_id=4),
            line(tax_group_id=11),
            line(tax_group_id=9),
            line(tax_group_id=None),
        ),
        customer_id="58",
        mapping=mapping,
    )
    codes = [entry["SalesItemLineDetail"]["TaxCodeRef"]["value"] for entry in body["Line"]]
    # exempt group -> non-taxable; an exempt group mapped explicitly keeps its own code
    assert codes == ["7", "8", "5", "2"]


def test_us_invoice_body_uses_tax_non_and_the_transaction_code():
    us = Mapping(is_us=True, transaction_tax_code="3", default_item="1")
    body = invoice_body(data(line(), line(is_taxable=False)), customer_id="5", mapping=us)
    codes = [item["SalesItemLineDetail"]["TaxCodeRef"]["value"] for item in body["Line"]]
    assert codes == ["TAX", "NON"]
    assert body["TxnTaxDetail"] == {"TxnTaxCodeRef": {"value": "3"}}
    assert "GlobalTaxCalculation" not in body
    with pytest.raises(MappingMissing) as missing:
        invoice_body(data(), customer_id="5", mapping=Mapping(is_us=True, default_item="1"))
    assert missing.value.key == "no_transaction_tax_code"


@pytest.mark.parametrize(
    ("mapping", "the_line", "key", "params"),
    [
        (
            Mapping(is_us=False, taxable_tax_code="2", non_taxable_tax_code="7"),
            line(),
            "no_default_item",
            {"line": "Tonte"},
        ),
        (
            Mapping(is_us=False, non_taxable_tax_code="7", default_item="1"),
            line(),
            "no_taxable_code",
            {},
        ),
        (
            Mapping(is_us=False, taxable_tax_code="2", default_item="1"),
            line(is_taxable=False),
            "no_non_taxable_code",
            {},
        ),
    ],
)
def test_missing_choices_name_what_to_fix(mapping, the_line, key, params):
    with pytest.raises(MappingMissing) as missing:
        invoice_body(data(the_line), customer_id="1", mapping=mapping)
    assert (missing.value.key, missing.value.params) == (key, params)


def test_update_body_is_sparse_and_clears_a_removed_email():
    body = invoice_update_body(
        InvoiceData(
            invoice_id=1,
            number="7",
            issue_date=datetime.date(2026, 1, 2),
            due_date=datetime.date(2026, 1, 2),
            email="",
            notes="Merci",
            lines=(line(),),
        ),
        qbo_id="130",
        sync_token="3",
        customer_id="9",
        mapping=CA,
    )
    assert (body["Id"], body["SyncToken"], body["sparse"]) == ("130", "3", True)
    assert body["BillEmail"] == {"Address": ""}
    assert body["CustomerMemo"] == {"value": "Merci"}


def test_customer_body_drops_what_quickbooks_refuses():
    body = customer_body(
        ContactData(
            display_name="Ferme  Roy:\tInc.",
            first_name="Luc",
            company_name="Ferme Roy",
            email="luc@example.com",
            phone="514-555-0101",
            city="Laval",
            province="QC",
        )
    )
    assert body == {
        "DisplayName": "Ferme Roy- Inc.",
        "GivenName": "Luc",
        "CompanyName": "Ferme Roy",
        "PrimaryEmailAddr": {"Address": "luc@example.com"},
        "PrimaryPhone": {"FreeFormNumber": "514-555-0101"},
        "BillAddr": {"City": "Laval", "CountrySubDivisionCode": "QC"},
    }
    assert clean_display_name("x" * 600) == "x" * 500


def test_payment_body_links_the_invoice_and_carries_our_reference():
    body = payment_body(
        PaymentData(
            payment_id=4,
            request_id="r-1",
            amount=Decimal("25.5"),
            date=datetime.date(2026, 11, 5),
            reference="CHQ 12",
        ),
        customer_id="58",
        invoice_qbo_id="130",
        deposit_account="35",
        payment_method_id="2",
    )
    assert body == {
        "CustomerRef": {"value": "58"},
        "TotalAmt": Decimal("25.50"),
        "TxnDate": "2026-11-05",
        "DepositToAccountRef": {"value": "35"},
        "PrivateNote": "Plannit payment #4 r-1",
        "Line": [
            {"Amount": Decimal("25.50"), "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]}
        ],
        "PaymentMethodRef": {"value": "2"},
        "PaymentRefNum": "CHQ 12",
    }
    with pytest.raises(MappingMissing) as missing:
        payment_body(
            PaymentData(
                payment_id=4,
                request_id="r",
                amount=Decimal("1"),
                date=datetime.date(2026, 1, 1),
                reference="",
            ),
            customer_id="1",
            invoice_qbo_id="2",
            deposit_account="",
            payment_method_id="",
        )
    assert missing.value.key == "no_deposit_account"


def test_payment_methods_match_by_name_in_either_language():
    rows = [
        {"Id": "1", "Name": "Comptant"},
        {"Id": "2", "Name": "Chèque"},
        {"Id": "3", "Name": "virement  interac"},
        {"Id": "4", "Name": "Cash", "Active": False},
    ]
    assert match_payment_method("cash", rows) == "1"
    assert match_payment_method("cheque", rows) == "2"
    assert match_payment_method("e_transfer", rows) == "3"
    assert match_payment_method("debit", rows) == ""


def test_found_payment_by_reference_and_totals_read_back():
    rows = [{"Id": "8", "PrivateNote": "other"}, {"Id": "9", "PrivateNote": "Plannit payment #4 r"}]
    assert find_payment_by_reference(rows, reference="Plannit payment #4 r") == rows[1]
    assert find_payment_by_reference(rows, reference="Plannit payment #5 r") is None
    assert invoice_totals(
        {"TotalAmt": Decimal("172.46"), "TxnTaxDetail": {"TotalTax": Decimal("22.455")}}
    ) == (Decimal("172.46"), Decimal("22.46"))
    assert invoice_totals({}) == (None, Decimal("0.00"))


def test_amounts_are_sent_as_exact_json_numbers():
    text = dumps(
        {
            "Amount": Decimal("0.10"),
            "Qty": Decimal("3"),
            "Name": "Café",
            "Line": [{"UnitPrice": Decimal("-12.345")}],
        }
    )
    assert text == '{"Amount": 0.10, "Qty": 3, "Name": "Café", "Line": [{"UnitPrice": -12.345}]}'
    assert json.loads(text, parse_float=Decimal)["Amount"] == Decimal("0.10")


def test_duplicate_name_fault_names_the_holder():
    error = errors.QboValidationError(
        "Duplicate Name Exists Error",
        code="6240",
        detail="The name supplied already exists. : Id=58",
    )
    assert duplicate_name_id(error) == "58"
    assert (
        duplicate_name_id(errors.QboValidationError("x", code="6240", detail="Le nom existe déjà."))
        == ""
    )


def test_every_message_renders_and_unknown_keys_fall_back():
    for key in messages.MESSAGES:
        rendered = messages.render(
            key,
            {
                "line": "L",
                "detail": "D",
                "status": 503,
                "attempts": 3,
                "name": "N",
                "number": "1",
                "qbo_total": "1",
                "qbo_tax": "1",
                "total": "1",
                "tax": "1",
            },
        )
        assert rendered.text and "%(" not in rendered.text
    assert messages.render("") is None
    assert messages.render("no-such-key").text.startswith("An unexpected error")
    assert messages.render("no_default_item", {}).text.startswith("The line “%(line)s”")
