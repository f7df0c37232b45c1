"""How a job ends: the only module that writes a job's outcome and its attempt rows.

Single pushes (push.py) and batches (batch.py) both end here:
- `finish` stores what the handler brought back (the link, in the same transaction), marks
  the job done, waiting, pending again (with its next attempt) or failed, releases the jobs
  that waited for it and requeues a near retry;
- `finish_error` decides what an error the handler did not resolve means for the job (the
  error itself was classified once, in accounting/qbo/errors.py);
- `finish_batch_successes` is `finish` for every created invoice of a batch at once.
"""

import logging
import random
from datetime import timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounting.qbo import errors
from accounting.qbo.sales import Recorder

from .. import limiter
from ..models import AttemptOutcome, InvoiceLink, SyncAttempt, SyncJob, SyncStatus
from ..outage import outage_end, outage_failure, outage_paused_for, time_scale
from .context import RECONNECT_RECHECK, Done, JobFail
from .jobs import job_enqueue, jobs_release_after, jobs_release_after_many
from .lease import claims_mark_done

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Attempts made during an outage do not count towards MAX_ATTEMPTS, up to this many in all
# (a job that QuickBooks alone refuses with a 500, in a company that sends nothing else,
# looks like an outage: at the 5-minute pause, it ends after about 8 hours).
OUTAGE_MAX_ATTEMPTS = 100
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0
# Enqueue the next try directly when it is this close; farther ones are left to the sweeper.
DIRECT_REQUEUE_SECONDS = 90


def backoff_delay(attempt: int, *, rng=random.random) -> float:
    """Capped exponential backoff with equal jitter: 1-2 s, 2-4 s, 4-8 s ... up to 150-300 s."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2 ** max(0, attempt - 1)))
    return ceiling / 2 + rng() * ceiling / 2


def attempt_uncount(job: SyncJob) -> None:
    """Give back the attempt this run counted (with its lease, lease.job_lease) when it sent
    nothing after all; written with the job's end by `finish`. Only this run's own count: an
    attempt counted by an earlier run may have reached QuickBooks."""
    if getattr(job, "attempt_counted_by_this_run", False):
        job.attempts -= 1
        job.attempt_counted_by_this_run = False
        job.attempt_given_back = True


# The message keys of the errors that tell of an outage (outage.py) when they come in a row.
OUTAGE_KEYS = ("server", "network")

# An error class -> (status, message key) for the owner. Checked in order (subclasses first).
_ERROR_KEYS: tuple[tuple[type[errors.QboError], str, str], ...] = (
    (errors.QboThrottled, SyncStatus.PENDING, "throttled"),
    (errors.QboReconnectRequired, SyncStatus.WAITING, "reconnect"),
    (errors.QboNotConnected, SyncStatus.WAITING, "disconnected"),
    (errors.QboAuthorizationError, SyncStatus.FAILED, "not_authorized"),
    (errors.QboNotFound, SyncStatus.FAILED, "qbo_object_missing"),
    (errors.QboStaleObject, SyncStatus.PENDING, "stale"),
    (errors.QboNetworkError, SyncStatus.PENDING, "network"),
    (errors.QboReferenceInvalid, SyncStatus.FAILED, "qbo_reference_invalid"),
    (errors.QboTaxCodeInvalid, SyncStatus.FAILED, "tax_code_invalid"),
    (errors.QboPeriodClosed, SyncStatus.FAILED, "period_closed"),
)


def error_key(error: errors.QboError) -> tuple[str, str]:
    """(status, message key) for an error the handler did not resolve itself."""
    for cls, status, key in _ERROR_KEYS:
        if isinstance(error, cls):
            return status, key
    if error.retryable:
        return SyncStatus.PENDING, "server"
    return SyncStatus.FAILED, "refused"


def finish_error(
    job: SyncJob,
    owner: str,
    recorder: Recorder,
    error: errors.QboError,
    *,
    count_outage: bool = True,
) -> str:
    """`count_outage`: this error is the call's own observation of the company (a batch
    call's jobs share one: only the first counts it)."""
    status, key = error_key(error)
    params = {"status": error.status or "", "detail": (error.detail or error.message)[:300]}
    detail = f"{type(error).__name__} {error.code} {error.message} {error.detail}".strip()[:1000]
    down_for = None
    if key in OUTAGE_KEYS:
        down_for = outage_failure(job.realm_id) if count_outage else outage_paused_for(job.realm_id)
    elif getattr(job, "outage_failures", 0):
        outage_end(job.realm_id)  # QuickBooks answered: up again
    if key == "throttled":
        until = limiter.pause_realm(job.realm_id, seconds=error.retry_after)
        delay = until - timezone.now().timestamp() + random.uniform(0.1, 2.0)
    elif down_for and job.attempts < OUTAGE_MAX_ATTEMPTS:
        # The company is down, not this job: wait for the pause, the job's budget untouched.
        return finish(
            job,
            owner,
            recorder,
            status=SyncStatus.PENDING,
            key=key,
            params=params,
            delay=down_for + random.uniform(0.1, 1.0) * time_scale(),
            code=error.code,
            detail=detail,
            forgive_attempt=True,
        )
    elif status == SyncStatus.PENDING:
        if job.attempts - job.retry_round >= MAX_ATTEMPTS:
            return finish(
                job,
                owner,
                recorder,
                status=SyncStatus.FAILED,
                key="too_many_attempts",
                params={"attempts": job.attempts},
                code=error.code,
                detail=detail,
            )
        delay = backoff_delay(job.attempts - job.retry_round) * time_scale()
    else:
        delay = RECONNECT_RECHECK.total_seconds()
    return finish(
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


def _attempt_outcome(error: errors.QboError | None) -> str:
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


def _attempt_rows(job_ids: list[int], recorder: Recorder) -> list[SyncAttempt]:
    return [
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
            outcome=_attempt_outcome(call.error),
            message=(
                f"{call.error.message} {call.error.detail}".strip()[:500] if call.error else ""
            ),
        )
        for job_id in job_ids
        for call in recorder.calls
    ]


def finish(
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
    forgive_attempt: bool = False,
) -> str:
    """Write the job's end in one transaction; returns its status afterwards.
    `forgive_attempt`: this run's attempt does not count towards MAX_ATTEMPTS (it stays
    counted as an attempt: it may have reached QuickBooks)."""
    requeue = None
    with transaction.atomic():
        current = SyncJob.objects.select_for_update(no_key=True).get(pk=job.pk)
        if done is not None and done.store is not None:
            # Stored even if our lease was lost: the link is the truth about QBO, and its
            # unique constraints keep a second one out.
            try:
                done.store()
            except JobFail as fail:
                done, status, key, params = None, SyncStatus.FAILED, fail.key, fail.params
                code, detail = fail.code, fail.technical
        SyncAttempt.objects.bulk_create(_attempt_rows([job.pk], recorder))
        if current.status != SyncStatus.RUNNING or current.lease_owner != owner:
            logger.warning("Sync job %s: lease lost before finishing", job.pk)
            return current.status
        now = timezone.now()
        if getattr(job, "attempt_given_back", False):
            current.attempts = max(0, current.attempts - 1)
            job.attempt_given_back = False
        if forgive_attempt:
            current.retry_round = min(current.attempts, current.retry_round + 1)
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
            if status == SyncStatus.PENDING and delay <= DIRECT_REQUEUE_SECONDS:
                requeue = max(0.0, delay)
        current.save()
        if status in (SyncStatus.DONE, SyncStatus.DISMISSED):
            jobs_release_after(job=current)
    if requeue is not None:
        job_enqueue(
            job_id=job.pk,
            countdown=requeue or None,
            business_id=job.business_id,
            realm_id=job.realm_id,
        )
    return status


def _batch_mark_done(finished: list[SyncJob], now) -> None:
    """The jobs of a batch ended in one UPDATE: what they share as values, their QBO ids and
    numbers from the links just written (one subquery per field; bulk_update's CASE
    expressions cost per row and field), a warning (rare) through bulk_update."""
    if not finished:
        return
    link = InvoiceLink.objects.filter(
        business_id=OuterRef("business_id"),
        realm_id=OuterRef("realm_id"),
        invoice_id=OuterRef("object_id"),
    )
    SyncJob.objects.filter(pk__in=[job.pk for job in finished]).update(
        status=SyncStatus.DONE,
        lease_owner="",
        lease_expires_at=None,
        last_error_key="",
        last_error_params={},
        warning_key="",
        warning_params={},
        done_at=now,
        updated_at=now,
        qbo_id=Subquery(link.values("qbo_id")[:1]),
        qbo_number=Subquery(link.values("doc_number")[:1]),
    )
    warned = [job for job in finished if job.warning_key]
    if warned:
        SyncJob.objects.bulk_update(warned, ["warning_key", "warning_params"])


@transaction.atomic
def finish_batch_successes(
    created: list[tuple[SyncJob, dict]], owner: str, recorder: Recorder
) -> dict[int, str]:
    """Every invoice a batch created: (job, outcome) pairs, where an outcome is
    transactions.invoice_outcome(). Links, jobs done and attempt rows in one transaction.
    Raises IntegrityError (nothing written) when one of the links exists meanwhile."""
    now = timezone.now()
    ids = [job.pk for job, _outcome in created]
    locked = {
        job.pk: job for job in SyncJob.objects.select_for_update(no_key=True).filter(pk__in=ids)
    }
    links, finished, statuses = [], [], {}
    for job, outcome in created:
        links.append(
            InvoiceLink(
                business_id=job.business_id,
                realm_id=job.realm_id,
                invoice_id=job.object_id,
                qbo_id=outcome["qbo_id"],
                **outcome["values"],
            )
        )
        current = locked.get(job.pk)
        if current is None or current.status != SyncStatus.RUNNING or current.lease_owner != owner:
            statuses[job.pk] = current.status if current else SyncStatus.DONE
            continue
        current.status = SyncStatus.DONE
        current.lease_owner = ""
        current.lease_expires_at = None
        current.qbo_id = outcome["qbo_id"]
        current.qbo_number = outcome["number"]
        current.warning_key = outcome["warning_key"]
        current.warning_params = outcome["warning_params"]
        current.last_error_key = ""
        current.last_error_params = {}
        current.done_at = now
        current.updated_at = now
        finished.append(current)
        statuses[job.pk] = SyncStatus.DONE
    with transaction.atomic():
        InvoiceLink.objects.bulk_create(links)
    _batch_mark_done(finished, now)
    SyncAttempt.objects.bulk_create(_attempt_rows(ids, recorder))
    jobs_release_after_many(jobs=[job for job, _outcome in created])
    done_ids = [job.pk for job in finished]
    transaction.on_commit(lambda: claims_mark_done(done_ids))
    return statuses


def _jsonable(params: dict) -> dict:
    return {
        key: (value if isinstance(value, (int, float, str, bool)) or value is None else str(value))
        for key, value in params.items()
    }
