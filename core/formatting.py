"""Money and number formatting per the active language (fr-CA: 1 234,50 $; en: $1,234.50).

Services format amounts in their messages with these; templates use the filters of
`core.templatetags.plannit_format`, which call the same functions."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django.utils import formats, translation


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


def unit_money(value, currency: str = "CAD") -> str:
    """A unit price: the currency and at least the cents, and the further decimals a price
    may carry (120 -> "120,00 $", 0.125 -> "0,125 $"), never rounded for display."""
    amount = to_decimal(value)
    if amount is None:
        return ""
    amount = amount.normalize()
    if amount.as_tuple().exponent > -2:
        amount = amount.quantize(Decimal("0.01"))
    return format_currency(
        amount, currency or "CAD", locale=babel_locale(), decimal_quantization=False
    )


def number(value, digits: int = 3) -> str:
    amount = to_decimal(value)
    if amount is None:
        return ""
    return format_decimal(amount, format=f"#,##0.{'#' * int(digits)}", locale=babel_locale())


def grouped(value) -> str:
    """A count with the active language's thousands grouping ("1 284", "1,284")."""
    if value in (None, ""):
        return ""
    return formats.number_format(value, force_grouping=True)


def percent(value) -> str:
    amount = to_decimal(value)
    if amount is None:
        return ""
    locale = babel_locale()
    digits = format_decimal(amount, format="#,##0.###", locale=locale)
    # French sets a non-breaking space before the sign ("9,975 %"); English does not ("9.975%").
    return f"{digits}\u00a0%" if locale.startswith("fr") else f"{digits}%"
