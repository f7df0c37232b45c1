"""The reads of the books check (reconcile): every invoice, payment, credit memo, refund receipt,
sales receipt and customer of a company, 1,000 per page (qbo-api-reference §0), or only what
changed since a checkpoint (/cdc, §6), as small dataclasses the reconcile app compares with
Plannit. No ORM here.

Another document type plugs in by adding its entity to ENTITIES and a parser to _PARSERS
returning a Doc."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from . import client
from .client import Recorder
from .inbound import parse_instant, payment_applications
from .sales_payloads import money, parse_date

# The order of the first run's pages; also the entities asked from /cdc.
ENTITIES = ("Invoice", "Payment", "CreditMemo", "RefundReceipt", "SalesReceipt", "Customer")
# Documents read like an invoice (number, customer, date, total, tax per component, balance).
SALES_DOCUMENTS = ("Invoice", "CreditMemo", "RefundReceipt", "SalesReceipt")
PAGE_SIZE = client.PAGE_SIZE
# /cdc answers at most this many objects in all (§6): a full answer may have left some out.
CDC_MAX_OBJECTS = 1000
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Doc:
    """One QuickBooks document or customer, as the check needs it. `applied` is, for a
    payment, (invoice Id, amount) of money per invoice it pays; `credits`, (credit memo Id,
    invoice Id, amount) per credit it applies. A credit memo's `balance` is its remaining
    credit."""

    entity: str
    qbo_id: str
    is_deleted: bool = False
    is_voided: bool = False
    doc_number: str = ""
    customer_id: str = ""
    txn_date: datetime.date | None = None
    total: Decimal = ZERO
    tax: Decimal = ZERO
    balance: Decimal = ZERO
    applied: tuple[tuple[str, Decimal], ...] = ()
    note: str = ""
    # An invoice's tax per component: (rate in percent, normalised text, amount), by rate.
    tax_lines: tuple[tuple[str, Decimal], ...] = ()
    credits: tuple[tuple[str, str, Decimal], ...] = ()


def rate_key(value) -> str:
    """A tax rate as text, the same for 5, 5.0 and 5.000 (Plannit's and QuickBooks' forms)."""
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def _tax_lines(row: dict) -> tuple[tuple[str, Decimal], ...]:
    amounts: dict[str, Decimal] = {}
    for line in (row.get("TxnTaxDetail") or {}).get("TaxLine") or []:
        detail = line.get("TaxLineDetail") or {}
        if detail.get("TaxPercent") is None:
            continue
        key = rate_key(detail["TaxPercent"])
        amounts[key] = amounts.get(key, ZERO) + (money(line.get("Amount")) or ZERO)
    return tuple(sorted((k, v) for k, v in amounts.items() if v != ZERO))


def _is_voided(row: dict) -> bool:
    # A voided transaction keeps its record, amounts 0, PrivateNote "Voided…" (§3.6).
    return str(row.get("PrivateNote") or "").startswith("Voided")


def _deleted(entity: str, row: dict) -> Doc | None:
    if str(row.get("status") or "") == "Deleted":
        return Doc(entity=entity, qbo_id=str(row.get("Id") or ""), is_deleted=True)
    return None


def sales_doc(entity: str, row: dict) -> Doc:
    """An invoice, credit memo, refund receipt or sales receipt (a credit memo's Balance is
    its RemainingCredit)."""
    gone = _deleted(entity, row)
    if gone:
        return gone
    balance = row.get("RemainingCredit") if entity == "CreditMemo" else row.get("Balance")
    return Doc(
        entity=entity,
        qbo_id=str(row.get("Id") or ""),
        is_voided=_is_voided(row),
        doc_number=str(row.get("DocNumber") or "")[:21],
        customer_id=str((row.get("CustomerRef") or {}).get("value") or ""),
        txn_date=parse_date(row.get("TxnDate") or ""),
        total=money(row.get("TotalAmt")) or ZERO,
        tax=money((row.get("TxnTaxDetail") or {}).get("TotalTax")) or ZERO,
        balance=money(balance) or ZERO,
        tax_lines=_tax_lines(row),
    )


def credit_applications(row: dict) -> tuple[tuple[str, str, Decimal], ...]:
    """A QBO Payment's credits per (credit memo, invoice): each invoice, in Id order, takes
    what is left of the credit memos, in Id order (payment_applications' rule: the money pays
    what the credits do not)."""
    invoices: dict[str, Decimal] = {}
    memos: dict[str, Decimal] = {}
    for line in row.get("Line") or []:
        amount = money(line.get("Amount")) or ZERO
        for link in line.get("LinkedTxn") or []:
            target = {"Invoice": invoices, "CreditMemo": memos}.get(link.get("TxnType"))
            if target is not None and link.get("TxnId"):
                key = str(link["TxnId"])
                target[key] = target.get(key, ZERO) + amount
    pairs: list[tuple[str, str, Decimal]] = []
    left = sorted(memos.items())
    for invoice_id, owed in sorted(invoices.items()):
        while owed > 0 and left:
            memo_id, credit = left[0]
            taken = min(owed, credit)
            if taken > 0:
                pairs.append((memo_id, invoice_id, taken))
            owed -= taken
            left[0] = (memo_id, credit - taken)
            if left[0][1] <= 0:
                left.pop(0)
    return tuple(pairs)


def payment_doc(row: dict) -> Doc:
    gone = _deleted("Payment", row)
    if gone:
        return gone
    applied, _credit_memos = payment_applications(row)  # credits applied are not money
    return Doc(
        entity="Payment",
        qbo_id=str(row.get("Id") or ""),
        is_voided=_is_voided(row),
        customer_id=str((row.get("CustomerRef") or {}).get("value") or ""),
        txn_date=parse_date(row.get("TxnDate") or ""),
        total=money(row.get("TotalAmt")) or ZERO,
        applied=applied,
        credits=credit_applications(row),
        note=str(row.get("PrivateNote") or "")[:200],
    )


def customer_doc(row: dict) -> Doc:
    gone = _deleted("Customer", row)
    if gone:
        return gone
    return Doc(
        entity="Customer",
        qbo_id=str(row.get("Id") or ""),
        balance=money(row.get("Balance")) or ZERO,
    )


_PARSERS = {
    "Payment": payment_doc,
    "Customer": customer_doc,
    **{entity: partial(sales_doc, entity) for entity in SALES_DOCUMENTS},
}


@dataclass(frozen=True)
class Page:
    docs: list[Doc]
    is_last: bool


@dataclass(frozen=True)
class Changes:
    docs: list[Doc]
    complete: bool  # False: /cdc hit its object limit, some changes may be missing


class ReconcileApi:
    """The check's reads for one company and one access token (all metered: each is counted
    by client.py's observer)."""

    def __init__(self, *, access_token: str, realm_id: str, recorder: Recorder | None = None):
        self.qb = client.api(access_token=access_token, realm_id=realm_id, recorder=recorder)
        self.realm_id = realm_id

    def _url(self, path: str) -> str:
        return f"{self.qb.api_url}/company/{self.realm_id}/{path}"

    def _query(self, entity: str, sql: str) -> list[dict]:
        self.qb.operation_label = f"query {entity}"
        answer = self.qb.make_request(
            "POST", self._url("query"), request_body=sql, content_type="application/text", params={}
        )
        return list((answer.get("QueryResponse") or {}).get(entity) or [])

    def page(self, entity: str, start: int, *, page_size: int = PAGE_SIZE) -> Page:
        """One page of `entity` from position `start` (1-based), in Id order."""
        sql = f"SELECT * FROM {entity} ORDERBY Id STARTPOSITION {start} MAXRESULTS {page_size}"
        rows = self._query(entity, sql)
        return Page(docs=[_PARSERS[entity](row) for row in rows], is_last=len(rows) < page_size)

    def customers(self, qbo_ids: list[str]) -> list[Doc]:
        """These customers as they are now (one query per 1,000): a customer's open balance
        moves with its documents without the customer itself showing as changed."""
        docs: list[Doc] = []
        ids = sorted({str(qbo_id) for qbo_id in qbo_ids if str(qbo_id).isdigit()}, key=int)
        for start in range(0, len(ids), CDC_MAX_OBJECTS):
            chunk = ", ".join(f"'{qbo_id}'" for qbo_id in ids[start : start + CDC_MAX_OBJECTS])
            sql = f"SELECT * FROM Customer WHERE Id IN ({chunk}) MAXRESULTS {CDC_MAX_OBJECTS}"
            rows = self._query("Customer", sql)
            docs.extend(customer_doc(row) for row in rows)
        return docs

    def changes_since(self, since: datetime.datetime) -> Changes:
        """One /cdc call for the checked entities."""
        self.qb.operation_label = "cdc"
        stamp = since.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        answer = self.qb.make_request(
            "GET",
            self._url("cdc"),
            params={"entities": ",".join(ENTITIES), "changedSince": stamp},
        )
        docs: list[Doc] = []
        for block in answer.get("CDCResponse") or []:
            for group in block.get("QueryResponse") or []:
                for entity in ENTITIES:
                    docs.extend(_PARSERS[entity](row) for row in group.get(entity) or [])
        return Changes(docs=docs, complete=len(docs) < CDC_MAX_OBJECTS)


__all__ = ["Changes", "Doc", "Page", "ReconcileApi", "parse_instant"]
