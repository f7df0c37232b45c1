"""Invoice numbering and the business's invoice settings."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from businesses.models import Business
from core.exceptions import ApplicationError

from ..models import Invoice, InvoiceSequence, PaymentTerms
from ..selectors import invoice_highest_issued_number

# Letters, digits and a few separators; QuickBooks' DocNumber holds at most 21 characters.
PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9#/_.-]*$")
MAX_NEXT_NUMBER = 10**10 - 1


def invoice_sequence_ensure(*, business: Business) -> InvoiceSequence:
    """The business's numbering row, created if missing. Safe when two requests race: the
    loser of the insert reads the winner's row."""
    sequence = InvoiceSequence.objects.filter(business=business).first()
    if sequence is not None:
        return sequence
    try:
        with transaction.atomic():
            return InvoiceSequence.objects.create(business=business)
    except IntegrityError:
        return InvoiceSequence.objects.get(business=business)


def on_business_created(*, business: Business, **_payload) -> None:
    invoice_sequence_ensure(business=business)


def format_invoice_number(*, prefix: str, number: int) -> str:
    return f"{prefix}{number}"


@transaction.atomic
def invoice_settings_update(
    *, business: Business, prefix: str, next_number: int, default_terms: str
) -> InvoiceSequence:
    """Change the numbering and default terms. The next number may move anywhere past the
    numbers already issued with that prefix, never back onto them: an invoice number is
    unique, and a number handed out twice would make two documents for one number."""
    invoice_sequence_ensure(business=business)
    sequence = InvoiceSequence.objects.select_for_update().get(business=business)
    prefix = (prefix or "").strip()
    if not PREFIX_PATTERN.match(prefix) or len(prefix) > 10:
        raise ApplicationError(
            _("Use at most 10 letters, digits or the signs - / _ . # in the prefix."),
            field="prefix",
        )
    if prefix and prefix[-1].isdigit():
        raise ApplicationError(
            _(
                "The prefix cannot end with a digit: it would run into the number "
                "(add a separator such as “-”)."
            ),
            field="prefix",
        )
    if not isinstance(next_number, int) or not 1 <= next_number <= MAX_NEXT_NUMBER:
        raise ApplicationError(
            _("Enter a whole number between 1 and %(max)s.") % {"max": MAX_NEXT_NUMBER},
            field="next_number",
        )
    highest = invoice_highest_issued_number(business=business, prefix=prefix)
    if highest is not None and next_number <= highest:
        raise ApplicationError(
            _(
                "The next number must be greater than %(number)s: invoices up to "
                "%(formatted)s have already been issued, and each invoice number can be used "
                "only once."
            )
            % {
                "number": highest,
                "formatted": format_invoice_number(prefix=prefix, number=highest),
            },
            field="next_number",
        )
    if Invoice.objects.filter(
        business=business, number=format_invoice_number(prefix=prefix, number=next_number)
    ).exists():
        raise ApplicationError(
            _("This number has already been issued. Choose a greater one."), field="next_number"
        )
    if default_terms not in PaymentTerms.values:
        raise ApplicationError(_("Choose valid terms."), field="default_terms")
    sequence.prefix = prefix
    sequence.next_number = next_number
    sequence.default_terms = default_terms
    sequence.full_clean()
    sequence.save(update_fields=["prefix", "next_number", "default_terms"])
    return sequence


def invoice_number_take(*, business: Business) -> str:
    """Hand out the next number. Must run inside the issuing transaction: the row lock (SELECT
    ... FOR UPDATE) is held until that transaction ends, so a concurrent issue waits and gets
    the following number, and a rolled back issue gives its number back (no gap)."""
    invoice_sequence_ensure(business=business)
    sequence = InvoiceSequence.objects.select_for_update().get(business=business)
    number = format_invoice_number(prefix=sequence.prefix, number=sequence.next_number)
    if Invoice.objects.filter(business=business, number=number).exists():
        raise ApplicationError(
            _(
                "The next invoice number, %(number)s, is already used. Change the next number in "
                "the invoice settings."
            )
            % {"number": number}
        )
    sequence.next_number += 1
    sequence.save(update_fields=["next_number"])
    return number
