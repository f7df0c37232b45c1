"""A worker writing a job's end holds that job's row; an owner recording a payment at that
moment makes a job that depends on it (a foreign key to that row). The worker's lock must not
block that key check (PostgreSQL: FOR NO KEY UPDATE, not FOR UPDATE), or the two can deadlock
(found by the chaos run: "deadlock detected" in payment_record). On SQLite, where a writing
transaction holds the whole database, the two simply take turns."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from accounting.sync.models import SyncJob
from invoicing import services as invoicing

from .conftest import issue_invoice

pytestmark = pytest.mark.django_db(transaction=True)


def test_recording_a_payment_does_not_wait_for_a_worker_holding_the_invoice_job(qbo):
    # given an issued invoice whose job is pending
    invoice = issue_invoice(qbo.business)
    invoice_job = SyncJob.objects.get(kind="invoice", object_id=invoice.pk)
    held, recorded = threading.Event(), threading.Event()
    on_postgresql = connection.vendor == "postgresql"
    order: list[str] = []

    def worker():
        try:
            with transaction.atomic():
                # the lock outcome.finish takes on the job it ends
                SyncJob.objects.select_for_update(no_key=True).get(pk=invoice_job.pk)
                held.set()
                if on_postgresql:
                    recorded.wait(timeout=10)
                else:
                    time.sleep(0.3)
                order.append("worker released")
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert held.wait(timeout=10)
    # when the owner records a payment meanwhile (its job depends on the invoice's)
    try:
        payment = invoicing.payment_record(
            invoice=invoice, amount=Decimal("10.00"), date=datetime.date(2026, 11, 21)
        )
        order.append("payment recorded")
    finally:
        recorded.set()
        thread.join(timeout=20)
    # then it did not wait for the worker's transaction (on SQLite: it waited its turn)
    expected = ["payment recorded", "worker released"]
    assert order == (expected if on_postgresql else expected[::-1])
    assert SyncJob.objects.get(kind="payment", object_id=payment.pk).depends_on_id == (
        invoice_job.pk
    )


def test_the_engine_locks_job_rows_without_blocking_their_dependents(qbo):
    from django.test.utils import CaptureQueriesContext

    from accounting.sync.services import push

    invoice = issue_invoice(qbo.business)
    job = SyncJob.objects.get(kind="invoice", object_id=invoice.pk)
    with CaptureQueriesContext(connection) as queries:
        assert push.job_run(job_id=job.pk, owner="w") == "done"
    locks = [q["sql"] for q in queries.captured_queries if " FOR " in q["sql"]]
    job_locks = [sql for sql in locks if 'FROM "accounting_sync_syncjob"' in sql]
    if connection.vendor == "postgresql":
        assert job_locks, "the job's end is written under a row lock"
    assert all(sql.endswith("FOR NO KEY UPDATE") for sql in job_locks), job_locks
