"""What the owner sees: the "from QuickBooks" mark, the events next to the sync log with
filters, the "needs a decision" list with one-click answers, in French and English."""

from decimal import Decimal

from accounting.inbound.models import Decision, InboundEvent
from invoicing.models import Payment

from .conftest import apply_sent, deliver, qbo_payment, synced_invoice


def _quiet(qbo):
    qbo.emulator.deliver_webhooks(lambda url, body, headers: 200)


def _paid_from_quickbooks(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo_payment(qbo, [(qbo_id, "100.00")])
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    return invoice, qbo_id


def test_the_invoice_marks_payments_from_quickbooks(qbo, owner_client, inbound_sent):
    invoice, _qbo_id = _paid_from_quickbooks(qbo, owner_client, inbound_sent)
    page = owner_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert page.count("From QuickBooks") == 1
    assert "Change it in QuickBooks: Plannit follows." in page
    assert f"/payments/{Payment.objects.get().pk}/void/" not in page  # voided there, not here


def test_the_sync_log_shows_inbound_events_with_filters(qbo, owner_client, inbound_sent):
    _paid_from_quickbooks(qbo, owner_client, inbound_sent)
    log = owner_client.get("/settings/accounting/sync/").content.decode()
    assert 'id="from-quickbooks"' in log
    assert "Payment recorded on the invoice" in log
    applied = owner_client.get("/settings/accounting/inbound/?status=applied&entity=Payment")
    assert applied.status_code == 200
    rows = applied.content.decode().count('id="event-')
    assert rows == InboundEvent.objects.filter(entity="Payment", status="applied").count() == 1
    echoes = owner_client.get("/settings/accounting/inbound/?status=attention").content.decode()
    assert echoes.count('id="event-') == 0


def test_the_accounting_page_lists_decisions_and_answers_them(qbo, owner_client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo.company.void("Invoice", qbo_id)
    deliver(qbo.emulator, owner_client)
    apply_sent(inbound_sent)
    decision = Decision.objects.get()
    page = owner_client.get("/settings/accounting/").content.decode()
    assert f'id="decision-{decision.pk}"' in page
    assert f"Invoice {invoice.number} was voided in QuickBooks on" in page
    assert "Void in Plannit too" in page and "Send it again" in page
    detail = owner_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert f"Invoice {invoice.number} was voided in QuickBooks on" in detail
    response = owner_client.post(
        f"/settings/accounting/inbound/decisions/{decision.pk}/void_in_plannit/",
        {"next": f"/invoices/{invoice.pk}/"},
    )
    assert (response.status_code, response["Location"]) == (302, f"/invoices/{invoice.pk}/")
    invoice.refresh_from_db()
    assert invoice.status == "void"
    assert Decision.objects.get().status == "resolved"
    assert (
        f'id="decision-{decision.pk}"'
        not in owner_client.get("/settings/accounting/").content.decode()
    )


def test_another_business_cannot_answer(qbo, client, inbound_sent, other_business):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo.company.void("Invoice", qbo_id)
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    decision = Decision.objects.get()
    client.force_login(other_business.memberships.get().user)
    client.post(f"/settings/accounting/inbound/decisions/{decision.pk}/void_in_plannit/")
    invoice.refresh_from_db()
    assert (invoice.status, Decision.objects.get().status) == ("issued", "open")


def test_in_french(qbo, owner_client, inbound_sent):
    invoice, _qbo_id = _paid_from_quickbooks(qbo, owner_client, inbound_sent)
    owner_client.cookies["django_language"] = "fr-ca"
    page = owner_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "De QuickBooks" in page
    log = owner_client.get("/settings/accounting/inbound/").content.decode()
    assert "Paiement inscrit sur la facture" in log
    assert Payment.objects.get().amount == Decimal("100.00")
