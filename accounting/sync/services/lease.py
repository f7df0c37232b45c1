"""Who holds a job: leasing one, claiming a company's backlog, renewing, handing back.

The only module that writes `lease_owner` / `lease_expires_at` on the way in (the outcome
writer clears them on the way out). A lease is short (`LEASE`) and renewed before each remote
call of a long job (`lease_renew_if_due`), so a worker killed while it holds jobs gives them
back within a minute: once the lease has expired, the sweeper hands them to another worker.

Only the ORM's public API: one job is taken by a conditional UPDATE; a backlog is claimed with
`select_for_update(skip_locked=True)` where the database has it (PostgreSQL), so that
concurrent workers pass over each other's rows instead of queueing, and its UPDATE repeats the
"due and free" condition, which is what makes the claim safe on SQLite (no row locks there,
one writer at a time).
"""

import os
import socket
import time
from datetime import timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import RUNNABLE_STATUSES, SyncJob, SyncStatus

# Long enough for a remote call at its timeout (QBO_HTTP_TIMEOUT_SECONDS, 30 s) plus the
# limiter's longest wait; renewed before every further call of the same job.
LEASE = timedelta(seconds=45)
# A lease younger than this is not renewed (most jobs make one call: no extra write).
RENEW_AFTER = timedelta(seconds=15)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _due(now) -> Q:
    return Q(status__in=RUNNABLE_STATUSES, next_attempt_at__lte=now) | Q(
        status=SyncStatus.RUNNING, lease_expires_at__lt=now
    )


def _lease_values(owner: str, now) -> dict:
    return {
        "status": SyncStatus.RUNNING,
        "lease_owner": owner,
        "lease_expires_at": now + LEASE,
        "updated_at": now,
    }


def job_lease(*, job_id: int, owner: str, count_attempt: bool = False) -> SyncJob | None:
    """The job, leased to `owner`, if it is due and nobody holds it; else None.

    With `count_attempt`, the same statement counts an attempt (committed before any remote
    write, as exactly-once needs); a run that then sends nothing gives it back when it writes
    the job's end (outcome.attempt_uncount).

    One statement: a conditional UPDATE that returns the row (`RETURNING`, which PostgreSQL
    and SQLite both have). The database's row lock makes one winner: a concurrent UPDATE
    waits, then finds the condition false. This is the hot path of every push (a round trip
    and an ORM compilation less than UPDATE-then-SELECT), so it is written in SQL once, here;
    `Model.from_db()` turns the row into a job with every field's own conversion."""
    now = timezone.now()
    statement = _COUNTING_LEASE_SQL if count_attempt else _LEASE_SQL
    rows = list(SyncJob.objects.raw(statement.sql(), statement.params(job_id, owner, now)))
    if not rows:
        return None
    job = rows[0]
    job.leased_at_monotonic = time.monotonic()
    job.attempt_counted_by_this_run = count_attempt
    return job


class _LeaseStatement:
    """`UPDATE sync job SET <lease> WHERE id = %s AND <due> RETURNING <every column>`, built
    from the model's metadata (its table and column names, quoted for the database)."""

    def __init__(self, *, count_attempt: bool) -> None:
        self.count_attempt = count_attempt
        self._sql = ""

    def sql(self) -> str:
        """Built once per process (the hot path of every push)."""
        if not self._sql:
            self._sql = self._build()
        return self._sql

    def _build(self) -> str:
        quote = connection.ops.quote_name
        meta = SyncJob._meta

        def column(name: str) -> str:
            return quote(meta.get_field(name).column)

        runnable = ", ".join(["%s"] * len(RUNNABLE_STATUSES))
        returning = ", ".join(quote(field.column) for field in meta.concrete_fields)
        attempts = column("attempts")
        counting = f"{attempts} = {attempts} + 1, " if self.count_attempt else ""
        return (
            f"UPDATE {quote(meta.db_table)} SET {counting}{column('status')} = %s, "
            f"{column('lease_owner')} = %s, {column('lease_expires_at')} = %s, "
            f"{column('updated_at')} = %s "
            f"WHERE {column('id')} = %s AND (({column('status')} IN ({runnable}) "
            f"AND {column('next_attempt_at')} <= %s) OR ({column('status')} = %s "
            f"AND {column('lease_expires_at')} < %s)) RETURNING {returning}"
        )

    def params(self, job_id: int, owner: str, now) -> list:
        stamp = connection.ops.adapt_datetimefield_value
        values = _lease_values(owner, now)
        return [
            values["status"],
            values["lease_owner"],
            stamp(values["lease_expires_at"]),
            stamp(values["updated_at"]),
            int(job_id),
            *[str(status) for status in RUNNABLE_STATUSES],
            stamp(now),
            str(SyncStatus.RUNNING),
            stamp(now),
        ]


_LEASE_SQL = _LeaseStatement(count_attempt=False)
_COUNTING_LEASE_SQL = _LeaseStatement(count_attempt=True)


def jobs_claim(queryset, *, owner: str, limit: int) -> list[SyncJob]:
    """Up to `limit` jobs of `queryset` (already filtered to what may be claimed), leased to
    `owner`, oldest first. Rows another worker is claiming are skipped, not waited for."""
    now = timezone.now()
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True, no_key=True)
        ids = list(queryset.order_by("id").values_list("pk", flat=True)[:limit])
        SyncJob.objects.filter(_due(now), pk__in=ids).update(**_lease_values(owner, now))
    claimed = list(
        SyncJob.objects.filter(pk__in=ids, lease_owner=owner, status=SyncStatus.RUNNING).order_by(
            "id"
        )
    )
    # Their own broker messages are still queued: let those be dropped without a query. No
    # longer than the lease: if this worker dies, the sweeper's messages for them must reach
    # job_lease once the lease has lapsed (a live worker's renewed lease still refuses them).
    cache.set_many({_claimed_key(j.pk): owner for j in claimed}, timeout=int(LEASE.total_seconds()))
    return claimed


def jobs_hand_back(job_ids: list[int], owner: str, *, uncount_attempt: bool = False) -> list[int]:
    """Give jobs we hold back, due now, to whichever worker comes next. Returns their ids
    (the caller enqueues them: their broker messages were consumed while we held them)."""
    if not job_ids:
        return []
    values = {
        "status": SyncStatus.PENDING,
        "lease_owner": "",
        "lease_expires_at": None,
        "next_attempt_at": timezone.now(),
    }
    if uncount_attempt:
        values["attempts"] = F("attempts") - 1
    held = SyncJob.objects.filter(pk__in=job_ids, lease_owner=owner, status=SyncStatus.RUNNING)
    handed = list(held.values_list("pk", flat=True))
    cache.delete_many([_claimed_key(job_id) for job_id in handed])
    SyncJob.objects.filter(pk__in=handed).update(**values)
    return handed


def lease_renew(job_ids: list[int], owner: str) -> int:
    """Push the lease of jobs we still hold LEASE further. Returns how many we hold."""
    return SyncJob.objects.filter(
        pk__in=job_ids, lease_owner=owner, status=SyncStatus.RUNNING
    ).update(lease_expires_at=timezone.now() + LEASE)


def lease_renew_if_due(jobs: list[SyncJob], owner: str) -> None:
    """Before a remote call: renew the lease of `jobs` if it was taken RENEW_AFTER ago."""
    now = time.monotonic()
    stale = [
        job
        for job in jobs
        if now - getattr(job, "leased_at_monotonic", now) >= RENEW_AFTER.total_seconds()
    ]
    if stale:
        lease_renew([job.pk for job in stale], owner)
        for job in stale:
            job.leased_at_monotonic = now


# --- Cache shortcuts: a message for a job a batch holds (or finished) is dropped at once ---


def _cache_seconds() -> int:
    return int(LEASE.total_seconds()) * 4


def _claimed_key(job_id: int) -> str:
    return f"qbo:skip:{job_id}"


def is_claimed(job_id: int) -> bool:
    """A batch holds this job, or it is done. Only a shortcut: the database lease decides."""
    return cache.get(_claimed_key(job_id)) is not None


def claims_forget(job_ids: list[int]) -> None:
    cache.delete_many([_claimed_key(job_id) for job_id in job_ids])


def claims_mark_done(job_ids: list[int]) -> None:
    cache.set_many({_claimed_key(job_id): "done" for job_id in job_ids}, timeout=_cache_seconds())
