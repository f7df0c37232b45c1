"""What a job must wait for before it may call QuickBooks (used by single pushes and batches)."""

from invoicing.models import CreditApplication, Payment

from ..models import OPEN_STATUSES, SyncJob, SyncKind, SyncOperation
from . import reads


def blocked_new_invoices(jobs: list[SyncJob]) -> set[int]:
    """Of these new-invoice jobs of one company (a batch), the ids that must wait, as
    blocker_of() would say, in one query: an earlier open job of the same invoice (a new
    invoice has no payment yet; a job that depends on another is checked by blocker_of)."""
    if not jobs:
        return set()
    open_jobs: dict[int, list[int]] = {}
    for object_id, pk in SyncJob.objects.filter(
        business_id=jobs[0].business_id,
        kind=SyncKind.INVOICE,
        object_id__in=[job.object_id for job in jobs],
        status__in=OPEN_STATUSES,
    ).values_list("object_id", "pk"):
        open_jobs.setdefault(object_id, []).append(pk)
    blocked = set()
    for job in jobs:
        if job.depends_on_id and blocker_of(job):
            blocked.add(job.pk)
        elif any(pk < job.pk for pk in open_jobs.get(job.object_id, ())):
            blocked.add(job.pk)
    return blocked


def blocker_of(job: SyncJob) -> str:
    """The message key of what this job must wait for, or ""."""
    if reads.earlier_job_open(job):  # every push asks: a prepared query
        return "waiting_previous"
    if job.depends_on_id and job.depends_on.status in OPEN_STATUSES:
        if job.kind == SyncKind.CREDIT_APPLICATION:
            return "waiting_documents"
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
    if job.kind == SyncKind.CREDIT_APPLICATION:
        application = (
            CreditApplication.objects.filter(pk=job.object_id)
            .values("invoice_id", "credit_note_id")
            .first()
        )
        if application and (
            _open_before(job, SyncKind.INVOICE, [application["invoice_id"]])
            or _open_before(job, SyncKind.CREDIT_NOTE, [application["credit_note_id"]])
        ):
            return "waiting_documents"
    if job.kind == SyncKind.CREDIT_NOTE and job.operation == SyncOperation.VOID:
        ids = CreditApplication.objects.filter(credit_note_id=job.object_id).values_list(
            "pk", flat=True
        )
        if _open_before(job, SyncKind.CREDIT_APPLICATION, list(ids)):
            return "waiting_credits"
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


def _open_before(job: SyncJob, kind: str, object_ids: list[int]) -> bool:
    """Whether a job of `kind` for one of these objects, written before `job`, is still open."""
    return (
        bool(object_ids)
        and SyncJob.objects.filter(
            business_id=job.business_id,
            kind=kind,
            object_id__in=object_ids,
            status__in=OPEN_STATUSES,
            pk__lt=job.pk,
        ).exists()
    )
