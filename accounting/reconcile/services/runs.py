"""Running a books check for one company: read QuickBooks (everything, 1,000 per page, the
first time; only the changes since the checkpoint afterwards), then compare (compare.py).

Reading is resumable: each page is stored together with where the next one starts, so a run
interrupted midway (a worker restarted, QuickBooks unavailable) goes on from there."""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors
from accounting.qbo import reconcile as wire
from accounting.qbo.client import Recorder
from accounting.sync.services.push import call_with_token

from ..models import ReconcileRun, ReconcileState, RunMode, RunStatus, RunTrigger, SnapshotDoc
from .compare import compare_store

logger = logging.getLogger(__name__)

# Intuit answers changes of the last 30 days only: a snapshot older than this is read again.
MAX_LOOKBACK = timedelta(days=29)
# Read a little before the checkpoint: a change committed while the last run read is not missed.
OVERLAP = timedelta(seconds=30)
COMPARE = "compare"
KEEP_RUNS = timedelta(days=90)


def interval() -> float:
    return float(getattr(settings, "QBO_RECONCILE_INTERVAL_SECONDS", 86_400.0))


def _next_run(now):
    return now + timedelta(seconds=interval() * random.uniform(0.9, 1.1))


def _connection(business_id: int, realm_id: str) -> QboConnection | None:
    return QboConnection.objects.filter(
        business_id=business_id, realm_id=realm_id, status=ConnectionStatus.CONNECTED
    ).first()


@transaction.atomic
def run_start(*, business_id: int, realm_id: str, trigger: str = RunTrigger.OWNER) -> ReconcileRun:
    """The company's unfinished run (it resumes), else a new one."""
    ReconcileState.objects.get_or_create(business_id=business_id, realm_id=realm_id)
    state = ReconcileState.objects.select_for_update().get(
        business_id=business_id, realm_id=realm_id
    )
    running = ReconcileRun.objects.filter(
        business_id=business_id, realm_id=realm_id, status=RunStatus.RUNNING
    ).first()
    if running is not None:
        return running
    state.next_run_at = _next_run(timezone.now())
    state.save(update_fields=["next_run_at"])
    return ReconcileRun.objects.create(business_id=business_id, realm_id=realm_id, trigger=trigger)


def _doc_values(doc: wire.Doc) -> dict:
    return {
        "is_voided": doc.is_voided,
        "doc_number": doc.doc_number,
        "customer_id": doc.customer_id,
        "txn_date": doc.txn_date,
        "total": doc.total,
        "tax": doc.tax,
        "balance": doc.balance,
        "applied": [[qbo_id, f"{amount:f}"] for qbo_id, amount in doc.applied],
        "note": doc.note,
        "tax_lines": [[rate, f"{amount:f}"] for rate, amount in doc.tax_lines],
        "credits": [[memo, invoice, f"{amount:f}"] for memo, invoice, amount in doc.credits],
    }


def _store_docs(run: ReconcileRun, docs: list[wire.Doc]) -> None:
    gone = [doc for doc in docs if doc.is_deleted]
    for doc in gone:
        SnapshotDoc.objects.filter(
            business_id=run.business_id, realm_id=run.realm_id, entity=doc.entity, qbo_id=doc.qbo_id
        ).delete()
    rows = [
        SnapshotDoc(
            business_id=run.business_id,
            realm_id=run.realm_id,
            entity=doc.entity,
            qbo_id=doc.qbo_id,
            seen_in_run=run.pk,
            **_doc_values(doc),
        )
        for doc in docs
        if not doc.is_deleted
    ]
    if rows:
        SnapshotDoc.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["business", "realm_id", "entity", "qbo_id"],
            update_fields=[*_doc_values(docs[0]).keys(), "seen_in_run"],
        )


def _read_full(run, connection, recorder, page_size) -> None:
    stage = run.stage = run.stage or wire.ENTITIES[0]
    if not run.read_started_at:
        run.read_started_at = timezone.now()
    run.save(update_fields=["stage", "read_started_at"])
    while stage != COMPARE:
        page = call_with_token(
            connection,
            lambda token, stage=stage: wire.ReconcileApi(
                access_token=token, realm_id=run.realm_id, recorder=recorder
            ).page(stage, run.position, page_size=page_size),
        )
        with transaction.atomic():
            _store_docs(run, page.docs)
            if page.is_last:
                index = wire.ENTITIES.index(stage) + 1
                stage = wire.ENTITIES[index] if index < len(wire.ENTITIES) else COMPARE
                run.stage, run.position = stage, 1
            else:
                run.position += len(page.docs)
            run.reads = recorder.total
            run.save(update_fields=["stage", "position", "reads"])
    with transaction.atomic():
        # What the full read did not see is no longer in QuickBooks.
        SnapshotDoc.objects.filter(business_id=run.business_id, realm_id=run.realm_id).exclude(
            seen_in_run=run.pk
        ).delete()
        ReconcileState.objects.filter(business_id=run.business_id, realm_id=run.realm_id).update(
            changed_since=run.read_started_at
        )


def _read_changes(run, connection, recorder, since) -> bool:
    """False: /cdc could not answer everything, read in full instead."""
    started = timezone.now()
    changes = call_with_token(
        connection,
        lambda token: wire.ReconcileApi(
            access_token=token, realm_id=run.realm_id, recorder=recorder
        ).changes_since(since - OVERLAP),
    )
    if not changes.complete:
        return False
    docs = changes.docs + _customers_moved(run, connection, recorder, changes.docs)
    with transaction.atomic():
        _store_docs(run, docs)
        ReconcileState.objects.filter(business_id=run.business_id, realm_id=run.realm_id).update(
            changed_since=started
        )
        run.stage = COMPARE
        run.reads = recorder.total
        run.save(update_fields=["stage", "reads"])
    return True


def _customers_moved(run, connection, recorder, docs: list[wire.Doc]) -> list[wire.Doc]:
    """The customers whose documents changed (as they are now, or were: a deleted document's
    customer is in the snapshot), unless the changes hold them already: QuickBooks moves a
    customer's balance with its documents without listing the customer as changed. One query
    when there are some; none on a quiet day."""
    named = {doc.customer_id for doc in docs if doc.entity != "Customer" and doc.customer_id}
    deleted = [doc for doc in docs if doc.is_deleted and doc.entity != "Customer"]
    for doc in deleted:
        named.update(
            SnapshotDoc.objects.filter(
                business_id=run.business_id,
                realm_id=run.realm_id,
                entity=doc.entity,
                qbo_id=doc.qbo_id,
            ).values_list("customer_id", flat=True)
        )
    named -= {doc.qbo_id for doc in docs if doc.entity == "Customer"}
    named.discard("")
    if not named:
        return []
    return call_with_token(
        connection,
        lambda token: wire.ReconcileApi(
            access_token=token, realm_id=run.realm_id, recorder=recorder
        ).customers(sorted(named)),
    )


class _Reads(Recorder):
    """The run's calls, counted from what earlier attempts of the run had already read."""

    def __init__(self, base: int):
        super().__init__()
        self.base = base

    @property
    def total(self) -> int:
        return self.base + sum(1 for call in self.calls if call.http_status is not None)


def run_execute(*, run_id: int, page_size: int = wire.PAGE_SIZE) -> ReconcileRun:
    """Read what is left to read for this run, then compare. A QuickBooks error leaves the run
    running where it stopped (the next start resumes it)."""
    run = ReconcileRun.objects.get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return run
    connection = _connection(run.business_id, run.realm_id)
    if connection is None:
        ReconcileRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error="not connected"
        )
        run.refresh_from_db()
        return run
    state = ReconcileState.objects.get(business_id=run.business_id, realm_id=run.realm_id)
    recorder = _Reads(run.reads)
    try:
        if not run.mode:
            fresh = state.changed_since and state.changed_since > timezone.now() - MAX_LOOKBACK
            run.mode = RunMode.CHANGES if fresh else RunMode.FULL
            run.save(update_fields=["mode"])
        if run.stage != COMPARE:
            if run.mode == RunMode.CHANGES and not _read_changes(
                run, connection, recorder, state.changed_since
            ):
                run.mode, run.stage, run.position = RunMode.FULL, "", 1
                run.save(update_fields=["mode", "stage", "position"])
            if run.mode == RunMode.FULL:
                _read_full(run, connection, recorder, page_size)
    except errors.QboError as error:
        run.reads = recorder.total
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.save(update_fields=["reads", "error"])
        return run
    with transaction.atomic():
        summary = compare_store(run)
        run.status = RunStatus.DONE
        run.finished_at = timezone.now()
        run.error = ""
        for field, value in summary.items():
            setattr(run, field, value)
        run.save()
    return run


def runs_due(*, now=None) -> list[int]:
    """The nightly checks: ids of the runs started (or resumed) for connected companies whose
    check is due. Each company's next time is jittered, so they do not all read at once."""
    now = now or timezone.now()
    started = []
    for connection in QboConnection.objects.filter(status=ConnectionStatus.CONNECTED):
        state, created = ReconcileState.objects.get_or_create(
            business_id=connection.business_id,
            realm_id=connection.realm_id,
            defaults={"next_run_at": now + timedelta(seconds=interval() * random.random())},
        )
        if created or state.next_run_at > now:
            continue
        run = run_start(
            business_id=connection.business_id,
            realm_id=connection.realm_id,
            trigger=RunTrigger.NIGHTLY,
        )
        started.append(run.pk)
    return started


def runs_prune(*, now=None) -> int:
    """Runs (and their differences) are kept 90 days."""
    now = now or timezone.now()
    deleted, _detail = ReconcileRun.objects.filter(started_at__lt=now - KEEP_RUNS).delete()
    return deleted
