"""Bounds shared by every form and service: a value outside them is a field error, never a
500 (a date near 9999-12-31 overflows as soon as terms are added to it)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Documents of a small business: nothing before 2000, nothing after 2099.
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2099, 12, 31)


def date_in_range_message() -> str:
    return _("Enter a date between %(start)s and %(end)s.") % {
        "start": date_format(DATE_MIN, "SHORT_DATE_FORMAT"),
        "end": date_format(DATE_MAX, "SHORT_DATE_FORMAT"),
    }


def is_date_in_range(value) -> bool:
    return isinstance(value, datetime.date) and DATE_MIN <= value <= DATE_MAX


def validate_date_in_range(value) -> None:
    if not is_date_in_range(value):
        raise ValidationError(date_in_range_message(), code="date_out_of_range")


def validate_not_negative_zero(value) -> None:
    """`-0` passes a `min_value=0` check (it equals zero) but is stored and sent with its sign."""
    if isinstance(value, Decimal) and value.is_zero() and value.is_signed():
        raise ValidationError(_("Enter a number of zero or more."), code="negative_zero")
