"""Running one outbox job: lease it, check what it waits for, call QBO, store the outcome.

Exactly once, whatever fails:
- a job is leased by one worker at a time (lease.py); the lease is short and renewed before
  each further call, so a crashed worker's job is handed to another within a minute;
- the attempt counter is committed before any remote write, so a job that was ever tried
  looks its object up in QBO (invoice by DocNumber, payment by the reference in its
  PrivateNote) before creating it again;
- every remote write carries the job's request id (QBO replays the original answer);
- the QBO Id and SyncToken are stored in the same transaction that marks the job done, and
  the links' unique constraints refuse a second QBO object for one Plannit object.

The path is straight: lease (lease.py), what it waits for (blockers.py), the connection and
its token, the handler of its kind (transactions.py, customers.py), the outcome (outcome.py,
the only writer of a job's end). QBO faults are classified once, in accounting/qbo/errors.py;
a 401 renews the token once and retries here; what the rest means for the job is outcome.py's.
A company's backlog of new invoices goes through batch.py, its own entry point.
"""

import logging
import random
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone
from redis.exceptions import RedisError

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors
from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales import LimiterBusy, Recorder, SalesApi
from accounting.services.connection import (
    connection_get_access_token,
    connection_record_successful_call,
)

from .. import limiter
from ..models import SyncJob, SyncKind, SyncOperation, SyncStatus
from ..outage import outage_end, outage_gate
from . import credits, customers, duplicates, outcome, reads, receipts, transactions
from .blockers import blocker_of
from .context import RECONNECT_RECHECK, WAIT_RECHECK, Done, JobContext, JobFail, JobWait
from .lease import job_lease, lease_renew_if_due, worker_id

logger = logging.getLogger(__name__)


def job_run(*, job_id: int, owner: str | None = None) -> str:
    """Run one job if it is due and free. Returns its status afterwards (or "skipped")."""
    owner = owner or worker_id()
    job = job_lease(job_id=job_id, owner=owner, count_attempt=True)
    if job is None:
        return "skipped"
    from . import batch

    try:
        leads_backlog = batch.is_backlog_leader(job)
    except RedisError:  # Redis down: its hints are gone, this job goes alone
        leads_backlog = False
    if leads_backlog:
        status = batch.backlog_run(leader=job, owner=owner)
        if status is not None:
            return status
    recorder = Recorder()
    try:
        done = _execute(job, owner, recorder)
    except JobWait as wait:
        if wait.status == SyncStatus.PENDING and not recorder.calls:
            outcome.attempt_uncount(job)
        return outcome.finish(
            job,
            owner,
            recorder,
            status=wait.status,
            key=wait.key,
            params=wait.params,
            delay=wait.delay,
        )
    except JobFail as fail:
        return outcome.finish(
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
        return outcome.finish(
            job, owner, recorder, status=SyncStatus.FAILED, key=missing.key, params=missing.params
        )
    except LimiterBusy as busy:
        if not recorder.calls:
            outcome.attempt_uncount(job)
        return outcome.finish(
            job,
            owner,
            recorder,
            status=SyncStatus.PENDING,
            keep_error=True,
            delay=busy.wait_seconds,
        )
    except errors.QboError as error:
        return outcome.finish_error(job, owner, recorder, error)
    except RedisError as error:
        # Redis (the limiter, the cache) failed mid-job, perhaps after the call: as ambiguous
        # as a timeout, and as passing (retried, looked up before creating again).
        return outcome.finish_error(
            job, owner, recorder, errors.QboNetworkError(f"Redis: {type(error).__name__}")
        )
    except SoftTimeLimitExceeded:
        # The task ran out of time mid-call: as ambiguous as a timeout (retried, looked up
        # before creating again).
        return outcome.finish_error(
            job, owner, recorder, errors.QboNetworkError("Task time limit reached")
        )
    except Exception as error:  # noqa: BLE001 - a bug must show as a failed job, not vanish
        logger.exception("Sync job %s crashed", job.pk)
        return outcome.finish(
            job,
            owner,
            recorder,
            status=SyncStatus.FAILED,
            key="internal",
            detail=f"{type(error).__name__}: {error}"[:1000],
        )
    return outcome.finish(job, owner, recorder, status=SyncStatus.DONE, done=done)


def admit_holding(jobs: list[SyncJob], owner: str):
    """The limiter's admission, renewing our lease on `jobs` first when it is getting old
    (before each remote call: a long job keeps its lease, a dead worker loses it)."""

    def admit(realm_id: str, is_batch: bool):
        lease_renew_if_due(jobs, owner)
        return limiter.admit(realm_id, is_batch)

    return admit


def connection_for(job: SyncJob) -> QboConnection:
    """The job's connection, ready to call QBO; else JobWait (disconnected, reconnect, the
    company paused after a 429) or JobFail (the business now uses another company)."""
    connection = reads.connection_of(job.business_id)
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
    gate = outage_gate(job.realm_id)
    if gate.wait:
        raise JobWait("network", delay=gate.wait, status=SyncStatus.PENDING)
    job.outage_failures = gate.failures
    return connection


def call_with_token(connection: QboConnection, call):
    """`call(access_token)` with a valid token. QBO refusing a token that looked valid
    (revoked, clock skew) renews it once (a day's validity margin forces the renewal) and calls
    again. Single pushes and batches both go through here."""
    token = connection_get_access_token(connection_id=connection.pk, connection=connection)
    try:
        return call(token)
    except errors.QboAuthenticationError:
        token = connection_get_access_token(
            connection_id=connection.pk, min_validity=timedelta(days=1)
        )
        return call(token)


def _execute(job: SyncJob, owner: str, recorder: Recorder) -> Done:
    try:
        blocker = blocker_of(job)
        if blocker:
            raise JobWait(blocker, delay=WAIT_RECHECK.total_seconds())
        connection = connection_for(job)
    except (JobWait, JobFail):
        outcome.attempt_uncount(job)  # not even tried: nothing can have reached QBO
        raise
    handler = HANDLERS[(job.kind, job.operation)]

    def api(token: str) -> SalesApi:
        return SalesApi(
            access_token=token,
            realm_id=job.realm_id,
            recorder=recorder,
            admit=admit_holding([job], owner),
        )

    context = JobContext(job=job, connection=connection, api=None)

    def run(token: str) -> Done:
        context.api = api(token)
        return handler(context)

    try:
        done = call_with_token(connection, run)
    except errors.QboReconnectRequired:
        raise JobWait("reconnect", delay=RECONNECT_RECHECK.total_seconds()) from None
    except errors.QboNotConnected:
        raise JobWait("disconnected", delay=RECONNECT_RECHECK.total_seconds()) from None
    if job.outage_failures:
        outage_end(job.realm_id)
    connection_record_successful_call(
        connection_id=connection.pk, last_known=connection.last_successful_call_at
    )
    return done


HANDLERS = {
    (SyncKind.INVOICE, SyncOperation.CREATE): transactions.invoice_create,
    (SyncKind.INVOICE, SyncOperation.UPDATE): transactions.invoice_update,
    (SyncKind.INVOICE, SyncOperation.VOID): transactions.invoice_void,
    (SyncKind.PAYMENT, SyncOperation.CREATE): transactions.payment_create,
    (SyncKind.PAYMENT, SyncOperation.VOID): transactions.payment_void,
    (SyncKind.CREDIT_NOTE, SyncOperation.CREATE): credits.credit_note_create,
    (SyncKind.CREDIT_NOTE, SyncOperation.VOID): credits.credit_note_void,
    (SyncKind.CREDIT_APPLICATION, SyncOperation.CREATE): credits.credit_application_create,
    (SyncKind.CREDIT_APPLICATION, SyncOperation.VOID): credits.credit_application_void,
    (SyncKind.SALES_RECEIPT, SyncOperation.CREATE): receipts.sales_receipt_create,
    (SyncKind.SALES_RECEIPT, SyncOperation.VOID): receipts.sales_receipt_void,
    (SyncKind.DUPLICATE, SyncOperation.VOID): duplicates.duplicate_void,
    (SyncKind.CUSTOMER, SyncOperation.UPDATE): customers.customer_update,
    (SyncKind.CUSTOMER, SyncOperation.CREATE): customers.customer_update,
}
