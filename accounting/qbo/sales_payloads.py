"""Pure functions: Plannit values -> QBO JSON (and the few QBO answers we read back).
No HTTP, no database: the push service gathers the values, these functions shape them.

References: qbo-api-reference §3.1 (Customer), §3.5 (Invoice), §3.6 (Payment), §10 (tax).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .payloads import US_NON_TAXABLE_CODE, US_TAXABLE_CODE

CENT = Decimal("0.01")
DISPLAY_NAME_MAX = 500
PRIVATE_NOTE_MAX = 4000


class MappingMissing(Exception):
    """A value the owner must choose in Settings > Accounting is missing. `key` names the
    message shown to the owner (messages.py), `params` fills it."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Mapping:
    """The owner's choices (AccountingSettings + tax group mappings), as plain values."""

    is_us: bool
    taxable_tax_code: str = ""
    non_taxable_tax_code: str = ""
    transaction_tax_code: str = ""
    default_item: str = ""
    deposit_account: str = ""
    tax_group_codes: dict[int, str] = field(default_factory=dict)
    # Groups whose taxes add up to 0 % ("Exempt"): without a code of their own they take the
    # non-taxable code, never the taxable one (QBO would then charge GST/QST on them).
    zero_rate_tax_groups: frozenset[int] = frozenset()


@dataclass(frozen=True)
class LineData:
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    is_taxable: bool
    tax_group_id: int | None
    qbo_item_id: str  # the linked QBO item, "" when the Plannit item is not linked
    label: str  # how the owner recognises the line in an error message
    discount: Decimal = Decimal("0")  # this line's own discount (totals.py rule 1b)
    discount_note: str = ""  # e.g. "Discount 10 %", the negative line's description


@dataclass(frozen=True)
class InvoiceData:
    invoice_id: int
    number: str
    issue_date: datetime.date
    due_date: datetime.date
    email: str
    notes: str
    lines: tuple[LineData, ...]
    # A discount on the whole document: a percentage, or an amount (else 0).
    discount_percent: Decimal | None = None
    discount_amount: Decimal = Decimal("0")


@dataclass(frozen=True)
class ContactData:
    display_name: str
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    email: str = ""
    phone: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    province: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class PaymentData:
    payment_id: int
    request_id: str
    amount: Decimal
    date: datetime.date
    reference: str


def _ref(value: str) -> dict:
    return {"value": str(value)}


def _number(value: Decimal) -> Decimal:
    """Drop trailing zeros QBO does not need (1.000 -> 1, 25.5000 -> 25.5) but keep the value
    exact."""
    value = Decimal(value)
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def clean_display_name(name: str) -> str:
    # QBO refuses colons, tabs and newlines in DisplayName (§3.1).
    cleaned = " ".join(str(name or "").replace(":", "-").split())
    return cleaned[:DISPLAY_NAME_MAX]


def invoice_reference(invoice_id: int) -> str:
    return f"Plannit invoice #{invoice_id}"


def payment_reference(payment_id: int, request_id: str) -> str:
    """Written in the payment's PrivateNote: after an ambiguous failure, the payment is found
    again by it (QBO has no DocNumber on payments)."""
    return f"Plannit payment #{payment_id} {request_id}"


_PAYMENT_REFERENCE = re.compile(r"Plannit payment #(\d+) ([0-9a-fA-F-]{36})")


def payment_reference_read(note: str) -> tuple[int, str] | None:
    """(payment id, request id) of the reference a PrivateNote carries (a voided payment's note
    starts with "Voided - "), or None."""
    match = _PAYMENT_REFERENCE.search(str(note or ""))
    return (int(match.group(1)), match.group(2)) if match else None


def line_tax_code(line: LineData, mapping: Mapping) -> str:
    if mapping.is_us:
        return US_TAXABLE_CODE if line.is_taxable else US_NON_TAXABLE_CODE
    explicit = mapping.tax_group_codes.get(line.tax_group_id or 0)
    if not line.is_taxable or (not explicit and line.tax_group_id in mapping.zero_rate_tax_groups):
        if not mapping.non_taxable_tax_code:
            raise MappingMissing("no_non_taxable_code")
        return mapping.non_taxable_tax_code
    code = explicit or mapping.taxable_tax_code
    if not code:
        raise MappingMissing("no_taxable_code")
    return code


def line_item(line: LineData, mapping: Mapping) -> str:
    item = line.qbo_item_id or mapping.default_item
    if not item:
        raise MappingMissing("no_default_item", line=line.label)
    return item


def sales_lines(lines: tuple[LineData, ...], mapping: Mapping) -> list[dict]:
    """The SalesItemLineDetail lines of any sales document (invoice, credit memo, receipt). A
    line's own discount follows it as a negative line of the same item and tax code (an amount
    only: no Qty or UnitPrice to check), so QBO's tax base for that code is the net."""
    body_lines = []
    for line in lines:
        item, code = _ref(line_item(line, mapping)), _ref(line_tax_code(line, mapping))
        body_lines.append(
            {
                "Amount": line.amount.quantize(CENT),
                "DetailType": "SalesItemLineDetail",
                "Description": line.description[:4000],
                "SalesItemLineDetail": {
                    "ItemRef": item,
                    "Qty": _number(line.quantity),
                    "UnitPrice": _number(line.unit_price),
                    "TaxCodeRef": code,
                },
            }
        )
        if line.discount:
            body_lines.append(
                {
                    "Amount": -line.discount.quantize(CENT),
                    "DetailType": "SalesItemLineDetail",
                    "Description": (line.discount_note or line.description)[:4000],
                    "SalesItemLineDetail": {"ItemRef": item, "TaxCodeRef": code},
                }
            )
    return body_lines


def add_discount(body: dict, *, percent: Decimal | None, amount: Decimal) -> dict:
    """QBO's discount line, off the subtotal before tax (ApplyTaxAfterDiscount, §10 step 3):
    percent-based (QBO computes round(subtotal × % / 100, 2), as totals.py does) or an amount."""
    if percent is not None:
        detail = {"PercentBased": True, "DiscountPercent": _number(percent)}
        line_amount = Decimal("0")
    elif amount:
        detail = {"PercentBased": False}
        line_amount = amount.quantize(CENT)
    else:
        return body
    body["Line"].append(
        {"Amount": line_amount, "DetailType": "DiscountLineDetail", "DiscountLineDetail": detail}
    )
    body["ApplyTaxAfterDiscount"] = True
    return body


def invoice_body(data: InvoiceData, *, customer_id: str, mapping: Mapping) -> dict:
    """The Invoice create body. Non-US: GlobalTaxCalculation TaxExcluded and no TxnTaxDetail,
    so QBO computes the tax itself and we can compare (§10). US: TAX/NON on lines and the
    transaction's tax code."""
    lines = sales_lines(data.lines, mapping)
    body: dict = {
        "DocNumber": data.number[:21],
        "TxnDate": data.issue_date.isoformat(),
        "DueDate": data.due_date.isoformat(),
        "CustomerRef": _ref(customer_id),
        "Line": lines,
        "PrivateNote": invoice_reference(data.invoice_id),
    }
    if data.email:
        body["BillEmail"] = {"Address": data.email}
    if data.notes:
        body["CustomerMemo"] = {"value": data.notes[:1000]}
    if mapping.is_us:
        if not mapping.transaction_tax_code:
            raise MappingMissing("no_transaction_tax_code")
        body["TxnTaxDetail"] = {"TxnTaxCodeRef": _ref(mapping.transaction_tax_code)}
    else:
        body["GlobalTaxCalculation"] = "TaxExcluded"
    return add_discount(body, percent=data.discount_percent, amount=data.discount_amount)


def invoice_update_body(
    data: InvoiceData, *, qbo_id: str, sync_token: str, customer_id: str, mapping: Mapping
) -> dict:
    """A sparse update that replaces every field we own, lines as a whole (§2.7). Leaving
    TxnTaxDetail out makes a non-US QBO recompute the tax."""
    body = invoice_body(data, customer_id=customer_id, mapping=mapping)
    if not data.email:
        body["BillEmail"] = {"Address": ""}
    body.update({"Id": str(qbo_id), "SyncToken": str(sync_token), "sparse": True})
    return body


def customer_body(data: ContactData) -> dict:
    body: dict = {"DisplayName": clean_display_name(data.display_name)}
    if data.first_name:
        body["GivenName"] = data.first_name[:100]
    if data.last_name:
        body["FamilyName"] = data.last_name[:100]
    if data.company_name:
        body["CompanyName"] = data.company_name[:100]
    if data.email:
        body["PrimaryEmailAddr"] = {"Address": data.email}
    if data.phone:
        body["PrimaryPhone"] = {"FreeFormNumber": data.phone[:30]}
    address = {
        key: value
        for key, value in (
            ("Line1", data.address_line1),
            ("Line2", data.address_line2),
            ("City", data.city),
            ("CountrySubDivisionCode", data.province),
            ("PostalCode", data.postal_code),
            ("Country", data.country),
        )
        if value
    }
    if address:
        body["BillAddr"] = address
    return body


def customer_update_body(data: ContactData, *, qbo_id: str, sync_token: str) -> dict:
    body = customer_body(data)
    body.update({"Id": str(qbo_id), "SyncToken": str(sync_token), "sparse": True})
    return body


def payment_body(
    data: PaymentData,
    *,
    customer_id: str,
    invoice_qbo_id: str,
    deposit_account: str,
    payment_method_id: str,
) -> dict:
    if not deposit_account:
        raise MappingMissing("no_deposit_account")
    body = {
        "CustomerRef": _ref(customer_id),
        "TotalAmt": data.amount.quantize(CENT),
        "TxnDate": data.date.isoformat(),
        "DepositToAccountRef": _ref(deposit_account),
        "PrivateNote": payment_reference(data.payment_id, data.request_id),
        "Line": [
            {
                "Amount": data.amount.quantize(CENT),
                "LinkedTxn": [{"TxnId": str(invoice_qbo_id), "TxnType": "Invoice"}],
            }
        ],
    }
    if payment_method_id:
        body["PaymentMethodRef"] = _ref(payment_method_id)
    if data.reference:
        body["PaymentRefNum"] = data.reference[:21]
    return body


# Plannit's methods and the names QBO companies commonly give them (English and French
# companies); the first name is the one created when none exists.
PAYMENT_METHOD_NAMES: dict[str, tuple[str, ...]] = {
    "cash": ("Cash", "Comptant", "Argent comptant", "Espèces"),
    "cheque": ("Cheque", "Check", "Chèque"),
    "credit_card": ("Credit Card", "Carte de crédit", "Visa", "MasterCard"),
    "debit": ("Debit", "Débit", "Debit Card", "Carte de débit"),
    "e_transfer": ("E-Transfer", "Interac e-Transfer", "Virement Interac", "Virement"),
    "other": ("Other", "Autre"),
}
CREDIT_CARD_METHODS = ("credit_card",)


def _name_key(name: str) -> str:
    return " ".join(str(name or "").split()).casefold()


def match_payment_method(method: str, qbo_methods: list[dict]) -> str:
    """The Id of the QBO payment method that matches by name, or ""."""
    by_name = {
        _name_key(row.get("Name", "")): str(row.get("Id", ""))
        for row in qbo_methods
        if row.get("Active", True) not in (False, "false")
    }
    for name in PAYMENT_METHOD_NAMES.get(method, ()):
        if _name_key(name) in by_name:
            return by_name[_name_key(name)]
    return ""


def find_payment_by_reference(rows: list[dict], *, reference: str) -> dict | None:
    for row in rows:
        if reference in str(row.get("PrivateNote") or ""):
            return row
    return None


def money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(CENT)


def invoice_totals(qbo_invoice: dict) -> tuple[Decimal | None, Decimal]:
    """(TotalAmt, TxnTaxDetail.TotalTax) of a QBO invoice."""
    tax = money((qbo_invoice.get("TxnTaxDetail") or {}).get("TotalTax")) or Decimal("0.00")
    return money(qbo_invoice.get("TotalAmt")), tax


def parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# --- What the engine keeps of QBO's answers -------------------------------------------------


@dataclass(frozen=True)
class RemoteCustomer:
    qbo_id: str
    sync_token: str
    display_name: str
    is_active: bool


@dataclass(frozen=True)
class RemoteInvoice:
    qbo_id: str
    sync_token: str
    doc_number: str
    customer_id: str
    total: Decimal | None
    tax_total: Decimal
    is_voided: bool


@dataclass(frozen=True)
class RemotePayment:
    qbo_id: str
    sync_token: str
    private_note: str
    is_voided: bool


def _is_voided(row: dict) -> bool:
    # QBO marks a voided transaction in its PrivateNote ("Voided", qbo-api-reference §2.1).
    return str(row.get("PrivateNote") or "").startswith("Voided")


def customer_from_qbo(row: dict) -> RemoteCustomer:
    return RemoteCustomer(
        qbo_id=str(row.get("Id") or ""),
        sync_token=str(row.get("SyncToken") or ""),
        display_name=str(row.get("DisplayName") or "")[:DISPLAY_NAME_MAX],
        is_active=row.get("Active") not in (False, "false"),
    )


def invoice_from_qbo(row: dict) -> RemoteInvoice:
    total, tax_total = invoice_totals(row)
    return RemoteInvoice(
        qbo_id=str(row.get("Id") or ""),
        sync_token=str(row.get("SyncToken") or ""),
        doc_number=str(row.get("DocNumber") or "")[:21],
        customer_id=str((row.get("CustomerRef") or {}).get("value") or ""),
        total=total,
        tax_total=tax_total,
        is_voided=_is_voided(row),
    )


def payment_from_qbo(row: dict) -> RemotePayment:
    return RemotePayment(
        qbo_id=str(row.get("Id") or ""),
        sync_token=str(row.get("SyncToken") or ""),
        private_note=str(row.get("PrivateNote") or ""),
        is_voided=_is_voided(row),
    )
