"""Which jobs wait for a job of a credit document (or for the invoice a credit is applied to),
so that they become due as soon as it is done instead of at their next recheck."""

from django.db.models import Q, QuerySet

from invoicing.models import CreditApplication

from ..models import RUNNABLE_STATUSES, SyncJob, SyncKind, SyncOperation


def waiting_on_credit_documents(job: SyncJob) -> QuerySet:
    """An invoice or credit note done: the applications of credits to it. An application done:
    the void of its credit note."""
    runnable = SyncJob.objects.filter(status__in=RUNNABLE_STATUSES, business_id=job.business_id)
    if job.kind == SyncKind.INVOICE:
        ids = CreditApplication.objects.filter(invoice_id=job.object_id).values_list(
            "pk", flat=True
        )
        return runnable.filter(kind=SyncKind.CREDIT_APPLICATION, object_id__in=list(ids))
    if job.kind == SyncKind.CREDIT_NOTE:
        ids = CreditApplication.objects.filter(credit_note_id=job.object_id).values_list(
            "pk", flat=True
        )
        return runnable.filter(kind=SyncKind.CREDIT_APPLICATION, object_id__in=list(ids))
    if job.kind == SyncKind.CREDIT_APPLICATION:
        note_id = (
            CreditApplication.objects.filter(pk=job.object_id)
            .values_list("credit_note_id", flat=True)
            .first()
        )
        return runnable.filter(
            Q(kind=SyncKind.CREDIT_NOTE, object_id=note_id, operation=SyncOperation.VOID)
        )
    return runnable.none()
