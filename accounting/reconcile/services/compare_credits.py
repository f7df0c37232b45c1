"""Credit notes (QBO CreditMemo, or RefundReceipt for a credit paid back) and the credits
applied to invoices (a QBO Payment of 0 linking the CreditMemo and the Invoice).

Each credit applied in Plannit is applied in QuickBooks, from the same credit memo to the same
invoice for the same amount, voided on both sides or on neither; a credit QuickBooks applies to
one of our invoices or from one of our credit memos that Plannit does not have is found too.
A credit memo's remaining credit is compared with ours unless a credit difference of its own
already explains it (each difference found once)."""

from decimal import Decimal

from accounting.sync.models import SyncKind

from ..models import DifferenceKind, Repair
from .books import Books, money_text
from .compare_documents import Ours, check_document

ENTITY = "CreditApplication"


def _check_applications(books: Books) -> set[str]:
    """Returns the QBO ids of the credit memos with a credit difference."""
    memo_of = {link.credit_note_id: link.qbo_id for link in books.credit_links}
    invoice_of = {link.invoice_id: link.qbo_id for link in books.invoice_links}
    number_of = {link.qbo_id: link.invoice.number for link in books.invoice_links}
    flagged: set[str] = set()
    for link in books.application_links:
        application = link.application
        if (SyncKind.CREDIT_APPLICATION, application.pk) in books.busy:
            continue
        memo = memo_of.get(application.credit_note_id, "")
        invoice = invoice_of.get(application.invoice_id, "")
        refs = {
            "application": application,
            "credit_note": application.credit_note,
            "invoice": application.invoice,
            "qbo_id": link.qbo_id,
        }
        label = {
            "number": application.credit_note.number,
            "invoice": application.invoice.number,
            "amount": money_text(application.amount),
        }
        doc = books.payments.get(link.qbo_id)
        pairs = [] if doc is None or doc.is_voided else doc.credits
        found = _application_difference(application, doc, pairs, memo, invoice, number_of)
        if found is not None:
            kind, repair, extra = found
            books.add(kind, ENTITY, repair=repair, params={**label, **extra}, **refs)
            flagged.add(memo)
    ours = {link.qbo_id for link in books.application_links}
    _credits_only_in_qbo(books, ours, flagged)
    return flagged


def _application_difference(application, doc, pairs, memo, invoice, number_of):
    if application.is_void:
        return (DifferenceKind.NOT_VOIDED_IN_QBO, "", {}) if pairs else None
    if doc is None:
        return DifferenceKind.MISSING_IN_QBO, Repair.SEND_AGAIN, {}
    if doc.is_voided:
        return DifferenceKind.VOIDED_IN_QBO, "", {}
    mine = [(target, Decimal(amount)) for from_memo, target, amount in pairs if from_memo == memo]
    targets = {target for target, _amount in mine}
    if targets != {invoice}:
        there = [number_of.get(t, "#" + t) for t in sorted(targets - {invoice})]
        return DifferenceKind.OTHER_INVOICE, "", {"there": ", ".join(there) or "—"}
    there = sum(amount for _target, amount in mine)
    if there != application.amount:
        params = {"here": money_text(application.amount), "there": money_text(there)}
        return DifferenceKind.AMOUNT, "", params
    return None


def _credits_only_in_qbo(books: Books, ours: set[str], flagged: set[str]) -> None:
    notes = {link.qbo_id: link.credit_note for link in books.credit_links}
    invoices = {link.qbo_id: link.invoice for link in books.invoice_links}
    for doc in books.payments.values():
        if doc.qbo_id in ours or doc.is_voided:
            continue
        for memo, target, amount in doc.credits:
            note, invoice = notes.get(memo), invoices.get(target)
            if note is None and invoice is None:
                continue
            books.add(
                DifferenceKind.ONLY_IN_QBO,
                ENTITY,
                credit_note=note,
                invoice=invoice,
                qbo_id=doc.qbo_id,
                params={
                    "number": note.number if note else "#" + memo,
                    "invoice": invoice.number if invoice else "#" + target,
                    "amount": money_text(amount),
                },
            )
            flagged.add(memo)


def check_credits(books: Books) -> None:
    flagged = _check_applications(books)
    for link in books.credit_links:
        note = link.credit_note
        if (SyncKind.CREDIT_NOTE, note.pk) in books.busy:
            continue
        books.counts["credit_note"] += 1
        entity = "RefundReceipt" if note.is_refund else "CreditMemo"
        ours = Ours(
            entity=entity,
            qbo_id=link.qbo_id,
            number=note.number,
            contact_id=note.contact_id,
            date=note.date,
            total=note.total,
            tax_total=note.tax_total,
            components=books.components.get(("credit", note.pk), {}),
            voided=note.is_void,
            refs={"credit_note": note, "invoice": note.invoice},
        )
        doc = check_document(books, ours)
        if doc is None or entity != "CreditMemo" or link.qbo_id in flagged:
            continue
        if doc.total == note.total and doc.balance != note.balance:
            books.add(
                DifferenceKind.BALANCE,
                entity,
                **ours.refs,
                qbo_id=link.qbo_id,
                params={
                    "number": note.number,
                    "here": money_text(note.balance),
                    "there": money_text(doc.balance),
                },
            )
