"""Each kind of difference, made on purpose on QuickBooks' side, is found exactly once with
its reason and its repair; a clean company matches."""

from decimal import Decimal

import requests
from django.utils import translation

from accounting import crypto
from accounting.qbo import endpoints
from accounting.reconcile.messages import difference_text
from accounting.reconcile.models import RunMode, RunStatus

from .conftest import check, differences, synced_books


def test_a_clean_company_matches(qbo):
    invoices, payments = synced_books(qbo)
    run = check(qbo)
    assert (run.status, run.mode, run.difference_count) == (RunStatus.DONE, RunMode.FULL, 0)
    assert (run.invoice_count, run.payment_count) == (2, 1)
    assert run.receivables_plannit == run.receivables_qbo == Decimal("244.92")
    assert differences(run) == []
    assert run.matches


def test_an_invoice_deleted_in_quickbooks_is_missing_there(qbo):
    invoices, _payments = synced_books(qbo, paid=0)
    invoice, qbo_id = invoices[1]
    qbo.company.delete("Invoice", qbo_id)
    run = check(qbo)
    assert differences(run) == [
        ("missing", "Invoice", "send_again", {"number": invoice.number}),
    ]


def _new_copy(record: dict) -> dict:
    body = {k: v for k, v in record.items() if k not in ("Id", "SyncToken", "MetaData")}
    for line in body.get("Line", []):
        line.pop("Id", None)
    return body


def _typed_in_quickbooks(world, body: dict) -> dict:
    """An invoice created in QuickBooks with a number already used (its screens allow it)."""
    token = crypto.decrypt(world.connection.access_token_encrypted)
    response = requests.post(
        f"{endpoints.api_base_url()}/company/{world.connection.realm_id}/invoice",
        params={"include": "allowduplicatedocnum", "minorversion": "75"},
        json=body,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    return response.json()["Invoice"]


def _set_first_line(world, qbo_id: str, amount: str, unit_price: str) -> None:
    """A person edits the invoice's first line in QuickBooks."""
    record = world.company.get("Invoice", qbo_id)
    line = record["Line"][0]
    line["Amount"] = amount
    line["SalesItemLineDetail"]["UnitPrice"] = unit_price
    world.company.save("Invoice", record)


def test_an_amount_changed_by_one_cent_is_found_with_both_amounts(qbo):
    invoices, _payments = synced_books(qbo)
    invoice, qbo_id = invoices[0]
    _set_first_line(qbo, qbo_id, "150.01", "75.005")
    assert qbo.company.get("Invoice", qbo_id)["TotalAmt"] == 172.47
    run = check(qbo)
    assert differences(run) == [
        (
            "amount",
            "Invoice",
            "send_plannit",
            {"number": invoice.number, "here": "172.46", "there": "172.47"},
        ),
    ]


def test_a_payment_applied_to_another_invoice_is_found_once(qbo):
    invoices, payments = synced_books(qbo)
    payment, payment_qbo_id = payments[0]
    record = qbo.company.get("Payment", payment_qbo_id)
    record["Line"][0]["LinkedTxn"][0]["TxnId"] = invoices[1][1]
    qbo.company.save("Payment", record)
    run = check(qbo)
    assert differences(run) == [
        (
            "other_invoice",
            "Payment",
            "",
            {"number": invoices[0][0].number, "amount": "100.00", "there": invoices[1][0].number},
        ),
    ]


def test_a_second_quickbooks_invoice_with_the_same_number_is_a_duplicate(qbo):
    invoices, _payments = synced_books(qbo, paid=0)
    invoice, qbo_id = invoices[0]
    copy = _typed_in_quickbooks(qbo, _new_copy(qbo.company.get("Invoice", qbo_id)))
    run = check(qbo)
    assert differences(run) == [
        (
            "duplicate",
            "Invoice",
            "void_duplicate",
            {"number": invoice.number, "count": 2, "others": [copy["Id"]]},
        ),
    ]


def test_a_payment_recorded_only_in_quickbooks_is_found_with_record_as_repair(qbo):
    invoices, _payments = synced_books(qbo, paid=0)
    invoice, qbo_id = invoices[1]
    made = qbo.company.record_payment(
        [(qbo_id, Decimal("50.00"))], PaymentRefNum="VIR 77", TxnDate="2026-11-28"
    )
    run = check(qbo)
    assert [(d.kind, d.qbo_id, d.invoice_id) for d in run.differences.all()] == [
        ("only_qbo", made["Id"], invoice.pk)
    ]
    assert differences(run)[0][2:] == (
        "record_payment",
        {"number": invoice.number, "amount": "50.00"},
    )


def test_an_invoice_whose_sync_is_still_pending_is_not_a_difference_yet(qbo):
    from accounting.sync.models import SyncJob
    from accounting.sync.services.jobs import job_create

    invoices, _payments = synced_books(qbo, paid=0)
    invoice, qbo_id = invoices[1]
    qbo.company.delete("Invoice", qbo_id)
    job_create(
        business_id=qbo.business.pk,
        realm_id=qbo.connection.realm_id,
        kind="invoice",
        operation="update",
        object_id=invoice.pk,
    )
    run = check(qbo)
    assert (run.difference_count, run.invoice_count) == (0, 1)
    SyncJob.objects.filter(object_id=invoice.pk, status="pending").update(status="done")
    assert check(qbo).difference_count == 1


def test_the_same_tax_split_otherwise_between_components_is_found(qbo):
    invoices, _payments = synced_books(qbo, paid=0)
    invoice, qbo_id = invoices[0]
    record = qbo.company.get("Invoice", qbo_id)
    tax_lines = record["TxnTaxDetail"]["TaxLine"]
    assert [line["Amount"] for line in tax_lines] == [7.5, 14.96]
    # a person overrides the amounts: same 22.46 in all, split otherwise
    tax_lines[0]["Amount"], tax_lines[1]["Amount"] = 7.49, 14.97
    qbo.company.save("Invoice", record)
    saved = qbo.company.get("Invoice", qbo_id)
    assert saved["TxnTaxDetail"]["TotalTax"] == 22.46
    run = check(qbo)
    assert differences(run) == [
        (
            "tax",
            "Invoice",
            "send_plannit",
            {"number": invoice.number, "rate": "5", "here": "7.50", "there": "7.49"},
        ),
    ]
    with translation.override("en"):
        assert difference_text(run.differences.get()) == (
            f"invoice {invoice.number}: tax at 5% differs: $7.50 here, $7.49 there"
        )


def test_a_credit_note_applied_in_plannit_is_not_a_payment_only_in_quickbooks(qbo):
    # given the books in QuickBooks, then a credit note of one line applied to an invoice
    # (QuickBooks holds it as a CreditMemo and a Payment of 0 linking it to the invoice)
    import datetime

    from invoicing import services as invoicing_services
    from invoicing.services.credits import CreditLineInput
    from tests.accounting.sync.conftest import run_due

    invoices, _payments = synced_books(qbo, paid=0)
    invoice, _qbo_id = invoices[0]
    line = invoice.lines.first()
    invoicing_services.credit_note_create(
        invoice=invoice,
        date=datetime.date(2026, 11, 21),
        lines=[CreditLineInput(invoice_line=line, quantity=Decimal("1"))],
    )
    assert set(run_due()) == {"done"}
    # when the books are checked, the credit's Payment is not taken for money
    run = check(qbo)
    assert ("only_in_qbo", "Payment") not in [d[:2] for d in differences(run)]
    assert not any(d[1] == "Payment" for d in differences(run))
