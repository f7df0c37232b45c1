"""Payments received on an invoice. Each write locks the invoice row, so two payments recorded
at the same time cannot together exceed the balance."""

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
    CreditNoteStatus,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentSource,
    PaymentStatus,
)
from .invoices import status_for_payments

# Events of a change that came from the accounting system carry origin=PaymentSource.QUICKBOOKS,
# so that the accounting app does not send it back where it came from.


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    date: datetime.date,
    method: str = PaymentMethod.E_TRANSFER,
    reference: str = "",
    source: str = PaymentSource.PLANNIT,
    source_reference: str = "",
) -> Payment:
    """Apply a payment of 0 < amount ≤ balance to an issued invoice. `source` says where it
    was first recorded (a payment entered in QuickBooks and brought back: QUICKBOOKS)."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("business")
        .get(pk=invoice.pk)
    )
    if invoice.is_draft:
        raise ApplicationError(_("Issue the invoice before recording a payment on it."))
    if invoice.is_void:
        raise ApplicationError(_("This invoice is void: it cannot receive a payment."))
    if invoice.balance <= 0:
        raise ApplicationError(_("This invoice is fully paid."))
    _check_amount(invoice, amount)
    if source not in PaymentSource.values:
        raise ApplicationError(_("Unknown payment source."))
    if method not in PaymentMethod.values:
        raise ApplicationError(_("Choose a payment method."), field="method")
    if not isinstance(date, datetime.date):
        raise ApplicationError(_("Enter the payment date."), field="date")
    if not is_date_in_range(date):
        raise ApplicationError(date_in_range_message(), field="date")
    payment = Payment(
        business_id=invoice.business_id,
        invoice=invoice,
        amount=amount,
        date=date,
        method=method,
        reference=(reference or "").strip()[:21],
        status=PaymentStatus.RECORDED,
        source=source,
        source_reference=source_reference[:64],
    )
    full_clean_or_raise(payment, field="reference", all_fields=True)
    payment.save()
    invoice.amount_paid += amount
    invoice.balance = invoice.total - invoice.amount_settled
    invoice.status = status_for_payments(total=invoice.total, amount_paid=invoice.amount_settled)
    invoice.save(update_fields=["amount_paid", "balance", "status", "updated_at"])
    events.payment_recorded.send(payment=payment, origin=source)
    return payment


def _check_amount(invoice: Invoice, amount, *, already_applied: Decimal = Decimal("0")) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ApplicationError(_("Enter an amount greater than zero."), field="amount")
    if amount.as_tuple().exponent < -2:
        raise ApplicationError(
            _("Enter an amount in dollars and cents (2 decimals at most)."), field="amount"
        )
    if amount > invoice.balance + already_applied:
        raise ApplicationError(
            _("The amount cannot exceed the balance of %(balance)s.")
            % {"balance": money(invoice.balance + already_applied, invoice.business.currency)},
            field="amount",
        )


@transaction.atomic
def payment_amount_change(
    *, payment: Payment, amount: Decimal, origin: str = PaymentSource.PLANNIT
) -> Payment:
    """Change the amount of a recorded payment (edited where it came from): the invoice's
    balance and status follow. The new amount may not exceed what the invoice owed before
    this payment."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("business")
        .get(pk=payment.invoice_id)
    )
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_void:
        raise ApplicationError(_("This payment is void: its amount cannot change."))
    if invoice.is_void:
        raise ApplicationError(_("This invoice is void: it cannot receive a payment."))
    _check_amount(invoice, amount, already_applied=payment.amount)
    if amount == payment.amount:
        return payment
    invoice.amount_paid += amount - payment.amount
    invoice.balance = invoice.total - invoice.amount_settled
    invoice.status = status_for_payments(total=invoice.total, amount_paid=invoice.amount_settled)
    invoice.save(update_fields=["amount_paid", "balance", "status", "updated_at"])
    payment.amount = amount
    payment.save(update_fields=["amount"])
    payment.invoice = invoice
    events.payment_changed.send(payment=payment, origin=origin)
    return payment


@transaction.atomic
def payment_void(
    *, payment: Payment, origin: str = PaymentSource.PLANNIT, with_its_receipt: bool = False
) -> Payment:
    """Cancel a payment: the invoice owes that amount again and its status follows. The
    payment of a sales receipt goes only with the receipt (`with_its_receipt`)."""
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=payment.invoice_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_void:
        raise ApplicationError(_("This payment is already void."))
    if invoice.is_sales_receipt and not with_its_receipt:
        # Paid on the spot: the receipt and its payment are one document (one SalesReceipt in
        # QuickBooks); voiding the money alone would leave a receipt owing.
        raise ApplicationError(
            _("This payment is the sales receipt's own: void the sales receipt instead.")
        )
    if payment.refunds.exclude(status=CreditNoteStatus.VOID).exists():
        raise ApplicationError(
            _("Money was refunded from this payment. Void the refunds first, then the payment.")
        )
    payment.status = PaymentStatus.VOID
    payment.voided_at = timezone.now()
    payment.save(update_fields=["status", "voided_at"])
    invoice.amount_paid -= payment.amount
    if invoice.status != InvoiceStatus.VOID:
        invoice.balance = invoice.total - invoice.amount_settled
        invoice.status = status_for_payments(
            total=invoice.total, amount_paid=invoice.amount_settled
        )
    invoice.save(update_fields=["amount_paid", "balance", "status", "updated_at"])
    payment.invoice = invoice
    events.payment_voided.send(payment=payment, origin=origin)
    return payment
