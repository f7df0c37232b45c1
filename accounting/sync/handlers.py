"""Domain event handlers: each writes the outbox job inside the caller's transaction (a
rolled-back change leaves no job). Registered in AccountingSyncConfig.ready().

What is sent: an issued invoice, its edits and its void; payments and their voids; edits of a
contact already linked to a QBO customer. Never a draft. Invoices issued before the
connection are not sent (the article's rule) unless the owner sent them from the sync log
("Send earlier invoices"), which links them.
"""

from accounting.models import ConnectionStatus, QboConnection

from .models import OPEN_STATUSES, CustomerLink, InvoiceLink, SyncJob, SyncKind, SyncOperation
from .services.jobs import job_create

SENDING_STATUSES = (ConnectionStatus.CONNECTED, ConnectionStatus.NEEDS_RECONNECT)
# A change that came from QuickBooks (accounting/inbound) is already there: never sent back.
FROM_QUICKBOOKS = "quickbooks"


def _connection(business_id: int) -> QboConnection | None:
    connection = QboConnection.objects.filter(business_id=business_id).first()
    if connection is None or connection.status not in SENDING_STATUSES:
        return None
    return connection


def invoice_is_synced(invoice, connection: QboConnection) -> bool:
    """Whether this invoice goes to (or already is in) the connected company."""
    if invoice.is_draft:
        return False
    if InvoiceLink.objects.filter(
        business_id=invoice.business_id, realm_id=connection.realm_id, invoice=invoice
    ).exists():
        return True
    if SyncJob.objects.filter(
        business_id=invoice.business_id,
        realm_id=connection.realm_id,
        kind__in=(SyncKind.INVOICE, SyncKind.SALES_RECEIPT),
        object_id=invoice.pk,
    ).exists():
        return True
    issued_at = invoice.issued_at
    return bool(issued_at and connection.connected_at and issued_at >= connection.connected_at)


def _invoice_kind(invoice) -> str:
    # A sales receipt is one QBO SalesReceipt: the invoice and its payment at once.
    return SyncKind.SALES_RECEIPT if invoice.is_sales_receipt else SyncKind.INVOICE


def on_invoice_issued(*, invoice, **_payload) -> None:
    connection = _connection(invoice.business_id)
    if connection is None or not invoice_is_synced(invoice, connection):
        return
    job_create(
        business_id=invoice.business_id,
        realm_id=connection.realm_id,
        kind=_invoice_kind(invoice),
        operation=SyncOperation.CREATE,
        object_id=invoice.pk,
    )


def on_invoice_changed(*, invoice, **_payload) -> None:
    connection = _connection(invoice.business_id)
    if connection is None or not invoice_is_synced(invoice, connection):
        return
    job_create(
        business_id=invoice.business_id,
        realm_id=connection.realm_id,
        kind=SyncKind.INVOICE,
        operation=SyncOperation.UPDATE,
        object_id=invoice.pk,
        coalesce=True,
    )


def on_invoice_voided(*, invoice, origin: str = "", **_payload) -> None:
    if origin == FROM_QUICKBOOKS:
        return
    connection = _connection(invoice.business_id)
    if connection is None or not invoice_is_synced(invoice, connection):
        return
    job_create(
        business_id=invoice.business_id,
        realm_id=connection.realm_id,
        kind=_invoice_kind(invoice),
        operation=SyncOperation.VOID,
        object_id=invoice.pk,
    )


def _latest_open_invoice_job(invoice, realm_id: str) -> SyncJob | None:
    return (
        SyncJob.objects.filter(
            business_id=invoice.business_id,
            realm_id=realm_id,
            kind=SyncKind.INVOICE,
            object_id=invoice.pk,
            status__in=OPEN_STATUSES,
        )
        .order_by("-id")
        .first()
    )


def on_payment_recorded(*, payment, origin: str = "", **_payload) -> None:
    if origin == FROM_QUICKBOOKS:
        return
    connection = _connection(payment.business_id)
    if payment.invoice.is_sales_receipt:
        return  # it travels inside its SalesReceipt
    if connection is None or not invoice_is_synced(payment.invoice, connection):
        return
    job_create(
        business_id=payment.business_id,
        realm_id=connection.realm_id,
        kind=SyncKind.PAYMENT,
        operation=SyncOperation.CREATE,
        object_id=payment.pk,
        depends_on=_latest_open_invoice_job(payment.invoice, connection.realm_id),
    )


def on_payment_voided(*, payment, origin: str = "", **_payload) -> None:
    if origin == FROM_QUICKBOOKS:
        return
    connection = _connection(payment.business_id)
    if connection is None or payment.invoice.is_sales_receipt:
        return
    sent = SyncJob.objects.filter(
        business_id=payment.business_id,
        realm_id=connection.realm_id,
        kind=SyncKind.PAYMENT,
        object_id=payment.pk,
    ).exists()
    if not sent:
        return
    job_create(
        business_id=payment.business_id,
        realm_id=connection.realm_id,
        kind=SyncKind.PAYMENT,
        operation=SyncOperation.VOID,
        object_id=payment.pk,
    )


def on_contact_changed(*, contact, **_payload) -> None:
    connection = _connection(contact.business_id)
    if connection is None:
        return
    if not CustomerLink.objects.filter(
        business_id=contact.business_id, realm_id=connection.realm_id, contact=contact
    ).exists():
        return  # not in QBO yet: it is found or created with its first invoice
    job_create(
        business_id=contact.business_id,
        realm_id=connection.realm_id,
        kind=SyncKind.CUSTOMER,
        operation=SyncOperation.UPDATE,
        object_id=contact.pk,
        coalesce=True,
    )


def register() -> None:
    from core import events

    events.invoice_issued.subscribe(on_invoice_issued)
    events.invoice_changed.subscribe(on_invoice_changed)
    events.invoice_voided.subscribe(on_invoice_voided)
    events.payment_recorded.subscribe(on_payment_recorded)
    events.payment_voided.subscribe(on_payment_voided)
    events.contact_changed.subscribe(on_contact_changed)

    from . import credit_handlers

    credit_handlers.register()
