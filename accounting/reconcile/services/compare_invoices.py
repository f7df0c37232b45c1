"""Invoices and sales receipts (a sales receipt is an invoice paid on the spot: QBO's
SalesReceipt), checked with the shared document checks; an invoice's balance too, apart from
what QuickBooks' payments and credits explain (those are compared one by one elsewhere)."""

from accounting.sync.models import SyncKind
from invoicing.models import InvoiceStatus

from ..models import DifferenceKind, Repair
from .books import ZERO, Books, money_text
from .compare_documents import Ours, check_document


def _ours(books: Books, entity: str, invoice, qbo_id: str) -> Ours:
    return Ours(
        entity=entity,
        qbo_id=qbo_id,
        number=invoice.number,
        contact_id=invoice.contact_id,
        date=invoice.issue_date,
        total=invoice.total,
        tax_total=invoice.tax_total,
        components=books.components.get(("invoice", invoice.pk), {}),
        voided=invoice.status == InvoiceStatus.VOID,
        refs={"invoice": invoice},
    )


def check_invoices(books: Books) -> None:
    applied = books.credits_applied()
    for link in books.invoice_links:
        invoice = link.invoice
        if (SyncKind.INVOICE, invoice.pk) in books.busy:
            continue
        books.counts["invoice"] += 1
        doc = check_document(
            books, _ours(books, "Invoice", invoice, link.qbo_id), fix=Repair.SEND_PLANNIT
        )
        if doc is None:
            continue
        # What payments and credits do not explain (a journal entry in QuickBooks): they are
        # compared one by one in check_payments and check_credits.
        unexplained = doc.total - applied.get(doc.qbo_id, ZERO)
        if doc.balance != unexplained:
            books.add(
                DifferenceKind.BALANCE,
                "Invoice",
                invoice=invoice,
                qbo_id=link.qbo_id,
                params={
                    "number": invoice.number,
                    "here": money_text(unexplained),
                    "there": money_text(doc.balance),
                },
            )


def check_receipts(books: Books) -> None:
    for link in books.receipt_links:
        receipt = link.receipt
        if (SyncKind.SALES_RECEIPT, receipt.pk) in books.busy:
            continue
        books.counts["sales_receipt"] += 1
        check_document(books, _ours(books, "SalesReceipt", receipt, link.qbo_id))
