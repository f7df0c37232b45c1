"""CreditMemo (and Payment lines that apply a credit to an invoice), SalesReceipt (with void)
and RefundReceipt, through python-quickbooks; taxes on each exactly as on an invoice."""

import datetime as dt
from decimal import Decimal

import pytest
from quickbooks.batch import batch_create
from quickbooks.cdc import change_data_capture
from quickbooks.exceptions import QuickbooksException, ValidationException
from quickbooks.objects import (
    CreditMemo,
    Estimate,
    Invoice,
    Payment,
    RefundReceipt,
    SalesReceipt,
)
from quickbooks.objects.base import LinkedTxn, Ref
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
from quickbooks.objects.payment import PaymentLine

from .conftest import CA_REALM, US_REALM

# Compagnie ABC: tax codes 2 = TPS/TVQ, 3 = TVH ON 13 %, 7 = Exonéré; accounts 2 = Chèques
# (Bank), 4 = Fonds non déposés, 6 = Ventes (Income).


def _ref(value):
    ref = Ref()
    ref.value = value
    return ref


def _line(amount, tax_code, item="4"):
    line = SalesItemLine()
    line.Amount = Decimal(amount)
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = _ref(item)
    line.SalesItemLineDetail.TaxCodeRef = _ref(tax_code)
    return line


def _document(cls, customer, *lines, **fields):
    document = cls()
    if customer is not None:
        document.CustomerRef = _ref(customer)
    document.Line = list(lines)
    for key, value in fields.items():
        setattr(document, key, value)
    return document


def _apply(qb, customer, total, *links):
    payment = Payment()
    payment.CustomerRef = _ref(customer)
    payment.TotalAmt = Decimal(total)
    payment.Line = []
    for txn_type, txn_id, amount in links:
        line = PaymentLine()
        line.Amount = Decimal(amount)
        link = LinkedTxn()
        link.TxnId, link.TxnType = txn_id, txn_type
        line.LinkedTxn = [link]
        payment.Line.append(line)
    return payment.save(qb=qb)


def _tax_lines(document):
    return [
        (line.TaxLineDetail.TaxRateRef.value, line.TaxLineDetail.NetAmountTaxable, line.Amount)
        for line in document.TxnTaxDetail.TaxLine
    ]


def test_credit_memo_quebec_taxes_to_the_cent_and_the_customer_balance(qb, qbo_emulator):
    memo = _document(CreditMemo, "3", _line("123.45", "2")).save(qb=qb)

    assert _tax_lines(memo) == [
        ("1", Decimal("123.45"), Decimal("6.17")),
        ("2", Decimal("123.45"), Decimal("12.31")),
    ]
    assert memo.TxnTaxDetail.TotalTax == Decimal("18.48")
    assert memo.TotalAmt == Decimal("141.93")
    assert memo.Balance == Decimal("141.93")
    assert memo.RemainingCredit == Decimal("141.93")
    assert memo.DocNumber == "1001"
    assert qbo_emulator.company(CA_REALM).get("Customer", "3")["Balance"] == -141.93


@pytest.mark.parametrize(
    "cls", [CreditMemo, SalesReceipt, RefundReceipt, Estimate], ids=lambda c: c.__name__
)
def test_each_document_taxes_exactly_as_an_invoice(qb, cls):
    lines = [("200.00", "3"), ("50.00", "7"), ("19.99", "2"), ("0.05", "2")]
    extra = {"DepositToAccountRef": _ref("2")} if cls is RefundReceipt else {}

    invoice = _document(Invoice, "1", *[_line(a, c) for a, c in lines]).save(qb=qb)
    document = _document(cls, "1", *[_line(a, c) for a, c in lines], **extra).save(qb=qb)

    assert _tax_lines(document) == _tax_lines(invoice)
    assert _tax_lines(document) == [
        ("3", Decimal("200.00"), Decimal("26.00")),
        ("6", Decimal("50.00"), Decimal("0.00")),
        ("1", Decimal("20.04"), Decimal("1.00")),
        ("2", Decimal("20.04"), Decimal("2.00")),
    ]
    assert document.TxnTaxDetail.TotalTax == invoice.TxnTaxDetail.TotalTax == Decimal("29.00")
    assert document.TotalAmt == invoice.TotalAmt == Decimal("299.04")


def test_us_sales_receipt_taxes_the_taxable_lines_at_the_company_rate(qb_us):
    receipt = _document(SalesReceipt, "1", _line("100.00", "TAX", "3"), _line("40", "NON", "4"))

    receipt = receipt.save(qb=qb_us)

    assert receipt.TxnTaxDetail.TxnTaxCodeRef.value == "2"
    assert _tax_lines(receipt) == [("3", Decimal("100.00"), Decimal("8.00"))]
    assert receipt.TotalAmt == Decimal("148.00")


def test_a_payment_line_applies_a_credit_memo_to_an_invoice(qb, qbo_emulator):
    invoice = _document(Invoice, "1", _line("100.00", "2")).save(qb=qb)
    memo = _document(CreditMemo, "1", _line("40.00", "2")).save(qb=qb)

    payment = _apply(
        qb, "1", "0", ("Invoice", invoice.Id, "45.99"), ("CreditMemo", memo.Id, "45.99")
    )

    company = qbo_emulator.company(CA_REALM)
    stored_invoice = company.get("Invoice", invoice.Id)
    stored_memo = company.get("CreditMemo", memo.Id)
    assert payment.TotalAmt == Decimal("0")
    assert payment.UnappliedAmt == Decimal("0")
    assert (stored_invoice["Balance"], stored_invoice["SyncToken"]) == (68.99, "1")
    assert stored_invoice["LinkedTxn"] == [{"TxnId": payment.Id, "TxnType": "Payment"}]
    assert (stored_memo["Balance"], stored_memo["RemainingCredit"]) == (0.0, 0.0)
    assert stored_memo["LinkedTxn"] == [{"TxnId": payment.Id, "TxnType": "Payment"}]
    assert stored_memo["SyncToken"] == "1"
    assert company.get("Customer", "1")["Balance"] == 68.99


def test_a_credit_and_money_together_and_the_delete_that_gives_both_back(qb, qbo_emulator):
    invoice = _document(Invoice, "1", _line("100.00", "2")).save(qb=qb)
    memo = _document(CreditMemo, "1", _line("20.00", "2")).save(qb=qb)

    payment = _apply(
        qb, "1", "100", ("Invoice", invoice.Id, "114.98"), ("CreditMemo", memo.Id, "23.00")
    )
    company = qbo_emulator.company(CA_REALM)
    assert payment.UnappliedAmt == Decimal("8.02")
    assert company.get("Invoice", invoice.Id)["Balance"] == 0.0
    assert company.get("Customer", "1")["Balance"] == 0.0

    payment.delete(qb=qb)

    assert company.get("Invoice", invoice.Id)["Balance"] == 114.98
    assert company.get("CreditMemo", memo.Id)["RemainingCredit"] == 23.0
    assert company.get("CreditMemo", memo.Id)["LinkedTxn"] == []
    assert company.get("Customer", "1")["Balance"] == 91.98


@pytest.mark.parametrize(
    ("links", "text"),
    [
        (
            [("Invoice", "A", "100"), ("CreditMemo", "M", "30")],
            "The amount applied to credit memo 1002 (30) is more than its open balance (23.0).",
        ),
        (
            [("Invoice", "A", "10"), ("CreditMemo", "M", "20")],
            "The credits applied are more than the invoices they pay.",
        ),
    ],
    ids=["more-than-the-credit", "credit-beyond-the-invoices"],
)
def test_a_credit_applied_beyond_what_it_can_is_refused(qb, qbo_emulator, links, text):
    ids = {
        "A": _document(Invoice, "1", _line("100.00", "2")).save(qb=qb).Id,
        "M": _document(CreditMemo, "1", _line("20.00", "2")).save(qb=qb).Id,
    }
    company = qbo_emulator.company(CA_REALM)
    before = (company.get("Invoice", ids["A"]), company.get("CreditMemo", ids["M"]))

    with pytest.raises(QuickbooksException) as error:
        _apply(qb, "1", "100", *[(t, ids[i], a) for t, i, a in links])

    assert error.value.error_code == 6000
    assert error.value.detail == f"Business Validation Error: {text}"
    assert (company.get("Invoice", ids["A"]), company.get("CreditMemo", ids["M"])) == before
    assert company.all("Payment") == []


def test_a_credit_memo_of_another_customer_cannot_be_applied(qb, qbo_emulator):
    invoice = _document(Invoice, "1", _line("100.00", "2")).save(qb=qb)
    memo = _document(CreditMemo, "2", _line("20.00", "2")).save(qb=qb)

    with pytest.raises(QuickbooksException) as error:
        _apply(qb, "1", "0", ("Invoice", invoice.Id, "10"), ("CreditMemo", memo.Id, "10"))

    assert error.value.detail == (
        "Business Validation Error: Credit memo 1002 belongs to another customer."
    )
    assert qbo_emulator.company(CA_REALM).get("CreditMemo", memo.Id)["SyncToken"] == "0"


def test_an_applied_credit_memo_cannot_be_deleted_or_lowered_below_what_is_used(qb, qbo_emulator):
    invoice = _document(Invoice, "1", _line("100.00", "2")).save(qb=qb)
    memo = _document(CreditMemo, "1", _line("40.00", "2")).save(qb=qb)
    _apply(qb, "1", "0", ("Invoice", invoice.Id, "30"), ("CreditMemo", memo.Id, "30"))
    memo = CreditMemo.get(memo.Id, qb=qb)

    with pytest.raises(QuickbooksException) as deleted:
        memo.delete(qb=qb)
    memo.Line = [_line("10.00", "2")]
    with pytest.raises(QuickbooksException) as lowered:
        memo.save(qb=qb)

    assert deleted.value.error_code == lowered.value.error_code == 6000
    assert lowered.value.detail == (
        "Business Validation Error: The credit memo total is less than the credit already applied."
    )
    stored = qbo_emulator.company(CA_REALM).get("CreditMemo", memo.Id)
    assert (stored["TotalAmt"], stored["RemainingCredit"], stored["SyncToken"]) == (
        45.99,
        15.99,
        "1",
    )


def test_a_credit_memo_update_moves_the_customer_balance_and_it_cannot_be_voided(qb, api):
    memo = _document(CreditMemo, "5", _line("10.00", "7")).save(qb=qb)
    memo.Line = [_line("25.00", "7")]
    memo = memo.save(qb=qb)

    voided = api(
        "POST", "creditmemo?operation=void", json={"Id": memo.Id, "SyncToken": memo.SyncToken}
    )

    assert (memo.TotalAmt, memo.RemainingCredit, memo.SyncToken) == (
        Decimal("25.00"),
        Decimal("25.00"),
        "1",
    )
    assert api("GET", "customer/5").json()["Customer"]["Balance"] == -25.0
    assert voided.status_code == 400
    assert voided.json()["Fault"]["Error"][0]["code"] == "500"


def test_sales_receipt_is_paid_on_the_spot_and_voids(qb, qbo_emulator):
    receipt = _document(
        SalesReceipt,
        "2",
        _line("95.00", "2"),
        PaymentMethodRef=_ref("1"),
        PaymentRefNum="CAISSE-7",
    ).save(qb=qb)

    company = qbo_emulator.company(CA_REALM)
    assert (receipt.TotalAmt, receipt.Balance) == (Decimal("109.23"), Decimal("0"))
    assert receipt.DepositToAccountRef.value == "4"
    assert receipt.DepositToAccountRef.name == "Fonds non déposés"
    assert (receipt.PaymentMethodRef.name, receipt.PaymentRefNum) == ("Comptant", "CAISSE-7")
    assert company.get("Customer", "2")["Balance"] == 0

    receipt.void(qb=qb)

    stored = company.get("SalesReceipt", receipt.Id)
    assert (stored["TotalAmt"], stored["TxnTaxDetail"]["TotalTax"]) == (0, 0)
    assert [t["Amount"] for t in stored["TxnTaxDetail"]["TaxLine"]] == [0, 0]
    assert (stored["PrivateNote"], stored["SyncToken"]) == ("Voided", "1")
    receipt = SalesReceipt.get(receipt.Id, qb=qb)
    receipt.PrivateNote = "encore"
    with pytest.raises(QuickbooksException) as error:
        receipt.save(qb=qb)
    assert (
        error.value.detail == "Business Validation Error: A voided sales receipt can't be changed."
    )
    assert company.get("SalesReceipt", receipt.Id)["SyncToken"] == "1"


def test_sales_receipt_without_customer_and_its_deposit_account_rule(qb, qbo_emulator):
    anonymous = _document(SalesReceipt, None, _line("10.00", "2")).save(qb=qb)
    wrong = _document(SalesReceipt, None, _line("10.00", "2"), DepositToAccountRef=_ref("6"))

    with pytest.raises(ValidationException) as error:
        wrong.save(qb=qb)

    assert anonymous.CustomerRef is None
    assert anonymous.TotalAmt == Decimal("11.50")
    assert error.value.error_code == 2500
    assert len(qbo_emulator.company(CA_REALM).all("SalesReceipt")) == 1


def test_refund_receipt_needs_the_account_the_money_leaves(qb, qbo_emulator):
    missing = _document(RefundReceipt, "4", _line("50.00", "2"))
    income = _document(RefundReceipt, "4", _line("50.00", "2"), DepositToAccountRef=_ref("6"))

    with pytest.raises(ValidationException) as no_account:
        missing.save(qb=qb)
    with pytest.raises(ValidationException) as wrong_account:
        income.save(qb=qb)
    refund = _document(
        RefundReceipt, "4", _line("50.00", "2"), DepositToAccountRef=_ref("2"), PaymentType="Check"
    ).save(qb=qb)

    assert (no_account.value.error_code, wrong_account.value.error_code) == (2020, 2500)
    assert no_account.value.detail == (
        "Required parameter DepositToAccountRef is missing in the request"
    )
    assert (refund.TotalAmt, refund.Balance) == (Decimal("57.49"), Decimal("0"))
    assert (refund.DepositToAccountRef.value, refund.DepositToAccountRef.name) == ("2", "Chèques")
    assert refund.PaymentType == "Check"
    company = qbo_emulator.company(CA_REALM)
    assert [r["Id"] for r in company.all("RefundReceipt")] == [refund.Id]
    assert company.get("Customer", "4")["Balance"] == 0

    refund.delete(qb=qb)

    assert company.all("RefundReceipt") == []
    assert company.deleted("RefundReceipt") == [refund.Id]


def test_doc_numbers_follow_one_sequence_and_are_unique_per_type(qb, api):
    invoice = _document(Invoice, "1", _line("10", "2")).save(qb=qb)
    memo = _document(CreditMemo, "1", _line("10", "2")).save(qb=qb)
    same_as_invoice = _document(CreditMemo, "1", _line("10", "2"), DocNumber="1001").save(qb=qb)

    duplicate = _document(CreditMemo, "1", _line("10", "2"), DocNumber="1002")
    with pytest.raises(QuickbooksException) as error:
        duplicate.save(qb=qb)

    assert (invoice.DocNumber, memo.DocNumber, same_as_invoice.DocNumber) == (
        "1001",
        "1002",
        "1001",
    )
    assert error.value.error_code == 6140
    assert error.value.detail.endswith(
        f"DocNumber=1002 is assigned to TxnType=CreditMemo with TxnId={memo.Id}"
    )
    count = api("GET", "query", params={"query": "select count(*) from CreditMemo"}).json()
    assert count["QueryResponse"]["totalCount"] == 2


def test_query_batch_and_cdc_know_the_new_documents(qb, qbo_emulator):
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    result = batch_create(
        [
            _document(CreditMemo, "1", _line("10.00", "2")),
            _document(SalesReceipt, "1", _line("20.00", "2")),
            _document(RefundReceipt, "1", _line("30.00", "2")),  # no account: faults alone
        ],
        qb=qb,
    )
    open_credits = CreditMemo.filter(Balance="11.5", qb=qb)
    changes = change_data_capture(
        [CreditMemo, SalesReceipt, RefundReceipt], since.isoformat(), qb=qb
    )

    assert [type(o).__name__ for o in result.successes] == ["CreditMemo", "SalesReceipt"]
    assert [f.Error[0].code for f in result.faults] == ["2020"]
    assert [m.TotalAmt for m in open_credits] == [Decimal("11.50")]
    assert [m.TotalAmt for m in changes.CreditMemo] == [Decimal("11.50")]
    assert [r.TotalAmt for r in changes.SalesReceipt] == [Decimal("23.00")]
    assert not hasattr(changes, "RefundReceipt")


def test_an_unknown_credit_memo_field_is_refused(qb, qbo_emulator):
    memo = _document(CreditMemo, "1", _line("10.00", "2"))
    memo.CreditReason = "retour"

    with pytest.raises(ValidationException) as error:
        memo.save(qb=qb)

    assert error.value.error_code == 2010
    assert '"CreditReason" (class com.intuit.schema.finance.v3.CreditMemo)' in error.value.detail
    assert qbo_emulator.company(CA_REALM).all("CreditMemo") == []


def test_us_company_keeps_its_own_numbers(qb_us, qbo_emulator):
    memo = _document(CreditMemo, "1", _line("10", "NON", "3")).save(qb=qb_us)

    assert (memo.DocNumber, memo.TotalAmt) == ("1001", Decimal("10"))
    assert qbo_emulator.company(US_REALM).get("Customer", "1")["Balance"] == -10


def test_unsupported_operation_on_a_refund_receipt(api):
    response = api("POST", "refundreceipt?operation=void", json={"Id": "1", "SyncToken": "0"})

    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["Detail"] == (
        "Operation void is not supported for RefundReceipt."
    )


def test_new_documents_their_numbers_and_files_survive_a_restart(tmp_path):
    import json

    from qbo_emulator.core import Emulator

    path = str(tmp_path / "state.sqlite3")
    first = Emulator(state_path=path)
    token = first.issue_tokens(realm_id=CA_REALM)["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    base = f"http://emulator.test/v3/company/{CA_REALM}"
    line = {
        "Amount": 10,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "4"}, "TaxCodeRef": {"value": "2"}},
    }
    _, _, body = first.handle(
        "POST",
        f"{base}/creditmemo",
        headers,
        json.dumps({"CustomerRef": {"value": "1"}, "Line": [line], "DocNumber": "AV-1"}),
    )
    memo = json.loads(body)["CreditMemo"]
    upload = (
        '--B\r\nContent-Disposition: form-data; name="file_metadata_01"\r\n\r\n'
        '{"FileName": "a.txt", "ContentType": "text/plain"}\r\n'
        '--B\r\nContent-Disposition: form-data; name="file_content_01"\r\n'
        "Content-Type: text/plain\r\n\r\nbonjour\r\n--B--\r\n"
    )
    first.handle(
        "POST",
        f"{base}/upload",
        {**headers, "Content-Type": "multipart/form-data; boundary=B"},
        upload,
    )
    first.stop()

    second = Emulator(state_path=path)
    token = second.issue_tokens(realm_id=CA_REALM)["access_token"]
    headers["Authorization"] = f"Bearer {token}"
    status, _, body = second.handle(
        "POST",
        f"{base}/creditmemo",
        headers,
        json.dumps({"CustomerRef": {"value": "1"}, "Line": [line], "DocNumber": "AV-1"}),
    )
    _, _, link = second.handle("GET", f"{base}/download/1", headers, b"")
    _, _, content = second.handle("GET", link.decode(), {}, b"")

    assert second.company(CA_REALM).get("CreditMemo", memo["Id"])["TotalAmt"] == 11.5
    assert (status, json.loads(body)["Fault"]["Error"][0]["code"]) == (400, "6140")
    assert content == b"bonjour"
    second.stop()
