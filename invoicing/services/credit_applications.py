"""Using a credit: apply a credit note to an invoice of the same contact, take it back, void
the credit note (its applications are taken back first).

Every write locks in the same order: the invoice(s), then the credit note."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from core.exceptions import ApplicationError, full_clean_or_raise
from core.formatting import money
from core.validators import date_in_range_message, is_date_in_range

from ..models import (
    CreditApplication,
    CreditApplicationStatus,
    CreditNote,
    CreditNoteStatus,
    Invoice,
    InvoiceStatus,
)
from .credits import ZERO, _check_amount, _lock_invoice
from .invoices import status_for_payments


def _apply(credit_note: CreditNote, invoice: Invoice, amount: Decimal, date) -> CreditApplication:
    """Use `amount` of a locked credit note on a locked invoice."""
    application = CreditApplication(
        business_id=credit_note.business_id,
        credit_note=credit_note,
        invoice=invoice,
        amount=amount,
        date=date,
    )
    full_clean_or_raise(application, all_fields=True)
    application.save()
    credit_note.amount_applied += amount
    credit_note.balance = credit_note.total - credit_note.amount_applied
    credit_note.save(update_fields=["amount_applied", "balance"])
    invoice.amount_credited += amount
    invoice.balance = invoice.total - invoice.amount_settled
    invoice.status = status_for_payments(total=invoice.total, amount_paid=invoice.amount_settled)
    invoice.save(update_fields=["amount_credited", "balance", "status", "updated_at"])
    events.credit_applied.send(application=application)
    return application


@transaction.atomic
def credit_apply(
    *, credit_note: CreditNote, invoice: Invoice, amount: Decimal, date: datetime.date
) -> CreditApplication:
    """Use some of an open credit on an invoice of the same contact."""
    invoice = _lock_invoice(invoice)
    credit_note = CreditNote.objects.select_for_update().get(pk=credit_note.pk)
    if credit_note.business_id != invoice.business_id:
        raise ApplicationError(_("Choose one of your invoices."))
    if credit_note.is_void:
        raise ApplicationError(_("This credit note is void."))
    if credit_note.contact_id != invoice.contact_id:
        raise ApplicationError(_("A credit can only be used on an invoice of the same contact."))
    if invoice.is_draft or invoice.is_void:
        raise ApplicationError(_("A credit can only be used on an issued invoice."))
    amount = _check_amount(amount)
    currency = invoice.business.currency
    if amount > credit_note.balance:
        raise ApplicationError(
            _("The amount cannot exceed the credit left, %(left)s.")
            % {"left": money(credit_note.balance, currency)},
            field="amount",
        )
    if amount > invoice.balance:
        raise ApplicationError(
            _("The amount cannot exceed the balance of %(balance)s.")
            % {"balance": money(invoice.balance, currency)},
            field="amount",
        )
    if not isinstance(date, datetime.date) or not is_date_in_range(date):
        raise ApplicationError(date_in_range_message(), field="date")
    return _apply(credit_note, invoice, amount, date)


def _unapply(application: CreditApplication) -> None:
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=application.invoice_id)
    credit_note = CreditNote.objects.select_for_update().get(pk=application.credit_note_id)
    application.status = CreditApplicationStatus.VOID
    application.voided_at = timezone.now()
    application.save(update_fields=["status", "voided_at"])
    credit_note.amount_applied -= application.amount
    if not credit_note.is_void:
        credit_note.balance = credit_note.total - credit_note.amount_applied
    credit_note.save(update_fields=["amount_applied", "balance"])
    invoice.amount_credited -= application.amount
    if invoice.status != InvoiceStatus.VOID:
        invoice.balance = invoice.total - invoice.amount_settled
        invoice.status = status_for_payments(
            total=invoice.total, amount_paid=invoice.amount_settled
        )
    invoice.save(update_fields=["amount_credited", "balance", "status", "updated_at"])
    application.invoice = invoice
    application.credit_note = credit_note
    events.credit_application_voided.send(application=application)


@transaction.atomic
def credit_application_void(*, application: CreditApplication) -> CreditApplication:
    """Take a credit back from an invoice: the invoice owes it again, the credit is open."""
    # Locks in the order every credit write takes them: invoice, then credit note.
    _lock_invoice(Invoice(pk=application.invoice_id))
    application = CreditApplication.objects.select_for_update().get(pk=application.pk)
    if application.is_void:
        raise ApplicationError(_("This credit is no longer applied."))
    _unapply(application)
    return application


@transaction.atomic
def credit_note_void(*, credit_note: CreditNote) -> CreditNote:
    """Cancel a credit note: its applications are taken back first (the invoices owe those
    amounts again), then it owes nothing. It keeps its number."""
    # Locks in the order every credit write takes them: the invoices, then the credit note.
    invoice_ids = set(
        CreditApplication.objects.filter(credit_note_id=credit_note.pk).values_list(
            "invoice_id", flat=True
        )
    ) | {credit_note.invoice_id}
    list(
        Invoice.objects.select_for_update(of=("self",))
        .filter(pk__in=invoice_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    credit_note = CreditNote.objects.select_for_update().get(pk=credit_note.pk)
    if credit_note.is_void:
        raise ApplicationError(_("This credit note is already void."))
    for application in CreditApplication.objects.select_for_update().filter(
        credit_note=credit_note, status=CreditApplicationStatus.APPLIED
    ):
        _unapply(application)
    credit_note.refresh_from_db()
    credit_note.status = CreditNoteStatus.VOID
    credit_note.voided_at = timezone.now()
    credit_note.balance = ZERO
    credit_note.save(update_fields=["status", "voided_at", "balance"])
    events.credit_note_voided.send(credit_note=credit_note)
    return credit_note
