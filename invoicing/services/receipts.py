"""Sales receipts: a one-visit job paid at the door, an invoice and its payment at once."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from businesses.models import Business
from contacts.models import Contact
from core.exceptions import ApplicationError

from ..models import Invoice, PaymentMethod, PaymentStatus, PaymentTerms
from .invoices import LineInput, invoice_create, invoice_issue, invoice_void
from .payments import payment_record, payment_void

ZERO = Decimal("0.00")


@transaction.atomic
def sales_receipt_create(
    *,
    business: Business,
    contact: Contact,
    issue_date: datetime.date,
    lines: Sequence[LineInput],
    method: str = PaymentMethod.CASH,
    reference: str = "",
    notes: str = "",
    discount_kind: str = "",
    discount_value=None,
) -> Invoice:
    """Issue a sales receipt (its own numbering) and record its payment of the whole total,
    in one transaction: a refused payment leaves no receipt and gives the number back."""
    if method not in PaymentMethod.values:
        raise ApplicationError(_("Choose a payment method."), field="method")
    draft = invoice_create(
        business=business,
        contact=contact,
        issue_date=issue_date,
        lines=lines,
        terms=PaymentTerms.ON_RECEIPT,
        due_date=issue_date,
        notes=notes,
        discount_kind=discount_kind,
        discount_value=discount_value if discount_value is not None else ZERO,
    )
    Invoice.objects.filter(pk=draft.pk).update(is_sales_receipt=True)
    draft.is_sales_receipt = True
    receipt = invoice_issue(invoice=draft)
    if receipt.total > 0:
        payment_record(
            invoice=receipt,
            amount=receipt.total,
            date=issue_date,
            method=method,
            reference=reference,
        )
    receipt.refresh_from_db()
    return receipt


@transaction.atomic
def sales_receipt_void(*, receipt: Invoice) -> Invoice:
    """Cancel a sales receipt: its payment, then the receipt itself (refunds first)."""
    if not receipt.is_sales_receipt:
        raise ApplicationError(_("This is not a sales receipt."))
    for payment in receipt.payments.filter(status=PaymentStatus.RECORDED):
        payment_void(payment=payment, with_its_receipt=True)
    return invoice_void(invoice=receipt)
