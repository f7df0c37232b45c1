"""Credit notes, refunds, credits applied and sales receipts in the books check: each kind of
difference made on purpose on QuickBooks' side is found exactly once, with its reason and its
repair (send again through the engine) or what to check; a clean company matches."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from accounting.reconcile.messages import difference_hint, difference_text
from accounting.reconcile.models import RunMode
from accounting.reconcile.services.repair import difference_repair
from accounting.sync.models import (
    CreditApplicationLink,
    CreditNoteLink,
    SalesReceiptLink,
    SyncJob,
)
from core.exceptions import ApplicationError
from invoicing import services as invoicing
from invoicing.services import CreditLineInput, RefundInput

from .conftest import check, differences, run_due, synced_books

DAY = datetime.date(2026, 11, 26)


def credited_books(world):
    """Two invoices sent; NC-1 applied to the first (one line), NC-2 kept open (one line of the
    second), a refund NC-3 out of a payment on the second, and a sales receipt RV-1."""
    invoices, _payments = synced_books(world, paid=0)
    (first, _first_id), (second, _second_id) = invoices
    applied = invoicing.credit_note_create(
        invoice=first,
        date=DAY,
        lines=[CreditLineInput(invoice_line=first.lines.first(), quantity=Decimal("1"))],
    )
    kept = invoicing.credit_note_create(
        invoice=second,
        date=DAY,
        lines=[CreditLineInput(invoice_line=second.lines.first(), quantity=Decimal("1"))],
        apply_to_invoice=False,
    )
    payment = invoicing.payment_record(
        invoice=second, amount=Decimal("50.00"), date=DAY, method="cheque", reference="CHQ 9"
    )
    refund = invoicing.credit_note_create(
        invoice=second,
        date=DAY,
        amount=invoicing.CreditAmountInput(
            description="Geste", amount=Decimal("10.00"), tax_group=world.tax_group
        ),
        refund=RefundInput(payment=payment, method="cheque"),
    )
    receipt = invoicing.sales_receipt_create(
        business=world.business,
        contact=first.contact,
        issue_date=DAY,
        lines=[
            invoicing.LineInput(
                description="Tonte", quantity=Decimal("1"), unit_price=Decimal("45.00")
            )
        ],
        method="debit",
        reference="TERM-1",
    )
    assert set(run_due()) == {"done"}
    return {
        "invoices": invoices,
        "applied": applied,
        "kept": kept,
        "refund": refund,
        "receipt": receipt,
        "application": applied.applications.get(),
    }


def _application_params(books, **extra) -> dict:
    application = books["application"]
    return {
        "number": books["applied"].number,
        "invoice": application.invoice.number,
        "amount": f"{application.amount:f}",
        **extra,
    }


def _qbo_id(model, **lookup) -> str:
    return model.objects.get(**lookup).qbo_id


def test_a_clean_company_with_credits_and_receipts_matches(qbo):
    books = credited_books(qbo)
    run = check(qbo)
    assert differences(run) == []
    assert (run.invoice_count, run.payment_count) == (2, 1)
    assert (run.credit_note_count, run.sales_receipt_count) == (3, 1)
    assert run.receivables_plannit == run.receivables_qbo
    # the open credit lowers what the customer owes, on both sides
    kept = books["kept"]
    assert kept.balance == kept.total > 0
    for invoice, _id in books["invoices"]:
        invoice.refresh_from_db()
    owed = sum(invoice.balance for invoice, _id in books["invoices"])
    assert run.receivables_plannit == owed - kept.balance


def test_a_credit_memo_deleted_in_quickbooks_is_sent_again_once(qbo):
    books = credited_books(qbo)
    kept = books["kept"]
    memo_id = _qbo_id(CreditNoteLink, credit_note=kept)
    qbo.company.delete("CreditMemo", memo_id)
    run = check(qbo)
    assert differences(run) == [("missing", "CreditMemo", "send_again", {"number": kept.number})]
    difference = run.differences.get()
    assert difference.credit_note_id == kept.pk
    with translation.override("fr-ca"):
        assert (
            difference_text(difference)
            == f"note de crédit {kept.number} : introuvable dans QuickBooks"
        )
    jobs = SyncJob.objects.count()
    difference_repair(business=qbo.business, difference_id=difference.pk)
    with pytest.raises(ApplicationError):
        difference_repair(business=qbo.business, difference_id=difference.pk)
    assert SyncJob.objects.count() == jobs + 1
    assert run_due() == ["done"]
    assert _qbo_id(CreditNoteLink, credit_note=kept) != memo_id
    assert check(qbo).difference_count == 0


def test_a_credit_memo_total_changed_in_quickbooks_is_found_once_with_a_hint(qbo):
    books = credited_books(qbo)
    kept = books["kept"]
    memo_id = _qbo_id(CreditNoteLink, credit_note=kept)
    record = qbo.company.get("CreditMemo", memo_id)
    line = record["Line"][0]
    line["Amount"] = float(Decimal(str(line["Amount"])) + Decimal("1"))
    line["SalesItemLineDetail"].pop("UnitPrice", None)
    line["SalesItemLineDetail"]["Qty"] = 1
    qbo.company.save("CreditMemo", record)
    there = Decimal(str(qbo.company.get("CreditMemo", memo_id)["TotalAmt"])).quantize(
        Decimal("0.01")
    )
    assert there != kept.total
    run = check(qbo)
    assert differences(run) == [
        (
            "amount",
            "CreditMemo",
            "",
            {"number": kept.number, "here": f"{kept.total:f}", "there": f"{there:f}"},
        )
    ]
    with translation.override("en"):
        difference = run.differences.get()
        assert difference_text(difference).startswith(f"credit note {kept.number}: amount differs:")
        assert (
            difference_hint(difference) == "Compare both sides and correct the one that is wrong."
        )


def test_a_credit_removed_from_its_invoice_in_quickbooks_is_applied_again_once(qbo):
    books = credited_books(qbo)
    application = books["application"]
    payment_id = _qbo_id(CreditApplicationLink, application=application)
    qbo.company.delete("Payment", payment_id)
    run = check(qbo)
    # the credit memo's remaining credit and the invoice's balance moved with it: not counted
    assert differences(run) == [
        ("missing", "CreditApplication", "send_again", _application_params(books))
    ]
    difference = run.differences.get()
    with translation.override("en"):
        assert difference_text(difference) == (
            f"credit note {books['applied'].number} applied to invoice "
            f"{application.invoice.number}: missing in QuickBooks"
        )
    difference_repair(business=qbo.business, difference_id=difference.pk)
    assert run_due() == ["done"]
    assert _qbo_id(CreditApplicationLink, application=application) != payment_id
    assert check(qbo).difference_count == 0


def test_a_credit_moved_to_another_invoice_in_quickbooks_is_found_once(qbo):
    books = credited_books(qbo)
    application = books["application"]
    payment_id = _qbo_id(CreditApplicationLink, application=application)
    (_first, _first_id), (second, second_id) = books["invoices"]
    record = qbo.company.get("Payment", payment_id)
    for line in record["Line"]:
        for link in line["LinkedTxn"]:
            if link["TxnType"] == "Invoice":
                link["TxnId"] = second_id
    qbo.company.save("Payment", record)
    run = check(qbo)
    assert differences(run) == [
        ("other_invoice", "CreditApplication", "", _application_params(books, there=second.number))
    ]
    with translation.override("fr-ca"):
        hint = difference_hint(run.differences.get())
    assert (
        hint
        == "Vérifiez dans QuickBooks à quelle facture le crédit a été appliqué, et déplacez-le."
    )


def test_a_credit_applied_only_in_quickbooks_is_found_once(qbo):
    books = credited_books(qbo)
    kept = books["kept"]
    memo_id = _qbo_id(CreditNoteLink, credit_note=kept)
    (_first, _), (second, second_id) = books["invoices"]
    customer = qbo.company.get("CreditMemo", memo_id)["CustomerRef"]
    made = qbo.company.save(
        "Payment",
        {
            "CustomerRef": customer,
            "TotalAmt": 0,
            "TxnDate": "2026-11-27",
            "Line": [
                {"Amount": 5, "LinkedTxn": [{"TxnId": second_id, "TxnType": "Invoice"}]},
                {"Amount": 5, "LinkedTxn": [{"TxnId": memo_id, "TxnType": "CreditMemo"}]},
            ],
        },
    )
    run = check(qbo)
    assert [
        (d.kind, d.entity, d.qbo_id, d.credit_note_id, d.invoice_id) for d in run.differences.all()
    ] == [("only_qbo", "CreditApplication", made["Id"], kept.pk, second.pk)]
    assert differences(run)[0][3] == {
        "number": kept.number,
        "invoice": second.number,
        "amount": "5.00",
    }


def test_a_sales_receipt_voided_or_deleted_in_quickbooks_is_found(qbo):
    books = credited_books(qbo)
    receipt = books["receipt"]
    receipt_id = _qbo_id(SalesReceiptLink, receipt=receipt)
    qbo.company.void("SalesReceipt", receipt_id)
    run = check(qbo)
    assert differences(run) == [("voided_qbo", "SalesReceipt", "", {"number": receipt.number})]
    qbo.company.delete("SalesReceipt", receipt_id)
    run = check(qbo)
    assert run.mode == RunMode.CHANGES and run.reads == 1  # still one /cdc call
    assert differences(run) == [
        ("missing", "SalesReceipt", "send_again", {"number": receipt.number})
    ]
    difference_repair(business=qbo.business, difference_id=run.differences.get().pk)
    assert run_due() == ["done"]
    assert check(qbo).difference_count == 0


def test_a_refund_deleted_in_quickbooks_is_sent_again(qbo):
    books = credited_books(qbo)
    refund = books["refund"]
    qbo.company.delete("RefundReceipt", _qbo_id(CreditNoteLink, credit_note=refund))
    run = check(qbo)
    assert differences(run) == [
        ("missing", "RefundReceipt", "send_again", {"number": refund.number})
    ]
    with translation.override("en"):
        assert (
            difference_text(run.differences.get())
            == f"refund {refund.number}: missing in QuickBooks"
        )


def test_a_credit_note_voided_in_plannit_but_still_in_quickbooks_is_found(qbo):
    books = credited_books(qbo)
    kept = books["kept"]
    invoicing.credit_note_void(credit_note=kept)
    # its job never reached QuickBooks (dismissed): the credit memo is still there
    SyncJob.objects.filter(kind="credit", object_id=kept.pk, operation="void").update(
        status="dismissed"
    )
    run = check(qbo)
    assert differences(run) == [("not_voided", "CreditMemo", "", {"number": kept.number})]


def test_a_remaining_credit_used_otherwise_in_quickbooks_is_found_with_a_hint(qbo):
    # QuickBooks used 5.00 of the open credit without a credit applied that Plannit can see
    # (a refund made there, say): its RemainingCredit and the customer's balance moved
    from django.db.models import F

    from accounting.reconcile.models import SnapshotDoc
    from accounting.reconcile.services.compare import compare_store

    books = credited_books(qbo)
    kept = books["kept"]
    run = check(qbo)
    memo = SnapshotDoc.objects.get(
        entity="CreditMemo", qbo_id=_qbo_id(CreditNoteLink, credit_note=kept)
    )
    SnapshotDoc.objects.filter(pk=memo.pk).update(balance=F("balance") - Decimal("5.00"))
    SnapshotDoc.objects.filter(entity="Customer", qbo_id=memo.customer_id).update(
        balance=F("balance") + Decimal("5.00")
    )
    compare_store(run)
    assert differences(run) == [
        (
            "balance",
            "CreditMemo",
            "",
            {
                "number": kept.number,
                "here": f"{kept.balance:f}",
                "there": f"{kept.balance - Decimal('5.00'):f}",
            },
        )
    ]
    with translation.override("en"):
        difference = run.differences.get()
        assert difference_text(difference) == (
            f"credit note {kept.number}: remaining credit differs: ${kept.balance} here, "
            f"${kept.balance - Decimal('5.00')} there"
        )
        assert difference_hint(difference).startswith("Check in QuickBooks what used this credit")
