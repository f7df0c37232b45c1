"""Payments: each one Plannit sent or received is in QuickBooks once, on the same invoices
for the same amounts, voided on both sides or on neither; a QuickBooks payment on one of our
invoices that Plannit does not have is found too (with "record the payment" as repair)."""

from decimal import Decimal

from accounting.inbound.models import InboundPaymentLine
from accounting.sync.models import PaymentLink, SyncKind
from invoicing.models import PaymentStatus

from ..models import DifferenceKind, Repair
from .books import ZERO, Books, money_text


def _expected_payments(books: Books) -> dict[str, dict]:
    """QBO payment id -> {"lines": {QBO invoice id: amount}, "payments": [...], "ours": bool}."""
    invoice_qbo = {link.invoice_id: link.qbo_id for link in books.invoice_links}
    expected: dict[str, dict] = {}
    scope = {"business_id": books.run.business_id, "realm_id": books.run.realm_id}
    for link in PaymentLink.objects.filter(**scope).select_related("payment__invoice"):
        row = expected.setdefault(link.qbo_id, {"lines": {}, "payments": [], "ours": True})
        row["payments"].append(link.payment)
        target = invoice_qbo.get(link.payment.invoice_id, "")
        if link.payment.status != PaymentStatus.VOID:
            row["lines"][target] = row["lines"].get(target, ZERO) + link.payment.amount
    for line in InboundPaymentLine.objects.filter(**scope).select_related("payment__invoice"):
        row = expected.setdefault(line.qbo_payment_id, {"lines": {}, "payments": [], "ours": False})
        row["payments"].append(line.payment)
        if line.payment.status != PaymentStatus.VOID:
            key = line.qbo_invoice_id
            row["lines"][key] = row["lines"].get(key, ZERO) + line.payment.amount
    return expected


def check_payments(books: Books) -> None:
    expected = _expected_payments(books)
    number_of = {link.qbo_id: link.invoice.number for link in books.invoice_links}
    for qbo_id, row in expected.items():
        if any((SyncKind.PAYMENT, p.pk) in books.busy for p in row["payments"]):
            continue
        books.counts["payment"] += len(row["payments"])
        payment = row["payments"][0]
        refs = {"payment": payment, "invoice_id": payment.invoice_id, "qbo_id": qbo_id}
        label = {"number": payment.invoice.number, "amount": money_text(payment.amount)}
        doc = books.payments.get(qbo_id)
        wanted = row["lines"]
        if doc is None:
            if wanted:
                repair = Repair.SEND_AGAIN if row["ours"] and len(row["payments"]) == 1 else ""
                books.add(
                    DifferenceKind.MISSING_IN_QBO, "Payment", repair=repair, params=label, **refs
                )
            continue
        actual = {} if doc.is_voided else {k: Decimal(v) for k, v in doc.applied}
        if not wanted:
            if actual:
                books.add(DifferenceKind.NOT_VOIDED_IN_QBO, "Payment", params=label, **refs)
            continue
        if doc.is_voided:
            books.add(DifferenceKind.VOIDED_IN_QBO, "Payment", params=label, **refs)
        elif set(actual) != set(wanted):
            there = [number_of.get(k, "#" + k) for k in sorted(set(actual) - set(wanted))]
            books.add(
                DifferenceKind.OTHER_INVOICE,
                "Payment",
                params={**label, "there": ", ".join(there) or "—"},
                **refs,
            )
        elif actual != wanted:
            books.add(
                DifferenceKind.AMOUNT,
                "Payment",
                params={
                    **label,
                    "here": money_text(sum(wanted.values())),
                    "there": money_text(sum(actual.values())),
                },
                **refs,
            )
    linked = {link.qbo_id: link for link in books.invoice_links}
    for doc in books.payments.values():
        if doc.qbo_id in expected or doc.is_voided:
            continue
        mine = [(k, Decimal(v)) for k, v in doc.applied if k in linked]
        if mine:
            invoice = linked[mine[0][0]].invoice
            books.add(
                DifferenceKind.ONLY_IN_QBO,
                "Payment",
                repair=Repair.RECORD_PAYMENT,
                invoice=invoice,
                qbo_id=doc.qbo_id,
                params={"number": invoice.number, "amount": money_text(sum(a for _k, a in mine))},
            )
