"""The engine's shape: short leases given back after a crash, jobs woken by what they waited
for, a company's backlog drained through its own entry point, metered reads counted."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounting.models import AccountingSettings, ConnectionStatus, QboConnection
from accounting.qbo import client as qbo_client
from accounting.sync.models import ApiUsage, InvoiceLink, SyncJob, SyncStatus
from accounting.sync.services import batch, jobs, lease, push, wake
from accounting.sync.services.usage import usage_reads_this_month
from tests.accounting.conftest import connect

from .conftest import CA_REALM, issue_invoice, make_contact, run_due

pytestmark = pytest.mark.django_db


def _metered(emulator) -> int:
    return sum(
        1
        for entry in emulator.requests_log
        if "/v3/company/" in entry["path"] and qbo_client.is_metered(entry["method"], entry["path"])
    )


# --- Leases -----------------------------------------------------------------------------------


def test_a_killed_workers_job_is_handed_over_once_its_short_lease_expires(qbo, enqueued):
    # given a worker that leased the job and died before calling QuickBooks
    issue_invoice(qbo.business)
    job = SyncJob.objects.get()
    held = lease.job_lease(job_id=job.pk, owner="dead-worker")
    assert (held.lease_expires_at - timezone.now()).total_seconds() == pytest.approx(45, abs=2)
    enqueued.clear()
    # when the sweeper runs while the lease holds, nothing is handed over
    assert jobs.jobs_enqueue_due() == 0
    assert push.job_run(job_id=job.pk, owner="worker-2") == "skipped"
    # then, 46 s later (a minute at most, not the old ten), the job goes to another worker
    SyncJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert jobs.jobs_enqueue_due() == 1
    assert enqueued == [(job.pk, None)]
    assert push.job_run(job_id=job.pk, owner="worker-2") == "done"
    assert len(qbo.invoices()) == 1


def test_a_long_job_renews_its_lease_before_each_further_call(qbo, monkeypatch):
    # given a job whose lease was taken RENEW_AFTER ago (a slow first call)
    issue_invoice(qbo.business)
    job = SyncJob.objects.get()
    real_lease = lease.job_lease

    def lease_taken_long_ago(*, job_id, owner, **options):
        leased = real_lease(job_id=job_id, owner=owner, **options)
        SyncJob.objects.filter(pk=job_id).update(
            lease_expires_at=timezone.now() + timedelta(seconds=5)
        )
        leased.leased_at_monotonic = time.monotonic() - 20
        return leased

    monkeypatch.setattr(push, "job_lease", lease_taken_long_ago)
    renewals = []
    real_renew = lease.lease_renew

    def counting_renew(job_ids, owner):
        renewals.append((list(job_ids), owner))
        held = real_renew(job_ids, owner)
        row = SyncJob.objects.get(pk=job.pk)
        assert (row.lease_expires_at - timezone.now()).total_seconds() > 40
        return held

    monkeypatch.setattr(lease, "lease_renew", counting_renew)
    # when it runs (customer look-ups, customer create, invoice create)
    assert push.job_run(job_id=job.pk, owner="worker-1") == "done"
    # then the lease was renewed once, at the first call, and not again (it was fresh then)
    assert renewals == [([job.pk], "worker-1")]


def test_a_lease_not_yet_old_is_not_renewed(qbo, monkeypatch, django_assert_num_queries):
    issue_invoice(qbo.business)
    job = lease.job_lease(job_id=SyncJob.objects.get().pk, owner="w")
    with django_assert_num_queries(0):
        lease.lease_renew_if_due([job], "w")


# --- Woken by what they waited for ------------------------------------------------------------


def test_reconnecting_sends_the_invoices_that_waited_at_once(
    qbo, owner_client, enqueued, django_capture_on_commit_callbacks
):
    # given invoices waiting for a reconnection (rechecked every 5 minutes otherwise)
    QboConnection.objects.filter(pk=qbo.connection.pk).update(
        status=ConnectionStatus.NEEDS_RECONNECT
    )
    issue_invoice(qbo.business)
    assert run_due() == ["waiting"]
    job = SyncJob.objects.get()
    assert job.last_error_key == "reconnect"
    assert (job.next_attempt_at - timezone.now()).total_seconds() > 250
    enqueued.clear()
    # when the owner reconnects to the same company
    with django_capture_on_commit_callbacks(execute=True):
        response = connect(owner_client, realm_id=CA_REALM)
    assert response.status_code == 302
    # then the job is due now and a worker was woken for it
    job.refresh_from_db()
    assert (job.status, job.last_error_key) == (SyncStatus.PENDING, "")
    assert job.next_attempt_at <= timezone.now()
    assert (job.pk, None) in enqueued
    assert run_due() == ["done"]
    assert InvoiceLink.objects.count() == 1


def test_saving_a_missing_mapping_resends_the_jobs_that_failed_for_it(
    qbo, owner_client, enqueued, django_capture_on_commit_callbacks
):
    # given an invoice that failed because no default item was chosen
    default_item = qbo.settings.default_item_id
    AccountingSettings.objects.filter(pk=qbo.settings.pk).update(default_item_id="")
    contact = make_contact(qbo.business)
    from decimal import Decimal

    from invoicing import services as invoicing

    issue_invoice(
        qbo.business,
        contact=contact,
        lines=[
            invoicing.LineInput(
                description="Tonte", quantity=Decimal("1"), unit_price=Decimal("40.00")
            )
        ],
    )
    assert run_due() == ["failed"]
    job = SyncJob.objects.get()
    assert job.last_error_key == "no_default_item"
    assert len(qbo.invoices()) == 0
    enqueued.clear()
    # when the owner saves the mapping (through the service the page calls)
    from accounting.services.mappings import accounting_settings_update

    row = AccountingSettings.objects.get(pk=qbo.settings.pk)
    with django_capture_on_commit_callbacks(execute=True):
        accounting_settings_update(
            business=qbo.business,
            taxable_tax_code_id=row.taxable_tax_code_id,
            non_taxable_tax_code_id=row.non_taxable_tax_code_id,
            default_item_id=default_item,
            deposit_account_id=row.deposit_account_id,
        )
    # then the failed job goes again at once, with a new round of attempts
    job.refresh_from_db()
    assert (job.status, job.last_error_key, job.retry_round) == (
        SyncStatus.PENDING,
        "",
        job.attempts,
    )
    assert (job.pk, None) in enqueued
    assert run_due() == ["done"]
    assert len(qbo.invoices()) == 1


def test_a_mapping_save_leaves_other_failures_alone(qbo):
    issue_invoice(qbo.business)
    job = SyncJob.objects.get()
    SyncJob.objects.filter(pk=job.pk).update(status=SyncStatus.FAILED, last_error_key="refused")
    assert jobs.jobs_resume(business_id=qbo.business.pk, keys=jobs.MAPPING_KEYS) == 0
    job.refresh_from_db()
    assert (job.status, job.last_error_key) == (SyncStatus.FAILED, "refused")


# --- A company's backlog ----------------------------------------------------------------------


def test_a_single_push_without_a_backlog_asks_no_count(qbo, settings, django_assert_num_queries):
    settings.QBO_SYNC_BATCH_THRESHOLD = 5
    issue_invoice(qbo.business)
    job = lease.job_lease(job_id=SyncJob.objects.get().pk, owner="w")
    with django_assert_num_queries(0):
        assert batch.is_backlog_leader(job) is False


def test_a_backlog_turn_sends_a_companys_new_invoices_in_one_batch(qbo, settings, backlogs_sent):
    # given a linked customer and 12 new invoices queued (threshold 5)
    settings.QBO_SYNC_BATCH_THRESHOLD = 5
    contact = make_contact(qbo.business)
    issue_invoice(qbo.business, contact=contact)
    assert run_due() == ["done"]
    invoices = [issue_invoice(qbo.business, contact=contact) for _ in range(12)]
    before = len(qbo.invoices())
    # when the company's backlog task takes its turn
    ran = batch.backlog_round(business_id=qbo.business.pk, realm_id=CA_REALM, owner="w")
    # then one batch call created all twelve, each linked once, and no next turn is queued
    assert ran == 12
    assert len(qbo.calls("POST", "/batch")) == 1
    assert len(qbo.invoices()) == before + 12
    assert SyncJob.objects.filter(status=SyncStatus.DONE).count() == 13
    linked = set(InvoiceLink.objects.values_list("invoice_id", flat=True))
    assert {invoice.pk for invoice in invoices} <= linked
    assert backlogs_sent == []
    # and a message for any of them afterwards is dropped without a lease
    assert lease.is_claimed(SyncJob.objects.order_by("-id").first().pk)


def test_a_large_backlog_runs_one_helper_turn_beside_its_own(
    qbo, settings, monkeypatch, backlogs_sent
):
    # given a linked customer and 75 new invoices due (two batches and a half)
    settings.QBO_SYNC_BATCH_THRESHOLD = 5
    contact = make_contact(qbo.business)
    issue_invoice(qbo.business, contact=contact)
    assert run_due() == ["done"]
    for _ in range(75):
        issue_invoice(qbo.business, contact=contact)
    helpers = []  # batch calls QuickBooks had received when each helper turn was sent
    monkeypatch.setattr(
        wake,
        "_send_backlog_helper",
        lambda business_id, realm_id: helpers.append(len(qbo.calls("POST", "/batch"))),
    )
    business_id = qbo.business.pk

    def turn(**kwargs) -> int:
        return batch.backlog_round(business_id=business_id, realm_id=CA_REALM, owner="w", **kwargs)

    # when the company's task takes a turn, a helper is sent before its own batch goes
    assert turn() == 30
    assert helpers == [0]
    assert backlogs_sent == [(business_id, CA_REALM, 0)]  # and its own next turn, after it
    # while that helper is on its way, the next turn sends no second one
    wake.backlog_started(business_id=business_id)
    assert turn() == 30
    assert helpers == [0]
    # the helper sends a batch and queues nothing; once it is done, a helper may go again
    assert turn(helper=True) == 15
    assert len(backlogs_sent) == 2
    assert SyncJob.objects.filter(status=SyncStatus.DONE).count() == 76
    assert len(qbo.calls("POST", "/batch")) == 3
    assert wake.backlog_helper_send(business_id=business_id, realm_id=CA_REALM) is True
    assert helpers == [0, 3]


def test_a_helper_turn_with_no_batch_to_send_sends_nothing_and_frees_its_flag(
    qbo, monkeypatch, backlogs_sent
):
    issue_invoice(qbo.business)  # one job: no batch
    monkeypatch.setattr(wake, "_send_backlog_helper", lambda business_id, realm_id: None)
    assert wake.backlog_helper_send(business_id=qbo.business.pk, realm_id=CA_REALM) is True
    assert wake.backlog_helper_send(business_id=qbo.business.pk, realm_id=CA_REALM) is False
    ran = batch.backlog_round(
        business_id=qbo.business.pk, realm_id=CA_REALM, owner="w", helper=True
    )
    assert ran == 0
    assert qbo.calls("POST") == []
    assert SyncJob.objects.get().status == SyncStatus.PENDING
    assert backlogs_sent == []
    assert wake.backlog_helper_send(business_id=qbo.business.pk, realm_id=CA_REALM) is True


def test_a_backlog_turn_without_a_batch_runs_a_few_jobs_and_queues_the_next_turn(
    qbo, backlogs_sent
):
    # given eight invoices of eight new customers (no batch: customers not linked)
    for number in range(8):
        issue_invoice(
            qbo.business,
            contact=make_contact(
                qbo.business, display_name=f"Client {number}", email=f"c{number}@example.com"
            ),
        )
    # when the backlog task takes a turn
    ran = batch.backlog_round(business_id=qbo.business.pk, realm_id=CA_REALM, owner="w")
    # then it ran ROUND_JOBS of them, oldest first, and queued its next turn behind the others
    assert ran == batch.ROUND_JOBS == 5
    done = sorted(SyncJob.objects.filter(status=SyncStatus.DONE).values_list("pk", flat=True))
    assert done == sorted(SyncJob.objects.values_list("pk", flat=True))[:5]
    assert backlogs_sent == [(qbo.business.pk, CA_REALM, 0)]
    # and the next turn finishes the rest, with nothing more to queue
    backlogs_sent.clear()
    assert batch.backlog_round(business_id=qbo.business.pk, realm_id=CA_REALM, owner="w") == 3
    assert SyncJob.objects.filter(status=SyncStatus.DONE).count() == 8
    assert backlogs_sent == []


def test_a_company_past_its_queue_budget_parks_its_jobs_behind_one_backlog_task(
    qbo, settings, enqueued, backlogs_sent, django_capture_on_commit_callbacks
):
    # given a budget of 3 messages per company and bucket
    settings.QBO_SYNC_QUEUE_BUDGET = 3
    contact = make_contact(qbo.business)
    # when the company queues 6 invoices at once
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            issue_invoice(qbo.business, contact=contact)
    # then 3 messages went, the rest wait behind one backlog task, every job marked enqueued
    ids = sorted(SyncJob.objects.values_list("pk", flat=True))
    assert enqueued == [(job_id, None) for job_id in ids[:3]]
    assert backlogs_sent == [(qbo.business.pk, CA_REALM, None)]
    assert SyncJob.objects.filter(enqueued_at__isnull=True).count() == 0
    # and another company's invoice still gets its own message at once
    from tests.factories.businesses import BusinessFactory
    from tests.factories.invoicing import TaxGroupFactory

    from .conftest import US_REALM, connect_business

    other = BusinessFactory()
    TaxGroupFactory(business=other, is_default=True, components=[("TPS", "5")])
    connect_business(qbo.emulator, other, realm_id=US_REALM)
    with django_capture_on_commit_callbacks(execute=True):
        issue_invoice(other, contact=make_contact(other))
    theirs = SyncJob.objects.get(business=other)
    assert enqueued[-1] == (theirs.pk, None)
    assert len(backlogs_sent) == 1


def test_the_sweeper_keeps_to_the_queue_budget(qbo, settings, enqueued, backlogs_sent):
    settings.QBO_SYNC_QUEUE_BUDGET = 2
    contact = make_contact(qbo.business)
    for _ in range(5):
        issue_invoice(qbo.business, contact=contact)
    SyncJob.objects.update(enqueued_at=None)
    enqueued.clear()
    assert jobs.jobs_enqueue_due() == 5
    assert len(enqueued) == 2
    assert backlogs_sent == [(qbo.business.pk, CA_REALM, None)]


# --- Metered reads ----------------------------------------------------------------------------


def test_steady_state_pushes_read_nothing(qbo):
    from decimal import Decimal

    from invoicing import services as invoicing

    # given a customer already linked (its first invoice looked it up) and the payment
    # methods read once (the first payment)
    contact = make_contact(qbo.business)
    first = issue_invoice(qbo.business, contact=contact)
    invoicing.payment_record(invoice=first, amount=Decimal("5.00"), date=first.issue_date)
    assert run_due() == ["done", "done"]
    first_reads = usage_reads_this_month(realm_id=CA_REALM)
    assert first_reads == _metered(qbo.emulator) > 0
    # when three more invoices and a payment go
    more = [issue_invoice(qbo.business, contact=contact) for _ in range(3)]
    invoicing.payment_record(invoice=more[0], amount=Decimal("10.00"), date=more[0].issue_date)
    assert run_due() == ["done"] * 4
    # then not one more metered call was made
    assert usage_reads_this_month(realm_id=CA_REALM) == first_reads == _metered(qbo.emulator)


def test_reads_are_counted_per_company_and_month_and_shown(qbo, owner_client):
    issue_invoice(qbo.business)
    run_due()
    reads = _metered(qbo.emulator)
    row = ApiUsage.objects.get()
    assert (row.realm_id, row.month, row.reads) == (
        CA_REALM,
        timezone.now().date().replace(day=1),
        reads,
    )
    response = owner_client.get("/settings/accounting/")
    page = response.content.decode()
    assert f'<dd id="metered-reads">{reads} ' in page
