"""Comparing Plannit with the snapshot of QuickBooks: one finding per difference, each found
once (a balance that differs only because of a payment or credit difference is not counted
again).

Each document type has its checker in CHECKERS (compare_*.py); the customers' open balances
are compared last, apart from what the documents' own checks explain."""

from collections import defaultdict
from decimal import Decimal

from invoicing.models import InvoiceStatus

from ..models import Difference, DifferenceKind, ReconcileRun
from .books import ZERO, Books, books_load, money_text
from .compare_credits import check_credits
from .compare_invoices import check_invoices, check_receipts
from .compare_payments import check_payments

CHECKERS = [check_invoices, check_payments, check_credits, check_receipts]


def check_customers(books: Books) -> dict:
    """Each linked customer's open balance (its invoices' balances less its credit memos'
    remaining credit), apart from what the document checks explain (the balances of the
    documents Plannit sent): what is left is in QuickBooks only."""
    ours: dict[str, Decimal] = defaultdict(Decimal)
    here: dict[str, Decimal] = defaultdict(Decimal)
    duplicates = {
        (d.entity, d.params.get("number")) for d in books.findings if d.kind == "duplicate"
    }
    linked = {link.qbo_id for link in books.invoice_links}
    linked |= {link.qbo_id for link in books.credit_links}
    for link in books.invoice_links:
        invoice = link.invoice
        customer = books.customer_of.get(invoice.contact_id, "")
        if invoice.status not in (InvoiceStatus.VOID, InvoiceStatus.DRAFT):
            here[customer] += invoice.balance
        doc = books.invoices.get(link.qbo_id)
        if doc is not None and not doc.is_voided:
            ours[doc.customer_id] += doc.balance
    for link in books.credit_links:
        note = link.credit_note
        if note.is_refund:
            continue
        if not note.is_void:
            here[books.customer_of.get(note.contact_id, "")] -= note.balance
        doc = books.docs["CreditMemo"].get(link.qbo_id)
        if doc is not None:
            ours[doc.customer_id] -= doc.balance
    for entity, sign in (("Invoice", 1), ("CreditMemo", -1)):
        for doc in books.docs[entity].values():
            if (
                (entity, doc.doc_number) in duplicates
                and not doc.is_voided
                and doc.qbo_id not in linked
            ):
                ours[doc.customer_id] += sign * doc.balance
    contact_of = {qbo_id: contact_id for contact_id, qbo_id in books.customer_of.items()}
    receivables_here = receivables_there = ZERO
    for qbo_id, contact_id in sorted(contact_of.items()):
        customer = books.customers.get(qbo_id)
        there = customer.balance if customer else ZERO
        receivables_here += here.get(qbo_id, ZERO)
        receivables_there += there
        if there != ours.get(qbo_id, ZERO):
            books.add(
                DifferenceKind.CUSTOMER_BALANCE,
                "Customer",
                contact_id=contact_id,
                qbo_id=qbo_id,
                params={"here": money_text(here.get(qbo_id, ZERO)), "there": money_text(there)},
            )
    return {"receivables_plannit": receivables_here, "receivables_qbo": receivables_there}


def compare_store(run: ReconcileRun) -> dict:
    """Compare and store the run's differences (again from scratch: a resumed run compares
    once). Returns the run's figures."""
    books = books_load(run)
    for checker in CHECKERS:
        checker(books)
    totals = check_customers(books)
    Difference.objects.filter(run=run).delete()
    Difference.objects.bulk_create(books.findings)
    return {
        **totals,
        "invoice_count": books.counts["invoice"],
        "payment_count": books.counts["payment"],
        "credit_note_count": books.counts["credit_note"],
        "sales_receipt_count": books.counts["sales_receipt"],
        "difference_count": len(books.findings),
    }
