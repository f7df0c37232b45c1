"""Invoices and payments: server-side totals and taxes, DocNumber rules, void and delete, and
payments moving invoice balances."""

from decimal import Decimal

import pytest
from quickbooks.exceptions import ObjectNotFoundException, QuickbooksException, ValidationException
from quickbooks.objects import Customer, Invoice, Payment
from quickbooks.objects.base import LinkedTxn, Ref
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
from quickbooks.objects.payment import PaymentLine
from quickbooks.objects.tax import TxnTaxDetail

from .conftest import CA_REALM, US_REALM

# Compagnie ABC tax codes: 2 = TPS/TVQ, 3 = TVH ON 13 %, 4 = TVH 15 %, 5 = TPS, 6 = Détaxé,
# 7 = Exonéré


def _ref(value):
    ref = Ref()
    ref.value = value
    return ref


def _line(amount, item, tax_code, qty=None, price=None):
    line = SalesItemLine()
    line.Amount = Decimal(amount)
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = _ref(item)
    line.SalesItemLineDetail.TaxCodeRef = _ref(tax_code)
    if qty is not None:
        line.SalesItemLineDetail.Qty = Decimal(qty)
        line.SalesItemLineDetail.UnitPrice = Decimal(price)
    return line


def _invoice(customer, *lines, doc=None):
    invoice = Invoice()
    invoice.CustomerRef = _ref(customer)
    invoice.Line = list(lines)
    invoice.DocNumber = doc
    return invoice


def _pay(qb, customer, total, *applied):
    payment = Payment()
    payment.CustomerRef = _ref(customer)
    payment.TotalAmt = Decimal(total)
    payment.Line = []
    for invoice_id, amount in applied:
        line = PaymentLine()
        line.Amount = Decimal(amount)
        link = LinkedTxn()
        link.TxnId, link.TxnType = invoice_id, "Invoice"
        line.LinkedTxn = [link]
        payment.Line.append(line)
    return payment.save(qb=qb)


def test_canadian_invoice_taxes_one_line_per_rate(qb):
    invoice = _invoice(
        "1",
        _line("190.00", "4", "2", qty="2", price="95"),
        _line("29.99", "7", "3"),
        _line("50.00", "6", "6"),
        _line("20.00", "8", "7"),
    ).save(qb=qb)

    assert invoice.DocNumber == "1001"
    assert invoice.TotalAmt == Decimal("322.34")
    assert invoice.Balance == Decimal("322.34")
    assert invoice.TxnTaxDetail.TotalTax == Decimal("32.35")
    taxes = [
        (
            t.TaxLineDetail.TaxRateRef.value,
            t.TaxLineDetail.NetAmountTaxable,
            t.TaxLineDetail.TaxPercent,
            t.Amount,
        )
        for t in invoice.TxnTaxDetail.TaxLine
    ]
    assert taxes == [
        ("1", Decimal("190"), Decimal("5"), Decimal("9.5")),
        ("2", Decimal("190"), Decimal("9.975"), Decimal("18.95")),
        ("3", Decimal("29.99"), Decimal("13"), Decimal("3.9")),
        ("5", Decimal("50"), Decimal("0"), Decimal("0")),
        ("6", Decimal("20"), Decimal("0"), Decimal("0")),
    ]
    assert invoice.Line[-1].DetailType == "SubTotalLineDetail"
    assert invoice.Line[-1].Amount == Decimal("289.99")
    assert [line.Id for line in invoice.Line[:-1]] == ["1", "2", "3", "4"]
    assert invoice.Line[0].SalesItemLineDetail.ItemRef.name == "Main-d'œuvre (heure)"
    assert invoice.DueDate > invoice.TxnDate
    assert Customer.get(1, qb=qb).Balance == Decimal("322.34")


def test_two_codes_sharing_a_rate_round_their_own_part(qb):
    # TPS/TVQ (code 2) and TPS alone (code 5) share the TPS rate (1): one TaxLine per
    # (code, rate), each rounded on its own (2 x round(0.30 x 5 %) = 0.04, where one TaxLine
    # over both would round 0.60 x 5 % to 0.03).
    invoice = _invoice("1", _line("0.30", "4", "2"), _line("0.30", "4", "5")).save(qb=qb)

    taxes = [
        (t.TaxLineDetail.TaxRateRef.value, t.TaxLineDetail.NetAmountTaxable, t.Amount)
        for t in invoice.TxnTaxDetail.TaxLine
    ]
    assert taxes == [
        ("1", Decimal("0.3"), Decimal("0.02")),
        ("2", Decimal("0.3"), Decimal("0.03")),
        ("1", Decimal("0.3"), Decimal("0.02")),
    ]
    assert invoice.TxnTaxDetail.TotalTax == Decimal("0.07")
    assert invoice.TotalAmt == Decimal("0.67")


def test_qst_rounding_matches_quickbooks(qb):
    invoice = _invoice("2", _line("4495.16", "1", "2")).save(qb=qb)

    assert [t.Amount for t in invoice.TxnTaxDetail.TaxLine] == [
        Decimal("224.76"),
        Decimal("448.39"),
    ]


def test_us_invoice_with_tax_and_non_lines(qb_us):
    invoice = _invoice(
        "1", _line("190.00", "3", "NON", qty="2", price="95"), _line("45.50", "6", "TAX")
    ).save(qb=qb_us)

    assert invoice.TotalAmt == Decimal("239.14")
    assert invoice.TxnTaxDetail.TxnTaxCodeRef.value == "2"
    assert invoice.TxnTaxDetail.TaxLine[0].Amount == Decimal("3.64")
    assert invoice.TxnTaxDetail.TaxLine[0].TaxLineDetail.NetAmountTaxable == Decimal("45.5")


def test_us_line_code_must_be_tax_or_non(qb_us):
    with pytest.raises(QuickbooksException) as error:
        _invoice("1", _line("10.00", "3", "2")).save(qb=qb_us)

    assert error.value.error_code == 6100
    assert "Supplied value: 2" in error.value.detail


def test_amount_must_equal_qty_times_price(qb):
    with pytest.raises(QuickbooksException) as error:
        _invoice("1", _line("190.01", "4", "2", qty="2", price="95")).save(qb=qb)

    assert error.value.error_code == 6070
    assert Invoice.count(qb=qb) == 0


def test_canadian_line_without_tax_code_is_6000(qb):
    line = _line("10.00", "4", "2")
    line.SalesItemLineDetail.TaxCodeRef = None

    with pytest.raises(QuickbooksException) as error:
        _invoice("1", line).save(qb=qb)

    assert error.value.error_code == 6000
    assert "GST/HST" in error.value.detail


@pytest.mark.parametrize(
    "customer,item,expected",
    [
        ("999", "4", "Names element id 999"),
        ("1", "999", "Item element id 999"),
        ("1", "2", "set up as a category"),
    ],
)
def test_invalid_references_are_2500(qb, customer, item, expected):
    with pytest.raises(ValidationException) as error:
        _invoice(customer, _line("10.00", item, "2")).save(qb=qb)

    assert error.value.error_code == 2500
    assert expected in error.value.detail
    assert Invoice.count(qb=qb) == 0


def test_duplicate_doc_number_is_6140_unless_allowed(qb, api):
    first = _invoice("1", _line("10.00", "4", "2"), doc="F-100").save(qb=qb)

    with pytest.raises(QuickbooksException) as error:
        _invoice("2", _line("10.00", "4", "2"), doc="f-100").save(qb=qb)
    assert error.value.error_code == 6140
    assert f"TxnId={first.Id}" in error.value.detail

    allowed = api(
        "POST",
        "invoice?include=allowduplicatedocnum",
        json={
            "CustomerRef": {"value": "2"},
            "DocNumber": "F-100",
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "4"},
                        "TaxCodeRef": {"value": "2"},
                    },
                }
            ],
        },
    )
    assert allowed.status_code == 200
    assert Invoice.count(qb=qb) == 2


def test_percent_discount_and_client_tax_override(api):
    response = api(
        "POST",
        "invoice",
        json={
            "CustomerRef": {"value": "3"},
            "Line": [
                {
                    "Amount": "200.00",
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "4"},
                        "TaxCodeRef": {"value": "2"},
                    },
                },
                {
                    "Amount": 0,
                    "DetailType": "DiscountLineDetail",
                    "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 10},
                },
            ],
            "TxnTaxDetail": {
                "TaxLine": [
                    {
                        "Amount": "19.96",
                        "DetailType": "TaxLineDetail",
                        "TaxLineDetail": {"TaxRateRef": {"value": "2"}},
                    }
                ]
            },
        },
    )

    invoice = response.json()["Invoice"]
    assert invoice["Line"][1]["Amount"] == 20
    assert [t["Amount"] for t in invoice["TxnTaxDetail"]["TaxLine"]] == [10, 19.96]
    assert invoice["TotalAmt"] == 209.96


def test_sparse_update_keeps_lines_and_full_update_recomputes(qb, api):
    invoice = _invoice("1", _line("100.00", "4", "2")).save(qb=qb)

    sparse = api(
        "POST",
        "invoice",
        json={"Id": invoice.Id, "SyncToken": "0", "sparse": True, "PrivateNote": "Chantier 12"},
    ).json()["Invoice"]
    assert sparse["SyncToken"] == "1"
    assert sparse["TotalAmt"] == 114.98
    assert sparse["PrivateNote"] == "Chantier 12"

    full = Invoice.get(invoice.Id, qb=qb)
    full.Line = [_line("200.00", "4", "2")]
    full.TxnTaxDetail = None
    updated = full.save(qb=qb)
    assert updated.TotalAmt == Decimal("229.95")
    assert updated.SyncToken == "2"


def test_void_invoice_zeroes_amounts(qb):
    invoice = _invoice("1", _line("100.00", "4", "2", qty="2", price="50")).save(qb=qb)

    invoice.void(qb=qb)

    voided = Invoice.get(invoice.Id, qb=qb)
    assert (voided.TotalAmt, voided.Balance, voided.TxnTaxDetail.TotalTax) == (0, 0, 0)
    assert voided.Line[0].Amount == 0
    assert voided.Line[0].SalesItemLineDetail.Qty == 0
    assert voided.PrivateNote == "Voided"
    assert voided.SyncToken == "1"
    assert voided.DocNumber == invoice.DocNumber
    assert Customer.get(1, qb=qb).Balance == 0


def test_delete_invoice(qb, qbo_emulator):
    invoice = _invoice("1", _line("100.00", "4", "2")).save(qb=qb)

    result = invoice.delete(qb=qb)

    assert result["Invoice"] == {"status": "Deleted", "domain": "QBO", "Id": invoice.Id}
    with pytest.raises(ObjectNotFoundException):
        Invoice.get(invoice.Id, qb=qb)
    assert qbo_emulator.company(CA_REALM).deleted("Invoice") == [invoice.Id]


def test_payment_lowers_balance_links_and_void_restores(qb):
    invoice = _invoice("1", _line("100.00", "4", "2")).save(qb=qb)

    payment = _pay(qb, "1", "150.00", (invoice.Id, "60.00"))

    assert payment.UnappliedAmt == Decimal("90")
    assert payment.DepositToAccountRef.name == "Fonds non déposés"
    paid = Invoice.get(invoice.Id, qb=qb)
    assert paid.Balance == Decimal("54.98")
    assert paid.SyncToken == "1"
    assert [(link.TxnId, link.TxnType) for link in paid.LinkedTxn] == [(payment.Id, "Payment")]
    assert Customer.get(1, qb=qb).Balance == Decimal("54.98")

    with pytest.raises(QuickbooksException) as error:
        paid.void(qb=qb)
    assert error.value.error_code == 6000

    payment.void(qb=qb)
    voided = Payment.get(payment.Id, qb=qb)
    assert (voided.TotalAmt, voided.PrivateNote) == (0, "Voided")
    restored = Invoice.get(invoice.Id, qb=qb)
    assert restored.Balance == Decimal("114.98")
    assert restored.LinkedTxn == []


def test_payment_delete_restores_and_overpaying_is_refused(qb):
    invoice = _invoice("5", _line("100.00", "4", "2")).save(qb=qb)
    payment = _pay(qb, "5", "114.98", (invoice.Id, "114.98"))
    assert Invoice.get(invoice.Id, qb=qb).Balance == 0

    with pytest.raises(QuickbooksException) as error:
        _pay(qb, "5", "1.00", (invoice.Id, "1.00"))
    assert error.value.error_code == 6000

    payment.delete(qb=qb)
    assert Invoice.get(invoice.Id, qb=qb).Balance == Decimal("114.98")
    assert Payment.count(qb=qb) == 0


def test_payment_for_another_customers_invoice_is_refused(qb):
    invoice = _invoice("1", _line("10.00", "4", "2")).save(qb=qb)

    with pytest.raises(QuickbooksException) as error:
        _pay(qb, "2", "10.00", (invoice.Id, "10.00"))

    assert error.value.error_code == 6000
    assert Invoice.get(invoice.Id, qb=qb).Balance == Decimal("11.5")


def test_payment_update_replaces_lines(qb, api):
    invoice = _invoice("1", _line("100.00", "4", "2")).save(qb=qb)
    payment = _pay(qb, "1", "50.00", (invoice.Id, "50.00"))

    api("POST", "payment", json={"Id": payment.Id, "SyncToken": "0", "sparse": True, "Line": []})

    assert Invoice.get(invoice.Id, qb=qb).Balance == Decimal("114.98")
    assert Payment.get(payment.Id, qb=qb).UnappliedAmt == Decimal("50")


def test_payment_deposit_account_must_be_bank_or_current_asset(qb):
    payment = Payment()
    payment.CustomerRef = _ref("1")
    payment.TotalAmt = Decimal("5")
    payment.DepositToAccountRef = _ref("6")  # Ventes (income)

    with pytest.raises(ValidationException) as error:
        payment.save(qb=qb)

    assert error.value.error_code == 2500
    assert Payment.count(qb=qb) == 0


def test_us_totals_ignore_global_tax_calculation(qb_us, qbo_emulator):
    invoice = _invoice("2", _line("100.00", "6", "TAX")).save(qb=qb_us)

    stored = qbo_emulator.company(US_REALM).get("Invoice", invoice.Id)
    assert "GlobalTaxCalculation" not in stored
    assert stored["TotalAmt"] == 108


def test_tax_detail_on_invoice_class_is_accepted(qb):
    invoice = _invoice("1", _line("100.00", "4", "2"))
    invoice.TxnTaxDetail = TxnTaxDetail()

    saved = invoice.save(qb=qb)

    assert saved.TotalAmt == Decimal("114.98")
