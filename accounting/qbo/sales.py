"""Remote operations of the sync engine: customers, invoices, payments, payment methods and
batch. One method per remote call, no ORM.

Through the one client (client.py: base URL, session, timeout, limiter, recording, metering,
error classification); bodies are JSON whose amounts are exact decimal numbers (never floats).
"""

import json
import re
from decimal import Decimal

from . import client
from .client import Admit, CallRecord, LimiterBusy, Recorder

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


def _quote(value: str) -> str:
    # QBO SQL: escape quotes; backslashes are not escaped by QBO's parser (python-quickbooks
    # #319), so they are dropped from search values.
    return "'" + str(value).replace("\\", "").replace("'", "\\'") + "'"


class SalesApi:
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

    # --- customers ------------------------------------------------------------------------

    def customer_get(self, qbo_id: str) -> dict:
        return self._get(f"customer/{qbo_id}", label="read Customer").get("Customer") or {}

    def customer_find(self, *, display_name: str, email: str = "") -> dict | None:
        """An existing customer with this display name, else with this email address."""
        if display_name:
            rows = self.query(
                f"SELECT * FROM Customer WHERE DisplayName = {_quote(display_name)}", "Customer"
            )
            if rows:
                return rows[0]
        if email:
            rows = self.query(
                f"SELECT * FROM Customer WHERE PrimaryEmailAddr = {_quote(email)}", "Customer"
            )
            if rows:
                return rows[0]
        return None

    def customer_create(self, body: dict, *, request_id: str) -> dict:
        return (
            self._post("customer", body, label="create Customer", request_id=request_id).get(
                "Customer"
            )
            or {}
        )

    def customer_update(self, body: dict, *, request_id: str) -> dict:
        return (
            self._post("customer", body, label="update Customer", request_id=request_id).get(
                "Customer"
            )
            or {}
        )

    # --- invoices -------------------------------------------------------------------------

    def invoice_get(self, qbo_id: str) -> dict:
        return self._get(f"invoice/{qbo_id}", label="read Invoice").get("Invoice") or {}

    def invoice_create(self, body: dict, *, request_id: str) -> dict:
        return (
            self._post("invoice", body, label="create Invoice", request_id=request_id).get(
                "Invoice"
            )
            or {}
        )

    def invoice_update(self, body: dict, *, request_id: str) -> dict:
        return (
            self._post("invoice", body, label="update Invoice", request_id=request_id).get(
                "Invoice"
            )
            or {}
        )

    def invoice_void(self, *, qbo_id: str, sync_token: str, request_id: str) -> dict:
        return (
            self._post(
                "invoice",
                {"Id": qbo_id, "SyncToken": sync_token},
                label="void Invoice",
                request_id=request_id,
                params={"operation": "void"},
            ).get("Invoice")
            or {}
        )

    def invoices_by_doc_number(self, doc_numbers: list[str]) -> list[dict]:
        if not doc_numbers:
            return []
        if len(doc_numbers) == 1:
            where = f"DocNumber = {_quote(doc_numbers[0])}"
        else:
            where = "DocNumber IN (" + ", ".join(_quote(d) for d in doc_numbers) + ")"
        return self.query(f"SELECT * FROM Invoice WHERE {where} MAXRESULTS 1000", "Invoice")

    # --- payments -------------------------------------------------------------------------

    def payment_get(self, qbo_id: str) -> dict:
        return self._get(f"payment/{qbo_id}", label="read Payment").get("Payment") or {}

    def payment_create(self, body: dict, *, request_id: str) -> dict:
        return (
            self._post("payment", body, label="create Payment", request_id=request_id).get(
                "Payment"
            )
            or {}
        )

    def payment_void(self, *, qbo_id: str, sync_token: str, request_id: str) -> dict:
        # qbo-api-reference §2.1: payments are voided by a sparse update with include=void.
        return (
            self._post(
                "payment",
                {"Id": qbo_id, "SyncToken": sync_token, "sparse": True},
                label="void Payment",
                request_id=request_id,
                params={"operation": "update", "include": "void"},
            ).get("Payment")
            or {}
        )

    def payments_on_date(self, *, txn_date: str) -> list[dict]:
        return self.query(
            f"SELECT * FROM Payment WHERE TxnDate = {_quote(txn_date)} MAXRESULTS 1000", "Payment"
        )

    def payment_methods(self) -> list[dict]:
        return self.query("SELECT * FROM PaymentMethod MAXRESULTS 1000", "PaymentMethod")

    def payment_method_create(self, *, name: str, is_credit_card: bool, request_id: str) -> dict:
        body = {"Name": name, "Type": "CREDIT_CARD" if is_credit_card else "NON_CREDIT_CARD"}
        return (
            self._post(
                "paymentmethod", body, label="create PaymentMethod", request_id=request_id
            ).get("PaymentMethod")
            or {}
        )

    # --- batch ----------------------------------------------------------------------------

    def batch(self, items: list[dict]) -> dict[str, dict]:
        """Items are {"bId", "operation", "<Entity>": {...}}; at most 30 (qbo-api-reference
        §5). Returns each item's response by bId (an entity or a Fault)."""
        if len(items) > 30:
            raise ValueError("QBO accepts at most 30 items per batch")
        result = self._post("batch", {"BatchItemRequest": items}, label=f"batch ({len(items)})")
        return {str(row.get("bId")): row for row in result.get("BatchItemResponse") or []}
