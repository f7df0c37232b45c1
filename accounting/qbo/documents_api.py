"""Remote calls for credit memos (and the payments that apply them), mixed into SalesApi.
One method per remote call, no ORM."""

from .sales_payloads import RemoteInvoice, invoice_from_qbo


def _quote(value: str) -> str:
    # QBO SQL: escape quotes; backslashes are not escaped by QBO's parser (python-quickbooks
    # #319), so they are dropped from search values.
    return "'" + str(value).replace("\\", "").replace("'", "\\'") + "'"


class CreditMemoCalls:
    """A CreditMemo answer has the shape of an Invoice answer for what we keep (Id, SyncToken,
    DocNumber, customer, TotalAmt, TotalTax), so it is read as a RemoteInvoice."""

    def credit_memo_get(self, qbo_id: str) -> RemoteInvoice:
        answer = self._get(f"creditmemo/{qbo_id}", label="read CreditMemo")
        return invoice_from_qbo(self._entity(answer, "CreditMemo"))

    def credit_memo_create(self, body: dict, *, request_id: str) -> RemoteInvoice:
        answer = self._post("creditmemo", body, label="create CreditMemo", request_id=request_id)
        return invoice_from_qbo(self._entity(answer, "CreditMemo"))

    def credit_memo_by_doc_number(self, doc_number: str) -> RemoteInvoice | None:
        rows = self.query(
            f"SELECT * FROM CreditMemo WHERE DocNumber = {_quote(doc_number)}", "CreditMemo"
        )
        return invoice_from_qbo(rows[0]) if rows else None

    def credit_memo_delete(self, *, qbo_id: str, sync_token: str, request_id: str) -> None:
        """QBO has no void for a credit memo (qbo-api-reference §2.1 lists Invoice, Payment,
        SalesReceipt, BillPayment): it is deleted, once no payment applies it any more."""
        self._post(
            "creditmemo",
            {"Id": qbo_id, "SyncToken": sync_token},
            label="delete CreditMemo",
            request_id=request_id,
            params={"operation": "delete"},
        )
