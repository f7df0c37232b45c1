"""The home page: what needs the owner, receivables, and the month's figures."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounting.models import ConnectionStatus
from accounting.sync.models import SyncStatus
from invoicing import selectors, services
from invoicing.models import Invoice
from tests.factories.accounting import QboConnectionFactory
from tests.factories.accounting_imports import ContactReviewFactory
from tests.factories.accounting_sync import SyncJobFactory

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = datetime.date(2026, 4, 20)


@pytest.fixture
def month_of_invoices(make_invoice, business):
    """March: one paid (100 + taxes), one partly paid and overdue, one void; April: one
    issued not yet due, one draft."""
    paid = make_invoice(issue=True, issue_date=datetime.date(2026, 3, 2))  # 114.98
    services.payment_record(invoice=paid, amount=D("114.98"), date=datetime.date(2026, 4, 3))
    overdue = make_invoice(
        issue=True, issue_date=datetime.date(2026, 3, 5), lines=(("2", "100.00"),)
    )  # 229.95, due 2026-04-04
    services.payment_record(invoice=overdue, amount=D("29.95"), date=datetime.date(2026, 4, 10))
    void = make_invoice(issue=True, issue_date=datetime.date(2026, 3, 6))
    services.invoice_void(invoice=void)
    current = make_invoice(issue=True, issue_date=datetime.date(2026, 4, 15))  # 114.98
    make_invoice(issue_date=datetime.date(2026, 4, 16))  # draft
    return {"paid": paid, "overdue": overdue, "current": current}


def test_figures_of_receivables_and_of_the_month(business, month_of_invoices):
    figures = selectors.invoice_dashboard(business=business, today=TODAY)

    assert figures == selectors.InvoiceDashboard(
        drafts=1,
        unpaid_count=2,
        unpaid_total=D("200.00") + D("114.98"),
        overdue_count=1,
        overdue_total=D("200.00"),
        month_invoiced=D("114.98"),  # April's issued invoice; the draft does not count
        month_collected=D("114.98") + D("29.95"),
        month_start=datetime.date(2026, 4, 1),
    )
    assert selectors.invoice_overdue_list(business=business, today=TODAY) == [
        month_of_invoices["overdue"]
    ]


def test_figures_of_another_business_are_not_counted(business, other_business, month_of_invoices):
    figures = selectors.invoice_dashboard(business=other_business, today=TODAY)

    assert (figures.drafts, figures.unpaid_total, figures.month_collected) == (0, D("0"), D("0"))
    assert Invoice.objects.filter(business=business).count() == 5


def test_home_page_shows_what_needs_the_owner(owner_client, business, month_of_invoices):
    QboConnectionFactory(
        business=business,
        refresh_token_expires_at=timezone.make_aware(datetime.datetime(2027, 3, 1, 12)),
    )
    SyncJobFactory(business=business, status=SyncStatus.FAILED)
    SyncJobFactory(business=business, status=SyncStatus.FAILED)
    SyncJobFactory(business=business, status=SyncStatus.PENDING)
    SyncJobFactory(business=business, status=SyncStatus.DONE)
    ContactReviewFactory(business=business)

    page = owner_client.get("/").content.decode()

    assert "2 syncs to QuickBooks failed: see why and retry" in page
    assert "1 change waits to be sent to QuickBooks" in page
    assert "1 imported customer to review" in page
    assert "1 draft invoice waits to be issued" in page
    assert "QuickBooks Online is connected to Compagnie ABC." in page
    assert "Next reconnection needed by March 1, 2027." in page
    assert "Finish the QuickBooks Online settings" in page


def test_home_page_in_french_with_access_lost(owner_client, business):
    QboConnectionFactory(business=business, status=ConnectionStatus.NEEDS_RECONNECT)
    owner_client.cookies["django_language"] = "fr-ca"

    page = owner_client.get("/").content.decode()

    assert "Ce qui vous attend" in page
    assert "Reconnecter" in page
    assert "syncs to QuickBooks failed" not in page and "ont échoué" not in page


def test_home_page_without_connection_invites_to_connect(owner_client, business):
    page = owner_client.get("/").content.decode()

    assert "Connect QuickBooks Online to send your invoices and payments to your books." in page
    assert "0,00" not in page and "$0.00" in page
