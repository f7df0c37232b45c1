"""One-click repairs: through the engine, exactly once, nothing changed without the click;
another business can neither see nor repair a company's differences."""

from decimal import Decimal

import pytest

from accounting.reconcile.models import Difference
from accounting.reconcile.services.repair import difference_repair
from accounting.sync.models import InvoiceLink, SyncJob
from core.exceptions import ApplicationError
from invoicing.models import Payment
from tests.factories.businesses import BusinessFactory

from .conftest import check, run_due, synced_books
from .test_differences import _set_first_line


def test_missing_invoice_is_sent_again_once_and_the_next_check_matches(qbo):
    invoices, _payments = synced_books(qbo, paid=0)
    invoice, qbo_id = invoices[1]
    qbo.company.delete("Invoice", qbo_id)
    run = check(qbo)
    difference = run.differences.get()
    jobs_before = SyncJob.objects.count()
    assert len(qbo.invoices()) == 1  # nothing sent by the check itself
    repaired = difference_repair(business=qbo.business, difference_id=difference.pk)
    assert SyncJob.objects.count() == jobs_before + 1
    assert (repaired.repair_job.kind, repaired.repair_job.operation) == ("invoice", "create")
    with pytest.raises(ApplicationError):
        difference_repair(business=qbo.business, difference_id=difference.pk)
    assert SyncJob.objects.count() == jobs_before + 1
    assert run_due() == ["done"]
    assert len(qbo.invoices()) == 2
    assert InvoiceLink.objects.get(invoice=invoice).qbo_id != qbo_id
    assert check(qbo).difference_count == 0


def test_an_amount_changed_in_quickbooks_is_put_back_by_sending_plannits_version(qbo):
    invoices, _payments = synced_books(qbo, paid=0)
    invoice, qbo_id = invoices[0]
    _set_first_line(qbo, qbo_id, "150.01", "75.005")
    difference = check(qbo).differences.get()
    difference_repair(business=qbo.business, difference_id=difference.pk)
    assert run_due() == ["done"]
    assert qbo.company.get("Invoice", qbo_id)["TotalAmt"] == 172.46
    assert check(qbo).difference_count == 0


def test_a_payment_only_in_quickbooks_is_recorded_once(qbo):
    invoices, _payments = synced_books(qbo, paid=0)
    invoice, qbo_id = invoices[1]
    qbo.company.record_payment([(qbo_id, Decimal("50.00"))], PaymentRefNum="VIR 77")
    difference = check(qbo).differences.get()
    assert Payment.objects.count() == 0  # nothing changed without the click
    difference_repair(business=qbo.business, difference_id=difference.pk)
    payment = Payment.objects.get()
    assert (payment.invoice_id, payment.amount, payment.source) == (
        invoice.pk,
        Decimal("50.00"),
        "quickbooks",
    )
    with pytest.raises(ApplicationError):
        difference_repair(business=qbo.business, difference_id=difference.pk)
    assert Payment.objects.count() == 1
    assert check(qbo).difference_count == 0


def test_a_difference_without_a_repair_is_not_repaired(qbo):
    invoices, payments = synced_books(qbo)
    record = qbo.company.get("Payment", payments[0][1])
    record["Line"][0]["LinkedTxn"][0]["TxnId"] = invoices[1][1]
    qbo.company.save("Payment", record)
    difference = check(qbo).differences.get()
    jobs_before = SyncJob.objects.count()
    with pytest.raises(ApplicationError):
        difference_repair(business=qbo.business, difference_id=difference.pk)
    assert SyncJob.objects.count() == jobs_before
    difference.refresh_from_db()
    assert difference.repaired_at is None


def test_another_business_cannot_repair_a_companys_difference(qbo):
    invoices, _payments = synced_books(qbo, paid=0)
    qbo.company.delete("Invoice", invoices[0][1])
    difference = check(qbo).differences.get()
    stranger = BusinessFactory()
    jobs_before = SyncJob.objects.count()
    with pytest.raises(Difference.DoesNotExist):
        difference_repair(business=stranger, difference_id=difference.pk)
    assert SyncJob.objects.count() == jobs_before
    assert InvoiceLink.objects.filter(invoice=invoices[0][0]).exists()
