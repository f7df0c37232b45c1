"""Numbering of credit notes and sales receipts: one sequence per business and kind, with the
invoices' guarantees (the row is locked until the issuing transaction ends: no gap, no
duplicate, a rolled back issue gives its number back)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from businesses.models import Business
from core.exceptions import ApplicationError

from ..models import DEFAULT_PREFIXES_BY_KIND, CreditNote, DocumentKind, DocumentSequence, Invoice
from .numbering import MAX_NEXT_NUMBER, PREFIX_PATTERN, format_invoice_number


def _number_used(business: Business, kind: str, number: str) -> bool:
    if kind == DocumentKind.CREDIT_NOTE:
        return CreditNote.objects.filter(business=business, number=number).exists()
    return Invoice.objects.filter(business=business, number=number).exists()


def document_sequence_ensure(*, business: Business, kind: str) -> DocumentSequence:
    sequence = DocumentSequence.objects.filter(business=business, kind=kind).first()
    if sequence is not None:
        return sequence
    try:
        with transaction.atomic():
            return DocumentSequence.objects.create(
                business=business, kind=kind, prefix=DEFAULT_PREFIXES_BY_KIND[kind]
            )
    except IntegrityError:
        return DocumentSequence.objects.get(business=business, kind=kind)


def document_number_take(*, business: Business, kind: str) -> str:
    """The next number of this kind of document. Must run inside the issuing transaction."""
    document_sequence_ensure(business=business, kind=kind)
    sequence = DocumentSequence.objects.select_for_update().get(business=business, kind=kind)
    number = format_invoice_number(prefix=sequence.prefix, number=sequence.next_number)
    if _number_used(business, kind, number):
        raise ApplicationError(
            _(
                "The next number, %(number)s, is already used. Change the next number in the "
                "invoice settings."
            )
            % {"number": number}
        )
    sequence.next_number += 1
    sequence.save(update_fields=["next_number"])
    return number


@transaction.atomic
def document_sequence_update(
    *, business: Business, kind: str, prefix: str, next_number: int
) -> DocumentSequence:
    """Change a document numbering; never back onto a number already given."""
    document_sequence_ensure(business=business, kind=kind)
    sequence = DocumentSequence.objects.select_for_update().get(business=business, kind=kind)
    field = f"{kind}_prefix"
    prefix = (prefix or "").strip()
    if not PREFIX_PATTERN.match(prefix) or len(prefix) > 10:
        raise ApplicationError(
            _("Use at most 10 letters, digits or the signs - / _ . # in the prefix."), field=field
        )
    if prefix and prefix[-1].isdigit():
        raise ApplicationError(
            _(
                "The prefix cannot end with a digit: it would run into the number "
                "(add a separator such as “-”)."
            ),
            field=field,
        )
    if not isinstance(next_number, int) or not 1 <= next_number <= MAX_NEXT_NUMBER:
        raise ApplicationError(
            _("Enter a whole number between 1 and %(max)s.") % {"max": MAX_NEXT_NUMBER},
            field=f"{kind}_next_number",
        )
    if (prefix, next_number) != (sequence.prefix, sequence.next_number) and (
        next_number < sequence.next_number and prefix == sequence.prefix
    ):
        raise ApplicationError(
            _("Numbers up to %(number)s have already been given: choose a greater one.")
            % {"number": format_invoice_number(prefix=prefix, number=sequence.next_number - 1)},
            field=f"{kind}_next_number",
        )
    if _number_used(business, kind, format_invoice_number(prefix=prefix, number=next_number)):
        raise ApplicationError(
            _("This number has already been issued. Choose a greater one."),
            field=f"{kind}_next_number",
        )
    sequence.prefix = prefix
    sequence.next_number = next_number
    sequence.save(update_fields=["prefix", "next_number"])
    return sequence
