"""Running one outbox job: lease it, check what it waits for, call QBO, store the outcome.

Exactly once, whatever fails:
- a job is leased by one worker at a time (a conditional UPDATE), and a crashed worker's lease
  expires so the sweeper hands the job to another;
- the attempt counter is committed before any remote write, so a job that was ever tried
  looks its object up in QBO (invoice by DocNumber, payment by the reference in its
  PrivateNote) before creating it again;
- every remote write carries the job's request id (QBO replays the original answer);
- the QBO Id and SyncToken are stored in the same transaction that marks the job done, and
  the links' unique constraints refuse a second QBO object for one Plannit object.

Errors are decided here, once: 429 pauses the company for every worker; network trouble and
5xx retry with capped exponential backoff and jitter; 401 renews the token once and retries;
5010 rereads and reapplies; faults QBO will repeat fail the job with a message for the owner.
"""

import logging
import os
import random
import socket
from datetime import timedelta

from django.db import connections, transaction
from django.db.models import F, Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors
from accounting.qbo.sales import LimiterBusy, Recorder, SalesApi
from accounting.services.connection import (
    connection_get_access_token,
    connection_record_successful_call,
)
from invoicing.models import Payment

from .. import limiter, payloads
from ..models import (
    OPEN_STATUSES,
    AttemptOutcome,
    SyncAttempt,
    SyncJob,
    SyncKind,
    SyncOperation,
    SyncStatus,
)
from . import customers, transactions
from .context import RECONNECT_RECHECK, WAIT_RECHECK, Done, JobContext, JobFail, JobWait
from .jobs import job_enqueue, jobs_release_after

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0
# Enqueue the next try directly when it is this close; farther ones are left to the sweeper.
DIRECT_REQUEUE_SECONDS = 90


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def backoff_delay(attempt: int, *, rng=random.random) -> float:
    """Capped exponential backoff with equal jitter: 1-2 s, 2-4 s, 4-8 s ... up to 150-300 s."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2 ** max(0, attempt - 1)))
    return ceiling / 2 + rng() * ceiling / 2


# --- Leasing --------------------------------------------------------------------------------


def job_lease(*, job_id: int, owner: str) -> SyncJob | None:
    now = timezone.now()
    due = SyncJob.objects.filter(pk=job_id).filter(
        Q(status__in=(SyncStatus.PENDING, SyncStatus.WAITING), next_attempt_at__lte=now)
        | Q(status=SyncStatus.RUNNING, lease_expires_at__lt=now)
    )
    lease = {
        "status": SyncStatus.RUNNING,
        "lease_owner": owner,
        "lease_expires_at": now + LEASE,
        "updated_at": now,
    }
    if connections[due.db].vendor in ("postgresql", "sqlite"):
        return _update_returning(due, lease)
    if not due.update(**lease):
        return None
    return SyncJob.objects.get(pk=job_id)


def _update_returning(queryset, values: dict) -> SyncJob | None:
    """The conditional UPDATE and the updated row in one statement (UPDATE ... RETURNING):
    the SQL is Django's own UPDATE for the queryset, the row is read back through the
    fields' converters."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    compiler = query.get_compiler(queryset.db)
    compiler.pre_sql_setup()
    sql, params = compiler.as_sql()
    fields = SyncJob._meta.concrete_fields
    columns = ", ".join(compiler.quote_name_unless_alias(field.column) for field in fields)
    with transaction.mark_for_rollback_on_error(queryset.db):
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"{sql} RETURNING {columns}", params)
            row = cursor.fetchone()
    if row is None:
        return None
    converters = compiler.get_converters(
        [field.get_col(SyncJob._meta.db_table) for field in fields]
    )
    if converters:
        row = next(iter(compiler.apply_converters([row], converters)))
    return SyncJob.from_db(queryset.db, [field.attname for field in fields], row)


# --- What a job waits for -------------------------------------------------------------------


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


# --- Running --------------------------------------------------------------------------------


def job_run(*, job_id: int, owner: str | None = None) -> str:
    """Run one job if it is due and free. Returns its status afterwards (or "skipped")."""
    owner = owner or worker_id()
    job = job_lease(job_id=job_id, owner=owner)
    if job is None:
        return "skipped"
    from .batch import try_run_batch

    batch_status = try_run_batch(job, owner)
    if batch_status is not None:
        return batch_status
    recorder = Recorder()
    try:
        done = _execute(job, recorder)
    except JobWait as wait:
        if wait.status == SyncStatus.PENDING and not recorder.calls:
            _uncount_attempt(job)
        return _finish(
            job,
            owner,
            recorder,
            status=wait.status,
            key=wait.key,
            params=wait.params,
            delay=wait.delay,
        )
    except JobFail as fail:
        return _finish(
            job,
            owner,
            recorder,
            status=SyncStatus.FAILED,
            key=fail.key,
            params=fail.params,
            code=fail.code,
            detail=fail.technical,
        )
    except payloads.MappingMissing as missing:
        return _finish(
            job, owner, recorder, status=SyncStatus.FAILED, key=missing.key, params=missing.params
        )
    except LimiterBusy as busy:
        if not recorder.calls:
            _uncount_attempt(job)
        return _finish(
            job,
            owner,
            recorder,
            status=SyncStatus.PENDING,
            keep_error=True,
            delay=busy.wait_seconds,
        )
    except errors.QboError as error:
        return _finish_error(job, owner, recorder, error)
    except Exception as error:  # noqa: BLE001 - a bug must show as a failed job, not vanish
        logger.exception("Sync job %s crashed", job.pk)
        return _finish(
            job,
            owner,
            recorder,
            status=SyncStatus.FAILED,
            key="internal",
            detail=f"{type(error).__name__}: {error}"[:1000],
        )
    return _finish(job, owner, recorder, status=SyncStatus.DONE, done=done)


def _uncount_attempt(job: SyncJob) -> None:
    """Give back the attempt this run counted when it sent nothing after all. Only this run's
    own count: an attempt counted by an earlier run may have reached QuickBooks, and the count
    is what makes the next run look the object up before creating it again."""
    if getattr(job, "attempt_counted_by_this_run", False):
        SyncJob.objects.filter(pk=job.pk, attempts__gt=0).update(attempts=F("attempts") - 1)
        job.attempts -= 1
        job.attempt_counted_by_this_run = False


def _execute(job: SyncJob, recorder: Recorder) -> Done:
    blocker = blocker_of(job)
    if blocker:
        raise JobWait(blocker, delay=WAIT_RECHECK.total_seconds())
    connection = QboConnection.objects.filter(business_id=job.business_id).first()
    if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
        raise JobWait("disconnected", delay=RECONNECT_RECHECK.total_seconds())
    if connection.realm_id != job.realm_id:
        raise JobFail("other_company")
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        raise JobWait("reconnect", delay=RECONNECT_RECHECK.total_seconds())
    paused_until = limiter.realm_paused_until(job.realm_id)
    if paused_until is not None:
        delay = paused_until - timezone.now().timestamp() + random.uniform(0.1, 2.0)
        raise JobWait("throttled", delay=delay, status=SyncStatus.PENDING)
    SyncJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
    job.attempts += 1
    job.attempt_counted_by_this_run = True
    try:
        token = connection_get_access_token(connection_id=connection.pk, connection=connection)
    except errors.QboReconnectRequired:
        raise JobWait("reconnect", delay=RECONNECT_RECHECK.total_seconds()) from None
    except errors.QboNotConnected:
        raise JobWait("disconnected", delay=RECONNECT_RECHECK.total_seconds()) from None
    handler = HANDLERS[(job.kind, job.operation)]
    context = JobContext(
        job=job,
        connection=connection,
        api=SalesApi(
            access_token=token, realm_id=job.realm_id, recorder=recorder, admit=limiter.admit
        ),
    )
    try:
        done = handler(context)
    except errors.QboAuthenticationError:
        # The token was refused although it looked valid (revoked, clock skew): renew it once
        # (a validity margin of a day forces the renewal) and try again.
        token = connection_get_access_token(
            connection_id=connection.pk, min_validity=timedelta(days=1)
        )
        context.api = SalesApi(
            access_token=token, realm_id=job.realm_id, recorder=recorder, admit=limiter.admit
        )
        done = handler(context)
    connection_record_successful_call(connection_id=connection.pk)
    return done


_FAULT_KEYS = {
    "2500": "qbo_reference_invalid",
    "610": "qbo_object_missing",
    "6100": "tax_code_invalid",
    "6170": "tax_code_invalid",
    "6200": "period_closed",
    "6210": "period_closed",
}


def _error_key(error: errors.QboError) -> tuple[str, str]:
    """(status, message key) for an error the handler did not resolve itself."""
    if isinstance(error, errors.QboThrottled):
        return SyncStatus.PENDING, "throttled"
    if isinstance(error, errors.QboReconnectRequired):
        return SyncStatus.WAITING, "reconnect"
    if isinstance(error, errors.QboNotConnected):
        return SyncStatus.WAITING, "disconnected"
    if isinstance(error, errors.QboAuthorizationError):
        return SyncStatus.FAILED, "not_authorized"
    if isinstance(error, errors.QboNotFound):
        return SyncStatus.FAILED, "qbo_object_missing"
    if isinstance(error, errors.QboStaleObject):
        return SyncStatus.PENDING, "stale"
    if isinstance(error, errors.QboNetworkError):
        return SyncStatus.PENDING, "network"
    if error.retryable:
        return SyncStatus.PENDING, "server"
    key = _FAULT_KEYS.get(error.code, "")
    if not key and error.code == "6000" and "tax" in (error.detail or error.message).lower():
        key = "tax_code_invalid"
    return SyncStatus.FAILED, key or "refused"


def _finish_error(job: SyncJob, owner: str, recorder: Recorder, error: errors.QboError) -> str:
    status, key = _error_key(error)
    params = {"status": error.status or "", "detail": (error.detail or error.message)[:300]}
    detail = f"{type(error).__name__} {error.code} {error.message} {error.detail}".strip()[:1000]
    if key == "throttled":
        until = limiter.pause_realm(job.realm_id, seconds=error.retry_after)
        delay = until - timezone.now().timestamp() + random.uniform(0.1, 2.0)
    elif status == SyncStatus.PENDING:
        if job.attempts - job.retry_round >= MAX_ATTEMPTS:
            return _finish(
                job,
                owner,
                recorder,
                status=SyncStatus.FAILED,
                key="too_many_attempts",
                params={"attempts": job.attempts},
                code=error.code,
                detail=detail,
            )
        delay = backoff_delay(job.attempts - job.retry_round)
    else:
        delay = RECONNECT_RECHECK.total_seconds()
    return _finish(
        job,
        owner,
        recorder,
        status=status,
        key=key,
        params=params,
        delay=delay,
        code=error.code,
        detail=detail,
    )


def _attempt_outcome(record, final_status: str) -> str:
    error = record.error
    if error is None:
        return AttemptOutcome.SUCCESS
    if isinstance(error, errors.QboThrottled):
        return AttemptOutcome.THROTTLED
    if isinstance(error, errors.QboAuthenticationError):
        return AttemptOutcome.AUTH
    if isinstance(error, errors.QboStaleObject):
        return AttemptOutcome.STALE
    if error.retryable:
        return AttemptOutcome.RETRY
    return AttemptOutcome.FAILED


def _save_attempts(job_id: int, recorder: Recorder, final_status: str) -> None:
    SyncAttempt.objects.bulk_create(
        [
            SyncAttempt(
                job_id=job_id,
                started_at=call.started_at,
                duration_ms=call.duration_ms,
                method=call.method[:8],
                operation=call.operation[:120],
                http_status=call.http_status,
                fault_code=(call.fault_code or "")[:20],
                intuit_tid=(call.intuit_tid or "")[:100],
                request_id=(call.request_id or "")[:50],
                outcome=_attempt_outcome(call, final_status),
                message=(
                    f"{call.error.message} {call.error.detail}".strip()[:500] if call.error else ""
                ),
            )
            for call in recorder.calls
        ]
    )


def _finish(
    job: SyncJob,
    owner: str,
    recorder: Recorder,
    *,
    status: str,
    key: str = "",
    params: dict | None = None,
    delay: float | None = None,
    code: str = "",
    detail: str = "",
    done: Done | None = None,
    keep_error: bool = False,
) -> str:
    requeue = None
    with transaction.atomic():
        current = SyncJob.objects.select_for_update().get(pk=job.pk)
        if done is not None and done.store is not None:
            # Stored even if our lease was lost: the link is the truth about QBO, and its
            # unique constraints keep a second one out.
            try:
                done.store()
            except JobFail as fail:
                done, status, key, params = None, SyncStatus.FAILED, fail.key, fail.params
                code, detail = fail.code, fail.technical
        _save_attempts(job.pk, recorder, status)
        if current.status != SyncStatus.RUNNING or current.lease_owner != owner:
            logger.warning("Sync job %s: lease lost before finishing", job.pk)
            return current.status
        now = timezone.now()
        current.status = status
        current.lease_owner = ""
        current.lease_expires_at = None
        if done is not None:
            current.qbo_id = done.qbo_id or current.qbo_id
            current.qbo_number = done.qbo_number or current.qbo_number
            current.warning_key = done.warning_key
            current.warning_params = done.warning_params
            current.last_error_key = ""
            current.last_error_params = {}
            current.done_at = now
        elif not keep_error:
            current.last_error_key = key
            current.last_error_params = _jsonable(params or {})
            current.last_error_code = code[:20]
            if detail:
                current.last_error_detail = detail
        if delay is not None:
            current.next_attempt_at = now + timedelta(seconds=max(0.0, delay))
            if status in (SyncStatus.PENDING,) and delay <= DIRECT_REQUEUE_SECONDS:
                requeue = max(0.0, delay)
        current.save()
        if status in (SyncStatus.DONE, SyncStatus.DISMISSED):
            jobs_release_after(job=current)
    if requeue is not None:
        job_enqueue(job_id=job.pk, countdown=requeue or None)
    return status


def _jsonable(params: dict) -> dict:
    return {
        key: (value if isinstance(value, (int, float, str, bool)) or value is None else str(value))
        for key, value in params.items()
    }


HANDLERS = {
    (SyncKind.INVOICE, SyncOperation.CREATE): transactions.invoice_create,
    (SyncKind.INVOICE, SyncOperation.UPDATE): transactions.invoice_update,
    (SyncKind.INVOICE, SyncOperation.VOID): transactions.invoice_void,
    (SyncKind.PAYMENT, SyncOperation.CREATE): transactions.payment_create,
    (SyncKind.PAYMENT, SyncOperation.VOID): transactions.payment_void,
    (SyncKind.CUSTOMER, SyncOperation.UPDATE): customers.customer_update,
    (SyncKind.CUSTOMER, SyncOperation.CREATE): customers.customer_update,
}
