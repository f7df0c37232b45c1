"""Pure functions between QBO JSON and our plain values. No HTTP, no ORM."""

from dataclasses import dataclass

# US companies use the pseudo codes TAX / NON on lines (qbo-api-reference §3.4).
US_TAXABLE_CODE = "TAX"
US_NON_TAXABLE_CODE = "NON"


@dataclass(frozen=True)
class CompanyInfo:
    realm_id: str
    name: str
    country: str
    currency: str


@dataclass(frozen=True)
class TaxCodeRow:
    qbo_id: str
    name: str
    description: str
    is_active: bool
    is_taxable: bool
    is_group: bool


@dataclass(frozen=True)
class ItemRow:
    qbo_id: str
    name: str
    fully_qualified_name: str
    item_type: str
    is_active: bool
    is_taxable: bool


@dataclass(frozen=True)
class AccountRow:
    qbo_id: str
    name: str
    fully_qualified_name: str
    account_type: str
    account_subtype: str
    is_active: bool


def qbo_bool(value, default: bool) -> bool:
    """A QBO boolean as python-quickbooks and the API send it (true, "true", "" or absent)."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _country(value: str) -> str:
    # Top-level Country is alpha-2, but addresses moved to alpha-3 in 2025 (§3.7): accept both.
    value = (value or "").strip().upper()
    return {"USA": "US", "CAN": "CA", "GBR": "GB", "AUS": "AU"}.get(value, value)


def company_info_from_qbo(data: dict, *, realm_id: str, home_currency: str = "") -> CompanyInfo:
    country = _country(data.get("Country") or (data.get("CompanyAddr") or {}).get("Country", ""))
    currency = home_currency
    if not currency:
        for pair in data.get("NameValue") or []:
            if isinstance(pair, dict) and pair.get("Name") == "HomeCurrency":
                currency = str(pair.get("Value") or "")
    if not currency:
        currency = {"US": "USD", "CA": "CAD"}.get(country, "")
    return CompanyInfo(
        realm_id=str(realm_id),
        name=str(data.get("CompanyName") or ""),
        country=country,
        currency=currency.upper(),
    )


def tax_code_from_qbo(data: dict) -> TaxCodeRow:
    return TaxCodeRow(
        qbo_id=str(data.get("Id", "")),
        name=str(data.get("Name") or ""),
        description=str(data.get("Description") or ""),
        is_active=qbo_bool(data.get("Active"), True),
        is_taxable=qbo_bool(data.get("Taxable"), True),
        is_group=qbo_bool(data.get("TaxGroup"), False),
    )


def item_from_qbo(data: dict) -> ItemRow:
    name = str(data.get("Name") or "")
    return ItemRow(
        qbo_id=str(data.get("Id", "")),
        name=name,
        fully_qualified_name=str(data.get("FullyQualifiedName") or name),
        item_type=str(data.get("Type") or ""),
        is_active=qbo_bool(data.get("Active"), True),
        is_taxable=qbo_bool(data.get("Taxable"), False),
    )


def account_from_qbo(data: dict) -> AccountRow:
    name = str(data.get("Name") or "")
    return AccountRow(
        qbo_id=str(data.get("Id", "")),
        name=name,
        fully_qualified_name=str(data.get("FullyQualifiedName") or name),
        account_type=str(data.get("AccountType") or ""),
        account_subtype=str(data.get("AccountSubType") or ""),
        is_active=qbo_bool(data.get("Active"), True),
    )
