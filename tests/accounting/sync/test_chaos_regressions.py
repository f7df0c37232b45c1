"""What the chaos run (bench/chaos.py) found, each pinned at unit level."""

from decimal import Decimal

import pytest
import redis

from accounting.sync.models import SyncJob, SyncStatus
from accounting.sync.services import jobs, wake
from invoicing import services as invoicing
from invoicing.models import Invoice, InvoiceStatus

from .conftest import issue_invoice, run_due


class DownCache:
    """The cache of a Redis that is down: every call raises as django's RedisCache does."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name):
        def call(*_args, **_kwargs):
            self.calls.append(name)
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

        return call


@pytest.fixture
def cache_down(monkeypatch):
    down = DownCache()
    monkeypatch.setattr(wake, "cache", down)
    monkeypatch.setattr(jobs, "cache", down)
    return down


def test_an_invoice_is_issued_and_sent_while_the_cache_is_down(
    qbo, enqueued, cache_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue_invoice(qbo.business)

    job = SyncJob.objects.get()
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.ISSUED
    assert (job.object_id, job.status) == (invoice.pk, SyncStatus.PENDING)
    assert enqueued == [(job.pk, None)]  # the message went out without the budget's count
    assert cache_down.calls == ["add", "add"]  # the backlog hint, then the budget: both tried
    assert run_due() == ["done"]
    assert [row["DocNumber"] for row in qbo.invoices()] == [invoice.number]


def test_a_payment_is_recorded_while_the_cache_is_down(
    qbo, enqueued, cache_down, django_capture_on_commit_callbacks
):
    invoice = issue_invoice(qbo.business)
    with django_capture_on_commit_callbacks(execute=True):
        payment = invoicing.payment_record(
            invoice=invoice, amount=Decimal("50.00"), date=invoice.issue_date
        )

    payment_job = SyncJob.objects.get(object_id=payment.pk, kind="payment")
    assert enqueued == [(payment_job.pk, None)]
    assert Invoice.objects.get(pk=invoice.pk).amount_paid == Decimal("50.00")


def test_a_backlog_task_is_sent_while_the_cache_is_down(qbo, backlogs_sent, cache_down):
    sent = wake.backlog_schedule(business_id=qbo.business.pk, realm_id="123", countdown=None)
    wake.backlog_started(business_id=qbo.business.pk)  # the worker's side: no error either

    assert sent is True
    assert backlogs_sent == [(qbo.business.pk, "123", None)]
    assert cache_down.calls == ["add", "delete"]


def test_redis_failing_mid_job_retries_it_instead_of_failing_it(qbo, monkeypatch):
    """The limiter's Redis restarting while a job runs: the job is retried like after a
    timeout (and looked up first), not failed for good."""
    from accounting.sync import limiter

    invoice = issue_invoice(qbo.business)
    real_admit = limiter.admit

    def admit_then_redis_dies(realm_id, is_batch):
        monkeypatch.setattr(limiter, "admit", real_admit)  # back on the next call
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(limiter, "admit", admit_then_redis_dies)

    assert run_due() == ["pending"]
    job = SyncJob.objects.get()
    assert (job.status, job.last_error_key, job.attempts) == (SyncStatus.PENDING, "network", 1)
    assert qbo.invoices() == []
    job.next_attempt_at = job.created_at
    job.save(update_fields=["next_attempt_at"])
    assert run_due() == ["done"]
    assert [row["DocNumber"] for row in qbo.invoices()] == [invoice.number]


def test_a_job_runs_alone_when_redis_cannot_say_whether_it_leads_a_backlog(
    qbo, monkeypatch, backlogs_sent
):
    from accounting.sync.services import batch

    def hint_lost(job):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(batch, "is_backlog_leader", hint_lost)
    invoice = issue_invoice(qbo.business)

    assert run_due() == ["done"]
    assert [row["DocNumber"] for row in qbo.invoices()] == [invoice.number]
    assert backlogs_sent == []
