"""Waking workers: one broker message per job, within a budget per company.

The broker's queue is first in, first out, shared by every company. A company that queues
thousands of jobs at once (an import, a reconnect after a week, a busy day's invoices sent in
one go) must not put thousands of messages ahead of another company's real-time invoice. So
each company may send at most QBO_SYNC_QUEUE_BUDGET job messages per QUEUE_BUCKET_SECONDS;
past that its jobs are parked (due, marked enqueued, no message) and one task per company,
`sync_run_backlog`, works through them a round at a time (a batch call, or a few jobs), then
puts itself at the back of the queue again: the companies with a backlog take turns, and the
others' messages pass between the turns.

Never raises: if the broker is down, the sweeper finds the jobs (the database is the truth).
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ..models import SyncJob

logger = logging.getLogger(__name__)

QUEUE_BUCKET_SECONDS = 2
# A company's backlog task waits this long in the queue at most before another may be sent
# (its message lost with Redis, or its worker killed).
BACKLOG_FLAG_SECONDS = 30


def queue_budget() -> int:
    return int(getattr(settings, "QBO_SYNC_QUEUE_BUDGET", 20))


def _send_task(job_id: int, countdown: float | None = None) -> None:
    from ..tasks import sync_run_job

    if countdown:
        sync_run_job.apply_async(args=[job_id], countdown=countdown)
    else:
        sync_run_job.apply_async(args=[job_id])


def _send_quietly(job_id: int, countdown: float | None = None) -> None:
    try:
        _send_task(job_id, countdown)
    except Exception:  # noqa: BLE001 - any broker failure only delays the job
        logger.warning(
            "Could not enqueue sync job %s; the sweeper will pick it up", job_id, exc_info=True
        )


def _queue_slot(business_id: int) -> bool:
    """Count one message of the company in the current bucket; False past the budget."""
    key = f"qbo:queued:{business_id}:{int(time.time() // QUEUE_BUCKET_SECONDS)}"
    if cache.add(key, 1, timeout=QUEUE_BUCKET_SECONDS * 3):
        return 1 <= queue_budget()  # the bucket's first message: one round trip
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=QUEUE_BUCKET_SECONDS * 3)
        sent = 1
    return sent <= queue_budget()


def job_wake(job_id: int, countdown: float | None, business_id: int | None, realm_id: str) -> None:
    """Send the job's message, or, past its company's budget, its company's backlog task
    (the job must be marked enqueued already)."""
    try:
        within_budget = business_id is None or _queue_slot(business_id)
    except Exception:  # noqa: BLE001 - the cache (Redis) down: send, as the budget cannot count
        logger.warning("Could not count the message of sync job %s; sending it", job_id)
        within_budget = True
    if within_budget:
        _send_quietly(job_id, countdown)
    else:
        backlog_schedule(business_id=business_id, realm_id=realm_id, countdown=countdown)


def job_enqueue(
    *,
    job_id: int,
    countdown: float | None = None,
    business_id: int | None = None,
    realm_id: str = "",
) -> None:
    """Wake a worker for this job (within its company's budget when `business_id` is given:
    the owner's own clicks, Retry and Dismiss, always send)."""
    SyncJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    job_wake(job_id, countdown, business_id, realm_id)


def job_enqueue_on_commit(job: SyncJob) -> None:
    """Wake a worker once the caller's transaction commits. The job is marked enqueued in
    that transaction, so the commit is followed by the message alone (no second write on
    the way to QBO); a message lost there is found by the sweeper like any other."""
    job_id, business_id, realm_id = job.pk, job.business_id, job.realm_id
    SyncJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    transaction.on_commit(lambda: job_wake(job_id, None, business_id, realm_id))


def _send_backlog_helper(business_id: int, realm_id: str) -> None:
    from ..tasks import sync_run_backlog

    sync_run_backlog.apply_async(args=[business_id, realm_id], kwargs={"helper": True})


def _helper_key(business_id: int) -> str:
    return f"qbo:backlog-helper:{business_id}"


def backlog_helper_send(*, business_id: int, realm_id: str) -> bool:
    """Queue a helper turn for the company's backlog unless it has one (queued or running;
    the flag lapses after BACKLOG_FLAG_SECONDS if its worker dies). True when sent."""
    try:
        if not cache.add(_helper_key(business_id), 1, timeout=BACKLOG_FLAG_SECONDS):
            return False
        _send_backlog_helper(business_id, realm_id)
    except Exception:  # noqa: BLE001 - a helper only speeds the backlog up
        logger.warning("Could not send a backlog helper of business %s", business_id)
        return False
    return True


def backlog_helper_done(*, business_id: int) -> None:
    try:
        cache.delete(_helper_key(business_id))
    except Exception:  # noqa: BLE001 - the flag lapses by itself
        logger.warning("Could not clear the backlog helper flag of business %s", business_id)


def _send_backlog_task(business_id: int, realm_id: str, countdown: float | None) -> None:
    from ..tasks import sync_run_backlog

    if countdown:
        sync_run_backlog.apply_async(args=[business_id, realm_id], countdown=countdown)
    else:
        sync_run_backlog.apply_async(args=[business_id, realm_id])


def backlog_schedule(*, business_id: int, realm_id: str, countdown: float | None = None) -> bool:
    """Queue the company's backlog task unless one is already queued. True when sent."""
    try:
        first = cache.add(f"qbo:backlog-queued:{business_id}", 1, timeout=BACKLOG_FLAG_SECONDS)
    except Exception:  # noqa: BLE001 - the cache (Redis) down: send (its jobs are leased)
        first = True
    if not first:
        return False
    try:
        _send_backlog_task(business_id, realm_id, countdown)
    except Exception:  # noqa: BLE001 - the sweeper finds the parked jobs again
        backlog_started(business_id=business_id)
        logger.warning("Could not enqueue the backlog of business %s", business_id, exc_info=True)
        return False
    return True


def backlog_started(*, business_id: int) -> None:
    """The company's backlog task has left the queue: another may be queued behind it (with
    the cache down, the flag lapses by itself)."""
    try:
        cache.delete(f"qbo:backlog-queued:{business_id}")
    except Exception:  # noqa: BLE001 - a flag of BACKLOG_FLAG_SECONDS at most
        logger.warning("Could not clear the backlog flag of business %s", business_id)
