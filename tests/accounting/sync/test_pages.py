"""The sync badge, the sync log (filters, Retry, Dismiss), "Send earlier invoices", admin."""

import datetime
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounting.sync.models import InvoiceLink, SyncJob
from invoicing import services as invoicing
from tests.factories.accounting_sync import SyncJobFactory

from .conftest import issue_invoice, run_due


def test_badge_shows_synced_with_the_quickbooks_number(qbo, owner_client):
    invoice = issue_invoice(qbo.business)
    response = owner_client.get(f"/invoices/{invoice.pk}/")
    assert "QuickBooks: pending" in response.content.decode()
    run_due()
    response = owner_client.get(f"/invoices/{invoice.pk}/")
    assert response.status_code == 200
    assert f"QuickBooks: {invoice.number}" in response.content.decode()
    listing = owner_client.get("/invoices/").content.decode()
    assert f"QuickBooks: {invoice.number}" in listing


def test_invoice_list_reads_the_badges_of_a_page_at_once(
    qbo, owner_client, django_assert_max_num_queries
):
    # given a page mixing synced, pending and failed invoices
    for _ in range(3):
        issue_invoice(qbo.business)
    run_due()
    qbo.settings.default_item_id = ""
    qbo.settings.save()
    for _ in range(3):
        issue_invoice(qbo.business)
    run_due()
    issue_invoice(qbo.business)
    # when the list is read, then the badges cost the same few queries as one row would
    with django_assert_max_num_queries(12):
        listing = owner_client.get("/invoices/").content.decode()
    assert listing.count("QuickBooks: error") == 3
    assert listing.count("QuickBooks: pending") == 1
    for link in InvoiceLink.objects.all():
        assert f"QuickBooks: {link.doc_number}" in listing


def test_badge_shows_the_error_with_what_to_do_and_retry(qbo, owner_client):
    qbo.settings.default_item_id = ""
    qbo.settings.save()
    invoice = issue_invoice(qbo.business)
    assert run_due() == ["failed"]
    job = SyncJob.objects.get()
    assert (job.last_error_key, job.last_error_params) == (
        "no_default_item",
        {"line": "Déneigement entrée"},
    )
    page = owner_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "QuickBooks: error" in page
    assert (
        "The line “Déneigement entrée” uses an item that is not linked to a QuickBooks "
        "item, and no default item is chosen."
    ) in page
    assert 'href="/settings/accounting/"' in page
    assert f'action="/settings/accounting/sync/jobs/{job.pk}/retry/"' in page
    assert qbo.calls("POST", "/invoice") == []
    # The owner fixes the mapping and clicks Retry.
    qbo.settings.default_item_id = next(
        row["Id"] for row in qbo.company.all("Item") if row["Name"] == "Services"
    )
    qbo.settings.save()
    response = owner_client.post(
        f"/settings/accounting/sync/jobs/{job.pk}/retry/", {"next": f"/invoices/{invoice.pk}/"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/invoices/{invoice.pk}/"
    assert run_due() == ["done"]
    assert InvoiceLink.objects.filter(invoice=invoice).count() == 1


def test_invoice_issued_before_the_connection_is_not_sent_and_says_so(qbo, owner_client):
    qbo.connection.connected_at = timezone.now() + timedelta(days=1)
    qbo.connection.save()
    invoice = issue_invoice(qbo.business)
    assert SyncJob.objects.count() == 0
    invoicing.payment_record(
        invoice=invoice, amount=Decimal("5.00"), date=datetime.date(2026, 11, 21)
    )
    invoicing.invoice_update(
        invoice=invoice,
        contact=invoice.contact,
        issue_date=invoice.issue_date,
        terms=invoice.terms,
        lines=[invoicing.LineInput(description="y", unit_price=Decimal("50"))],
    )
    assert SyncJob.objects.count() == 0
    page = owner_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Issued before QuickBooks was connected: not sent." in page
    assert qbo.calls("POST") == []


def test_send_earlier_invoices_previews_then_links_instead_of_duplicating(qbo, owner_client):
    qbo.connection.connected_at = timezone.now() + timedelta(days=1)
    qbo.connection.save()
    typed_in_qbo = issue_invoice(qbo.business, issue_date=datetime.date(2026, 10, 5))
    not_there = issue_invoice(qbo.business, issue_date=datetime.date(2026, 10, 6))
    outside = issue_invoice(qbo.business, issue_date=datetime.date(2026, 9, 1))
    customer = qbo.company.save("Customer", {"DisplayName": "Quelqu'un d'autre"})
    remote = qbo.company.save(
        "Invoice",
        {
            "DocNumber": typed_in_qbo.number,
            "CustomerRef": {"value": customer["Id"]},
            "Line": [
                {
                    "Amount": 150,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "1"},
                        "TaxCodeRef": {"value": "2"},
                    },
                }
            ],
        },
    )
    invoices_before = len(qbo.invoices())
    preview = owner_client.get(
        "/settings/accounting/sync/earlier-invoices/",
        {"date_from": "2026-10-01", "date_to": "2026-10-31"},
    )
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "2 invoices will be sent" in page
    assert typed_in_qbo.number in page and not_there.number in page
    assert outside.number not in page
    assert SyncJob.objects.count() == 0
    response = owner_client.post(
        "/settings/accounting/sync/earlier-invoices/",
        {"date_from": "2026-10-01", "date_to": "2026-10-31", "confirm": "1"},
    )
    assert response.status_code == 302
    assert sorted(SyncJob.objects.values_list("object_id", flat=True)) == sorted(
        [typed_in_qbo.pk, not_there.pk]
    )
    assert run_due() == ["done", "done"]
    assert InvoiceLink.objects.get(invoice=typed_in_qbo).qbo_id == remote["Id"]
    assert len(qbo.invoices()) == invoices_before + 1
    assert not InvoiceLink.objects.filter(invoice=outside).exists()


def test_send_earlier_invoices_refuses_a_reversed_range(qbo, owner_client):
    response = owner_client.post(
        "/settings/accounting/sync/earlier-invoices/",
        {"date_from": "2026-10-31", "date_to": "2026-10-01", "confirm": "1"},
    )
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.content.decode()
    assert SyncJob.objects.count() == 0


def test_sync_log_lists_filters_and_dismisses(qbo, owner_client):
    qbo.settings.deposit_account_id = ""
    qbo.settings.save()
    invoice = issue_invoice(qbo.business)
    invoicing.payment_record(
        invoice=invoice, amount=Decimal("5.00"), date=datetime.date(2026, 11, 21)
    )
    run_due()
    failed = SyncJob.objects.get(kind="payment")
    assert failed.last_error_key == "no_deposit_account"
    page = owner_client.get("/settings/accounting/sync/").content.decode()
    assert "No bank account is chosen for payment deposits." in page
    assert page.count('id="job-') == 2
    filtered = owner_client.get("/settings/accounting/sync/", {"status": "failed"}).content.decode()
    assert filtered.count('id="job-') == 1
    assert owner_client.get("/settings/accounting/sync/", {"status": "nonsense"}).status_code == 200
    response = owner_client.post(f"/settings/accounting/sync/jobs/{failed.pk}/dismiss/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "dismissed"
    assert run_due() == []


def test_jobs_of_another_business_answer_404(qbo, owner_client, other_business):
    other = SyncJobFactory(business=other_business, status="failed")
    assert owner_client.post(f"/settings/accounting/sync/jobs/{other.pk}/retry/").status_code == 404
    assert (
        owner_client.post(f"/settings/accounting/sync/jobs/{other.pk}/dismiss/").status_code == 404
    )
    other.refresh_from_db()
    assert other.status == "failed"
    assert owner_client.get("/settings/accounting/sync/jobs/abc/retry/").status_code == 404
    assert owner_client.get(f"/settings/accounting/sync/jobs/{other.pk}/retry/").status_code == 405


def test_retry_of_a_synced_job_is_refused_politely(qbo, owner_client):
    issue_invoice(qbo.business)
    run_due()
    job = SyncJob.objects.get()
    response = owner_client.post(f"/settings/accounting/sync/jobs/{job.pk}/retry/", follow=True)
    assert "This sync is not in error: there is nothing to retry." in response.content.decode()
    job.refresh_from_db()
    assert job.status == "done"


def test_staff_cannot_see_the_sync_log(qbo, client, staff_user):
    client.force_login(staff_user)
    assert client.get("/settings/accounting/sync/").status_code == 403


def test_sync_log_in_french(qbo, owner_client):
    qbo.settings.deposit_account_id = ""
    qbo.settings.save()
    invoice = issue_invoice(qbo.business)
    invoicing.payment_record(
        invoice=invoice, amount=Decimal("5.00"), date=datetime.date(2026, 11, 21)
    )
    run_due()
    owner_client.cookies["django_language"] = "fr-ca"
    page = owner_client.get("/settings/accounting/sync/").content.decode()
    assert "Journal de synchronisation QuickBooks" in page
    assert "Aucun compte bancaire n’est choisi pour les dépôts des paiements." in page


def test_admin_shows_jobs_with_their_remote_attempts(qbo, admin_client):
    issue_invoice(qbo.business)
    run_due()
    job = SyncJob.objects.get()
    listing = admin_client.get("/admin/accounting_sync/syncjob/")
    assert listing.status_code == 200
    detail = admin_client.get(f"/admin/accounting_sync/syncjob/{job.pk}/change/")
    page = detail.content.decode()
    assert detail.status_code == 200
    tid = job.remote_attempts.last().intuit_tid
    assert tid and tid in page
    for model in ("customerlink", "invoicelink", "paymentlink", "itemlink"):
        assert admin_client.get(f"/admin/accounting_sync/{model}/").status_code == 200
