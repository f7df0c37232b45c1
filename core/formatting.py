"""Money and number formatting per the active language (fr-CA: 1 234,50 $; en: $1,234.50).

Services format amounts in their messages with these; templates use the filters of
`core.templatetags.plannit_format`, which call the same functions."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django.utils import translation


def babel_locale() -> str:
    language = translation.get_language() or "fr-ca"
    return "fr_CA" if language.startswith("fr") else "en_CA"


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(value, currency: str = "CAD") -> str:
    amount = to_decimal(value)
    if amount is None:
        return ""
    return format_currency(amount, currency or "CAD", locale=babel_locale())


def number(value, digits: int = 3) -> str:
    amount = to_decimal(value)
    if amount is None:
        return ""
    return format_decimal(amount, format=f"#,##0.{'#' * int(digits)}", locale=babel_locale())


def percent(value) -> str:
    amount = to_decimal(value)
    if amount is None:
        return ""
    return format_decimal(amount, format="#,##0.###", locale=babel_locale()) + " %"
