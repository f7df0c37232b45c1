"""What the chaos run (bench/chaos.py) found, each pinned at unit level."""

from decimal import Decimal

import pytest
import redis

from accounting.sync.models import InvoiceLink, SyncJob, SyncStatus
from accounting.sync.services import jobs, wake
from invoicing import services as invoicing
from invoicing.models import Invoice, InvoiceStatus

from .conftest import edit_invoice, issue_invoice, run_due


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


def _qbo_totals(qbo) -> list[tuple[str, Decimal]]:
    return [(row["DocNumber"], Decimal(str(row["TotalAmt"]))) for row in qbo.invoices()]


@pytest.mark.parametrize("fault", ["status_after", "drop_after"])
def test_an_invoice_found_by_its_number_after_a_lost_answer_gets_the_later_edit(qbo, fault):
    """The create reached QuickBooks but we never heard, and the attempt was not counted (so
    the owner's edit rode along with the open job). With replay off, the retry meets its own
    number (6140), finds the invoice, and must send the edit over it instead of taking the
    old version as done."""
    qbo.emulator.set_settings(requestid_mode="ignore")
    invoice = issue_invoice(qbo.business)
    qbo.emulator.add_fault(action=fault, status=500, method="POST", entity="invoice", times=1)
    assert run_due() == ["pending"]
    assert _qbo_totals(qbo) == [(invoice.number, Decimal("172.46"))]
    SyncJob.objects.update(attempts=0, next_attempt_at=invoice.issued_at)  # the lost count
    edit_invoice(invoice)
    assert SyncJob.objects.count() == 1  # the edit rode along with the open create

    assert run_due() == ["done"]

    assert _qbo_totals(qbo) == [(invoice.number, Decimal("258.69"))]
    job = SyncJob.objects.get()
    assert (job.warning_key, job.qbo_id) == ("", qbo.invoices()[0]["Id"])
    link = InvoiceLink.objects.get()
    assert (link.qbo_total, link.sync_token) == (Decimal("258.69"), qbo.invoices()[0]["SyncToken"])


def test_an_edit_made_while_the_create_answer_was_lost_reaches_quickbooks_once(qbo):
    """The counted attempt's case: the retry finds the invoice by its number, brings it up to
    date, and the edit's own job follows: one invoice in QuickBooks, the edited one."""
    invoice = issue_invoice(qbo.business)
    qbo.emulator.add_fault(action="status_after", status=500, entity="invoice", times=1)
    assert run_due() == ["pending"]
    edit_invoice(invoice)
    SyncJob.objects.update(next_attempt_at=invoice.issued_at)

    assert run_due() == ["done", "done"]

    assert _qbo_totals(qbo) == [(invoice.number, Decimal("258.69"))]
    assert InvoiceLink.objects.get().qbo_total == Decimal("258.69")


def test_jobs_of_a_dead_batch_worker_are_run_once_their_lease_lapses(qbo, monkeypatch):
    """A batch claims jobs (a cache shortcut lets their queued messages be dropped); its worker
    is killed. Once the lease has lapsed, the sweeper's message must run the job: the shortcut
    may not outlive the lease (it lived four leases, and the jobs waited minutes)."""
    from django.utils import timezone

    from accounting.sync.services import lease
    from accounting.sync.tasks import sync_run_job

    timeouts = []
    real_set_many = lease.cache.set_many
    monkeypatch.setattr(
        lease.cache,
        "set_many",
        lambda values, timeout=None: timeouts.append(timeout) or real_set_many(values, timeout),
    )
    invoice = issue_invoice(qbo.business)
    job = SyncJob.objects.get()
    claimed = lease.jobs_claim(SyncJob.objects.all(), owner="dead-batch-worker", limit=30)
    assert [j.pk for j in claimed] == [job.pk]
    assert timeouts == [lease.LEASE.total_seconds()]
    assert sync_run_job(job.pk) == "skipped"  # held: its message is dropped

    SyncJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())
    lease.cache.delete(f"qbo:skip:{job.pk}")  # what the cache does when the lease lapses
    assert sync_run_job(job.pk) == "done"
    assert [row["DocNumber"] for row in qbo.invoices()] == [invoice.number]
