""" "Send earlier invoices": the article sends nothing issued before the connection; the owner
may still send a date range of them. Each is first looked up in QBO by DocNumber (it may have
been typed there by hand) and linked instead of duplicated; so are sales receipts (a
SalesReceipt by DocNumber) and the invoices' credit notes (a CreditMemo or RefundReceipt by
DocNumber), then the credits they applied."""

import datetime

from django.db import transaction

from businesses.models import Business

from ..models import SyncKind, SyncOperation
from ..selectors import earlier_invoices
from .jobs import job_create


@transaction.atomic
def earlier_invoices_send(
    *, business: Business, date_from: datetime.date, date_to: datetime.date
) -> int:
    """Queue the invoices of the range that were issued before the connection and never
    sent, with their payments (and their void). Returns the number of invoices queued."""
    from accounting.models import QboConnection
    from invoicing.models import PaymentStatus

    from ..handlers import invoice_is_synced

    connection = QboConnection.objects.select_for_update().get(business=business)
    invoices = list(
        earlier_invoices(
            business=business, connection=connection, date_from=date_from, date_to=date_to
        ).prefetch_related("payments", "credit_notes__applications__invoice")
    )
    sent = {invoice.pk for invoice in invoices}
    for invoice in invoices:
        if invoice.is_sales_receipt:
            _sales_receipt_send(business, connection, invoice)
            continue
        invoice_job = job_create(
            business_id=business.pk,
            realm_id=connection.realm_id,
            kind=SyncKind.INVOICE,
            operation=SyncOperation.CREATE,
            object_id=invoice.pk,
            lookup_first=True,
        )
        for payment in invoice.payments.all():
            if payment.status == PaymentStatus.VOID:
                continue
            job_create(
                business_id=business.pk,
                realm_id=connection.realm_id,
                kind=SyncKind.PAYMENT,
                operation=SyncOperation.CREATE,
                object_id=payment.pk,
                depends_on=invoice_job,
                lookup_first=True,
            )
        if invoice.is_void:
            job_create(
                business_id=business.pk,
                realm_id=connection.realm_id,
                kind=SyncKind.INVOICE,
                operation=SyncOperation.VOID,
                object_id=invoice.pk,
            )
    for invoice in invoices:
        _credit_notes_send(business, connection, invoice, sent, invoice_is_synced)
    return len(invoices)


def _sales_receipt_send(business, connection, receipt) -> None:
    """A sales receipt is one SalesReceipt (its payment inside), looked up by number first."""
    job_create(
        business_id=business.pk,
        realm_id=connection.realm_id,
        kind=SyncKind.SALES_RECEIPT,
        operation=SyncOperation.CREATE,
        object_id=receipt.pk,
        lookup_first=True,
    )
    if receipt.is_void:
        job_create(
            business_id=business.pk,
            realm_id=connection.realm_id,
            kind=SyncKind.SALES_RECEIPT,
            operation=SyncOperation.VOID,
            object_id=receipt.pk,
        )


def _credit_notes_send(business, connection, invoice, sent: set, invoice_is_synced) -> None:
    """The credit notes of an invoice being sent, looked up first; then each credit they
    applied to an invoice that is in QBO (or on its way there)."""
    from invoicing.models import CreditApplicationStatus, CreditNoteStatus

    for credit_note in invoice.credit_notes.all():
        note_job = job_create(
            business_id=business.pk,
            realm_id=connection.realm_id,
            kind=SyncKind.CREDIT_NOTE,
            operation=SyncOperation.CREATE,
            object_id=credit_note.pk,
            lookup_first=True,
        )
        if credit_note.status == CreditNoteStatus.VOID:
            job_create(
                business_id=business.pk,
                realm_id=connection.realm_id,
                kind=SyncKind.CREDIT_NOTE,
                operation=SyncOperation.VOID,
                object_id=credit_note.pk,
            )
            continue
        for application in credit_note.applications.all():
            if application.status == CreditApplicationStatus.VOID:
                continue
            if application.invoice_id not in sent and not invoice_is_synced(
                application.invoice, connection
            ):
                continue
            job_create(
                business_id=business.pk,
                realm_id=connection.realm_id,
                kind=SyncKind.CREDIT_APPLICATION,
                operation=SyncOperation.CREATE,
                object_id=application.pk,
                depends_on=note_job,
                lookup_first=True,
            )
