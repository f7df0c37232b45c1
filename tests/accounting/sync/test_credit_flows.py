"""Credit notes and their applications against the in-process emulator: a CreditMemo with the
invoice's lines and tax codes, applied by a Payment of 0, voided; faults and retries."""

import datetime
from decimal import Decimal

from accounting.sync.models import (
    CreditApplicationLink,
    CreditNoteLink,
    InvoiceLink,
    SyncJob,
)
from invoicing import services as invoicing
from invoicing.models import CreditNote
from invoicing.services import CreditAmountInput, CreditLineInput

from .conftest import issue_invoice, make_contact, run_due

CREDIT_DATE = datetime.date(2026, 11, 25)


def _three_lines(qbo, contact=None):
    return issue_invoice(
        qbo.business,
        contact=contact,
        lines=[
            invoicing.LineInput(
                description="Déneigement", quantity=Decimal("3"), unit_price=Decimal("75.00")
            ),
            invoicing.LineInput(
                description="Sel", quantity=Decimal("2"), unit_price=Decimal("12.49")
            ),
            invoicing.LineInput(
                description="Frais",
                quantity=Decimal("1"),
                unit_price=Decimal("9.99"),
                is_taxable=False,
            ),
        ],
    )


def _remote_balance(qbo, entity: str, qbo_id: str) -> Decimal:
    return Decimal(str(qbo.company.get(entity, qbo_id)["Balance"]))


def test_one_line_credited_reaches_quickbooks_and_lowers_the_invoice_there(qbo):
    invoice = _three_lines(qbo)
    assert run_due() == ["done"]
    second = invoice.lines.order_by("position")[1]
    credit_note = invoicing.credit_note_create(
        invoice=invoice,
        date=CREDIT_DATE,
        lines=[CreditLineInput(invoice_line=second, quantity=Decimal("2"))],
        reason="Sel non livré",
    )
    jobs = list(SyncJob.objects.order_by("id").values_list("kind", "operation", "status")[1:])
    assert jobs == [("credit", "create", "pending"), ("creditapp", "create", "pending")]
    # when
    assert run_due() == ["done", "done"]
    # then: the credit memo
    link = CreditNoteLink.objects.get(credit_note=credit_note)
    memo = qbo.company.get("CreditMemo", link.qbo_id)
    invoice_link = InvoiceLink.objects.get(invoice=invoice)
    remote_invoice = qbo.company.get("Invoice", invoice_link.qbo_id)
    assert memo["DocNumber"] == credit_note.number == "NC-1"
    assert memo["CustomerRef"]["value"] == remote_invoice["CustomerRef"]["value"]
    assert memo["PrivateNote"] == f"Plannit credit note #{credit_note.pk}"
    assert memo["CustomerMemo"] == {"value": "Sel non livré"}
    sales = [line for line in memo["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    assert [
        (
            Decimal(str(line["Amount"])),
            line["SalesItemLineDetail"]["Qty"],
            line["SalesItemLineDetail"]["TaxCodeRef"]["value"],
        )
        for line in sales
    ] == [(Decimal("24.98"), 2, qbo.settings.taxable_tax_code_id)]
    assert Decimal(str(memo["TotalAmt"])) == credit_note.total == Decimal("28.72")
    assert Decimal(str(memo["TxnTaxDetail"]["TotalTax"])) == credit_note.tax_total
    assert (link.qbo_total, link.qbo_tax_total, link.has_total_mismatch) == (
        Decimal("28.72"),
        Decimal("3.74"),
        False,
    )
    # and its application: a Payment of 0 linking both
    app_link = CreditApplicationLink.objects.get()
    payment = qbo.company.get("Payment", app_link.qbo_id)
    assert Decimal(str(payment["TotalAmt"])) == 0
    assert sorted(
        (
            line["LinkedTxn"][0]["TxnType"],
            line["LinkedTxn"][0]["TxnId"],
            Decimal(str(line["Amount"])),
        )
        for line in payment["Line"]
    ) == [
        ("CreditMemo", link.qbo_id, Decimal("28.72")),
        ("Invoice", invoice_link.qbo_id, Decimal("28.72")),
    ]
    invoice.refresh_from_db()
    assert _remote_balance(qbo, "Invoice", invoice_link.qbo_id) == invoice.balance
    assert invoice.balance == invoice.total - Decimal("28.72")
    assert _remote_balance(qbo, "CreditMemo", link.qbo_id) == 0
    assert SyncJob.objects.filter(warning_key__gt="").count() == 0


def test_open_credit_applied_to_a_second_invoice_of_the_contact(qbo):
    contact = make_contact(qbo.business)
    first = issue_invoice(qbo.business, contact=contact)
    invoicing.payment_record(invoice=first, amount=first.total, date=CREDIT_DATE)
    credit_note = invoicing.credit_note_create(
        invoice=first,
        date=CREDIT_DATE,
        amount=CreditAmountInput(amount=Decimal("50.00"), tax_group=qbo.tax_group),
    )
    assert run_due() == ["done", "done", "done"]
    link = CreditNoteLink.objects.get()
    assert _remote_balance(qbo, "CreditMemo", link.qbo_id) == Decimal("57.49")
    second = issue_invoice(qbo.business, contact=contact)
    invoicing.credit_apply(
        credit_note=credit_note, invoice=second, amount=Decimal("57.49"), date=CREDIT_DATE
    )
    assert run_due() == ["done", "done"]
    second_link = InvoiceLink.objects.get(invoice=second)
    second.refresh_from_db()
    assert second.balance == Decimal("114.97")
    assert _remote_balance(qbo, "Invoice", second_link.qbo_id) == Decimal("114.97")
    assert _remote_balance(qbo, "CreditMemo", link.qbo_id) == 0
    customer = qbo.company.get(
        "Customer", qbo.company.get("Invoice", second_link.qbo_id)["CustomerRef"]["value"]
    )
    assert Decimal(str(customer["Balance"])) == Decimal("114.97")


def test_voiding_the_credit_note_restores_the_balances_on_both_sides(qbo):
    invoice = _three_lines(qbo)
    credit_note = invoicing.credit_note_create(invoice=invoice, date=CREDIT_DATE, full=True)
    assert run_due() == ["done", "done", "done"]
    invoice_link = InvoiceLink.objects.get()
    memo_id = CreditNoteLink.objects.get().qbo_id
    assert _remote_balance(qbo, "Invoice", invoice_link.qbo_id) == 0
    # when
    invoicing.credit_note_void(credit_note=credit_note)
    assert [j for j in SyncJob.objects.order_by("id").values_list("kind", "operation")][3:] == [
        ("creditapp", "void"),
        ("credit", "void"),
    ]
    assert run_due() == ["done", "done"]
    # then
    invoice.refresh_from_db()
    assert invoice.balance == invoice.total
    assert _remote_balance(qbo, "Invoice", invoice_link.qbo_id) == invoice.total
    assert qbo.company.get("CreditMemo", memo_id) is None
    assert CreditNoteLink.objects.get().deleted_in_qbo is True


def test_credit_note_of_an_invoice_never_sent_is_not_sent(qbo):
    from django.utils import timezone

    from invoicing.models import Invoice

    invoice = issue_invoice(qbo.business)
    SyncJob.objects.all().delete()
    Invoice.objects.filter(pk=invoice.pk).update(
        issued_at=timezone.now() - datetime.timedelta(days=30)
    )
    invoice.refresh_from_db()
    invoicing.credit_note_create(invoice=invoice, date=CREDIT_DATE, full=True)
    assert SyncJob.objects.count() == 0


def test_rolled_back_credit_note_leaves_no_job(qbo):
    import pytest
    from django.db import transaction

    invoice = issue_invoice(qbo.business)
    assert run_due() == ["done"]
    with pytest.raises(RuntimeError), transaction.atomic():
        invoicing.credit_note_create(invoice=invoice, date=CREDIT_DATE, full=True)
        raise RuntimeError("rolled back")
    assert SyncJob.objects.count() == 1
    assert CreditNote.objects.count() == 0


def test_lost_answers_never_make_a_second_credit_memo_or_application(qbo):
    from django.utils import timezone

    qbo.emulator.set_settings(requestid_mode="ignore")
    invoice = issue_invoice(qbo.business)
    assert run_due() == ["done"]
    qbo.emulator.add_fault(action="drop_after", entity="creditmemo", method="POST", times=1)
    qbo.emulator.add_fault(action="drop_after", entity="payment", method="POST", times=1)
    credit_note = invoicing.credit_note_create(invoice=invoice, date=CREDIT_DATE, full=True)
    # the credit memo's answer is lost; its application waits for it
    assert run_due() == ["pending", "waiting"]
    assert len(qbo.company.all("CreditMemo")) == 1
    note_job = SyncJob.objects.get(kind="credit")
    app_job = SyncJob.objects.get(kind="creditapp")
    assert (note_job.last_error_key, app_job.last_error_key) == ("network", "waiting_documents")
    SyncJob.objects.filter(pk=note_job.pk).update(next_attempt_at=timezone.now())
    # found by its number, not sent again; then the application's answer is lost too
    assert run_due() == ["done", "pending"]
    assert len(qbo.calls("POST", "/creditmemo")) == 1
    assert len(qbo.company.all("CreditMemo")) == 1
    assert len(qbo.payments()) == 1
    SyncJob.objects.filter(pk=app_job.pk).update(next_attempt_at=timezone.now())
    assert run_due() == ["done"]
    assert len(qbo.payments()) == 1
    assert len(qbo.calls("POST", "/payment")) == 1
    assert CreditApplicationLink.objects.get().qbo_id == qbo.payments()[0]["Id"]
    assert (
        CreditNoteLink.objects.get(credit_note=credit_note).qbo_id
        == (qbo.company.all("CreditMemo")[0]["Id"])
    )
    invoice_link = InvoiceLink.objects.get()
    assert _remote_balance(qbo, "Invoice", invoice_link.qbo_id) == 0


def test_server_errors_on_the_credit_memo_are_retried_with_the_same_request_id(qbo):
    from django.utils import timezone

    invoice = issue_invoice(qbo.business)
    assert run_due() == ["done"]
    qbo.emulator.add_fault(action="status", status=503, entity="creditmemo", method="POST", times=1)
    invoicing.credit_note_create(invoice=invoice, date=CREDIT_DATE, full=True)
    assert run_due() == ["pending", "waiting"]
    SyncJob.objects.update(next_attempt_at=timezone.now())
    assert run_due() == ["done", "done"]
    job = SyncJob.objects.get(kind="credit")
    calls = qbo.calls("POST", "/creditmemo")
    assert [call["requestid"] for call in calls] == [job.request_id, job.request_id]
    assert len(qbo.company.all("CreditMemo")) == 1


def test_one_cent_difference_on_the_credit_memo_is_flagged_with_both_figures(qbo):
    """QuickBooks rounding an exact half down (the emulator's half-even switch, for a company
    that would): 0.10 x 5 % = 0.005 is 0.01 here, 0.00 there."""
    from accounting.models import TaxGroupMapping
    from accounting.sync.selectors import sync_badge_for
    from tests.factories.invoicing import TaxGroupFactory

    qbo.emulator.set_settings(rounding="half_even")
    gst_only = TaxGroupFactory(business=qbo.business, name="TPS", components=[("TPS", "5")])
    code = next(row["Id"] for row in qbo.company.all("TaxCode") if row["Name"] == "TPS")
    TaxGroupMapping.objects.create(business=qbo.business, tax_group=gst_only, qbo_tax_code_id=code)
    invoice = issue_invoice(
        qbo.business,
        lines=[
            invoicing.LineInput(description="A", unit_price=Decimal("0.10"), tax_group=gst_only)
        ],
    )
    credit_note = invoicing.credit_note_create(
        invoice=invoice, date=CREDIT_DATE, full=True, apply_to_invoice=False
    )
    assert (credit_note.tax_total, credit_note.total) == (Decimal("0.01"), Decimal("0.11"))
    assert run_due() == ["done", "done"]
    job = SyncJob.objects.get(kind="credit")
    assert job.warning_key == "credit_total_mismatch"
    assert job.warning_params == {
        "qbo_total": "$0.10",
        "qbo_tax": "$0.00",
        "total": "$0.11",
        "tax": "$0.01",
    }
    link = CreditNoteLink.objects.get()
    assert (link.qbo_total, link.expected_total, link.has_total_mismatch) == (
        Decimal("0.10"),
        Decimal("0.11"),
        True,
    )
    badge = sync_badge_for(credit_note)
    assert badge.state == "synced"
    assert "$0.10" in badge.warning and "$0.11" in badge.warning


def test_send_earlier_invoices_brings_their_credit_notes_looked_up_by_number(qbo):
    from datetime import timedelta

    from django.utils import timezone

    from accounting.sync.services.backfill import earlier_invoices_send

    qbo.connection.connected_at = timezone.now() + timedelta(days=1)
    qbo.connection.save()
    contact = make_contact(qbo.business)
    applied = issue_invoice(qbo.business, contact=contact, issue_date=datetime.date(2026, 10, 5))
    typed = issue_invoice(qbo.business, contact=contact, issue_date=datetime.date(2026, 10, 6))
    first = invoicing.credit_note_create(invoice=applied, date=CREDIT_DATE, full=True)
    second = invoicing.credit_note_create(
        invoice=typed,
        date=CREDIT_DATE,
        amount=CreditAmountInput(amount=Decimal("10.00"), tax_group=None),
        apply_to_invoice=False,
    )
    assert SyncJob.objects.count() == 0  # issued before the connection: nothing sent
    customer = qbo.company.save("Customer", {"DisplayName": "Gabrielle Lavoie"})
    by_hand = qbo.company.save(
        "CreditMemo",
        {
            "DocNumber": second.number,
            "CustomerRef": {"value": customer["Id"]},
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "1"},
                        "TaxCodeRef": {"value": qbo.settings.non_taxable_tax_code_id},
                    },
                }
            ],
        },
    )
    # when
    assert (
        earlier_invoices_send(
            business=qbo.business,
            date_from=datetime.date(2026, 10, 1),
            date_to=datetime.date(2026, 10, 31),
        )
        == 2
    )
    assert sorted(SyncJob.objects.values_list("kind", "lookup_first")) == [
        ("credit", True),
        ("credit", True),
        ("creditapp", True),
        ("invoice", True),
        ("invoice", True),
    ]
    assert sorted(run_due()) == ["done"] * 5
    # then: the typed credit memo is linked, the other created and applied
    assert CreditNoteLink.objects.get(credit_note=second).qbo_id == by_hand["Id"]
    assert len(qbo.company.all("CreditMemo")) == 2
    assert len(qbo.calls("POST", "/creditmemo")) == 1
    invoice_link = InvoiceLink.objects.get(invoice=applied)
    assert _remote_balance(qbo, "Invoice", invoice_link.qbo_id) == 0
    memo = qbo.company.get("CreditMemo", CreditNoteLink.objects.get(credit_note=first).qbo_id)
    assert memo["DocNumber"] == first.number


def test_the_sync_log_finds_a_credit_note_by_its_number(qbo, owner_client):
    invoice = issue_invoice(qbo.business)
    credit_note = invoicing.credit_note_create(invoice=invoice, date=CREDIT_DATE, full=True)
    assert run_due() == ["done", "done", "done"]
    page = owner_client.get("/settings/accounting/sync/", {"q": credit_note.number})
    jobs = list(page.context["page_obj"].object_list)
    assert [(job.kind, job.object_id) for job in jobs] == [("credit", credit_note.pk)]
    assert credit_note.number in page.content.decode()
