"""Invoices voided, deleted or edited in QuickBooks are flagged (never silently followed);
customers and items merged, deleted or made inactive are relinked or flagged."""

from decimal import Decimal

import pytest

from accounting.inbound.models import Decision, InboundEvent
from accounting.inbound.services.decisions import decision_resolve
from accounting.sync.models import CustomerLink, InvoiceLink, ItemLink, SyncJob
from core.exceptions import ApplicationError

from .conftest import apply_sent, deliver, issue_invoice, run_due, synced_invoice


def _quiet(qbo):
    qbo.emulator.deliver_webhooks(lambda url, body, headers: 200)


def _settle(qbo, client, inbound_sent):
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)


def test_our_own_invoice_coming_back_is_an_echo(qbo, client, inbound_sent):
    synced_invoice(qbo)
    _settle(qbo, client, inbound_sent)
    assert list(InboundEvent.objects.filter(entity="Invoice").values_list("status", flat=True)) == [
        "echo"
    ]
    assert Decision.objects.count() == 0


def test_an_invoice_voided_in_quickbooks_is_flagged_and_voided_here_in_one_click(
    qbo, client, inbound_sent
):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo.company.void("Invoice", qbo_id)
    _settle(qbo, client, inbound_sent)
    invoice.refresh_from_db()
    assert invoice.status == "issued"  # not followed silently
    decision = Decision.objects.get()
    assert (decision.kind, decision.invoice_id, decision.status) == (
        "invoice_voided",
        invoice.pk,
        "open",
    )
    assert decision.params["invoice"] == invoice.number
    jobs_before = SyncJob.objects.count()
    # when
    decision_resolve(business=qbo.business, decision_id=decision.pk, action="void_in_plannit")
    # then
    invoice.refresh_from_db()
    decision.refresh_from_db()
    assert (invoice.status, decision.status, decision.resolution) == (
        "void",
        "resolved",
        "void_in_plannit",
    )
    assert SyncJob.objects.count() == jobs_before  # QuickBooks already has it void
    with pytest.raises(ApplicationError):
        decision_resolve(business=qbo.business, decision_id=decision.pk, action="void_in_plannit")


def test_an_invoice_deleted_in_quickbooks_can_be_sent_again(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo.company.delete("Invoice", qbo_id)
    _settle(qbo, client, inbound_sent)
    decision = Decision.objects.get()
    assert (decision.kind, decision.qbo_id) == ("invoice_deleted", qbo_id)
    decision_resolve(business=qbo.business, decision_id=decision.pk, action="send_again")
    assert run_due() == ["done"]
    link = InvoiceLink.objects.get(invoice=invoice)
    assert link.qbo_id != qbo_id
    assert qbo.company.get("Invoice", link.qbo_id)["DocNumber"] == invoice.number


def test_an_amount_edited_in_quickbooks_is_shown_as_a_difference(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    remote = qbo.company.get("Invoice", qbo_id)
    lines = [dict(line) for line in remote["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    lines[0]["Amount"] = "200.00"
    lines[0]["SalesItemLineDetail"] = {
        **lines[0]["SalesItemLineDetail"],
        "Qty": 1,
        "UnitPrice": "200.00",
    }
    qbo.company.save(
        "Invoice",
        {"Id": qbo_id, "SyncToken": remote["SyncToken"], "sparse": True, "Line": lines},
    )
    new_total = Decimal(str(qbo.company.get("Invoice", qbo_id)["TotalAmt"]))
    _settle(qbo, client, inbound_sent)
    invoice.refresh_from_db()
    assert invoice.total == Decimal("172.46")  # Plannit's figure stays
    decision = Decision.objects.get()
    assert (decision.kind, decision.params["qbo_total"], decision.params["plannit_total"]) == (
        "invoice_amount",
        str(new_total),
        "172.46",
    )
    link = InvoiceLink.objects.get(invoice=invoice)
    assert (link.qbo_total, link.has_total_mismatch) == (new_total, True)


def test_a_merged_customer_is_relinked_to_the_survivor(qbo, client, inbound_sent):
    invoice, _qbo_id = synced_invoice(qbo)
    link = CustomerLink.objects.get()
    survivor = qbo.company.save("Customer", {"DisplayName": "Gabrielle Lavoie inc."})
    _quiet(qbo)
    qbo.company.merge_customers(merged_id=link.qbo_id, surviving_id=survivor["Id"])
    _settle(qbo, client, inbound_sent)
    link.refresh_from_db()
    assert (link.qbo_id, link.display_name) == (survivor["Id"], "Gabrielle Lavoie inc.")
    assert Decision.objects.count() == 0
    # the next invoice for that contact goes to the survivor
    issue_invoice(qbo.business, contact=invoice.contact)
    assert run_due() == ["done"]
    newest = InvoiceLink.objects.order_by("-id").first()
    assert qbo.company.get("Invoice", newest.qbo_id)["CustomerRef"]["value"] == survivor["Id"]


def test_an_inactive_customer_needs_a_relink_and_later_pushes_say_why(qbo, client, inbound_sent):
    invoice, _qbo_id = synced_invoice(qbo)
    old = CustomerLink.objects.get().qbo_id
    _quiet(qbo)
    qbo.company.make_inactive("Customer", old)
    _settle(qbo, client, inbound_sent)
    decision = Decision.objects.get()
    assert (decision.kind, decision.contact_id, decision.params["reason"]) == (
        "relink_customer",
        invoice.contact_id,
        "inactive",
    )
    assert CustomerLink.objects.count() == 0
    # the next invoice does not refer to the dead link (no 610 / 2500): the engine finds the
    # customer by name, sees it inactive and tells the owner
    issue_invoice(qbo.business, contact=invoice.contact)
    assert run_due() == ["failed"]
    failed = SyncJob.objects.order_by("-id").first()
    assert (failed.last_error_key, failed.last_error_code) == ("customer_inactive", "")
    assert CustomerLink.objects.count() == 0
    decision_resolve(business=qbo.business, decision_id=decision.pk, action="acknowledge")
    assert Decision.objects.get().status == "resolved"


def test_an_inactive_item_drops_its_link_and_asks(qbo, client, inbound_sent):
    from tests.factories.catalog import ItemFactory

    item = ItemFactory(business=qbo.business, name="Tonte")
    services = qbo.settings.default_item_id
    ItemLink.objects.create(
        business=qbo.business,
        realm_id=qbo.connection.realm_id,
        item=item,
        qbo_id=services,
        qbo_name="Services",
    )
    _quiet(qbo)
    qbo.company.make_inactive("Item", services)
    _settle(qbo, client, inbound_sent)
    assert ItemLink.objects.count() == 0
    decision = Decision.objects.get()
    assert (decision.kind, decision.item_id, decision.qbo_id) == ("relink_item", item.pk, services)


def test_an_answer_that_does_not_fit_is_refused(qbo, client, inbound_sent):
    invoice, qbo_id = synced_invoice(qbo)
    _quiet(qbo)
    qbo.company.void("Invoice", qbo_id)
    _settle(qbo, client, inbound_sent)
    decision = Decision.objects.get()
    with pytest.raises(ApplicationError):
        decision_resolve(business=qbo.business, decision_id=decision.pk, action="acknowledge")
    invoicing_status = invoice.__class__.objects.get(pk=invoice.pk).status
    assert (Decision.objects.get().status, invoicing_status) == ("open", "issued")
