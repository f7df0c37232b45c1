"""Writing, enqueuing, retrying and dismissing outbox jobs."""

import logging
import time
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from businesses.models import Business
from core.exceptions import ApplicationError

from ..models import OPEN_STATUSES, RUNNABLE_STATUSES, SyncJob, SyncKind, SyncStatus
from .wake import job_enqueue, job_enqueue_on_commit, job_wake

__all__ = ["job_enqueue", "job_enqueue_on_commit"]  # re-exported: callers wake jobs from here

logger = logging.getLogger(__name__)

# A job enqueued this long ago and still due was lost on the way (Redis restarted, a worker
# died before acknowledging): the sweeper enqueues it again.
LOST_AFTER = timedelta(seconds=30)
SWEEP_LIMIT = 1000
# Recent new invoices are counted per company in buckets of a minute: HINT_BUCKETS minutes
# with at least the batch threshold of them tell a push to check for a backlog (batch.py),
# without a query for every single push of a quiet company.
HINT_BUCKET_SECONDS = 60
HINT_BUCKETS = 5
# Owner message keys of jobs that wait for something a person fixes: fixing it wakes them.
RECONNECT_KEYS = ("reconnect", "disconnected")
MAPPING_KEYS = (
    "no_default_item",
    "no_deposit_account",
    "no_non_taxable_code",
    "no_taxable_code",
    "no_transaction_tax_code",
    "tax_code_invalid",
)


def open_jobs_for(*, business_id: int, kind: str, object_id: int):
    return SyncJob.objects.filter(
        business_id=business_id, kind=kind, object_id=object_id, status__in=OPEN_STATUSES
    )


@transaction.atomic
def job_create(
    *,
    business_id: int,
    realm_id: str,
    kind: str,
    operation: str,
    object_id: int,
    depends_on: SyncJob | None = None,
    coalesce: bool = False,
    lookup_first: bool = False,
) -> SyncJob:
    """Write a job in the caller's transaction and wake a worker once it commits.

    With `coalesce`, a job for the same object that no worker has started yet is reused: it
    reads the object when it runs, so it will carry this change too."""
    if coalesce:
        existing = (
            SyncJob.objects.filter(
                business_id=business_id,
                realm_id=realm_id,
                kind=kind,
                object_id=object_id,
                status__in=RUNNABLE_STATUSES,
                attempts=0,
            )
            .order_by("-id")
            .first()
        )
        if existing is not None and existing.operation in ("create", "update"):
            return existing
    job = SyncJob(
        business_id=business_id,
        realm_id=realm_id,
        kind=kind,
        operation=operation,
        object_id=object_id,
        depends_on=depends_on,
        status=SyncStatus.PENDING,
        lookup_first=lookup_first,
        next_attempt_at=timezone.now(),
    )
    job.full_clean(exclude=["business", "depends_on"])
    job.save()
    job_enqueue_on_commit(job)
    if kind == SyncKind.INVOICE and operation == "create":
        backlog_hint_add(business_id=business_id)
    return job


def _hint_key(business_id: int, bucket: int) -> str:
    return f"qbo:backlog-hint:{business_id}:{bucket}"


def backlog_hint_add(*, business_id: int, count: int = 1) -> None:
    """Count new invoice jobs of a company (a hint only: a rolled-back one counts too; with
    the cache down it is not counted, and the write that made the job goes on)."""
    key = _hint_key(business_id, int(time.time() // HINT_BUCKET_SECONDS))
    timeout = HINT_BUCKET_SECONDS * (HINT_BUCKETS + 1)
    try:
        if cache.add(key, count, timeout=timeout):
            return  # the bucket's first: one round trip
        try:
            cache.incr(key, count)
        except ValueError:  # expired between add and incr
            cache.set(key, count, timeout=timeout)
    except Exception:  # noqa: BLE001 - the cache (Redis) down must not refuse the invoice
        logger.warning("Could not count the backlog hint of business %s", business_id)


def backlog_hint(*, business_id: int) -> int:
    """New invoice jobs of the company in the last HINT_BUCKETS minutes."""
    bucket = int(time.time() // HINT_BUCKET_SECONDS)
    values = cache.get_many([_hint_key(business_id, bucket - n) for n in range(HINT_BUCKETS)])
    return sum(int(value) for value in values.values())


def jobs_resume(*, business_id: int, keys: tuple[str, ...], realm_id: str | None = None) -> int:
    """What these jobs waited for (`keys`: their owner message keys) has just been fixed: a
    reconnection, a mapping. Jobs waiting or failed for it are due now, with a new round of
    attempts, and workers are woken once the caller's transaction commits. Returns how many."""
    blocked = SyncJob.objects.filter(
        business_id=business_id,
        status__in=(SyncStatus.WAITING, SyncStatus.FAILED, SyncStatus.PENDING),
        last_error_key__in=keys,
    )
    if realm_id is not None:
        blocked = blocked.filter(realm_id=realm_id)
    ids = list(blocked.values_list("pk", flat=True)[:SWEEP_LIMIT])
    if not ids:
        return 0
    SyncJob.objects.filter(pk__in=ids).update(
        status=SyncStatus.PENDING,
        next_attempt_at=timezone.now(),
        lease_owner="",
        lease_expires_at=None,
        retry_round=F("attempts"),
        last_error_key="",
        last_error_params={},
    )
    creates = SyncJob.objects.filter(
        pk__in=ids, kind=SyncKind.INVOICE, operation="create", attempts=0, lookup_first=False
    ).count()
    if creates:
        backlog_hint_add(business_id=business_id, count=creates)
    realm_of = dict(SyncJob.objects.filter(pk__in=ids).values_list("pk", "realm_id"))
    for job_id in ids:
        transaction.on_commit(
            lambda job_id=job_id: job_enqueue(
                job_id=job_id, business_id=business_id, realm_id=realm_of.get(job_id, "")
            )
        )
    return len(ids)


def jobs_enqueue_due(*, now=None) -> int:
    """The sweeper: enqueue every job that is due and not held by a live worker, unless it
    was enqueued moments ago (then its message is probably still on its way)."""
    now = now or timezone.now()
    due = (
        SyncJob.objects.filter(
            Q(status__in=RUNNABLE_STATUSES, next_attempt_at__lte=now)
            | Q(status=SyncStatus.RUNNING, lease_expires_at__lt=now)
        )
        .filter(
            Q(enqueued_at__isnull=True)
            | Q(enqueued_at__lt=now - LOST_AFTER)
            | Q(status=SyncStatus.RUNNING)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", "business_id", "realm_id")[:SWEEP_LIMIT]
    )
    due = list(due)
    if due:
        SyncJob.objects.filter(pk__in=[job_id for job_id, _b, _r in due]).update(enqueued_at=now)
    for job_id, business_id, realm_id in due:
        job_wake(job_id, None, business_id, realm_id)
    return len(due)


def jobs_release_after(*, job: SyncJob) -> list[int]:
    """After a job is done: the jobs that waited for it become due now (enqueued on commit)."""
    now = timezone.now()
    waiting = SyncJob.objects.filter(status__in=RUNNABLE_STATUSES).filter(
        Q(depends_on=job)
        | Q(business_id=job.business_id, kind=job.kind, object_id=job.object_id, pk__gt=job.pk)
    )
    if job.kind == SyncKind.INVOICE:
        from invoicing.models import Payment

        waiting = waiting | SyncJob.objects.filter(
            status__in=RUNNABLE_STATUSES,
            business_id=job.business_id,
            kind=SyncKind.PAYMENT,
            # A subquery: the invoice's payments and the jobs that wait, in one round trip.
            object_id__in=Payment.objects.filter(invoice_id=job.object_id).values("pk"),
        )
    if job.kind == SyncKind.PAYMENT:
        from invoicing.models import Payment

        invoice_id = (
            Payment.objects.filter(pk=job.object_id).values_list("invoice_id", flat=True).first()
        )
        if invoice_id:
            waiting = waiting | SyncJob.objects.filter(
                status__in=RUNNABLE_STATUSES,
                business_id=job.business_id,
                kind=SyncKind.INVOICE,
                object_id=invoice_id,
                operation="void",
            )
    from .credit_dependencies import waiting_on_credit_documents

    waiting = waiting | waiting_on_credit_documents(job)
    ids = list(waiting.values_list("pk", flat=True).distinct())
    if ids:
        SyncJob.objects.filter(pk__in=ids).update(next_attempt_at=now)
        for job_id in ids:
            transaction.on_commit(
                lambda job_id=job_id: job_enqueue(
                    job_id=job_id, business_id=job.business_id, realm_id=job.realm_id
                )
            )
    return ids


def jobs_release_after_many(*, jobs: list[SyncJob]) -> list[int]:
    """jobs_release_after for many invoice jobs at once (a batch): two queries, not 3 per job."""
    from invoicing.models import Payment

    if not jobs:
        return []
    ids = [job.pk for job in jobs]
    invoice_ids = [job.object_id for job in jobs if job.kind == SyncKind.INVOICE]
    payment_ids = list(
        Payment.objects.filter(invoice_id__in=invoice_ids).values_list("pk", flat=True)
    )
    from invoicing.models import CreditApplication

    application_ids = list(
        CreditApplication.objects.filter(invoice_id__in=invoice_ids).values_list("pk", flat=True)
    )
    waiting = (
        SyncJob.objects.filter(status__in=RUNNABLE_STATUSES, business_id=jobs[0].business_id)
        .filter(
            Q(depends_on_id__in=ids)
            | Q(kind=SyncKind.INVOICE, object_id__in=invoice_ids, pk__gt=min(ids))
            | Q(kind=SyncKind.PAYMENT, object_id__in=payment_ids)
            | Q(kind=SyncKind.CREDIT_APPLICATION, object_id__in=application_ids)
        )
        .exclude(pk__in=ids)
    )
    released = list(waiting.values_list("pk", flat=True))
    if released:
        SyncJob.objects.filter(pk__in=released).update(next_attempt_at=timezone.now())
        business_id, realm_id = jobs[0].business_id, jobs[0].realm_id
        for job_id in released:
            transaction.on_commit(
                lambda job_id=job_id: job_enqueue(
                    job_id=job_id, business_id=business_id, realm_id=realm_id
                )
            )
    return released


@transaction.atomic
def job_retry(*, business: Business, job: SyncJob) -> SyncJob:
    """The owner's Retry: run the job again now (a new round of attempts)."""
    job = SyncJob.objects.select_for_update(no_key=True).get(pk=job.pk, business=business)
    if not job.can_retry:
        raise ApplicationError(_("This sync is not in error: there is nothing to retry."))
    job.status = SyncStatus.PENDING
    job.next_attempt_at = timezone.now()
    job.last_error_key = ""
    job.last_error_params = {}
    job.lease_owner = ""
    job.lease_expires_at = None
    # Keep `attempts`: a job that was ever tried looks its object up in QBO before creating.
    job.retry_round = job.attempts
    job.save()
    job_enqueue_on_commit(job)
    return job


@transaction.atomic
def job_dismiss(*, business: Business, job: SyncJob) -> SyncJob:
    """The owner gives up on this change: it stays in the log, marked dismissed."""
    job = SyncJob.objects.select_for_update(no_key=True).get(pk=job.pk, business=business)
    if not job.can_dismiss:
        raise ApplicationError(_("Only a sync in error or waiting can be dismissed."))
    job.status = SyncStatus.DISMISSED
    job.lease_owner = ""
    job.lease_expires_at = None
    job.save()
    jobs_release_after(job=job)
    return job
