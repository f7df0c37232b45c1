"""'Void the duplicate': two QuickBooks invoices carry one number, one linked to Plannit. The
owner sees both on a confirmation page; on confirm, the one not linked is voided through the
engine, once; ours is never touched; refused when the other has a payment; another business
can neither see nor confirm."""

from decimal import Decimal

import pytest
from django.test import Client

from accounting.sync.models import SyncJob
from accounting.sync.services.jobs import job_create
from core.exceptions import ApplicationError
from tests.factories.businesses import BusinessFactory, MembershipFactory

from .conftest import check, run_due, synced_books
from .test_differences import _new_copy, _typed_in_quickbooks

URL = "/settings/accounting/books/differences/{}/void-duplicate/"


def _duplicated(world):
    invoices, _payments = synced_books(world, paid=0)
    invoice, qbo_id = invoices[0]
    copy = _typed_in_quickbooks(world, _new_copy(world.company.get("Invoice", qbo_id)))
    difference = check(world).differences.get()
    assert (difference.kind, difference.repair, difference.qbo_id) == (
        "duplicate",
        "void_duplicate",
        qbo_id,
    )
    return invoice, qbo_id, copy["Id"], difference


def _void_calls(world) -> int:
    return sum(
        1
        for entry in world.emulator.requests_log
        if entry["path"].endswith("/invoice") and "void" in str(entry.get("query", ""))
    )


def _is_voided(world, qbo_id) -> bool:
    return str(world.company.get("Invoice", qbo_id).get("PrivateNote") or "").startswith("Voided")


def test_the_confirmation_page_shows_both_quickbooks_invoices(qbo, owner_client):
    invoice, ours, theirs, difference = _duplicated(qbo)
    page = owner_client.get(URL.format(difference.pk))
    assert page.status_code == 200
    text = page.content.decode()
    for qbo_id in (ours, theirs):
        row = text.split(f'id="side-{qbo_id}"', 1)[1].split("</tr>", 1)[0]
        assert f"<td>{qbo_id}</td><td>{invoice.number}</td>" in row
        assert f"<td>Nov. 20, 2026</td><td>{invoice.contact.display_name}</td>" in row
        assert "<td>$172.46</td>" in row
    assert invoice.issue_date.isoformat() == "2026-11-20" and invoice.total == Decimal("172.46")
    assert f"Void QuickBooks invoice {theirs}" in text
    assert SyncJob.objects.filter(kind="duplicate").count() == 0  # a GET changes nothing
    run_page = owner_client.get(f"/settings/accounting/books/runs/{difference.run_id}/")
    assert URL.format(difference.pk) in run_page.content.decode()


def test_confirming_voids_the_other_invoice_once_and_never_ours(qbo, owner_client):
    invoice, ours, theirs, difference = _duplicated(qbo)
    ours_before = qbo.company.get("Invoice", ours)
    response = owner_client.post(URL.format(difference.pk))
    assert response.status_code == 302
    job = SyncJob.objects.get(kind="duplicate")
    assert (job.operation, job.object_id, job.qbo_id) == ("void", invoice.pk, theirs)
    assert not _is_voided(qbo, theirs)  # through the engine: nothing before the job runs
    assert run_due() == ["done"]
    assert _is_voided(qbo, theirs)
    assert qbo.company.get("Invoice", theirs)["TotalAmt"] == 0
    assert qbo.company.get("Invoice", ours) == ours_before
    assert _void_calls(qbo) == 1
    # a second click changes nothing
    owner_client.post(URL.format(difference.pk))
    assert SyncJob.objects.filter(kind="duplicate").count() == 1
    assert run_due() == []
    assert _void_calls(qbo) == 1
    assert check(qbo).difference_count == 0


def test_a_duplicate_with_a_payment_applied_is_not_voided(qbo, owner_client):
    _invoice, ours, theirs, _old = _duplicated(qbo)
    qbo.company.record_payment([(theirs, Decimal("20.00"))], TxnDate="2026-11-28")
    difference = check(qbo).differences.get(kind="duplicate")
    page = owner_client.get(URL.format(difference.pk)).content.decode()
    assert f"QuickBooks invoice {theirs} has a payment applied" in page
    assert '<form method="post">' not in page
    owner_client.post(URL.format(difference.pk))
    assert SyncJob.objects.filter(kind="duplicate").count() == 0
    difference.refresh_from_db()
    assert difference.repaired_at is None
    assert not _is_voided(qbo, theirs) and not _is_voided(qbo, ours)


def test_the_job_refuses_a_duplicate_paid_after_the_confirmation(qbo, owner_client):
    _invoice, ours, theirs, difference = _duplicated(qbo)
    owner_client.post(URL.format(difference.pk))
    qbo.company.record_payment([(theirs, Decimal("20.00"))], TxnDate="2026-11-28")
    run_due()
    job = SyncJob.objects.get(kind="duplicate")
    assert (job.status, job.last_error_key) == ("failed", "duplicate_paid")
    assert not _is_voided(qbo, theirs) and not _is_voided(qbo, ours)


def test_the_job_never_voids_an_invoice_linked_to_plannit(qbo):
    invoices, _payments = synced_books(qbo, paid=0)
    (first, first_id), (_second, second_id) = invoices
    # a job pointed (wrongly) at one of ours: it fails, nothing is voided
    job = job_create(
        business_id=qbo.business.pk,
        realm_id=qbo.connection.realm_id,
        kind="duplicate",
        operation="void",
        object_id=first.pk,
    )
    job.qbo_id = second_id
    job.save(update_fields=["qbo_id"])
    run_due()
    job.refresh_from_db()
    assert (job.status, job.last_error_key) == ("failed", "duplicate_is_ours")
    assert not _is_voided(qbo, second_id) and not _is_voided(qbo, first_id)
    assert _void_calls(qbo) == 0


def test_another_business_cannot_see_or_confirm(qbo, client):
    _invoice, ours, theirs, difference = _duplicated(qbo)
    client.force_login(MembershipFactory(business=BusinessFactory(), role="owner").user)
    assert client.get(URL.format(difference.pk)).status_code == 404
    assert client.post(URL.format(difference.pk)).status_code == 404
    assert SyncJob.objects.filter(kind="duplicate").count() == 0
    difference.refresh_from_db()
    assert difference.repaired_at is None


def test_only_the_owner_confirms_and_only_with_the_csrf_token(qbo, staff_user):
    _invoice, _ours, theirs, difference = _duplicated(qbo)
    staff = Client()
    staff.force_login(staff_user)
    assert staff.post(URL.format(difference.pk)).status_code == 403
    owner = Client(enforce_csrf_checks=True)
    owner.force_login(MembershipFactory(business=qbo.business, role="owner").user)
    assert owner.post(URL.format(difference.pk)).status_code == 403  # no token
    assert SyncJob.objects.filter(kind="duplicate").count() == 0
    assert not _is_voided(qbo, theirs)


def test_the_one_click_repair_refuses_a_duplicate_without_its_confirmation(qbo):
    from accounting.reconcile.services.repair import difference_repair

    _invoice, _ours, _theirs, difference = _duplicated(qbo)
    with pytest.raises(ApplicationError):
        difference_repair(business=qbo.business, difference_id=difference.pk)
    assert SyncJob.objects.filter(kind="duplicate").count() == 0
