"""A backlog of new invoices for one company goes through QBO's batch endpoint: up to 30
creates per call (qbo-api-reference §5), within the batch budget (40 calls/min) that the
shared limiter keeps. A batch item carries no request id of its own, so every invoice of a
batch counts an attempt first: if the call's outcome is unknown, each is looked up by its
DocNumber before being created again, like a single push.

Only plain cases are batched (first attempt, customer already linked, no link yet); anything
else is handed back to the single path, which knows every special case.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors
from accounting.qbo.sales import LimiterBusy, Recorder, SalesApi, fault_of
from accounting.services.connection import (
    connection_get_access_token,
    connection_record_successful_call,
)
from invoicing.models import Invoice, InvoiceLine

from .. import limiter, payloads
from ..models import (
    AttemptOutcome,
    CustomerLink,
    InvoiceLink,
    ItemLink,
    SyncAttempt,
    SyncJob,
    SyncKind,
    SyncOperation,
    SyncStatus,
)
from . import push, transactions
from .context import JobContext
from .jobs import job_enqueue, jobs_release_after_many

logger = logging.getLogger(__name__)

BATCH_SIZE = 30


def _threshold() -> int:
    return int(getattr(settings, "QBO_SYNC_BATCH_THRESHOLD", 10))


def is_candidate(job: SyncJob) -> bool:
    return (
        job.kind == SyncKind.INVOICE
        and job.operation == SyncOperation.CREATE
        and job.attempts == 0
        and not job.lookup_first
        and _threshold() > 0
        and not _batch_budget_spent(job.realm_id)
    )


def _busy_key(realm_id: str) -> str:
    return f"qbo:batch-busy:{realm_id}"


def _batch_budget_spent(realm_id: str) -> bool:
    until = cache.get(_busy_key(realm_id))
    return until is not None and until > time.time()


def _mark_batch_budget_spent(realm_id: str, seconds: float) -> None:
    # Until the batch window frees a slot, backlog jobs go out one by one (QBO's per-minute
    # request budget is separate) instead of each forming a batch that cannot be sent.
    seconds = max(0.05, min(float(seconds), 120.0))
    cache.set(_busy_key(realm_id), time.time() + seconds, timeout=int(seconds) + 1)


def _claim(job: SyncJob, owner: str) -> list[SyncJob]:
    """Up to 29 other due invoices of the company, leased to us. With PostgreSQL, rows other
    leaders are claiming are skipped (SKIP LOCKED), so concurrent batches fill up."""
    now = timezone.now()
    lease = {
        "status": SyncStatus.RUNNING,
        "lease_owner": owner,
        "lease_expires_at": now + push.LEASE,
        "updated_at": now,
    }
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(
                _others_due(job)
                .select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("pk", flat=True)[: BATCH_SIZE - 1]
            )
            SyncJob.objects.filter(pk__in=ids).update(**lease)
    else:
        ids = list(_others_due(job).order_by("id").values_list("pk", flat=True)[: BATCH_SIZE - 1])
        SyncJob.objects.filter(pk__in=ids, status=SyncStatus.PENDING, attempts=0).update(**lease)
    claimed = list(
        SyncJob.objects.filter(pk__in=ids, lease_owner=owner, status=SyncStatus.RUNNING).order_by(
            "id"
        )
    )
    # Their own broker messages are still queued: let those be dropped without a query.
    cache.set_many(
        {claimed_key(j.pk): owner for j in claimed}, timeout=int(push.LEASE.total_seconds())
    )
    return claimed


def claimed_key(job_id: int) -> str:
    return f"qbo:skip:{job_id}"


def is_claimed(job_id: int) -> bool:
    """A batch holds this job, or it is done: a message for it can be dropped at once. Only a
    shortcut: the database lease decides."""
    return cache.get(claimed_key(job_id)) is not None


def mark_done(job_ids: list[int]) -> None:
    cache.set_many(
        {claimed_key(job_id): "done" for job_id in job_ids}, timeout=int(push.LEASE.total_seconds())
    )


def _others_due(job: SyncJob):
    return SyncJob.objects.filter(
        realm_id=job.realm_id,
        business_id=job.business_id,
        kind=SyncKind.INVOICE,
        operation=SyncOperation.CREATE,
        status=SyncStatus.PENDING,
        attempts=0,
        lookup_first=False,
        next_attempt_at__lte=timezone.now(),
    ).exclude(pk=job.pk)


def _release(job_ids: list[int], owner: str, *, undo_attempt: bool = False) -> None:
    """Hand jobs back, due now, to whichever worker comes next (their own broker messages
    were consumed while we held them, so each is enqueued again)."""
    if not job_ids:
        return
    update = {
        "status": SyncStatus.PENDING,
        "lease_owner": "",
        "lease_expires_at": None,
        "next_attempt_at": timezone.now(),
    }
    if undo_attempt:
        update["attempts"] = F("attempts") - 1
    released = list(
        SyncJob.objects.filter(
            pk__in=job_ids, lease_owner=owner, status=SyncStatus.RUNNING
        ).values_list("pk", flat=True)
    )
    cache.delete_many([claimed_key(job_id) for job_id in released])
    SyncJob.objects.filter(pk__in=released).update(**update)
    for job_id in released:
        job_enqueue(job_id=job_id)


def try_run_batch(job: SyncJob, owner: str) -> str | None:
    """Run `job` with other due invoices of its company as one batch call. Returns the
    leader's status, or None when there is no backlog (the caller pushes `job` alone)."""
    if not is_candidate(job):
        return None
    if _others_due(job).count() + 1 < _threshold():
        return None
    qbo_connection = QboConnection.objects.filter(business_id=job.business_id).first()
    if (
        qbo_connection is None
        or qbo_connection.status != ConnectionStatus.CONNECTED
        or qbo_connection.realm_id != job.realm_id
        or limiter.realm_paused_until(job.realm_id) is not None
    ):
        return None
    group = [job] + _claim(job, owner)
    items, entries, single = _build(group, qbo_connection)
    leader_in_batch = any(entry[0].pk == job.pk for entry in entries)
    _release([j.pk for j in single if j.pk != job.pk], owner)
    if not leader_in_batch or len(entries) < 2:
        _release([entry[0].pk for entry in entries if entry[0].pk != job.pk], owner)
        return None
    ids = [entry[0].pk for entry in entries]
    SyncJob.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1)
    for entry in entries:
        entry[0].attempts += 1
    recorder = Recorder()
    try:
        token = connection_get_access_token(
            connection_id=qbo_connection.pk, connection=qbo_connection
        )
        api = SalesApi(
            access_token=token, realm_id=job.realm_id, recorder=recorder, admit=limiter.admit
        )
        try:
            results = api.batch(items)
        except errors.QboAuthenticationError:
            token = connection_get_access_token(
                connection_id=qbo_connection.pk, min_validity=timedelta(days=1)
            )
            api = SalesApi(
                access_token=token, realm_id=job.realm_id, recorder=recorder, admit=limiter.admit
            )
            results = api.batch(items)
    except (LimiterBusy, errors.QboReconnectRequired, errors.QboNotConnected) as problem:
        if isinstance(problem, LimiterBusy):
            _mark_batch_budget_spent(job.realm_id, problem.wait_seconds)
        # Nothing was sent (the batch budget is spent for now, or the connection must be
        # renewed): the leader goes on alone, the others are handed back.
        _release([pk for pk in ids if pk != job.pk], owner, undo_attempt=True)
        SyncJob.objects.filter(pk=job.pk).update(attempts=F("attempts") - 1)
        job.attempts -= 1
        return None
    except errors.QboError as error:
        cache.delete_many([claimed_key(pk) for pk in ids])
        statuses = [push._finish_error(entry[0], owner, recorder, error) for entry in entries]
        return statuses[0]
    connection_record_successful_call(connection_id=qbo_connection.pk)
    good, rest = [], []
    for current, invoice, _body in entries:
        row = results.get(str(current.pk))
        if row is not None and fault_of(row) is None and row.get("Invoice"):
            good.append((current, invoice, row["Invoice"]))
        else:
            rest.append((current, invoice, row))
    statuses = {}
    if good:
        try:
            statuses.update(_settle_successes(good, owner, recorder))
        except IntegrityError:
            # A link appeared meanwhile (another path linked one of them): settle one by one.
            rest = [
                (current, invoice, results.get(str(current.pk))) for current, invoice, _qbo in good
            ] + rest
    for current, invoice, row in rest:
        statuses[current.pk] = _settle(current, invoice, row, owner, recorder, qbo_connection)
    not_done = [pk for pk, status in statuses.items() if status != SyncStatus.DONE]
    cache.delete_many([claimed_key(pk) for pk in not_done])
    return statuses.get(job.pk, "")


@transaction.atomic
def _settle_successes(good: list, owner: str, recorder: Recorder) -> dict[int, str]:
    """Every created invoice of the batch: links, jobs done, attempts, in one transaction."""
    now = timezone.now()
    ids = [job.pk for job, _invoice, _qbo in good]
    locked = {job.pk: job for job in SyncJob.objects.select_for_update().filter(pk__in=ids)}
    links, finished, statuses = [], [], {}
    for job, invoice, qbo in good:
        outcome = transactions.invoice_outcome(invoice, qbo)
        links.append(
            InvoiceLink(
                business_id=job.business_id,
                realm_id=job.realm_id,
                invoice_id=invoice.pk,
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
    SyncJob.objects.bulk_update(
        finished,
        [
            "status",
            "lease_owner",
            "lease_expires_at",
            "qbo_id",
            "qbo_number",
            "warning_key",
            "warning_params",
            "last_error_key",
            "last_error_params",
            "done_at",
            "updated_at",
        ],
    )
    SyncAttempt.objects.bulk_create(
        [
            SyncAttempt(
                job_id=job.pk,
                started_at=call.started_at,
                duration_ms=call.duration_ms,
                method=call.method[:8],
                operation=call.operation[:120],
                http_status=call.http_status,
                fault_code=(call.fault_code or "")[:20],
                intuit_tid=(call.intuit_tid or "")[:100],
                request_id=(call.request_id or "")[:50],
                outcome=AttemptOutcome.SUCCESS,
            )
            for job, _invoice, _qbo in good
            for call in recorder.calls
        ]
    )
    jobs_release_after_many(jobs=[job for job, _invoice, _qbo in good])
    done_ids = [job.pk for job in finished]
    transaction.on_commit(lambda: mark_done(done_ids))
    return statuses


def _build(group: list[SyncJob], connection: QboConnection):
    invoices = {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_related("contact", "business").filter(
            pk__in=[j.object_id for j in group], business_id=group[0].business_id
        )
    }
    customer_ids = dict(
        CustomerLink.objects.filter(
            business_id=group[0].business_id,
            realm_id=connection.realm_id,
            contact_id__in=[i.contact_id for i in invoices.values()],
        ).values_list("contact_id", "qbo_id")
    )
    linked = set(
        InvoiceLink.objects.filter(
            business_id=group[0].business_id,
            realm_id=connection.realm_id,
            invoice_id__in=list(invoices),
        ).values_list("invoice_id", flat=True)
    )
    lines_by_invoice: dict[int, list] = {}
    for line in (
        InvoiceLine.objects.filter(invoice_id__in=list(invoices))
        .select_related("item")
        .order_by("invoice_id", "position", "id")
    ):
        lines_by_invoice.setdefault(line.invoice_id, []).append(line)
    item_ids = {
        line.item_id for lines in lines_by_invoice.values() for line in lines if line.item_id
    }
    item_links = dict(
        ItemLink.objects.filter(
            business_id=group[0].business_id, realm_id=connection.realm_id, item_id__in=item_ids
        ).values_list("item_id", "qbo_id")
    )
    context = JobContext(job=group[0], connection=connection, api=None)
    items, entries, single = [], [], []
    for job in group:
        invoice = invoices.get(job.object_id)
        customer_id = customer_ids.get(invoice.contact_id) if invoice else None
        if (
            invoice is None
            or invoice.is_draft
            or not customer_id
            or invoice.pk in linked
            or push.blocker_of(job)
        ):
            single.append(job)
            continue
        try:
            data = transactions.invoice_data(
                invoice,
                realm_id=job.realm_id,
                lines=lines_by_invoice.get(invoice.pk, []),
                linked=item_links,
            )
            body = payloads.invoice_body(data, customer_id=customer_id, mapping=context.mapping())
        except payloads.MappingMissing:
            single.append(job)
            continue
        items.append({"bId": str(job.pk), "operation": "create", "Invoice": body})
        entries.append((job, invoice, body))
    return items, entries, single


def _settle(
    job: SyncJob,
    invoice: Invoice,
    row: dict | None,
    owner: str,
    recorder: Recorder,
    connection: QboConnection,
) -> str:
    if row is None:
        error = errors.QboServerError("Batch item missing from the answer", status=200)
        return push._finish_error(job, owner, recorder, error)
    problem = fault_of(row)
    if problem is None and row.get("Invoice"):
        context = JobContext(job=job, connection=connection, api=None)
        done = transactions._invoice_done(context, invoice, row["Invoice"])
        return push._finish(job, owner, recorder, status=SyncStatus.DONE, done=done)
    if problem is None:
        problem = errors.QboServerError("Batch item without an invoice", status=200)
    if problem.code == "6140":
        # The number exists: the single path looks it up and links or explains.
        return push._finish(
            job, owner, recorder, status=SyncStatus.PENDING, delay=0, keep_error=True
        )
    return push._finish_error(job, owner, recorder, problem)
