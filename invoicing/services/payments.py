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
    PaymentStatus,
)
from .invoices import status_for_payments


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    date: datetime.date,
    method: str = PaymentMethod.E_TRANSFER,
    reference: str = "",
) -> Payment:
    """Apply a payment of 0 < amount ≤ balance to an issued invoice."""
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
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ApplicationError(_("Enter an amount greater than zero."), field="amount")
    if amount.as_tuple().exponent < -2:
        raise ApplicationError(
            _("Enter an amount in dollars and cents (2 decimals at most)."), field="amount"
        )
    if amount > invoice.balance:
        raise ApplicationError(
            _("The amount cannot exceed the balance of %(balance)s.")
            % {"balance": money(invoice.balance, invoice.business.currency)},
            field="amount",
        )
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
        reference=(reference or "").strip(),
        status=PaymentStatus.RECORDED,
    )
    full_clean_or_raise(payment, field="reference", all_fields=True)
    payment.save()
    invoice.amount_paid += amount
    invoice.balance = invoice.total - invoice.amount_settled
    invoice.status = status_for_payments(total=invoice.total, amount_paid=invoice.amount_settled)
    invoice.save(update_fields=["amount_paid", "balance", "status", "updated_at"])
    events.payment_recorded.send(payment=payment)
    return payment


@transaction.atomic
def payment_void(*, payment: Payment) -> Payment:
    """Cancel a payment: the invoice owes that amount again and its status follows."""
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=payment.invoice_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_void:
        raise ApplicationError(_("This payment is already void."))
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
    events.payment_voided.send(payment=payment)
    return payment
