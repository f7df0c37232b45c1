"""What a job must wait for before it may call QuickBooks (used by single pushes and batches)."""

from invoicing.models import Payment

from ..models import OPEN_STATUSES, SyncJob, SyncKind, SyncOperation


def blocker_of(job: SyncJob) -> str:
    """The message key of what this job must wait for, or ""."""
    earlier = SyncJob.objects.filter(
        business_id=job.business_id,
        kind=job.kind,
        object_id=job.object_id,
        status__in=OPEN_STATUSES,
        pk__lt=job.pk,
    )
    if earlier.exists():
        return "waiting_previous"
    if job.depends_on_id and job.depends_on.status in OPEN_STATUSES:
        return "waiting_invoice" if job.kind == SyncKind.PAYMENT else "waiting_previous"
    if job.kind == SyncKind.PAYMENT:
        invoice_id = (
            Payment.objects.filter(pk=job.object_id).values_list("invoice_id", flat=True).first()
        )
        if (
            invoice_id
            and SyncJob.objects.filter(
                business_id=job.business_id,
                kind=SyncKind.INVOICE,
                object_id=invoice_id,
                status__in=OPEN_STATUSES,
                pk__lt=job.pk,
            ).exists()
        ):
            return "waiting_invoice"
    if job.kind == SyncKind.INVOICE and job.operation == SyncOperation.VOID:
        payment_ids = Payment.objects.filter(invoice_id=job.object_id).values_list("pk", flat=True)
        if SyncJob.objects.filter(
            business_id=job.business_id,
            kind=SyncKind.PAYMENT,
            object_id__in=list(payment_ids),
            status__in=OPEN_STATUSES,
            pk__lt=job.pk,
        ).exists():
            return "waiting_payments"
    return ""
