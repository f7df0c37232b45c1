""" "Send earlier invoices": the article sends nothing issued before the connection; the owner
may still send a date range of them. Each is first looked up in QBO by DocNumber (it may have
been typed there by hand) and linked instead of duplicated."""

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

    connection = QboConnection.objects.select_for_update().get(business=business)
    invoices = list(
        earlier_invoices(
            business=business, connection=connection, date_from=date_from, date_to=date_to
        ).prefetch_related("payments")
    )
    for invoice in invoices:
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
    return len(invoices)
