"""Invoices: create, edit, issue, void, delete a draft. Totals always come from totals.py."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from businesses.models import Business
from catalog.models import Item
from contacts.models import Contact
from core import events
from core.exceptions import ApplicationError, full_clean_or_raise
from core.formatting import money
from core.validators import date_in_range_message, is_date_in_range

from .. import totals as totals_module
from ..models import (
    TERMS_DAYS,
    CreditApplicationStatus,
    CreditNoteStatus,
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    InvoiceTax,
    PaymentSource,
    PaymentStatus,
    PaymentTerms,
    TaxComponent,
    TaxGroup,
)
from ..selectors import invoice_sequence_get
from .checks import MAX_AMOUNT, check_discount, check_registration_numbers
from .numbering import invoice_number_take

MAX_LINES = 200
MAX_QUANTITY = Decimal("999999999.999")
MAX_UNIT_PRICE = Decimal("9999999999.9999")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineInput:
    description: str = ""
    quantity: Decimal = Decimal("1")
    unit_price: Decimal = Decimal("0")
    is_taxable: bool = True
    tax_group: TaxGroup | None = None
    item: Item | None = None
    discount_kind: str = ""  # a discount on this line: "percent" or "amount"
    discount_value: Decimal = Decimal("0")

    @property
    def discount_spec(self) -> totals_module.DiscountSpec | None:
        if self.discount_kind == "percent":
            return totals_module.DiscountSpec(percent=self.discount_value)
        if self.discount_kind == "amount":
            return totals_module.DiscountSpec(amount=self.discount_value)
        return None


def due_date_for(*, issue_date: datetime.date, terms: str) -> datetime.date:
    return issue_date + datetime.timedelta(days=TERMS_DAYS[PaymentTerms(terms)])


def status_for_payments(*, total: Decimal, amount_paid: Decimal) -> str:
    """The status of an issued invoice given what has been paid on it. Nothing to pay (a
    100 % discount) is paid, as QBO reads it (Balance 0)."""
    if total <= 0:
        return InvoiceStatus.PAID
    if amount_paid <= 0:
        return InvoiceStatus.ISSUED
    if amount_paid >= total:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTIALLY_PAID


def _check_header(
    *, business: Business, contact: Contact, issue_date, terms: str, due_date
) -> datetime.date:
    if contact is None or contact.business_id != business.pk:
        raise ApplicationError(_("Choose one of your contacts."), field="contact")
    if not isinstance(issue_date, datetime.date):
        raise ApplicationError(_("Enter the issue date."), field="issue_date")
    if not is_date_in_range(issue_date):
        raise ApplicationError(date_in_range_message(), field="issue_date")
    if terms not in PaymentTerms.values:
        raise ApplicationError(_("Choose valid terms."), field="terms")
    if due_date is None:
        due_date = due_date_for(issue_date=issue_date, terms=terms)
    if not is_date_in_range(due_date):
        raise ApplicationError(date_in_range_message(), field="due_date")
    if due_date < issue_date:
        raise ApplicationError(_("The due date cannot be before the issue date."), field="due_date")
    return due_date


def _check_lines(*, business: Business, lines: Sequence[LineInput]) -> list[LineInput]:
    lines = list(lines)
    if not lines:
        raise ApplicationError(_("Add at least one line to the invoice."), field="lines")
    if len(lines) > MAX_LINES:
        raise ApplicationError(
            _("An invoice can have at most %(count)d lines.") % {"count": MAX_LINES}, field="lines"
        )
    for line in lines:
        if line.item is not None and line.item.business_id != business.pk:
            raise ApplicationError(_("Choose one of your products or services."), field="lines")
        if line.tax_group is not None and line.tax_group.business_id != business.pk:
            raise ApplicationError(_("Choose one of your tax groups."), field="lines")
        if not (Decimal("0") < line.quantity <= MAX_QUANTITY):
            raise ApplicationError(_("Each quantity must be greater than zero."), field="lines")
        if not (Decimal("0") <= line.unit_price <= MAX_UNIT_PRICE):
            raise ApplicationError(_("A unit price cannot be negative."), field="lines")
        if line.quantity.as_tuple().exponent < -3 or line.unit_price.as_tuple().exponent < -4:
            raise ApplicationError(
                _("Use at most 3 decimals for quantities and 4 for unit prices."), field="lines"
            )
        if not line.description.strip() and line.item is None:
            raise ApplicationError(
                _("Each line needs a product or service, or a description."), field="lines"
            )
        try:
            check_discount(line.discount_kind, line.discount_value)
        except ApplicationError as error:
            raise ApplicationError(error.message, field="lines") from None
    return lines


def _group_specs(
    business: Business, lines: Sequence[LineInput]
) -> tuple[dict[int, totals_module.TaxGroupSpec], totals_module.TaxGroupSpec | None]:
    """Plain copies of the tax groups involved (the lines' groups and the default)."""
    ids = {line.tax_group.pk for line in lines if line.tax_group is not None}
    groups = {
        group.pk: group
        for group in TaxGroup.objects.filter(business=business).filter(pk__in=ids)
        | TaxGroup.objects.filter(business=business, is_default=True)
    }
    components: dict[int, list[TaxComponent]] = {pk: [] for pk in groups}
    for component in TaxComponent.objects.filter(tax_group__in=groups.keys()).order_by(
        "position", "id"
    ):
        components[component.tax_group_id].append(component)
    specs = {
        pk: totals_module.TaxGroupSpec(
            key=pk,
            name=group.name,
            components=tuple(
                totals_module.TaxRate(name=c.name, rate=c.rate) for c in components[pk]
            ),
        )
        for pk, group in groups.items()
    }
    default = next((specs[pk] for pk, group in groups.items() if group.is_default), None)
    return specs, default


def _write_lines_and_totals(invoice: Invoice, lines: Sequence[LineInput]) -> None:
    """Replace the invoice's lines and taxes and store its totals (balance included)."""
    specs, default = _group_specs(invoice.business, lines)
    line_specs = [
        totals_module.LineSpec(
            quantity=line.quantity,
            unit_price=line.unit_price,
            is_taxable=line.is_taxable,
            tax_group=specs[line.tax_group.pk] if line.tax_group is not None else None,
            discount=line.discount_spec,
        )
        for line in lines
    ]
    try:
        result = totals_module.compute_totals(
            line_specs, default_tax_group=default, discount=invoice.discount_spec
        )
    except totals_module.MissingTaxGroupError:
        raise ApplicationError(
            _(
                "A taxable line has no tax group and there is no default tax group. Choose a tax "
                "group on the line, or set a default in the tax group settings."
            ),
            field="lines",
        ) from None
    if result.total > MAX_AMOUNT:
        raise ApplicationError(_("The invoice total is too large."), field="lines")
    invoice.lines.all().delete()
    invoice.taxes.all().delete()
    for position, (line, spec, amount, off) in enumerate(
        zip(lines, line_specs, result.line_amounts, result.line_discounts, strict=True)
    ):
        group = totals_module.effective_tax_group(spec, default)
        row = InvoiceLine(
            invoice=invoice,
            position=position,
            item=line.item,
            description=line.description.strip() or (line.item.name if line.item else ""),
            quantity=line.quantity,
            unit_price=line.unit_price,
            is_taxable=line.is_taxable,
            tax_group_id=group.key if group is not None else None,
            amount=amount,
            discount_kind=line.discount_kind or "",
            discount_value=line.discount_value if line.discount_kind else ZERO,
            discount=off,
        )
        full_clean_or_raise(row, field="lines", all_fields=True)
        row.save()
    InvoiceTax.objects.bulk_create(
        [
            InvoiceTax(
                invoice=invoice,
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
    invoice.subtotal = result.subtotal
    invoice.discount = result.discount
    invoice.tax_total = result.tax_total
    invoice.total = result.total
    invoice.balance = ZERO if invoice.is_void else invoice.total - invoice.amount_settled


def _lock(invoice: Invoice) -> Invoice:
    # of=self: lock the invoice only, not the business row the join reads (that would
    # serialise every write of the business).
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("business")
        .get(pk=invoice.pk)
    )


@transaction.atomic
def invoice_create(
    *,
    business: Business,
    contact: Contact,
    issue_date: datetime.date,
    lines: Sequence[LineInput],
    terms: str | None = None,
    due_date: datetime.date | None = None,
    notes: str = "",
    discount_kind: str = "",
    discount_value: Decimal = ZERO,
) -> Invoice:
    """A draft invoice. Without terms, the business's default terms; without a due date, the
    one the terms give. A draft has no number and announces nothing."""
    terms = terms or invoice_sequence_get(business=business).default_terms
    due_date = _check_header(
        business=business, contact=contact, issue_date=issue_date, terms=terms, due_date=due_date
    )
    lines = _check_lines(business=business, lines=lines)
    discount_kind, discount_value = check_discount(discount_kind, discount_value)
    invoice = Invoice(
        business=business,
        contact=contact,
        issue_date=issue_date,
        terms=terms,
        due_date=due_date,
        notes=notes.strip(),
        status=InvoiceStatus.DRAFT,
        discount_kind=discount_kind,
        discount_value=discount_value,
    )
    full_clean_or_raise(invoice, all_fields=True)
    invoice.save()
    _write_lines_and_totals(invoice, lines)
    invoice.save(
        update_fields=["subtotal", "discount", "tax_total", "total", "balance", "updated_at"]
    )
    return invoice


@transaction.atomic
def invoice_update(
    *,
    invoice: Invoice,
    contact: Contact,
    issue_date: datetime.date,
    terms: str,
    lines: Sequence[LineInput],
    due_date: datetime.date | None = None,
    notes: str = "",
    discount_kind: str = "",
    discount_value: Decimal = ZERO,
) -> Invoice:
    """Replace an invoice's header and lines as a whole. An issued invoice stays editable as long
    as its new total covers what has been paid; its status follows the new balance. A void
    invoice cannot change."""
    invoice = _lock(invoice)
    if invoice.is_void:
        raise ApplicationError(_("A void invoice cannot be changed."))
    if invoice.is_sales_receipt:
        raise ApplicationError(
            _("A sales receipt is paid: it cannot change. Void it and make another one.")
        )
    if invoice.credit_notes.exclude(status=CreditNoteStatus.VOID).exists():
        raise ApplicationError(
            _(
                "This invoice has credit notes, so its lines can no longer change. Void the "
                "credit notes first, or issue another credit note."
            )
        )
    business = invoice.business
    due_date = _check_header(
        business=business, contact=contact, issue_date=issue_date, terms=terms, due_date=due_date
    )
    lines = _check_lines(business=business, lines=lines)
    invoice.contact = contact
    invoice.issue_date = issue_date
    invoice.terms = terms
    invoice.due_date = due_date
    invoice.notes = notes.strip()
    invoice.discount_kind, invoice.discount_value = check_discount(discount_kind, discount_value)
    _write_lines_and_totals(invoice, lines)
    if not invoice.is_draft:
        if invoice.total < invoice.amount_settled:
            currency = business.currency
            raise ApplicationError(
                _(
                    "The new total, %(total)s, would be less than the %(paid)s already paid. Void "
                    "a payment first, or keep the total at least equal to what was paid."
                )
                % {
                    "total": money(invoice.total, currency),
                    "paid": money(invoice.amount_settled, currency),
                },
                field="lines",
            )
        invoice.status = status_for_payments(
            total=invoice.total, amount_paid=invoice.amount_settled
        )
        check_registration_numbers(invoice=invoice)
    full_clean_or_raise(invoice, all_fields=True)
    invoice.save()
    if not invoice.is_draft:
        events.invoice_changed.send(invoice=invoice)
    return invoice


@transaction.atomic
def invoice_issue(*, invoice: Invoice) -> Invoice:
    """Give a draft its number (the next of the business's sequence) and make it due."""
    invoice = _lock(invoice)
    if not invoice.is_draft:
        raise ApplicationError(_("This invoice has already been issued."))
    if not invoice.lines.exists():
        raise ApplicationError(_("Add at least one line to the invoice."))
    check_registration_numbers(invoice=invoice)
    if invoice.is_sales_receipt:
        from .sequences import document_number_take

        invoice.number = document_number_take(
            business=invoice.business, kind=DocumentKind.SALES_RECEIPT
        )
    else:
        invoice.number = invoice_number_take(business=invoice.business)
    invoice.status = status_for_payments(total=invoice.total, amount_paid=invoice.amount_settled)
    invoice.issued_at = timezone.now()
    invoice.balance = invoice.total - invoice.amount_settled
    full_clean_or_raise(invoice, all_fields=True)
    invoice.save()
    events.invoice_issued.send(invoice=invoice)
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice, origin: str = PaymentSource.PLANNIT) -> Invoice:
    """Cancel an issued invoice. It keeps its number (numbers have no gaps) and owes nothing.
    `origin` "quickbooks": it was voided there first (the void is not sent back)."""
    invoice = _lock(invoice)
    if invoice.is_void:
        raise ApplicationError(_("This invoice is already void."))
    if invoice.is_draft:
        raise ApplicationError(_("A draft has no number yet: delete it instead of voiding it."))
    if invoice.payments.exclude(status=PaymentStatus.VOID).exists():
        raise ApplicationError(
            _("This invoice has payments. Void its payments first, then void the invoice.")
        )
    if invoice.credit_notes.exclude(status=CreditNoteStatus.VOID).exists() or (
        invoice.credit_applications.exclude(status=CreditApplicationStatus.VOID).exists()
    ):
        raise ApplicationError(
            _("This invoice has credit notes. Void its credit notes first, then void the invoice.")
        )
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = timezone.now()
    invoice.balance = ZERO
    invoice.save(update_fields=["status", "voided_at", "balance", "updated_at"])
    events.invoice_voided.send(invoice=invoice, origin=origin)
    return invoice


@transaction.atomic
def invoice_delete(*, invoice: Invoice) -> None:
    """Delete a draft. Issued invoices are never deleted (their number must stay), only voided."""
    invoice = _lock(invoice)
    if not invoice.is_draft:
        raise ApplicationError(_("Only a draft can be deleted. Void an issued invoice instead."))
    invoice.lines.all().delete()
    invoice.taxes.all().delete()
    invoice.delete()
