"""A backlog of new invoices for one company goes through QBO's batch endpoint: up to 30
creates per call (qbo-api-reference §5), within the batch budget (40 calls/min) that the
shared limiter keeps. A batch item carries no request id of its own, so every invoice of a
batch counts an attempt first: if the call's outcome is unknown, each is looked up by its
DocNumber before being created again, like a single push.

Only plain cases are batched (first attempt, customer already linked, no link yet); anything
else is handed back to the single path, which knows every special case.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors
from accounting.qbo.sales import LimiterBusy, Recorder, SalesApi, fault_of
from accounting.services.connection import (
    connection_get_access_token,
    connection_record_successful_call,
)
from invoicing.models import Invoice

from .. import limiter, payloads
from ..models import CustomerLink, InvoiceLink, SyncJob, SyncKind, SyncOperation, SyncStatus
from . import push

logger = logging.getLogger(__name__)

BATCH_SIZE = 30


def _threshold() -> int:
    return int(getattr(settings, "QBO_SYNC_BATCH_THRESHOLD", 10))


def is_candidate(job: SyncJob) -> bool:
    return (job.kind == SyncKind.INVOICE and job.operation == SyncOperation.CREATE
            and job.attempts == 0 and not job.lookup_first and _threshold() > 0)


def _others_due(job: SyncJob):
    return (SyncJob.objects.filter(realm_id=job.realm_id, business_id=job.business_id,
                                   kind=SyncKind.INVOICE, operation=SyncOperation.CREATE,
                                   status=SyncStatus.PENDING, attempts=0, lookup_first=False,
                                   next_attempt_at__lte=timezone.now())
            .exclude(pk=job.pk))


def _release(job_ids: list[int], owner: str, *, undo_attempt: bool = False) -> None:
    """Hand jobs back, due now, to whichever worker comes next."""
    if not job_ids:
        return
    update = {"status": SyncStatus.PENDING, "lease_owner": "", "lease_expires_at": None,
              "next_attempt_at": timezone.now()}
    if undo_attempt:
        update["attempts"] = F("attempts") - 1
    SyncJob.objects.filter(pk__in=job_ids, lease_owner=owner,
                           status=SyncStatus.RUNNING).update(**update)


def try_run_batch(job: SyncJob, owner: str) -> str | None:
    """Run `job` with other due invoices of its company as one batch call. Returns the
    leader's status, or None when there is no backlog (the caller pushes `job` alone)."""
    if not is_candidate(job):
        return None
    others = list(_others_due(job).order_by("id").values_list("pk", flat=True)[:BATCH_SIZE - 1])
    if len(others) + 1 < _threshold():
        return None
    connection = QboConnection.objects.filter(business_id=job.business_id).first()
    if (connection is None or connection.status != ConnectionStatus.CONNECTED
            or connection.realm_id != job.realm_id
            or limiter.realm_paused_until(job.realm_id) is not None):
        return None
    now = timezone.now()
    SyncJob.objects.filter(pk__in=others, status=SyncStatus.PENDING, attempts=0).update(
        status=SyncStatus.RUNNING, lease_owner=owner, lease_expires_at=now + push.LEASE,
        updated_at=now)
    claimed = list(SyncJob.objects.filter(pk__in=others, lease_owner=owner,
                                          status=SyncStatus.RUNNING).order_by("id"))
    group = [job] + claimed
    items, entries, single = _build(group, connection)
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
        token = connection_get_access_token(connection_id=connection.pk)
        api = SalesApi(access_token=token, realm_id=job.realm_id, recorder=recorder,
                       admit=limiter.admit)
        try:
            results = api.batch(items)
        except errors.QboAuthenticationError:
            token = connection_get_access_token(connection_id=connection.pk,
                                                min_validity=timedelta(days=1))
            api = SalesApi(access_token=token, realm_id=job.realm_id, recorder=recorder,
                           admit=limiter.admit)
            results = api.batch(items)
    except (LimiterBusy, errors.QboReconnectRequired, errors.QboNotConnected):
        # Nothing was sent (the batch budget is spent for now, or the connection must be
        # renewed): the leader goes on alone, the others are handed back.
        _release([pk for pk in ids if pk != job.pk], owner, undo_attempt=True)
        SyncJob.objects.filter(pk=job.pk).update(attempts=F("attempts") - 1)
        job.attempts -= 1
        return None
    except errors.QboError as error:
        statuses = [push._finish_error(entry[0], owner, recorder, error) for entry in entries]
        return statuses[0]
    connection_record_successful_call(connection_id=connection.pk)
    status = ""
    for current, invoice, _body in entries:
        outcome = _settle(current, invoice, results.get(str(current.pk)), owner, recorder,
                          connection)
        if current.pk == job.pk:
            status = outcome
    return status


def _build(group: list[SyncJob], connection: QboConnection):
    invoices = {invoice.pk: invoice for invoice in Invoice.objects.select_related(
        "contact", "business").filter(pk__in=[j.object_id for j in group],
                                      business_id=group[0].business_id)}
    customer_ids = dict(CustomerLink.objects.filter(
        business_id=group[0].business_id, realm_id=connection.realm_id,
        contact_id__in=[i.contact_id for i in invoices.values()])
        .values_list("contact_id", "qbo_id"))
    linked = set(InvoiceLink.objects.filter(
        business_id=group[0].business_id, realm_id=connection.realm_id,
        invoice_id__in=list(invoices)).values_list("invoice_id", flat=True))
    context = push.JobContext(job=group[0], connection=connection, api=None)
    items, entries, single = [], [], []
    for job in group:
        invoice = invoices.get(job.object_id)
        customer_id = customer_ids.get(invoice.contact_id) if invoice else None
        if (invoice is None or invoice.is_draft or not customer_id or invoice.pk in linked
                or push.blocker_of(job)):
            single.append(job)
            continue
        try:
            body = payloads.invoice_body(push.invoice_data(invoice, realm_id=job.realm_id),
                                         customer_id=customer_id, mapping=context.mapping())
        except payloads.MappingMissing:
            single.append(job)
            continue
        items.append({"bId": str(job.pk), "operation": "create", "Invoice": body})
        entries.append((job, invoice, body))
    return items, entries, single


def _settle(job: SyncJob, invoice: Invoice, row: dict | None, owner: str, recorder: Recorder,
            connection: QboConnection) -> str:
    if row is None:
        error = errors.QboServerError("Batch item missing from the answer", status=200)
        return push._finish_error(job, owner, recorder, error)
    problem = fault_of(row)
    if problem is None and row.get("Invoice"):
        context = push.JobContext(job=job, connection=connection, api=None)
        done = push._invoice_done(context, invoice, row["Invoice"])
        return push._finish(job, owner, recorder, status=SyncStatus.DONE, done=done)
    if problem is None:
        problem = errors.QboServerError("Batch item without an invoice", status=200)
    if problem.code == "6140":
        # The number exists: the single path looks it up and links or explains.
        return push._finish(job, owner, recorder, status=SyncStatus.PENDING, delay=0,
                            keep_error=True)
    return push._finish_error(job, owner, recorder, problem)
