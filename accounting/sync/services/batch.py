"""A backlog of new invoices for one company goes through QBO's batch endpoint: up to 30
creates per call (qbo-api-reference §5), within the batch budget (40 calls/min) that the
shared limiter keeps. A batch item carries no request id of its own, so every invoice of a
batch counts an attempt first: if the call's outcome is unknown, each is looked up by its
DocNumber before being created again, like a single push.

Its own entry point: a single push asks only `is_backlog_leader` (a cache read; the database
is counted only when the company's recent creates say there may be a backlog), and a
company whose jobs went past its queue budget (wake.py) is worked through by its backlog task,
a turn at a time (`backlog_round`). It ends jobs through outcome.py like a single push.

Only plain cases are batched (first attempt, customer already linked, no link yet); anything
else is handed back to the single path, which knows every special case.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.db.models import F, Min
from django.utils import timezone

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors
from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales import LimiterBusy, Recorder, SalesApi
from accounting.qbo.sales_payloads import RemoteInvoice
from accounting.services.connection import (
    connection_record_successful_call,
)
from invoicing.models import Invoice, InvoiceLine

from .. import limiter
from ..models import (
    RUNNABLE_STATUSES,
    CustomerLink,
    InvoiceLink,
    ItemLink,
    SyncJob,
    SyncKind,
    SyncOperation,
    SyncStatus,
)
from ..outage import outage_gate
from . import outcome, transactions
from .blockers import blocked_new_invoices
from .context import JobContext
from .jobs import HINT_BUCKET_SECONDS, HINT_BUCKETS, backlog_hint, job_enqueue
from .lease import claims_forget, jobs_claim, jobs_hand_back, worker_id
from .wake import backlog_helper_done, backlog_helper_send, backlog_schedule, backlog_started

logger = logging.getLogger(__name__)

BATCH_SIZE = 30
HINT_SECONDS = HINT_BUCKET_SECONDS * HINT_BUCKETS
# Jobs one turn of a backlog task runs one by one when no batch can go.
ROUND_JOBS = 5


def _threshold() -> int:
    return int(getattr(settings, "QBO_SYNC_BATCH_THRESHOLD", 10))


def _tried_before(job: SyncJob) -> int:
    """Attempts before this run's (a single push counts its own with its lease)."""
    return job.attempts - bool(getattr(job, "attempt_counted_by_this_run", False))


def _is_candidate(job: SyncJob) -> bool:
    return (
        job.kind == SyncKind.INVOICE
        and job.operation == SyncOperation.CREATE
        and _tried_before(job) == 0
        and not job.lookup_first
    )


def is_backlog_leader(job: SyncJob) -> bool:
    """Whether this leased job should lead a batch: a plain new invoice of a company that
    has at least the threshold of them due, while the batch budget lasts."""
    threshold = _threshold()
    if threshold <= 0 or not _is_candidate(job):
        return False
    # The hint first: a company without a backlog (the usual case) costs one cache read.
    hint = backlog_hint(business_id=job.business_id)
    if hint < threshold:
        return False
    # A busy company's invoices keep the hint up without forming a backlog (each is pushed
    # as it comes): once the count found none, it is asked again only after another
    # threshold's worth of new invoices.
    quiet_key = f"qbo:no-backlog:{job.business_id}:{hint // threshold}"
    if cache.get(quiet_key) is not None or _batch_budget_spent(job.realm_id):
        return False
    others = _others_due(job.business_id, job.realm_id).exclude(pk=job.pk).count()
    if others + 1 >= threshold:
        return True
    cache.set(quiet_key, 1, timeout=HINT_SECONDS)
    return False


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


def _others_due(business_id: int, realm_id: str):
    return SyncJob.objects.filter(
        realm_id=realm_id,
        business_id=business_id,
        kind=SyncKind.INVOICE,
        operation=SyncOperation.CREATE,
        status=SyncStatus.PENDING,
        attempts=0,
        lookup_first=False,
        next_attempt_at__lte=timezone.now(),
    )


def _hand_back(
    jobs: list[SyncJob], job_ids: list[int], owner: str, *, uncount_attempt: bool = False
) -> None:
    """Hand `job_ids` (some of `jobs`, all of one company) back and wake workers for them."""
    if not job_ids:
        return
    business_id, realm_id = jobs[0].business_id, jobs[0].realm_id
    for job_id in jobs_hand_back(job_ids, owner, uncount_attempt=uncount_attempt):
        job_enqueue(job_id=job_id, business_id=business_id, realm_id=realm_id)


def _ready_connection(business_id: int, realm_id: str) -> QboConnection | None:
    connection = QboConnection.objects.filter(business_id=business_id).first()
    if (
        connection is None
        or connection.status != ConnectionStatus.CONNECTED
        or connection.realm_id != realm_id
        or limiter.realm_paused_until(realm_id) is not None
        or outage_gate(realm_id, probe=False).failures
    ):
        return None
    return connection


def backlog_run(*, leader: SyncJob, owner: str) -> str | None:
    """Run `leader` (leased by the caller) with other due invoices of its company as one
    batch call. Returns the leader's status, or None when the leader must go on alone."""
    connection = _ready_connection(leader.business_id, leader.realm_id)
    if connection is None:
        return None
    others = _others_due(leader.business_id, leader.realm_id).exclude(pk=leader.pk)
    group = [leader] + jobs_claim(others, owner=owner, limit=BATCH_SIZE - 1)
    statuses = _send_group(group, owner, connection, leader=leader)
    return None if statuses is None else statuses.get(leader.pk, "")


def backlog_round(
    *, business_id: int, realm_id: str, owner: str | None = None, helper: bool = False
) -> int:
    """One turn of a company's backlog task (wake.py): a batch call of its due new invoices
    when it has at least two and the batch budget lasts, else up to ROUND_JOBS of its due jobs
    one by one; then the task queues itself again, behind the other companies' messages, for
    when the next of its jobs is due. While more than one batch is due, a turn starts one
    helper turn (wake.backlog_helper_send) that sends the next batch meanwhile on a free
    worker and queues nothing: a company's backlog runs at most two turns at once, however
    many workers are free (more would take the CPU the other companies' invoices need).
    Returns how many jobs this turn ran."""
    from .push import job_run

    owner = owner or worker_id()
    if helper:
        try:
            return _helper_turn(business_id, realm_id, owner)
        finally:
            backlog_helper_done(business_id=business_id)
    backlog_started(business_id=business_id)
    ran = _batch_turn(business_id, realm_id, owner, before_sending=backlog_helper_send)
    if not ran:
        due = SyncJob.objects.filter(
            business_id=business_id,
            status__in=RUNNABLE_STATUSES,
            next_attempt_at__lte=timezone.now(),
        ).order_by("id")
        for job_id in list(due.values_list("pk", flat=True)[:ROUND_JOBS]):
            ran += job_run(job_id=job_id, owner=owner) != "skipped"
    next_due = SyncJob.objects.filter(
        business_id=business_id, status__in=RUNNABLE_STATUSES
    ).aggregate(first=Min("next_attempt_at"))["first"]
    if next_due is not None:
        wait = (next_due - timezone.now()).total_seconds()
        if wait <= outcome.DIRECT_REQUEUE_SECONDS:
            # Farther ones are left to the sweeper.
            backlog_schedule(business_id=business_id, realm_id=realm_id, countdown=max(0, wait))
    return ran


def _helper_turn(business_id: int, realm_id: str, owner: str) -> int:
    """A helper turn: one batch call if one can go; the company's own task does the rest."""
    return _batch_turn(business_id, realm_id, owner, before_sending=None)


def _batch_turn(business_id: int, realm_id: str, owner: str, *, before_sending) -> int:
    """One batch call of the company's due new invoices when at least two are due and the
    batch budget lasts; returns how many jobs it ran (0: none could go). `before_sending`
    (the company's own turn: its helper) is called first when more than one batch is due."""
    connection = _ready_connection(business_id, realm_id)
    if connection is None or _batch_budget_spent(realm_id):
        return 0
    plain = _others_due(business_id, realm_id)
    batchable = plain[: BATCH_SIZE + 1].count()
    if batchable > BATCH_SIZE and before_sending is not None:
        before_sending(business_id=business_id, realm_id=realm_id)
    if batchable < 2:
        return 0
    group = jobs_claim(plain, owner=owner, limit=BATCH_SIZE)
    return len(_send_group(group, owner, connection, leader=None) or {})


def _send_group(
    group: list[SyncJob], owner: str, qbo_connection: QboConnection, *, leader: SyncJob | None
) -> dict[int, str] | None:
    """One batch call for `group` (all leased by `owner`). Returns each sent job's status, or
    None when nothing was sent (the leader, if any, is then still ours; the rest handed back)."""
    from .push import admit_holding, call_with_token

    leader_id = leader.pk if leader is not None else None
    items, entries, single = _build(group, qbo_connection)
    _hand_back(group, [j.pk for j in single if j.pk != leader_id], owner)
    if (leader is not None and not any(e[0].pk == leader_id for e in entries)) or len(entries) < 2:
        _hand_back(group, [entry[0].pk for entry in entries if entry[0].pk != leader_id], owner)
        return None
    jobs = [entry[0] for entry in entries]
    ids = [job.pk for job in jobs]
    # Counted before the call; the leader's attempt was counted with its lease.
    uncounted = [job for job in jobs if not getattr(job, "attempt_counted_by_this_run", False)]
    SyncJob.objects.filter(pk__in=[job.pk for job in uncounted]).update(attempts=F("attempts") + 1)
    for job in uncounted:
        job.attempts += 1
    recorder = Recorder()

    def api(token: str) -> SalesApi:
        return SalesApi(
            access_token=token,
            realm_id=qbo_connection.realm_id,
            recorder=recorder,
            admit=admit_holding(jobs, owner),
        )

    try:
        results = call_with_token(
            qbo_connection, lambda token: api(token).invoices_create_batch(items)
        )
    except (LimiterBusy, errors.QboReconnectRequired, errors.QboNotConnected) as problem:
        if isinstance(problem, LimiterBusy):
            _mark_batch_budget_spent(qbo_connection.realm_id, problem.wait_seconds)
        # Nothing was sent (the batch budget is spent for now, or the connection must be
        # renewed): the leader goes on alone, the others are handed back.
        # (The leader keeps the attempt its lease counted, for its own call.)
        _hand_back(group, [pk for pk in ids if pk != leader_id], owner, uncount_attempt=True)
        return None
    except errors.QboError as error:
        claims_forget(ids)
        return {
            job.pk: outcome.finish_error(job, owner, recorder, error, count_outage=n == 0)
            for n, job in enumerate(jobs)
        }
    connection_record_successful_call(
        connection_id=qbo_connection.pk, last_known=qbo_connection.last_successful_call_at
    )
    created, rest = [], []
    for current, invoice, _body in entries:
        answer = results.get(str(current.pk))
        if isinstance(answer, RemoteInvoice):
            created.append((current, invoice, answer))
        else:
            rest.append((current, invoice, answer))
    statuses: dict[int, str] = {}
    if created:
        try:
            statuses.update(
                outcome.finish_batch_successes(
                    [
                        (job, transactions.invoice_outcome(invoice, qbo))
                        for job, invoice, qbo in created
                    ],
                    owner,
                    recorder,
                )
            )
        except IntegrityError:
            # A link appeared meanwhile (another path linked one of them): settle one by one.
            rest = [
                (job, invoice, results.get(str(job.pk))) for job, invoice, _qbo in created
            ] + rest
    for current, invoice, row in rest:
        statuses[current.pk] = _settle(current, invoice, row, owner, recorder, qbo_connection)
    claims_forget([pk for pk, status in statuses.items() if status != SyncStatus.DONE])
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
    blocked = blocked_new_invoices(group)
    items, entries, single = [], [], []
    for job in group:
        invoice = invoices.get(job.object_id)
        customer_id = customer_ids.get(invoice.contact_id) if invoice else None
        if (
            invoice is None
            or invoice.is_draft
            or not customer_id
            or invoice.pk in linked
            or job.pk in blocked
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
    answer: RemoteInvoice | errors.QboError | None,
    owner: str,
    recorder: Recorder,
    connection: QboConnection,
) -> str:
    """One batch item that was not settled with the others: its own outcome."""
    if answer is None:
        answer = errors.QboServerError("Batch item missing from the answer", status=200)
    if isinstance(answer, RemoteInvoice):
        context = JobContext(job=job, connection=connection, api=None)
        done = transactions.invoice_done(context, invoice, answer)
        return outcome.finish(job, owner, recorder, status=SyncStatus.DONE, done=done)
    if isinstance(answer, errors.QboDuplicateNumber):
        # The number exists: the single path looks it up and links or explains.
        return outcome.finish(
            job, owner, recorder, status=SyncStatus.PENDING, delay=0, keep_error=True
        )
    return outcome.finish_error(job, owner, recorder, answer)
