"""Reading: paged the first time, changes only afterwards (a quiet day is one call), resumable
after an interruption; nightly runs jittered; runs kept 90 days."""

from datetime import timedelta

from django.utils import timezone

from accounting.qbo import errors
from accounting.qbo import reconcile as wire
from accounting.reconcile.models import (
    ReconcileRun,
    ReconcileState,
    RunMode,
    RunStatus,
    SnapshotDoc,
)
from accounting.reconcile.services import runs
from accounting.sync.services.usage import usage_reads_this_month

from .conftest import check, differences, synced_books


def _calls(world, part: str) -> int:
    return sum(1 for entry in world.emulator.requests_log if entry["path"].endswith(part))


def test_the_first_run_reads_pages_then_a_quiet_day_costs_one_call(qbo):
    synced_books(qbo)
    queries_of_the_sync = _calls(qbo, "/query")
    first = check(qbo, page_size=2)
    # 2 invoices (a full page, then an empty one), 1 payment, no credit memo, refund or sales
    # receipt (one empty page each), the customers (seeded + ours)
    customers = len(qbo.customers())
    expected_pages = 2 + 1 + 3 + (customers // 2 + 1)
    assert (first.mode, first.reads) == (RunMode.FULL, expected_pages)
    assert _calls(qbo, "/query") - queries_of_the_sync == expected_pages
    reads = usage_reads_this_month(realm_id=qbo.connection.realm_id)
    second = check(qbo)
    assert (second.mode, second.reads, second.difference_count) == (RunMode.CHANGES, 1, 0)
    assert _calls(qbo, "/cdc") == 1
    assert usage_reads_this_month(realm_id=qbo.connection.realm_id) == reads + 1
    assert second.invoice_count == 2


def test_a_change_between_runs_arrives_through_cdc(qbo):
    invoices, _payments = synced_books(qbo)
    check(qbo)
    invoice, qbo_id = invoices[1]
    qbo.company.delete("Invoice", qbo_id)
    run = check(qbo)
    assert run.mode == RunMode.CHANGES
    assert differences(run) == [("missing", "Invoice", "send_again", {"number": invoice.number})]
    assert not SnapshotDoc.objects.filter(entity="Invoice", qbo_id=qbo_id).exists()


def test_an_interrupted_run_resumes_from_its_checkpoint(qbo, monkeypatch):
    synced_books(qbo, invoices=3)
    real_page = wire.ReconcileApi.page
    asked = []

    def failing_page(self, entity, start, *, page_size):
        asked.append((entity, start))
        if (entity, start) == ("Invoice", 3) and len(asked) == 2:
            raise errors.QboServerError("QuickBooks is unavailable")
        return real_page(self, entity, start, page_size=page_size)

    monkeypatch.setattr(wire.ReconcileApi, "page", failing_page)
    run = check(qbo, page_size=2)
    assert (run.status, run.stage, run.position) == (RunStatus.RUNNING, "Invoice", 3)
    assert run.error.startswith("QboServerError")
    assert SnapshotDoc.objects.filter(entity="Invoice").count() == 2
    assert run.differences.count() == 0
    asked.clear()
    resumed = check(qbo, page_size=2)
    assert resumed.pk == run.pk
    assert (resumed.status, resumed.difference_count, resumed.invoice_count) == (
        RunStatus.DONE,
        0,
        3,
    )
    # it went on from the third invoice: the first page was not read again
    assert asked[:2] == [("Invoice", 3), ("Payment", 1)]
    assert ReconcileRun.objects.count() == 1


def test_nightly_runs_are_jittered_and_claimed_once(qbo, settings):
    settings.QBO_RECONCILE_INTERVAL_SECONDS = 86_400
    assert runs.runs_due() == []  # the first time: a random moment in the next day
    state = ReconcileState.objects.get()
    assert timezone.now() <= state.next_run_at <= timezone.now() + timedelta(days=1)
    ReconcileState.objects.update(next_run_at=timezone.now() - timedelta(seconds=1))
    before = timezone.now()
    [run_id] = runs.runs_due()
    assert ReconcileRun.objects.get(pk=run_id).trigger == "nightly"
    wait = (ReconcileState.objects.get().next_run_at - before).total_seconds()
    assert 77_760 - 1 <= wait <= 95_041
    assert runs.runs_due() == []


def test_runs_are_kept_ninety_days(qbo):
    synced_books(qbo, paid=0)
    old = check(qbo)
    ReconcileRun.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(days=91))
    recent = check(qbo)
    assert runs.runs_prune() >= 1
    assert list(ReconcileRun.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_disconnected_company_fails_its_run_without_reading(qbo):
    run = runs.run_start(business_id=qbo.business.pk, realm_id=qbo.connection.realm_id)
    qbo.connection.status = "disconnected"
    qbo.connection.save()
    run = runs.run_execute(run_id=run.pk)
    assert (run.status, run.error) == (RunStatus.FAILED, "not connected")
    assert _calls(qbo, "/query") == 0


def test_runs_and_differences_stay_with_their_business(qbo):
    from accounting.sync.models import InvoiceLink, SyncJob
    from tests.factories.businesses import BusinessFactory
    from tests.factories.invoicing import TaxGroupFactory

    from .conftest import US_REALM, connect_business, issue_invoice

    synced_books(qbo, paid=0)
    other = BusinessFactory()
    TaxGroupFactory(business=other, name="TPS", is_default=True, components=[("TPS", "5")])
    connect_business(qbo.emulator, other, realm_id=US_REALM)
    theirs = issue_invoice(other)
    InvoiceLink.objects.create(business=other, realm_id=US_REALM, invoice=theirs, qbo_id="999")
    SyncJob.objects.filter(business=other).update(status="done")  # as if sent
    mine = check(qbo)
    assert (mine.difference_count, mine.invoice_count) == (0, 2)
    assert not SnapshotDoc.objects.filter(business=other).exists()
    run = runs.run_start(business_id=other.pk, realm_id=US_REALM)
    theirs_run = runs.run_execute(run_id=run.pk)
    assert theirs_run.pk != mine.pk
    assert [(d.kind, d.invoice_id) for d in theirs_run.differences.all()] == [
        ("missing", theirs.pk)
    ]
    assert mine.differences.count() == 0
    assert not SnapshotDoc.objects.filter(business=qbo.business, realm_id=US_REALM).exists()


def test_beat_sweeps_the_due_checks_and_a_held_run_is_skipped(qbo, monkeypatch, settings):
    from django.core.cache import cache

    from accounting.reconcile import tasks

    assert settings.CELERY_BEAT_SCHEDULE["accounting-reconcile-sweep"]["task"] == (
        "accounting_reconcile.sweep"
    )
    sent = []
    monkeypatch.setattr(tasks.reconcile_run, "apply_async", lambda args: sent.append(args))
    runs.runs_due()  # the company's first sight: scheduled, not started
    ReconcileState.objects.update(next_run_at=timezone.now() - timedelta(seconds=1))
    assert tasks.reconcile_sweep() == 1
    [[run_id]] = sent
    cache.add(f"reconcile:run:{run_id}", 1)
    assert tasks.reconcile_run(run_id) == "skipped"
    assert ReconcileRun.objects.get(pk=run_id).status == RunStatus.RUNNING
    cache.delete(f"reconcile:run:{run_id}")
    assert tasks.reconcile_run(run_id) == RunStatus.DONE


def test_after_the_upgrade_each_company_reads_everything_again(qbo):
    # snapshots made before credit memos, refunds and sales receipts were read have none of
    # them: the migration that adds them makes the next check read everything
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "accounting.reconcile.migrations.0002_credits_and_duplicate_void"
    )
    synced_books(qbo)
    done = check(qbo)
    midway = runs.run_start(business_id=qbo.business.pk, realm_id=qbo.connection.realm_id)
    ReconcileRun.objects.filter(pk=midway.pk).update(mode="full", stage="Customer", position=3)
    migration.read_everything_again(apps, None)
    state = ReconcileState.objects.get(business=qbo.business)
    assert state.changed_since is None
    midway.refresh_from_db()
    assert (midway.mode, midway.stage, midway.position, midway.read_started_at) == ("", "", 1, None)
    done.refresh_from_db()
    assert (done.status, done.mode) == (RunStatus.DONE, RunMode.FULL)
    resumed = runs.run_execute(run_id=midway.pk)
    assert (resumed.mode, resumed.status, resumed.difference_count) == (
        RunMode.FULL,
        RunStatus.DONE,
        0,
    )


def test_after_a_repair_the_next_run_reads_the_customers_whose_documents_changed(qbo):
    # Found trying it: QuickBooks moves a customer's open balance with its invoices without
    # listing the customer as changed, so a check by changes kept the old balance and found a
    # customer difference after the repair that had just fixed the invoice.
    from accounting.reconcile.services.repair import difference_repair
    from accounting.sync.models import SyncJob
    from tests.accounting.sync.conftest import run_due

    invoices, _payments = synced_books(qbo)
    check(qbo)
    _an_hour_ago(qbo, "Customer")  # out of the next checks' overlap
    invoice, qbo_id = invoices[0]
    record = qbo.company.get("Invoice", qbo_id)
    record["Line"][0]["Amount"] = "140.00"
    record["Line"][0]["SalesItemLineDetail"]["UnitPrice"] = "70.00"
    qbo.company.save("Invoice", record)
    changed = check(qbo)
    assert [kind for kind, *_rest in differences(changed)] == ["amount"]
    difference_repair(business=qbo.business, difference_id=changed.differences.get().pk)
    assert run_due() == ["done"]
    assert SyncJob.objects.order_by("-id").first().operation == "update"
    cdc_before, queries_before = _calls(qbo, "/cdc"), _calls(qbo, "/query")
    # when the next check runs by changes
    repaired = check(qbo)
    # then the books match, the customer read again in one query besides the /cdc call
    assert (repaired.mode, repaired.difference_count, repaired.matches) == (
        RunMode.CHANGES,
        0,
        True,
    )
    assert repaired.receivables_plannit == repaired.receivables_qbo
    assert (_calls(qbo, "/cdc") - cdc_before, _calls(qbo, "/query") - queries_before) == (1, 1)
    assert repaired.reads == 2
    # and a quiet day after it is one call again
    _an_hour_ago(qbo, *qbo.emulator.state.companies[qbo.connection.realm_id].changed)
    assert check(qbo).reads == 1


def _an_hour_ago(world, *entities: str) -> None:
    """These objects' last change, for the emulator's /cdc, an hour earlier."""
    changed = world.emulator.state.companies[world.connection.realm_id].changed
    for entity in entities:
        for obj_id in changed.get(entity, {}):
            changed[entity][obj_id] -= 3600
