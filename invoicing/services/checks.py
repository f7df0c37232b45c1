"""Rules an invoice must meet before it is saved or issued: its discount, and the
registration numbers a Québec invoice with taxes must print."""

from decimal import Decimal

from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.formatting import money

from ..models import DiscountKind, Invoice

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")  # what the 14-digit, 2-decimal columns hold
# Revenu Québec and the CRA: an invoice of $30 or more (taxes included) must show the
# supplier's GST/HST and QST registration numbers for the client to claim input tax credits.
REGISTRATION_NUMBERS_THRESHOLD = Decimal("30.00")


def check_discount(kind: str, value) -> tuple[str, Decimal]:
    """A discount on the whole document: a percentage above 0 up to 100, or an amount above 0
    (at most the subtotal: totals.py caps it), 2 decimals at most."""
    kind = kind or ""
    if not kind:
        return "", ZERO
    if kind not in DiscountKind.values:
        raise ApplicationError(_("Choose a percentage or an amount."), field="discount_kind")
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ApplicationError(
            _("Enter a discount greater than zero, or choose no discount."),
            field="discount_value",
        )
    if value.as_tuple().exponent < -2:
        raise ApplicationError(
            _("Use at most 2 decimals for the discount."), field="discount_value"
        )
    if kind == DiscountKind.PERCENT and value > 100:
        raise ApplicationError(_("A discount cannot exceed 100 %."), field="discount_value")
    if value > MAX_AMOUNT:
        raise ApplicationError(_("The discount is too large."), field="discount_value")
    return kind, value


def check_registration_numbers(*, invoice: Invoice) -> None:
    """A Québec business that charges taxes cannot issue an invoice of $30 or more without its
    GST/HST and QST registration numbers (they are printed on it)."""
    business = invoice.business
    if business.province != "QC" or invoice.tax_total <= 0:
        return
    if invoice.total < REGISTRATION_NUMBERS_THRESHOLD:
        return
    missing = []
    if not business.gst_hst_number:
        missing.append(_("GST/HST registration number"))
    if not business.qst_number:
        missing.append(_("QST registration number"))
    if missing:
        raise ApplicationError(
            _(
                "An invoice of %(threshold)s or more with taxes must show your registration "
                "numbers. Add your %(missing)s in Settings › Business (an owner can), then "
                "issue the invoice again."
            )
            % {
                "threshold": money(REGISTRATION_NUMBERS_THRESHOLD, business.currency),
                "missing": (
                    _("%(first)s and %(second)s") % {"first": missing[0], "second": missing[1]}
                    if len(missing) == 2
                    else missing[0]
                ),
            },
            extra={"missing": missing},
        )
