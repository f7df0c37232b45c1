"""Exactly once, never lost: rollbacks, crashes, ambiguous failures, 5010, 6240, 429, 401,
lost broker messages, ordering."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounting.sync import limiter
from accounting.sync.models import CustomerLink, InvoiceLink, PaymentLink, SyncJob, SyncStatus
from accounting.sync.services import jobs, lease, outcome, push
from contacts import services as contacts
from invoicing import services as invoicing

from .conftest import CA_REALM, edit_invoice, issue_invoice, make_contact, make_due, run_due


def _invoice_writes(qbo) -> list[str]:
    """The invoice writes QBO received: a create, or an update of the one found (its request
    id is the job's with a suffix)."""
    return [
        "update" if "-fu" in call["query"] else "create" for call in qbo.calls("POST", "/invoice")
    ]


class SimulatedCrash(BaseException):
    """The worker process dies (not an error the engine could handle)."""


def test_rolled_back_transaction_leaves_no_job_and_nothing_in_quickbooks(qbo, enqueued):
    before = len(qbo.invoices())
    contact = make_contact(qbo.business)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            issue_invoice(qbo.business, contact=contact)
            assert SyncJob.objects.count() == 1
            raise RuntimeError("the request failed after issuing")
    assert SyncJob.objects.count() == 0
    assert run_due() == []
    assert len(qbo.invoices()) == before
    assert enqueued == []
    assert qbo.calls("POST") == []


def test_job_is_enqueued_only_after_commit(qbo, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        issue_invoice(qbo.business)
        assert enqueued == []
    job = SyncJob.objects.get()
    assert len(callbacks) == 1
    assert enqueued == [(job.pk, None)]
    assert SyncJob.objects.get().enqueued_at is not None


def test_crash_between_quickbooks_success_and_our_commit_creates_no_duplicate(qbo, monkeypatch):
    # QBO does not replay the request id here: only our lookup by DocNumber prevents a duplicate.
    qbo.emulator.set_settings(requestid_mode="ignore")
    invoice = issue_invoice(qbo.business)
    before = len(qbo.invoices())
    real_finish = outcome.finish

    def crash_after_success(job, owner, recorder, **kwargs):
        if kwargs.get("status") == SyncStatus.DONE:
            raise SimulatedCrash()
        return real_finish(job, owner, recorder, **kwargs)

    monkeypatch.setattr(outcome, "finish", crash_after_success)
    job = SyncJob.objects.get()
    with pytest.raises(SimulatedCrash):
        push.job_run(job_id=job.pk, owner="worker-1")
    assert len(qbo.invoices()) == before + 1
    assert InvoiceLink.objects.count() == 0
    job.refresh_from_db()
    assert (job.status, job.lease_owner, job.attempts) == ("running", "worker-1", 1)
    monkeypatch.setattr(outcome, "finish", real_finish)
    # Another worker cannot take it while the lease holds...
    assert push.job_run(job_id=job.pk, owner="worker-2") == "skipped"
    # ...then the lease expires and the sweeper hands it over.
    SyncJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert jobs.jobs_enqueue_due() == 1
    assert push.job_run(job_id=job.pk, owner="worker-2") == "done"
    assert len(qbo.invoices()) == before + 1
    link = InvoiceLink.objects.get(invoice=invoice)
    assert [row["Id"] for row in qbo.company.find("Invoice", DocNumber=invoice.number)] == [
        link.qbo_id
    ]
    # One create; the invoice found is then brought up to date (an edit may have ridden along).
    assert _invoice_writes(qbo) == ["create", "update"]


def test_dropped_connection_after_commit_is_looked_up_before_creating_again(qbo):
    qbo.emulator.set_settings(requestid_mode="ignore")
    qbo.emulator.add_fault(action="drop_after", entity="invoice", method="POST", times=1)
    invoice = issue_invoice(qbo.business)
    before = len(qbo.invoices())
    assert run_due() == ["pending"]
    job = SyncJob.objects.get()
    assert (job.status, job.last_error_key, job.attempts) == ("pending", "network", 1)
    assert job.next_attempt_at > timezone.now()
    make_due(job)
    assert run_due() == ["done"]
    assert len(qbo.invoices()) == before + 1
    assert _invoice_writes(qbo) == ["create", "update"]
    assert InvoiceLink.objects.get(invoice=invoice).doc_number == invoice.number


def test_server_error_retries_with_backoff_then_succeeds(qbo):
    qbo.emulator.add_fault(action="status", status=503, entity="invoice", method="POST", times=2)
    issue_invoice(qbo.business)
    job = SyncJob.objects.get()
    delays = []
    for _ in range(2):
        assert run_due() == ["pending"]
        job.refresh_from_db()
        assert (job.status, job.last_error_key) == ("pending", "server")
        delays.append((job.next_attempt_at - timezone.now()).total_seconds())
        make_due(job)
    assert 0.5 < delays[0] <= 2.0
    assert 1.5 < delays[1] <= 4.0
    assert run_due() == ["done"]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.last_error_key) == ("done", 3, "")
    assert job.remote_attempts.filter(http_status=503, outcome="retry").count() == 2


def test_backoff_is_capped_and_jittered():
    assert outcome.backoff_delay(1, rng=lambda: 0.0) == 1.0
    assert outcome.backoff_delay(1, rng=lambda: 1.0) == 2.0
    assert outcome.backoff_delay(4, rng=lambda: 1.0) == 16.0
    assert outcome.backoff_delay(30, rng=lambda: 0.0) == 150.0
    assert outcome.backoff_delay(30, rng=lambda: 1.0) == 300.0


def test_too_many_failures_fail_the_job_with_a_retry_button(qbo, monkeypatch):
    monkeypatch.setattr(outcome, "MAX_ATTEMPTS", 2)
    qbo.emulator.add_fault(action="status", status=500, entity="invoice", method="POST")
    issue_invoice(qbo.business)
    job = SyncJob.objects.get()
    run_due()
    make_due(job)
    run_due()
    job.refresh_from_db()
    assert (job.status, job.last_error_key, job.last_error_params) == (
        "failed",
        "too_many_attempts",
        {"attempts": 2},
    )
    qbo.emulator.clear_faults()
    jobs.job_retry(business=qbo.business, job=job)
    assert run_due() == ["done"]
    assert InvoiceLink.objects.count() == 1


def test_stale_sync_token_rereads_and_reapplies(qbo):
    invoice = issue_invoice(qbo.business)
    run_due()
    link = InvoiceLink.objects.get()
    # Someone edits the invoice in QuickBooks: our SyncToken is now stale.
    remote = qbo.company.get("Invoice", link.qbo_id)
    qbo.company.save("Invoice", {**remote, "CustomerMemo": {"value": "edited in QBO"}})
    edit_invoice(invoice)
    assert run_due() == ["done"]
    job = SyncJob.objects.filter(operation="update").get()
    remote = qbo.company.get("Invoice", link.qbo_id)
    assert Decimal(str(remote["TotalAmt"])) == Decimal("258.69")
    assert list(job.remote_attempts.values_list("operation", "outcome")) == [
        ("update Invoice", "stale"),
        ("read Invoice", "success"),
        ("update Invoice", "success"),
    ]
    link.refresh_from_db()
    assert (link.sync_token, link.qbo_total) == (remote["SyncToken"], Decimal("258.69"))


def test_duplicate_name_links_the_existing_customer_after_checking_it(qbo, monkeypatch):
    from accounting.qbo.sales import SalesApi

    # Another app created the customer between our search and our create: QBO answers 6240.
    existing = qbo.company.save("Customer", {"DisplayName": "Gabrielle Lavoie"})
    monkeypatch.setattr(SalesApi, "customer_find", lambda self, **kwargs: None)
    customers_before = len(qbo.customers())
    issue_invoice(qbo.business)
    assert run_due() == ["done"]
    job = SyncJob.objects.get()
    assert CustomerLink.objects.get().qbo_id == existing["Id"]
    assert len(qbo.customers()) == customers_before
    assert list(job.remote_attempts.values_list("operation", "fault_code")) == [
        ("create Customer", "6240"),
        ("read Customer", ""),
        ("create Invoice", ""),
    ]
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    assert remote["CustomerRef"]["value"] == existing["Id"]


def test_duplicate_name_of_an_inactive_customer_fails_with_what_to_do(qbo):
    # Inactive customers are left out of name searches, but still hold their name (6240).
    existing = qbo.company.save("Customer", {"DisplayName": "Gabrielle Lavoie"})
    qbo.company.save("Customer", {**qbo.company.get("Customer", existing["Id"]), "Active": False})
    issue_invoice(qbo.business)
    invoices_before = len(qbo.invoices())
    assert run_due() == ["failed"]
    job = SyncJob.objects.get()
    assert (job.status, job.last_error_key, job.last_error_params) == (
        "failed",
        "customer_inactive",
        {"name": "Gabrielle Lavoie"},
    )
    assert CustomerLink.objects.count() == 0
    assert len(qbo.invoices()) == invoices_before
    assert list(job.remote_attempts.values_list("operation", flat=True)) == [
        "query Customer",
        "query Customer",
        "create Customer",
        "read Customer",
    ]


def test_duplicate_name_of_a_vendor_is_not_linked(qbo, monkeypatch):
    from accounting.qbo import errors
    from accounting.qbo.sales import SalesApi

    def vendor_holds_the_name(self, body, *, request_id):
        # What errors.py makes of a 6240 answer.
        raise errors.QboDuplicateName(
            "Duplicate Name Exists Error",
            code="6240",
            detail="The name supplied already exists. : Id=999999",
            status=400,
        )

    monkeypatch.setattr(SalesApi, "customer_create", vendor_holds_the_name)
    customers_before = len(qbo.customers())
    issue_invoice(qbo.business)
    run_due()
    job = SyncJob.objects.get()
    assert (job.status, job.last_error_key) == ("failed", "duplicate_name_other")
    assert CustomerLink.objects.count() == 0
    assert len(qbo.customers()) == customers_before
    assert qbo.calls("POST", "/invoice") == []


def test_existing_customer_is_found_by_email_and_linked(qbo):
    remote = qbo.company.save(
        "Customer",
        {
            "DisplayName": "G. Lavoie (maison)",
            "PrimaryEmailAddr": {"Address": "gabrielle.lavoie@example.com"},
        },
    )
    customers_before = len(qbo.customers())
    issue_invoice(qbo.business)
    assert run_due() == ["done"]
    assert CustomerLink.objects.get().qbo_id == remote["Id"]
    assert len(qbo.customers()) == customers_before
    link = InvoiceLink.objects.get()
    assert qbo.company.get("Invoice", link.qbo_id)["CustomerRef"]["value"] == remote["Id"]


def test_throttled_company_is_paused_for_every_worker_without_a_hot_loop(qbo):
    qbo.emulator.add_fault(action="throttle", entity="invoice", method="POST", times=1)
    issue_invoice(qbo.business)
    issue_invoice(
        qbo.business,
        contact=make_contact(qbo.business, display_name="Luc Roy", email="luc@example.com"),
    )
    first, second = SyncJob.objects.order_by("id")
    assert push.job_run(job_id=first.pk, owner="w1") == "pending"
    first.refresh_from_db()
    assert first.last_error_key == "throttled"
    assert 59 < (first.next_attempt_at - timezone.now()).total_seconds() < 63
    paused_until = limiter.realm_paused_until(CA_REALM)
    assert paused_until is not None
    calls = len(qbo.emulator.requests_log)
    # The other worker does not call QBO while the company is paused.
    assert push.job_run(job_id=second.pk, owner="w2") == "pending"
    second.refresh_from_db()
    assert (second.last_error_key, second.attempts) == ("throttled", 0)
    assert len(qbo.emulator.requests_log) == calls
    assert run_due() == []
    limiter.unpause_realm(CA_REALM)
    make_due(first)
    make_due(second)
    assert run_due() == ["done", "done"]
    assert InvoiceLink.objects.count() == 2


def test_a_pause_does_not_erase_an_earlier_attempt_that_may_have_reached_quickbooks(qbo):
    # given a job whose first attempt ended ambiguously (it may have created the invoice)
    issue_invoice(qbo.business)
    job = SyncJob.objects.get()
    SyncJob.objects.filter(pk=job.pk).update(attempts=1)
    # when it runs while the company is paused
    limiter.pause_realm(CA_REALM, seconds=60)
    calls = len(qbo.emulator.requests_log)
    assert push.job_run(job_id=job.pk, owner="w1") == "pending"
    # then nothing was sent and the earlier attempt still counts (the next run looks up first)
    job.refresh_from_db()
    assert (job.last_error_key, job.attempts) == ("throttled", 1)
    assert len(qbo.emulator.requests_log) == calls
    limiter.unpause_realm(CA_REALM)


def test_expired_access_token_is_renewed_once_and_the_call_retried(qbo):
    qbo.emulator.expire_tokens(CA_REALM, "access")
    issue_invoice(qbo.business)
    assert run_due() == ["done"]
    job = SyncJob.objects.get()
    outcomes = list(job.remote_attempts.values_list("http_status", "outcome"))
    assert outcomes[0] == (401, "auth")
    assert outcomes[1:] == [(200, "success")] * 4
    assert len(qbo.calls("POST", "/oauth2/v1/tokens/bearer")) == 1
    qbo.connection.refresh_from_db()
    assert qbo.connection.last_refreshed_at is not None


def test_lost_broker_message_is_found_by_the_sweeper(
    qbo, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue_invoice(qbo.business)
    job = SyncJob.objects.get()
    assert enqueued == [(job.pk, None)]
    enqueued.clear()  # Redis lost it: no worker will ever receive this message.
    assert jobs.jobs_enqueue_due() == 0  # just enqueued: probably still on its way
    SyncJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(minutes=2))
    assert jobs.jobs_enqueue_due() == 1
    assert enqueued == [(job.pk, None)]
    from accounting.sync.tasks import sync_run_job

    assert sync_run_job(job.pk) == "done"
    assert sync_run_job(job.pk) == "skipped"
    assert InvoiceLink.objects.count() == 1


def test_payment_waits_for_its_invoice(qbo):
    qbo.emulator.add_fault(action="status", status=503, entity="invoice", method="POST", times=1)
    invoice = issue_invoice(qbo.business)
    payment = invoicing.payment_record(
        invoice=invoice, amount=Decimal("10.00"), date=datetime.date(2026, 11, 21)
    )
    invoice_job, payment_job = SyncJob.objects.order_by("id")
    assert payment_job.depends_on_id == invoice_job.pk
    assert push.job_run(job_id=payment_job.pk) == "waiting"
    payment_job.refresh_from_db()
    assert payment_job.last_error_key == "waiting_invoice"
    assert qbo.payments() == [] or PaymentLink.objects.count() == 0
    payments_before = len(qbo.payments())
    assert run_due() == ["pending"]  # the invoice failed once (503): the payment waits
    make_due(invoice_job)
    assert run_due() == ["done", "done"]
    assert len(qbo.payments()) == payments_before + 1
    assert PaymentLink.objects.get(payment=payment)


def test_updates_to_one_invoice_run_in_order(qbo):
    invoice = issue_invoice(qbo.business)
    for quantity in ("3", "4"):
        # Each edit while a worker holds the previous job makes a new job behind it.
        SyncJob.objects.filter(status="pending").update(
            status="running",
            lease_owner="busy",
            lease_expires_at=timezone.now() + timedelta(minutes=5),
        )
        edit_invoice(invoice, quantity=quantity, unit_price="10.00", description="x")
    SyncJob.objects.update(status="pending", lease_owner="", lease_expires_at=None)
    create, first_update, second_update = SyncJob.objects.order_by("id")
    assert push.job_run(job_id=second_update.pk) == "waiting"
    assert push.job_run(job_id=first_update.pk) == "waiting"
    assert run_due() == ["done", "done", "done"]
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    assert Decimal(str(remote["TotalAmt"])) == Decimal("45.99")
    done_order = list(SyncJob.objects.order_by("done_at").values_list("pk", flat=True))
    assert done_order == [create.pk, first_update.pk, second_update.pk]


def test_an_edit_before_the_push_rides_along_with_the_pending_job(qbo):
    invoice = issue_invoice(qbo.business)
    edit_invoice(invoice, quantity="1", unit_price="10.00", description="x")
    assert SyncJob.objects.count() == 1
    assert run_due() == ["done"]
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get().qbo_id)
    assert Decimal(str(remote["TotalAmt"])) == Decimal("11.50")


def test_linked_contact_edit_updates_the_quickbooks_customer(qbo):
    invoice = issue_invoice(qbo.business)
    run_due()
    contacts.contact_update(
        contact=invoice.contact, display_name="Gabrielle Lavoie-Roy", email="glr@example.com"
    )
    job = SyncJob.objects.filter(kind="customer").get()
    assert job.operation == "update"
    assert run_due() == ["done"]
    remote = qbo.company.get("Customer", CustomerLink.objects.get().qbo_id)
    assert remote["DisplayName"] == "Gabrielle Lavoie-Roy"
    assert remote["PrimaryEmailAddr"] == {"Address": "glr@example.com"}


def test_unlinked_contact_edit_sends_nothing(qbo):
    contact = make_contact(qbo.business)
    contacts.contact_update(contact=contact, display_name="Quelqu'un")
    assert SyncJob.objects.count() == 0


def _backlog(qbo, count: int):
    contact = make_contact(qbo.business)
    issue_invoice(qbo.business, contact=contact)
    assert run_due() == ["done"]  # the customer is now linked
    return [issue_invoice(qbo.business, contact=contact) for _ in range(count)]


def test_backlog_goes_through_the_batch_endpoint(qbo, settings):
    settings.QBO_SYNC_BATCH_THRESHOLD = 5
    invoices = _backlog(qbo, 35)
    before = len(qbo.invoices())
    run_due()
    assert SyncJob.objects.filter(status="done").count() == 36
    batch_calls = qbo.calls("POST", "/batch")
    assert len(batch_calls) == 2
    assert len(qbo.invoices()) == before + 35
    links = {link.invoice_id: link for link in InvoiceLink.objects.all()}
    for invoice in invoices:
        remote = qbo.company.get("Invoice", links[invoice.pk].qbo_id)
        assert remote["DocNumber"] == invoice.number
        assert Decimal(str(remote["TotalAmt"])) == invoice.total
        # each job shows its own invoice's QuickBooks id and number
        job = SyncJob.objects.get(object_id=invoice.pk)
        assert (job.status, job.qbo_id, job.qbo_number) == (
            "done",
            links[invoice.pk].qbo_id,
            invoice.number,
        )
    job = SyncJob.objects.get(object_id=invoices[0].pk)
    assert list(job.remote_attempts.values_list("operation", "http_status")) == [
        ("batch (30)", 200)
    ]


def test_batch_item_fault_fails_only_that_invoice(qbo, settings, monkeypatch):
    settings.QBO_SYNC_BATCH_THRESHOLD = 3
    invoices = _backlog(qbo, 4)
    from accounting.sync.services import batch

    real_build = batch._build

    def one_bad_item(group, connection):
        items, entries, single = real_build(group, connection)
        items[1]["Invoice"]["Line"][0]["SalesItemLineDetail"]["ItemRef"] = {"value": "999999"}
        return items, entries, single

    monkeypatch.setattr(batch, "_build", one_bad_item)
    run_due()
    assert sorted(SyncJob.objects.values_list("status", flat=True)) == ["done"] * 4 + ["failed"]
    failed = SyncJob.objects.get(status="failed")
    assert failed.object_id == invoices[1].pk
    assert failed.last_error_key == "qbo_reference_invalid"
    assert InvoiceLink.objects.filter(invoice__in=invoices).count() == 3


def test_batch_lost_in_transit_is_looked_up_by_number_not_duplicated(qbo, settings):
    settings.QBO_SYNC_BATCH_THRESHOLD = 3
    qbo.emulator.add_fault(action="drop_after", path="/batch", method="POST", times=1)
    invoices = _backlog(qbo, 4)
    before = len(qbo.invoices())
    run_due()
    assert SyncJob.objects.filter(status="pending", last_error_key="network").count() == 4
    assert len(qbo.invoices()) == before + 4  # QBO did create them
    SyncJob.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    run_due()
    assert SyncJob.objects.filter(status="done").count() == 5
    assert len(qbo.invoices()) == before + 4
    assert InvoiceLink.objects.filter(invoice__in=invoices).count() == 4


def test_payment_lost_after_quickbooks_committed_it_is_found_by_its_reference(qbo):
    qbo.emulator.set_settings(requestid_mode="ignore")
    invoice = issue_invoice(qbo.business)
    run_due()
    qbo.emulator.add_fault(action="drop_after", entity="payment", method="POST", times=1)
    payment = invoicing.payment_record(
        invoice=invoice, amount=Decimal("40.00"), date=datetime.date(2026, 11, 23)
    )
    assert run_due() == ["pending"]
    job = SyncJob.objects.get(kind="payment")
    assert len(qbo.payments()) == 1
    make_due(job)
    assert run_due() == ["done"]
    assert len(qbo.payments()) == 1
    assert PaymentLink.objects.get(payment=payment).qbo_id == qbo.payments()[0]["Id"]
    assert qbo.payments()[0]["PrivateNote"] == f"Plannit payment #{payment.pk} {job.request_id}"


def test_refused_refresh_token_pauses_the_job_until_reconnect(qbo):
    from accounting.models import ConnectionStatus

    qbo.emulator.revoke_tokens(CA_REALM)
    qbo.connection.access_token_expires_at = timezone.now() - timedelta(minutes=1)
    qbo.connection.save()
    issue_invoice(qbo.business)
    before = len(qbo.invoices())
    assert run_due() == ["waiting"]
    job = SyncJob.objects.get()
    assert (job.status, job.last_error_key) == ("waiting", "reconnect")
    qbo.connection.refresh_from_db()
    assert qbo.connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert len(qbo.invoices()) == before
    assert qbo.calls("POST", "/invoice") == []


def test_lease_is_one_conditional_update_returning_the_row(qbo, django_assert_num_queries):
    invoice = issue_invoice(qbo.business)
    job = SyncJob.objects.get(object_id=invoice.pk)
    SyncJob.objects.filter(pk=job.pk).update(last_error_params={"detail": "é"}, attempts=2)
    with django_assert_num_queries(1):
        leased = lease.job_lease(job_id=job.pk, owner="worker-a")
    stored = SyncJob.objects.get(pk=job.pk)
    assert leased is not None and leased.pk == job.pk
    for field in SyncJob._meta.concrete_fields:
        assert getattr(leased, field.attname) == getattr(stored, field.attname), field.name
    assert leased.status == SyncStatus.RUNNING and leased.lease_owner == "worker-a"
    assert leased.lease_expires_at.tzinfo is not None
    assert leased.last_error_params == {"detail": "é"} and leased.attempts == 2
    # Held by a live lease, or not due: nobody else gets it.
    assert lease.job_lease(job_id=job.pk, owner="worker-b") is None
    SyncJob.objects.filter(pk=job.pk).update(
        status=SyncStatus.PENDING, next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    assert lease.job_lease(job_id=job.pk, owner="worker-b") is None
    # An expired lease is taken over.
    SyncJob.objects.filter(pk=job.pk).update(
        status=SyncStatus.RUNNING, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert lease.job_lease(job_id=job.pk, owner="worker-b").lease_owner == "worker-b"
