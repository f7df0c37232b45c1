"""Each kind of difference, made on purpose on QuickBooks' side, is found exactly once with
its reason and its repair; a clean company matches."""

from decimal import Decimal

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
