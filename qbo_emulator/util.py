"""Small helpers shared by the modules: JSON, money, time formats, random ids."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import string
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")
_ALNUM = string.ascii_letters + string.digits


def dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_decimal(value) -> Decimal | None:
    """python-quickbooks sends decimals as strings and unset numbers as "" (reference §11)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a number: {value!r}")
    return result


def round_money(value: Decimal, mode: str = "half_up") -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP if mode == "half_up" else ROUND_HALF_EVEN)


def num(value: Decimal):
    """A Decimal for the wire: a JSON number, as QBO writes them (100.0, 362.07, 25)."""
    if value == value.to_integral_value() and abs(value) < 10**15:
        return float(value) if value.as_tuple().exponent < 0 else int(value)
    return float(value)


@lru_cache(maxsize=32)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def iso(ts: float, tz: str) -> str:
    """MetaData datetime: ISO-8601 with the company's offset, no fraction (reference §2.5)."""
    return dt.datetime.fromtimestamp(int(ts), zone(tz)).isoformat()


def iso_ms(ts: float, tz: str) -> str:
    """Envelope ``time``: with milliseconds."""
    return dt.datetime.fromtimestamp(ts, zone(tz)).isoformat(timespec="milliseconds")


def date_in(ts: float, tz: str) -> str:
    return dt.datetime.fromtimestamp(ts, zone(tz)).date().isoformat()


def parse_instant(value: str, tz: str) -> float:
    """A date or datetime as QBO reads it; a value without an offset is in the company's time zone."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # "-0700" (no colon) appears in older webhook samples; fromisoformat takes it since 3.11.
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(tz))
    return parsed.timestamp()


def is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def token(length: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def intuit_tid() -> str:
    return f"1-{secrets.token_hex(4)}-{secrets.token_hex(12)}"


def clean(value):
    """Treat "" and None as absent, recursively (python-quickbooks serialises every unset field)."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if v is not None and v != ""}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value
