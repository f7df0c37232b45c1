"""The path of every push, kept short: what a steady-state invoice costs before its call to
QuickBooks, the attempt counted with the lease, the owner's mapping read once per change."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounting.models import AccountingSettings, TaxGroupMapping
from accounting.qbo import client as qbo_client
from accounting.sync.models import InvoiceLink, ItemLink, SyncJob, SyncStatus
from accounting.sync.services import blockers, mapping, push
from invoicing import services as invoicing
from tests.factories.catalog import ItemFactory

from .conftest import issue_invoice, linked_item, make_contact, run_due

pytestmark = pytest.mark.django_db


def _queries_before_the_call(monkeypatch, job_id: int, every: list | None = None):
    """Run the job; return its status and the SQL it ran before its first HTTP call (and all
    of it in `every`)."""
    seen: list[list[str]] = []
    real = qbo_client.QboHttp.process_request

    def process_request(self, *args, **kwargs):
        if not seen:
            seen.append([q["sql"] for q in queries.captured_queries])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(qbo_client.QboHttp, "process_request", process_request)
    with CaptureQueriesContext(connection) as queries:
        status = push.job_run(job_id=job_id, owner="w")
    if every is not None:
        every.extend(q["sql"] for q in queries.captured_queries)
    return status, seen[0] if seen else []


def test_a_steady_state_invoice_makes_five_queries_before_its_call(qbo, monkeypatch):
    # given a linked customer and the mapping already read once
    contact = make_contact(qbo.business)
    issue_invoice(qbo.business, contact=contact)
    assert run_due() == ["done"]
    invoice = issue_invoice(qbo.business, contact=contact)
    job = SyncJob.objects.get(object_id=invoice.pk, kind="invoice")
    qbo.connection.refresh_from_db()
    assert qbo.connection.last_successful_call_at is not None  # dated by the first push
    # when it runs
    every: list[str] = []
    status, before_call = _queries_before_the_call(monkeypatch, job.pk, every)
    # then: lease (which counts the attempt), what it waits for, the connection, the invoice
    # and its lines; neither the settings nor the tax groups (cached), no second lease read
    assert status == "done"
    assert len(before_call) == 5, before_call
    assert before_call[0].startswith("UPDATE") and "RETURNING" in before_call[0]
    assert '"attempts" + 1' in before_call[0]
    assert not any("accountingsettings" in sql or "taxgroup" in sql for sql in before_call)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (SyncStatus.DONE, 1)
    # and the connection's "last successful call", dated a moment ago, is not rewritten
    assert not any(sql.startswith('UPDATE "accounting_qboconnection"') for sql in every)


def test_a_job_that_waits_before_any_call_gives_its_attempt_back(qbo):
    qbo.emulator.add_fault(action="status", status=503, entity="invoice", method="POST", times=1)
    invoice = issue_invoice(qbo.business)
    invoicing.payment_record(
        invoice=invoice, amount=Decimal("10.00"), date=datetime.date(2026, 11, 21)
    )
    invoice_job, payment_job = SyncJob.objects.order_by("id")
    calls_before = len(qbo.emulator.requests_log)
    assert push.job_run(job_id=payment_job.pk, owner="w") == "waiting"
    payment_job.refresh_from_db()
    assert (payment_job.status, payment_job.attempts) == (SyncStatus.WAITING, 0)
    assert payment_job.lease_owner == ""
    assert len(qbo.emulator.requests_log) == calls_before  # nothing was sent
    # while a job that did call keeps its count (the invoice: 503, may have reached QBO)
    assert push.job_run(job_id=invoice_job.pk, owner="w") == "pending"
    invoice_job.refresh_from_db()
    assert invoice_job.attempts == 1


def test_the_mapping_is_read_once_then_from_the_cache(qbo, django_assert_num_queries):
    first = mapping.mapping_of(business_id=qbo.business.pk, is_us=False)
    with django_assert_num_queries(0):
        again = mapping.mapping_of(business_id=qbo.business.pk, is_us=False)
    assert again == first
    assert first.taxable_tax_code == qbo.settings.taxable_tax_code_id
    assert mapping.mapping_of(business_id=qbo.business.pk, is_us=True).is_us is True


def test_a_saved_change_is_sent_by_the_next_push(qbo):
    # given the mapping cached, then a tax group mapped to another code and the default
    # taxable code changed
    before = mapping.mapping_of(business_id=qbo.business.pk, is_us=False)
    assert before.tax_group_codes == {}
    TaxGroupMapping.objects.create(
        business=qbo.business, tax_group=qbo.tax_group, qbo_tax_code_id="77"
    )
    settings_row = AccountingSettings.objects.get(business=qbo.business)
    settings_row.deposit_account_id = "99"
    settings_row.save()
    # then the next read has both
    after = mapping.mapping_of(business_id=qbo.business.pk, is_us=False)
    assert after.tax_group_codes == {qbo.tax_group.pk: "77"}
    assert after.deposit_account == "99"
    # and a tax group edited through its service (0 % makes the group "exempt") too
    invoicing.taxgroup_update(
        tax_group=qbo.tax_group,
        name="Exonéré",
        components=[invoicing.ComponentInput(name="Aucune", rate=Decimal("0"))],
    )
    assert mapping.mapping_of(business_id=qbo.business.pk, is_us=False).zero_rate_tax_groups == (
        frozenset({qbo.tax_group.pk})
    )


def test_rows_read_before_a_commit_are_not_served_after_it(qbo, django_capture_on_commit_callbacks):
    # given a reader that read the old rows, then the version while the change was saved but
    # not committed, and stores them only after the commit
    old_values = mapping._read(qbo.business.pk)
    with django_capture_on_commit_callbacks(execute=True):
        TaxGroupMapping.objects.create(
            business=qbo.business, tax_group=qbo.tax_group, qbo_tax_code_id="77"
        )
        version_then = mapping._version_of(qbo.business.pk)
    mapping._store(qbo.business.pk, version_then, old_values)
    # then what it stored is not what the next push sends
    fresh = mapping.mapping_of(business_id=qbo.business.pk, is_us=False)
    assert fresh.tax_group_codes == {qbo.tax_group.pk: "77"}


def test_a_batch_finds_its_blocked_invoices_in_one_query(qbo, django_assert_num_queries):
    # given three new invoices, one of which has an earlier job still open (failed)
    first, second, third = (issue_invoice(qbo.business) for _ in range(3))
    failed = SyncJob.objects.get(object_id=second.pk)
    failed.status = SyncStatus.FAILED
    failed.save()
    later = SyncJob.objects.create(
        business=qbo.business,
        realm_id=failed.realm_id,
        kind="invoice",
        operation="create",
        object_id=second.pk,
    )
    group = list(SyncJob.objects.exclude(pk=failed.pk).order_by("id"))
    assert [job.object_id for job in group] == [first.pk, third.pk, second.pk]
    # when a batch asks which must wait
    with django_assert_num_queries(1):
        blocked = blockers.blocked_new_invoices(group)
    # then only the later job of the second invoice, as blocker_of says job by job
    assert blocked == {later.pk}
    assert {job.pk for job in group if blockers.blocker_of(job)} == blocked


def test_a_busy_company_without_a_backlog_asks_for_one_once_per_threshold(
    qbo, monkeypatch, settings
):
    # given a company whose invoices are each pushed as they come, 30 in the hint's window
    from accounting.sync.services import batch

    settings.QBO_SYNC_BATCH_THRESHOLD = 10
    contact = make_contact(qbo.business)
    counts = []
    real_others_due = batch._others_due

    def others_due(*args):
        counts.append(args)
        return real_others_due(*args)

    monkeypatch.setattr(batch, "_others_due", others_due)
    for _ in range(30):
        issue_invoice(qbo.business, contact=contact)
        assert run_due() == ["done"]
    # then the backlog count ran once per ten new invoices (hint 10, 20, 30), not 21 times
    assert len(counts) == 3
    # and a real backlog is still found: 12 due at once make the next push a batch leader
    for _ in range(12):
        issue_invoice(qbo.business, contact=contact)
    job = lease_next()
    assert batch.is_backlog_leader(job) is True


def lease_next():
    from accounting.sync.services import lease

    first = SyncJob.objects.filter(status=SyncStatus.PENDING).order_by("id").first()
    return lease.job_lease(job_id=first.pk, owner="w", count_attempt=True)


def test_item_lines_bring_their_names_and_qbo_ids_in_the_same_five_queries(qbo, monkeypatch):
    # given a linked customer, a linked item and an item of another company's link only
    contact = make_contact(qbo.business)
    issue_invoice(qbo.business, contact=contact)
    assert run_due() == ["done"]
    linked, qbo_item = linked_item(qbo, "Déplacement", is_taxable=False)
    elsewhere = ItemFactory(business=qbo.business, name="Sel de déglaçage")
    ItemLink.objects.create(
        business=qbo.business, realm_id="9999999", item=elsewhere, qbo_id="77", qbo_name="Sel"
    )
    invoice = issue_invoice(
        qbo.business,
        contact=contact,
        lines=[
            invoicing.LineInput(
                item=linked, quantity=Decimal("1"), unit_price=Decimal("45"), is_taxable=False
            ),
            invoicing.LineInput(item=elsewhere, quantity=Decimal("2"), unit_price=Decimal("12")),
        ],
    )
    invoice.lines.update(description="")  # the item's name is the description then
    job = SyncJob.objects.get(object_id=invoice.pk, kind="invoice")
    # when it runs
    status, before_call = _queries_before_the_call(monkeypatch, job.pk)
    # then: still five queries (no item, item link or contact read of their own)
    assert status == "done"
    assert len(before_call) == 5, before_call
    remote = qbo.company.get("Invoice", InvoiceLink.objects.get(invoice=invoice).qbo_id)
    sales = [line for line in remote["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    assert [
        (line["Description"], line["SalesItemLineDetail"]["ItemRef"]["value"]) for line in sales
    ] == [
        ("Déplacement", qbo_item["Id"]),
        ("Sel de déglaçage", qbo.settings.default_item_id),  # not linked in this company
    ]
    assert remote["BillEmail"]["Address"] == "gabrielle.lavoie@example.com"
