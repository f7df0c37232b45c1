"""Paged reads of QuickBooks customers and items for the imports, and their pure mapping to
plain records. No ORM.

Pages are yielded one at a time (qbo-api-reference §4: STARTPOSITION is 1-based, MAXRESULTS at
most 1000, stop on a short or empty page), so an import of any size holds one page in memory.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from . import client, errors
from .payloads import qbo_bool

PAGE_SIZE = client.PAGE_SIZE
# Inactive records are left out of a query unless it filters on Active (§2.7, §4).
ALL_ACTIVE_STATES = "Active IN (true, false)"
SELLABLE_ITEM_TYPES = ("Service", "NonInventory", "Inventory")
# A page that fails with a retryable error (429, 5xx, timeout, expired token) is asked again
# this many times, waiting Retry-After or an exponential delay, before the error goes up.
PAGE_ATTEMPTS = 4
MAX_WAIT_SECONDS = 60
Token = str | Callable[[], str]
_sleep = time.sleep


@dataclass(frozen=True)
class CustomerRecord:
    qbo_id: str
    sync_token: str
    display_name: str
    first_name: str
    last_name: str
    company_name: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    city: str
    province: str
    postal_code: str
    country: str
    notes: str
    is_active: bool

    def contact_values(self) -> dict[str, str]:
        return {
            "display_name": self.display_name,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "company_name": self.company_name,
            "email": self.email,
            "phone": self.phone,
            "address_line1": self.address_line1,
            "address_line2": self.address_line2,
            "city": self.city,
            "province": self.province,
            "postal_code": self.postal_code,
            "country": self.country,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ItemRecord:
    qbo_id: str
    sync_token: str
    name: str
    fully_qualified_name: str
    item_type: str
    description: str
    unit_price: Decimal
    taxable: bool | None  # None: QBO sent no Taxable flag (non-US companies use tax codes)
    sales_tax_code_id: str
    sku: str
    is_active: bool
    parent_id: str
    has_income_account: bool


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _ref(value) -> str:
    return str(value.get("value") or "").strip() if isinstance(value, dict) else ""


def _decimal(value) -> Decimal:
    try:
        number = Decimal(str(value)) if value not in (None, "") else Decimal("0")
    except (InvalidOperation, ValueError):
        return Decimal("0")
    return number if number.is_finite() else Decimal("0")


def customer_from_qbo(data: dict) -> CustomerRecord:
    address = data.get("BillAddr") if isinstance(data.get("BillAddr"), dict) else {}
    extra_lines = [_text(address.get(f"Line{n}")) for n in range(2, 6)]
    phone = ""
    for key in ("PrimaryPhone", "Mobile", "AlternatePhone"):
        value = data.get(key)
        if isinstance(value, dict) and _text(value.get("FreeFormNumber")):
            phone = _text(value.get("FreeFormNumber"))
            break
    email = data.get("PrimaryEmailAddr")
    return CustomerRecord(
        qbo_id=str(data.get("Id") or ""),
        sync_token=str(data.get("SyncToken") or ""),
        display_name=_text(data.get("DisplayName")),
        first_name=_text(data.get("GivenName")),
        last_name=_text(data.get("FamilyName")),
        company_name=_text(data.get("CompanyName")),
        email=(_text(email.get("Address")) if isinstance(email, dict) else "").replace(" ", ""),
        phone=phone,
        address_line1=_text(address.get("Line1")),
        address_line2=", ".join(line for line in extra_lines if line),
        city=_text(address.get("City")),
        province=_text(address.get("CountrySubDivisionCode")),
        postal_code=_text(address.get("PostalCode")),
        country=_text(address.get("Country")),
        notes=str(data.get("Notes") or "").strip(),
        is_active=qbo_bool(data.get("Active"), True),
    )


def item_from_qbo(data: dict) -> ItemRecord:
    name = _text(data.get("Name"))
    taxable = data.get("Taxable")
    return ItemRecord(
        qbo_id=str(data.get("Id") or ""),
        sync_token=str(data.get("SyncToken") or ""),
        name=name,
        fully_qualified_name=_text(data.get("FullyQualifiedName")) or name,
        item_type=_text(data.get("Type")),
        description=str(data.get("Description") or "").strip(),
        unit_price=_decimal(data.get("UnitPrice")),
        taxable=None if taxable in (None, "") else qbo_bool(taxable, False),
        sales_tax_code_id=_ref(data.get("SalesTaxCodeRef")),
        sku=_text(data.get("Sku")),
        is_active=qbo_bool(data.get("Active"), True),
        parent_id=_ref(data.get("ParentRef")) if qbo_bool(data.get("SubItem"), True) else "",
        has_income_account=bool(_ref(data.get("IncomeAccountRef"))),
    )


def _token(access_token: Token) -> str:
    return access_token() if callable(access_token) else access_token


def _query(*, access_token: Token, realm_id: str, sql: str) -> dict:
    for attempt in range(1, PAGE_ATTEMPTS + 1):
        qb = client.api(access_token=_token(access_token), realm_id=realm_id)
        try:
            return qb.query(sql)
        except errors.QboError as error:
            if not error.retryable or attempt == PAGE_ATTEMPTS:
                raise
            wait = error.retry_after if error.retry_after is not None else 2**attempt
            _sleep(min(MAX_WAIT_SECONDS, wait))
    raise AssertionError("unreachable")


def _pages(
    *, access_token: Token, realm_id: str, select: str, entity: str, where: str, page_size: int
) -> Iterator[list[dict]]:
    start = 1
    while True:
        sql = (
            f"{select} FROM {entity}{' WHERE ' + where if where else ''} "
            f"STARTPOSITION {start} MAXRESULTS {page_size}"
        )
        result = _query(access_token=access_token, realm_id=realm_id, sql=sql)
        page = (result.get("QueryResponse") or {}).get(entity) or []
        if page:
            yield page
        if len(page) < page_size:
            return
        start += page_size


def _count(*, access_token: Token, realm_id: str, entity: str, where: str) -> int:
    result = _query(
        access_token=access_token,
        realm_id=realm_id,
        sql=f"SELECT COUNT(*) FROM {entity}{' WHERE ' + where if where else ''}",
    )
    try:
        return int((result.get("QueryResponse") or {}).get("totalCount") or 0)
    except (TypeError, ValueError):
        return 0


def count_customers(*, access_token: Token, realm_id: str, include_inactive: bool) -> int:
    return _count(
        access_token=access_token,
        realm_id=realm_id,
        entity="Customer",
        where=ALL_ACTIVE_STATES if include_inactive else "",
    )


def customer_pages(
    *, access_token: Token, realm_id: str, include_inactive: bool, page_size: int = PAGE_SIZE
) -> Iterator[list[CustomerRecord]]:
    for page in _pages(
        access_token=access_token,
        realm_id=realm_id,
        select="SELECT *",
        entity="Customer",
        where=ALL_ACTIVE_STATES if include_inactive else "",
        page_size=page_size,
    ):
        yield [customer_from_qbo(row) for row in page]


def count_items(*, access_token: Token, realm_id: str, include_inactive: bool) -> int:
    return _count(
        access_token=access_token,
        realm_id=realm_id,
        entity="Item",
        where=ALL_ACTIVE_STATES if include_inactive else "",
    )


def item_pages(
    *, access_token: Token, realm_id: str, include_inactive: bool, page_size: int = PAGE_SIZE
) -> Iterator[list[ItemRecord]]:
    # Sku only comes back when asked for by name (§3.2).
    for page in _pages(
        access_token=access_token,
        realm_id=realm_id,
        select="SELECT *, Sku",
        entity="Item",
        where=ALL_ACTIVE_STATES if include_inactive else "",
        page_size=page_size,
    ):
        yield [item_from_qbo(row) for row in page]
