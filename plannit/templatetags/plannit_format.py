"""Money and number formatting per the active language (fr-CA: 1 234,50 $; en: $1,234.50)."""
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import translation

register = template.Library()


def _babel_locale() -> str:
    language = translation.get_language() or "fr-ca"
    return "fr_CA" if language.startswith("fr") else "en_CA"


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value, currency: str = "CAD") -> str:
    amount = _to_decimal(value)
    if amount is None:
        return ""
    return format_currency(amount, currency or "CAD", locale=_babel_locale())


@register.filter
def number(value, digits: int = 3) -> str:
    amount = _to_decimal(value)
    if amount is None:
        return ""
    return format_decimal(amount, format=f"#,##0.{'#' * int(digits)}", locale=_babel_locale())


@register.filter
def percent(value) -> str:
    amount = _to_decimal(value)
    if amount is None:
        return ""
    return format_decimal(amount, format="#,##0.###", locale=_babel_locale()) + " %"
