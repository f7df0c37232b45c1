"""The catch-up pass: what webhooks missed arrives after one /cdc call per company; the
checkpoint moves only after applying; a quiet company costs one metered read."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounting.inbound.models import CdcCheckpoint, Decision, InboundEvent
from accounting.inbound.services import cdc
from accounting.sync.models import CustomerLink
from accounting.sync.services.usage import usage_reads_this_month
from invoicing.models import Payment

from .conftest import issue_invoice, qbo_payment, run_due, synced_invoice


def _cdc_calls(qbo) -> int:
    return sum(1 for entry in qbo.emulator.requests_log if entry["path"].endswith("/cdc"))


def _due_now(qbo):
    pairs = cdc.checkpoints_due()
    assert pairs == [(qbo.business.pk, qbo.connection.realm_id)]
    return pairs[0]


def test_a_quiet_company_costs_one_metered_call(qbo):
    business_id, realm_id = _due_now(qbo)
    CdcCheckpoint.objects.update(changed_since=timezone.now() + timedelta(seconds=60))
    reads_before = usage_reads_this_month(realm_id=realm_id)
    assert cdc.cdc_run(business_id=business_id, realm_id=realm_id) == {
        "read": 0,
        "applied": 0,
        "failed": 0,
    }
    assert _cdc_calls(qbo) == 1
    assert usage_reads_this_month(realm_id=realm_id) == reads_before + 1


def test_each_company_is_due_every_interval_with_jitter(qbo, settings):
    settings.QBO_CDC_INTERVAL_SECONDS = 900
    before = timezone.now()
    _due_now(qbo)
    checkpoint = CdcCheckpoint.objects.get()
    wait = (checkpoint.next_run_at - before).total_seconds()
    assert 810 <= wait <= 991
    assert cdc.checkpoints_due() == []  # claimed: a second sweep does not run it again
    CdcCheckpoint.objects.update(next_run_at=timezone.now() - timedelta(seconds=1))
    assert len(cdc.checkpoints_due()) == 1


def test_a_payment_missed_by_webhooks_arrives_after_one_pass(qbo):
    invoice, qbo_id = synced_invoice(qbo)
    business_id, realm_id = _due_now(qbo)
    qbo_payment(qbo, [(qbo_id, "100.00")])  # no webhook delivered
    started = timezone.now()
    result = cdc.cdc_run(business_id=business_id, realm_id=realm_id)
    assert result["applied"] == 1 and result["failed"] == 0
    payment = Payment.objects.get()
    assert (payment.invoice_id, payment.amount, payment.source) == (
        invoice.pk,
        Decimal("100.00"),
        "quickbooks",
    )
    checkpoint = CdcCheckpoint.objects.get()
    assert checkpoint.changed_since >= started
    assert (
        InboundEvent.objects.filter(source="cdc", entity="Payment", status="applied").count() == 1
    )
    # the next pass reads it again (overlap) and applies nothing twice
    assert cdc.cdc_run(business_id=business_id, realm_id=realm_id)["applied"] == 0
    assert Payment.objects.count() == 1
    # voided, then caught up
    qbo.company.void("Payment", payment.source_reference)
    cdc.cdc_run(business_id=business_id, realm_id=realm_id)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, invoice.balance) == ("void", Decimal("172.46"))


def test_the_checkpoint_stays_when_applying_fails(qbo, monkeypatch):
    invoice, qbo_id = synced_invoice(qbo)
    business_id, realm_id = _due_now(qbo)
    qbo_payment(qbo, [(qbo_id, "100.00")])
    before = CdcCheckpoint.objects.get().changed_since
    real = cdc.state_apply

    def broken(**kwargs):
        if kwargs["entity"] == "Payment":
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(cdc, "state_apply", broken)
    assert cdc.cdc_run(business_id=business_id, realm_id=realm_id)["failed"] == 1
    checkpoint = CdcCheckpoint.objects.get()
    assert checkpoint.changed_since == before
    assert checkpoint.last_error == "1 change(s) not applied"
    assert Payment.objects.count() == 0
    monkeypatch.setattr(cdc, "state_apply", real)
    assert cdc.cdc_run(business_id=business_id, realm_id=realm_id)["failed"] == 0
    assert Payment.objects.count() == 1
    assert CdcCheckpoint.objects.get().changed_since > before


def test_a_customer_deleted_by_a_merge_seen_only_by_cdc_needs_a_relink(qbo):
    invoice, _qbo_id = synced_invoice(qbo)
    link = CustomerLink.objects.get()
    survivor = qbo.company.save("Customer", {"DisplayName": "Autre client"})
    business_id, realm_id = _due_now(qbo)
    qbo.company.merge_customers(merged_id=link.qbo_id, surviving_id=survivor["Id"])
    cdc.cdc_run(business_id=business_id, realm_id=realm_id)
    decision = Decision.objects.get()
    assert (decision.kind, decision.contact_id, decision.params["reason"]) == (
        "relink_customer",
        invoice.contact_id,
        "deleted",
    )
    # no push refers to the dead customer: the next invoice finds or creates one
    issue_invoice(qbo.business, contact=invoice.contact)
    assert run_due() == ["done"]
    assert CustomerLink.objects.get().qbo_id not in (link.qbo_id, survivor["Id"])
