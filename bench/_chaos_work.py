"""What the chaos bench's businesses do while QuickBooks misbehaves: invoices issued, some
edited at once (before their push) and some later (after it, most likely), some voided;
payments recorded on some of them, some of those voided, and then a few of their invoices
voided too. Everything goes through Plannit's services, as the pages call them."""

import datetime
import threading
import time
from decimal import Decimal

from _companies import invoice_draft


def _lines(number: int, quantity: str):
    from invoicing.services import LineInput

    return [
        LineInput(
            description=f"Déneigement {number}",
            quantity=Decimal(quantity),
            unit_price=Decimal("75.00"),
        ),
        LineInput(
            description="Épandage d'abrasif", quantity=Decimal("1"), unit_price=Decimal("19.99")
        ),
    ]


def _edit(invoice, number: int) -> bool:
    """A third hour of work and a note; True when the invoice was already in QuickBooks."""
    from accounting.sync.models import InvoiceLink
    from invoicing.models import Invoice
    from invoicing.services import invoice_update

    invoice = Invoice.objects.get(pk=invoice.pk)
    pushed = InvoiceLink.objects.filter(invoice=invoice).exists()
    invoice_update(
        invoice=invoice,
        contact=invoice.contact,
        issue_date=invoice.issue_date,
        terms=invoice.terms,
        lines=_lines(number, "3"),
        notes=f"Modifiée {number}",
    )
    return pushed


def drafts_make(company: dict, count: int, first: int) -> list:
    return [invoice_draft(company["business"], company["contact"], first + n) for n in range(count)]


class Plan:
    """Which invoice gets what, by its index in its company (the same in every run)."""

    def __init__(self, invoices: int, payments: int) -> None:
        self.invoices = invoices
        self.voided = {i for i in range(invoices) if i % 10 == 3}
        self.edit_now = {i for i in range(invoices) if i % 5 == 1}
        self.edit_later = {i for i in range(invoices) if i % 5 == 2}
        payable = [i for i in range(invoices) if i not in self.voided]
        self.paid = payable[:payments]
        # Every 5th payment is voided; every 4th of those, its invoice too.
        self.payment_voided = set(self.paid[::5])
        self.void_after_payment = set(self.paid[::20])


def _paced(items: list, seconds: float, stop: threading.Event):
    """Yield the items spread evenly over `seconds`."""
    started = time.monotonic()
    for n, item in enumerate(items):
        if stop.is_set():
            return
        wait = started + seconds * n / max(1, len(items)) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        yield item


def company_work(drafts: list, plan: Plan, seconds: float, stop: threading.Event) -> dict:
    """Issue, edit, pay and void one company's invoices over `seconds` (the first half
    issues, the second half does the rest)."""
    from invoicing.models import Invoice
    from invoicing.services import invoice_issue, invoice_void, payment_record, payment_void

    counts = {"issued": 0, "edited": 0, "edited_after_push": 0, "payments": 0}
    counts.update(payments_voided=0, voided=0)
    for index, draft in _paced(list(enumerate(drafts)), seconds / 2, stop):
        invoice_issue(invoice=draft)
        counts["issued"] += 1
        if index in plan.edit_now:
            counts["edited_after_push"] += _edit(draft, index)
            counts["edited"] += 1
    later = {i for i in range(len(drafts)) if i in plan.edit_later or i in plan.voided}
    later |= set(plan.paid)
    payments = {}
    for index in _paced(sorted(later), seconds / 2, stop):
        draft = drafts[index]
        if index in plan.edit_later:
            counts["edited_after_push"] += _edit(draft, index)
            counts["edited"] += 1
        if index in plan.voided:
            invoice_void(invoice=Invoice.objects.get(pk=draft.pk))
            counts["voided"] += 1
        if index in plan.paid:
            invoice = Invoice.objects.get(pk=draft.pk)
            amount = invoice.balance if index % 4 == 0 else Decimal("50.00")
            payments[index] = payment_record(
                invoice=invoice, amount=amount, date=datetime.date(2026, 11, 15)
            )
            counts["payments"] += 1
    for index in sorted(plan.payment_voided):
        if stop.is_set() or index not in payments:
            break
        payment_void(payment=payments[index])
        counts["payments_voided"] += 1
        if index in plan.void_after_payment:
            invoice_void(invoice=Invoice.objects.get(pk=drafts[index].pk))
            counts["voided"] += 1
    return counts
