"""Remote calls for the sales documents other than invoices: CreditMemo, RefundReceipt and
SalesReceipt, mixed into SalesApi. One method per remote call, no ORM.

Their answers have the shape of an Invoice answer for what we keep (Id, SyncToken, DocNumber,
customer, TotalAmt, TxnTaxDetail.TotalTax, the "Voided" note), so they are read as a
RemoteInvoice."""

from .sales_payloads import RemoteInvoice, invoice_from_qbo

DOCUMENTS = ("CreditMemo", "RefundReceipt", "SalesReceipt")


def _quote(value: str) -> str:
    # QBO SQL: escape quotes; backslashes are not escaped by QBO's parser (python-quickbooks
    # #319), so they are dropped from search values.
    return "'" + str(value).replace("\\", "").replace("'", "\\'") + "'"


def _check(entity: str) -> str:
    if entity not in DOCUMENTS:
        raise ValueError(f"Not a sales document: {entity}")
    return entity


class DocumentCalls:
    def document_get(self, entity: str, qbo_id: str) -> RemoteInvoice:
        entity = _check(entity)
        answer = self._get(f"{entity.lower()}/{qbo_id}", label=f"read {entity}")
        return invoice_from_qbo(self._entity(answer, entity))

    def document_create(self, entity: str, body: dict, *, request_id: str) -> RemoteInvoice:
        entity = _check(entity)
        answer = self._post(entity.lower(), body, label=f"create {entity}", request_id=request_id)
        return invoice_from_qbo(self._entity(answer, entity))

    def document_by_doc_number(self, entity: str, doc_number: str) -> RemoteInvoice | None:
        entity = _check(entity)
        rows = self.query(f"SELECT * FROM {entity} WHERE DocNumber = {_quote(doc_number)}", entity)
        return invoice_from_qbo(rows[0]) if rows else None

    def document_delete(
        self, entity: str, *, qbo_id: str, sync_token: str, request_id: str
    ) -> None:
        """QBO has no void for a credit memo or a refund receipt (qbo-api-reference §2.1
        lists Invoice, Payment, SalesReceipt, BillPayment): they are deleted."""
        entity = _check(entity)
        self._post(
            entity.lower(),
            {"Id": qbo_id, "SyncToken": sync_token},
            label=f"delete {entity}",
            request_id=request_id,
            params={"operation": "delete"},
        )

    def document_void(
        self, entity: str, *, qbo_id: str, sync_token: str, request_id: str
    ) -> RemoteInvoice:
        """A sales receipt is voided like a payment: a sparse update with include=void."""
        entity = _check(entity)
        answer = self._post(
            entity.lower(),
            {"Id": qbo_id, "SyncToken": sync_token, "sparse": True},
            label=f"void {entity}",
            request_id=request_id,
            params={"operation": "update", "include": "void"},
        )
        return invoice_from_qbo(self._entity(answer, entity))
