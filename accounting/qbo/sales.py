"""Remote operations of the sync engine: customers, invoices, payments, payment methods and
batch. One method per remote call, no ORM.

Through the one client (client.py: base URL, session, timeout, limiter, recording, metering,
error classification); bodies are JSON whose amounts are exact decimal numbers (never floats).
"""

import json
import re
from decimal import Decimal

from . import client, errors
from .client import Admit, CallRecord, LimiterBusy, Recorder
from .documents_api import DocumentCalls, _quote
from .sales_payloads import (
    RemoteCustomer,
    RemoteInvoice,
    RemotePayment,
    customer_from_qbo,
    find_payment_by_reference,
    invoice_from_qbo,
    match_payment_method,
    payment_from_qbo,
)

__all__ = ["Admit", "CallRecord", "LimiterBusy", "Recorder", "SalesApi", "dumps"]

_DECIMAL_MARK = "\u0000dec:"


def dumps(body: dict) -> str:
    """JSON with Decimal values written as plain JSON numbers (QBO reads `100.10` exactly;
    python-quickbooks would send the string "100.10")."""

    def default(value):
        if isinstance(value, Decimal):
            return f"{_DECIMAL_MARK}{value:f}"
        raise TypeError(f"Cannot serialise {type(value).__name__}")

    text = json.dumps(body, default=default, ensure_ascii=False)
    return re.sub(r'"\\u0000dec:(-?[0-9.]+)"', r"\1", text)


class SalesApi(DocumentCalls):
    """The remote calls of one job, for one company, with one access token."""

    def __init__(
        self,
        *,
        access_token: str,
        realm_id: str,
        recorder: Recorder | None = None,
        admit: Admit | None = None,
    ):
        self.qb = client.api(
            access_token=access_token, realm_id=realm_id, recorder=recorder, admit=admit
        )
        self.realm_id = realm_id

    # --- plumbing -------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.qb.api_url}/company/{self.realm_id}/{path}"

    def _post(
        self, path: str, body: dict, *, label: str, request_id: str = "", params: dict | None = None
    ) -> dict:
        self.qb.operation_label = label
        return self.qb.make_request(
            "POST",
            self._url(path),
            request_body=dumps(body),
            params=dict(params or {}),
            request_id=request_id or None,
        )

    def _get(self, path: str, *, label: str) -> dict:
        self.qb.operation_label = label
        return self.qb.make_request("GET", self._url(path), params={})

    def query(self, sql: str, entity: str) -> list[dict]:
        self.qb.operation_label = f"query {entity}"
        result = self.qb.make_request(
            "POST", self._url("query"), request_body=sql, content_type="application/text", params={}
        )
        return list((result.get("QueryResponse") or {}).get(entity) or [])

    def _entity(self, answer: dict, entity: str) -> dict:
        return answer.get(entity) or {}

    # --- customers ------------------------------------------------------------------------

    def customer_get(self, qbo_id: str) -> RemoteCustomer:
        answer = self._get(f"customer/{qbo_id}", label="read Customer")
        return customer_from_qbo(self._entity(answer, "Customer"))

    def customer_find(self, *, display_name: str, email: str = "") -> RemoteCustomer | None:
        """An existing customer with this display name, else with this email address."""
        if display_name:
            rows = self.query(
                f"SELECT * FROM Customer WHERE DisplayName = {_quote(display_name)}", "Customer"
            )
            if rows:
                return customer_from_qbo(rows[0])
        if email:
            rows = self.query(
                f"SELECT * FROM Customer WHERE PrimaryEmailAddr = {_quote(email)}", "Customer"
            )
            if rows:
                return customer_from_qbo(rows[0])
        return None

    def customers_search(self, text: str, *, limit: int = 20) -> list[RemoteCustomer]:
        """Active customers whose display name contains `text` (one metered query)."""
        rows = self.query(
            f"SELECT * FROM Customer WHERE DisplayName LIKE {_quote('%' + text + '%')} "
            f"AND Active = true ORDERBY DisplayName MAXRESULTS {int(limit)}",
            "Customer",
        )
        return [customer_from_qbo(row) for row in rows]

    def customer_create(self, body: dict, *, request_id: str) -> RemoteCustomer:
        answer = self._post("customer", body, label="create Customer", request_id=request_id)
        return customer_from_qbo(self._entity(answer, "Customer"))

    def customer_update(self, body: dict, *, request_id: str) -> RemoteCustomer:
        answer = self._post("customer", body, label="update Customer", request_id=request_id)
        return customer_from_qbo(self._entity(answer, "Customer"))

    # --- invoices -------------------------------------------------------------------------

    def invoice_get(self, qbo_id: str) -> RemoteInvoice:
        answer = self._get(f"invoice/{qbo_id}", label="read Invoice")
        return invoice_from_qbo(self._entity(answer, "Invoice"))

    def invoice_record(self, qbo_id: str) -> dict:
        """The invoice as QuickBooks holds it, its LinkedTxn (the payments applied) included."""
        return self._entity(self._get(f"invoice/{qbo_id}", label="read Invoice"), "Invoice")

    def invoice_create(self, body: dict, *, request_id: str) -> RemoteInvoice:
        answer = self._post("invoice", body, label="create Invoice", request_id=request_id)
        return invoice_from_qbo(self._entity(answer, "Invoice"))

    def invoice_update(self, body: dict, *, request_id: str) -> RemoteInvoice:
        answer = self._post("invoice", body, label="update Invoice", request_id=request_id)
        return invoice_from_qbo(self._entity(answer, "Invoice"))

    def invoice_void(self, *, qbo_id: str, sync_token: str, request_id: str) -> RemoteInvoice:
        answer = self._post(
            "invoice",
            {"Id": qbo_id, "SyncToken": sync_token},
            label="void Invoice",
            request_id=request_id,
            params={"operation": "void"},
        )
        return invoice_from_qbo(self._entity(answer, "Invoice"))

    def invoices_by_doc_number(self, doc_numbers: list[str]) -> list[RemoteInvoice]:
        if not doc_numbers:
            return []
        if len(doc_numbers) == 1:
            where = f"DocNumber = {_quote(doc_numbers[0])}"
        else:
            where = "DocNumber IN (" + ", ".join(_quote(d) for d in doc_numbers) + ")"
        rows = self.query(f"SELECT * FROM Invoice WHERE {where} MAXRESULTS 1000", "Invoice")
        return [invoice_from_qbo(row) for row in rows]

    # --- payments -------------------------------------------------------------------------

    def payment_get(self, qbo_id: str) -> RemotePayment:
        answer = self._get(f"payment/{qbo_id}", label="read Payment")
        return payment_from_qbo(self._entity(answer, "Payment"))

    def payment_create(self, body: dict, *, request_id: str) -> RemotePayment:
        answer = self._post("payment", body, label="create Payment", request_id=request_id)
        return payment_from_qbo(self._entity(answer, "Payment"))

    def payment_void(self, *, qbo_id: str, sync_token: str, request_id: str) -> RemotePayment:
        # qbo-api-reference §2.1: payments are voided by a sparse update with include=void.
        answer = self._post(
            "payment",
            {"Id": qbo_id, "SyncToken": sync_token, "sparse": True},
            label="void Payment",
            request_id=request_id,
            params={"operation": "update", "include": "void"},
        )
        return payment_from_qbo(self._entity(answer, "Payment"))

    def payment_find_by_reference(self, *, txn_date: str, reference: str) -> RemotePayment | None:
        """The payment of that date whose PrivateNote carries our reference (an earlier
        attempt that reached QBO although we never heard the answer)."""
        rows = self.query(
            f"SELECT * FROM Payment WHERE TxnDate = {_quote(txn_date)} MAXRESULTS 1000", "Payment"
        )
        found = find_payment_by_reference(rows, reference=reference)
        return payment_from_qbo(found) if found is not None else None

    def payment_method_find(self, method: str) -> str:
        """The Id of the company's payment method matching Plannit's method by name, or ""."""
        rows = self.query("SELECT * FROM PaymentMethod MAXRESULTS 1000", "PaymentMethod")
        return match_payment_method(method, rows)

    def payment_method_create(self, *, name: str, is_credit_card: bool, request_id: str) -> str:
        body = {"Name": name, "Type": "CREDIT_CARD" if is_credit_card else "NON_CREDIT_CARD"}
        answer = self._post(
            "paymentmethod", body, label="create PaymentMethod", request_id=request_id
        )
        return str(self._entity(answer, "PaymentMethod").get("Id") or "")

    # --- batch ----------------------------------------------------------------------------

    def invoices_create_batch(
        self, items: list[dict]
    ) -> dict[str, RemoteInvoice | errors.QboError]:
        """Create invoices in one batch call: items are {"bId", "operation": "create",
        "Invoice": body}, at most 30 (qbo-api-reference §5). Each answer, by bId, is the created
        invoice or the error its item's Fault stands for; an item missing from the answer is
        missing from the result."""
        if len(items) > 30:
            raise ValueError("QBO accepts at most 30 items per batch")
        result = self._post("batch", {"BatchItemRequest": items}, label=f"batch ({len(items)})")
        answers: dict[str, RemoteInvoice | errors.QboError] = {}
        for row in result.get("BatchItemResponse") or []:
            problem = errors.from_batch_item(row)
            if problem is None and not row.get("Invoice"):
                problem = errors.QboServerError("Batch item without an invoice", status=200)
            answers[str(row.get("bId"))] = problem or invoice_from_qbo(row["Invoice"])
        return answers
