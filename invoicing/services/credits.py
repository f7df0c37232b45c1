"""Credit notes: issue one on an invoice (whole, some lines or quantities, or an amount), apply
it to invoices of the same contact, void it. Taxes come from totals.py, like the invoices'.

Every write locks the invoice (and the credit note) it changes, so two credits or a credit and
a payment recorded at the same time cannot together take an invoice below zero."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from core.exceptions import ApplicationError, full_clean_or_raise
from core.formatting import money
from core.validators import date_in_range_message, is_date_in_range

from .. import totals as totals_module
from ..models import (
    CreditNote,
    CreditNoteLine,
    CreditNoteStatus,
    CreditNoteTax,
    DiscountKind,
    DocumentKind,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentMethod,
    TaxGroup,
)
from .invoices import MAX_AMOUNT, _group_specs
from .sequences import document_number_take

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CreditLineInput:
    """Credit `quantity` of one line of the invoice."""

    invoice_line: InvoiceLine
    quantity: Decimal


@dataclass(frozen=True)
class CreditAmountInput:
    """Credit an amount before tax, taxed with `tax_group` (none: not taxable)."""

    amount: Decimal
    tax_group: TaxGroup | None
    description: str = ""


@dataclass(frozen=True)
class RefundInput:
    """Pay the credit back out of `payment`, by `method`."""

    payment: Payment
    method: str
    reference: str = ""


def refunded_total(payment: Payment) -> Decimal:
    return (
        CreditNote.objects.filter(refund_payment=payment)
        .exclude(status=CreditNoteStatus.VOID)
        .aggregate(s=Sum("total"))["s"]
        or ZERO
    )


def _check_refund(invoice: Invoice, refund: RefundInput, total: Decimal) -> None:
    payment = refund.payment
    if payment.invoice_id != invoice.pk or payment.business_id != invoice.business_id:
        raise ApplicationError(_("Choose a payment of this invoice."))
    payment = Payment.objects.get(pk=payment.pk)
    if payment.is_void:
        raise ApplicationError(_("This payment is void: there is nothing to refund."))
    if refund.method not in PaymentMethod.values:
        raise ApplicationError(_("Choose a payment method."), field="method")
    left = payment.amount - refunded_total(payment)
    if total > left:
        raise ApplicationError(
            _("The refund, %(total)s, would be more than the %(left)s left of this payment.")
            % {
                "total": money(total, invoice.business.currency),
                "left": money(left, invoice.business.currency),
            },
            field="amount",
        )


def _lock_invoice(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("business", "contact")
        .get(pk=invoice.pk)
    )


def credited_quantities(invoice: Invoice) -> dict[int, Decimal]:
    """Invoice line id -> quantity already credited by its credit notes that are not void."""
    rows = (
        CreditNoteLine.objects.filter(credit_note__invoice=invoice, invoice_line__isnull=False)
        .exclude(credit_note__status=CreditNoteStatus.VOID)
        .values("invoice_line_id")
        .annotate(quantity=Sum("quantity"))
    )
    return {row["invoice_line_id"]: row["quantity"] for row in rows}


def credited_total(invoice: Invoice) -> Decimal:
    return (
        invoice.credit_notes.exclude(status=CreditNoteStatus.VOID).aggregate(s=Sum("total"))["s"]
        or ZERO
    )


def _check_amount(amount, field: str = "amount") -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ApplicationError(_("Enter an amount greater than zero."), field=field)
    if amount.as_tuple().exponent < -2:
        raise ApplicationError(
            _("Enter an amount in dollars and cents (2 decimals at most)."), field=field
        )
    return amount


def _rows_for_lines(invoice: Invoice, lines: Sequence[CreditLineInput]) -> list[CreditNoteLine]:
    already = credited_quantities(invoice)
    rows, seen = [], set()
    for entry in lines:
        line = entry.invoice_line
        if line.invoice_id != invoice.pk:
            raise ApplicationError(_("Choose lines of this invoice."), field="lines")
        if line.pk in seen:
            raise ApplicationError(_("Each line can be credited once per credit note."))
        seen.add(line.pk)
        quantity = entry.quantity
        if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
            raise ApplicationError(_("Each quantity must be greater than zero."), field="lines")
        if quantity.as_tuple().exponent < -3:
            raise ApplicationError(_("Use at most 3 decimals for quantities."), field="lines")
        left = line.quantity - already.get(line.pk, Decimal("0"))
        if quantity > left:
            raise ApplicationError(
                _("“%(line)s”: at most %(left)s can still be credited.")
                % {"line": line.description, "left": f"{left.normalize():f}"},
                field="lines",
            )
        if line.discount_kind == DiscountKind.AMOUNT and (
            quantity != line.quantity or already.get(line.pk)
        ):
            raise ApplicationError(
                _("“%(line)s” has a discount of an amount: credit the whole line.")
                % {"line": line.description},
                field="lines",
            )
        rows.append(
            CreditNoteLine(
                invoice_line=line,
                item_id=line.item_id,
                description=line.description,
                quantity=quantity,
                unit_price=line.unit_price,
                is_taxable=line.is_taxable,
                tax_group_id=line.tax_group_id,
                # The line's own discount comes along: its percentage, or its whole amount.
                discount_kind=line.discount_kind,
                discount_value=line.discount_value,
            )
        )
    return rows


def _row_for_amount(invoice: Invoice, entry: CreditAmountInput) -> CreditNoteLine:
    amount = _check_amount(entry.amount)
    group = entry.tax_group
    if group is not None and group.business_id != invoice.business_id:
        raise ApplicationError(_("Choose one of your tax groups."), field="tax_group")
    return CreditNoteLine(
        description=(entry.description or "").strip() or _("Credit"),
        quantity=Decimal("1"),
        unit_price=amount,
        is_taxable=group is not None,
        tax_group_id=group.pk if group is not None else None,
    )


def _discount_for(invoice: Invoice, rows: list[CreditNoteLine], *, full: bool):
    """The invoice's discount carried to a credit of its lines: its percentage as is; its
    amount only on a full first credit (the whole invoice), where it is the same amount."""
    if not invoice.discount_kind or any(row.invoice_line_id is None for row in rows):
        return None
    if invoice.discount_kind == DiscountKind.PERCENT:
        return totals_module.DiscountSpec(percent=invoice.discount_value)
    if full and credited_total(invoice) == 0:
        return totals_module.DiscountSpec(amount=invoice.discount)
    raise ApplicationError(
        _(
            "This invoice has a discount of an amount: credit the whole invoice, or credit an "
            "amount."
        ),
        field="lines",
    )


def _compute(invoice: Invoice, rows: list[CreditNoteLine], discount=None) -> totals_module.Totals:
    groups = {row.tax_group_id for row in rows if row.tax_group_id}
    group_objects = {g.pk: g for g in TaxGroup.objects.filter(pk__in=groups)}
    specs, _default = _group_specs(
        invoice.business,
        [_GroupHolder(group_objects[row.tax_group_id]) for row in rows if row.tax_group_id],
    )
    # A credited line carries the group its invoice line was taxed with (stored there), never
    # the business's default of today: the taxes reversed are the taxes charged.
    line_specs = [
        totals_module.LineSpec(
            quantity=row.quantity,
            unit_price=row.unit_price,
            is_taxable=row.is_taxable and row.tax_group_id is not None,
            tax_group=specs[row.tax_group_id] if row.tax_group_id else None,
            discount=row.discount_spec,
        )
        for row in rows
    ]
    return totals_module.compute_totals(line_specs, default_tax_group=None, discount=discount)


@dataclass(frozen=True)
class _GroupHolder:
    tax_group: TaxGroup


@transaction.atomic
def credit_note_create(
    *,
    invoice: Invoice,
    date: datetime.date,
    lines: Sequence[CreditLineInput] = (),
    amount: CreditAmountInput | None = None,
    full: bool = False,
    reason: str = "",
    apply_to_invoice: bool = True,
    refund: RefundInput | None = None,
) -> CreditNote:
    """Issue a credit note on an issued invoice: `full` (every line, what is left of it),
    `lines` (quantities of some lines) or `amount`. With `apply_to_invoice`, as much of it as
    the invoice still owes is applied to it; the rest is an open credit of the contact.

    With `refund`, the credit is paid back in money out of one of the invoice's payments (at
    most what is left of that payment): nothing is applied, nothing stays open."""
    invoice = _lock_invoice(invoice)
    if invoice.is_draft:
        raise ApplicationError(_("Issue the invoice before crediting it."))
    if invoice.is_void:
        raise ApplicationError(_("This invoice is void: it cannot be credited."))
    if not isinstance(date, datetime.date):
        raise ApplicationError(_("Enter the date."), field="date")
    if not is_date_in_range(date):
        raise ApplicationError(date_in_range_message(), field="date")
    if date < invoice.issue_date:
        raise ApplicationError(_("A credit note cannot be dated before its invoice."), field="date")
    if full:
        already = credited_quantities(invoice)
        lines = [
            CreditLineInput(invoice_line=line, quantity=line.quantity - already.get(line.pk, 0))
            for line in invoice.lines.all()
            if line.quantity - already.get(line.pk, 0) > 0
        ]
        if not lines:
            raise ApplicationError(_("Every line of this invoice has already been credited."))
    rows = _rows_for_lines(invoice, lines)
    if amount is not None:
        rows.append(_row_for_amount(invoice, amount))
    if not rows:
        raise ApplicationError(_("Choose what to credit: lines or an amount."), field="lines")
    discount = _discount_for(invoice, rows, full=full)
    result = _compute(invoice, rows, discount)
    if result.total > MAX_AMOUNT:
        raise ApplicationError(_("The credit note total is too large."), field="amount")
    if amount is not None and credited_total(invoice) + result.total > invoice.total:
        raise ApplicationError(
            _("Credits on this invoice would reach %(credited)s, more than its total of %(total)s.")
            % {
                "credited": money(
                    credited_total(invoice) + result.total, invoice.business.currency
                ),
                "total": money(invoice.total, invoice.business.currency),
            },
            field="amount",
        )
    if refund is not None:
        _check_refund(invoice, refund, result.total)
        apply_to_invoice = False
    credit_note = CreditNote(
        business_id=invoice.business_id,
        invoice=invoice,
        contact=invoice.contact,
        number=document_number_take(business=invoice.business, kind=DocumentKind.CREDIT_NOTE),
        date=date,
        reason=(reason or "").strip(),
        subtotal=result.subtotal,
        discount_percent=discount.percent if discount is not None else None,
        discount=result.discount,
        tax_total=result.tax_total,
        total=result.total,
        balance=ZERO if refund is not None else result.total,
        refund_payment=refund.payment if refund is not None else None,
        refund_method=refund.method if refund is not None else "",
        refund_reference=(refund.reference or "").strip() if refund is not None else "",
        issued_at=timezone.now(),
    )
    full_clean_or_raise(credit_note, all_fields=True)
    credit_note.save()
    for position, (row, line_amount, off) in enumerate(
        zip(rows, result.line_amounts, result.line_discounts, strict=True)
    ):
        row.credit_note = credit_note
        row.position = position
        row.amount = line_amount
        row.discount = off
        if row.tax_group_id is None:
            row.is_taxable = False
        row.save()
    CreditNoteTax.objects.bulk_create(
        [
            CreditNoteTax(
                credit_note=credit_note,
                tax_group_id=tax.group.key,
                name=tax.name,
                rate=tax.rate,
                taxable_amount=tax.taxable_amount,
                amount=tax.amount,
                position=position,
            )
            for position, tax in enumerate(result.taxes)
        ]
    )
    events.credit_note_issued.send(credit_note=credit_note)
    if apply_to_invoice and invoice.balance > 0:
        from .credit_applications import _apply

        _apply(credit_note, invoice, min(credit_note.total, invoice.balance), date)
    return credit_note
