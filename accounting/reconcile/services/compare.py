"""Comparing Plannit with the snapshot of QuickBooks: one finding per difference, each found
once (a balance that differs only because of a payment difference is not counted again).

Each document type has its checker in CHECKERS; credit notes, refunds and sales receipts
plug in there with a checker of their own (and their entity in accounting/qbo/reconcile.py)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounting.inbound.models import InboundPaymentLine
from accounting.qbo.reconcile import rate_key
from accounting.sync.models import (
    OPEN_STATUSES,
    CustomerLink,
    InvoiceLink,
    PaymentLink,
    SyncJob,
    SyncKind,
)
from invoicing.models import InvoiceStatus, InvoiceTax, PaymentStatus

from ..models import Difference, DifferenceKind, ReconcileRun, Repair, SnapshotDoc

ZERO = Decimal("0.00")


def _money(value) -> str:
    return f"{Decimal(value):f}"


@dataclass
class Books:
    """Both sides for one company, loaded once."""

    run: ReconcileRun
    invoices: dict[str, SnapshotDoc]
    payments: dict[str, SnapshotDoc]
    customers: dict[str, SnapshotDoc]
    invoice_links: list = field(default_factory=list)
    customer_of: dict[int, str] = field(default_factory=dict)  # contact id -> QBO customer id
    busy: set[tuple[str, int]] = field(default_factory=set)  # (kind, id) with an open sync
    # Plannit invoice id -> {rate: tax amount} (its tax components)
    components: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    findings: list[Difference] = field(default_factory=list)
    invoice_count: int = 0
    payment_count: int = 0

    def add(self, kind: str, entity: str, *, repair: str = "", **values) -> None:
        self.findings.append(
            Difference(
                business_id=self.run.business_id,
                run=self.run,
                kind=kind,
                entity=entity,
                repair=repair,
                **values,
            )
        )


def _load(run: ReconcileRun) -> Books:
    docs = SnapshotDoc.objects.filter(business_id=run.business_id, realm_id=run.realm_id)
    by_entity: dict[str, dict[str, SnapshotDoc]] = defaultdict(dict)
    for doc in docs:
        by_entity[doc.entity][doc.qbo_id] = doc
    scope = {"business_id": run.business_id, "realm_id": run.realm_id}
    books = Books(
        run=run,
        invoices=by_entity["Invoice"],
        payments=by_entity["Payment"],
        customers=by_entity["Customer"],
    )
    books.invoice_links = list(InvoiceLink.objects.filter(**scope).select_related("invoice"))
    books.customer_of = dict(
        CustomerLink.objects.filter(**scope).values_list("contact_id", "qbo_id")
    )
    for invoice_id, rate, amount in InvoiceTax.objects.filter(
        invoice__business_id=run.business_id,
        invoice_id__in=[link.invoice_id for link in books.invoice_links],
    ).values_list("invoice_id", "rate", "amount"):
        if amount:
            rates = books.components.setdefault(invoice_id, {})
            rates[rate_key(rate)] = rates.get(rate_key(rate), ZERO) + amount
    books.busy = set(
        SyncJob.objects.filter(**scope, status__in=OPEN_STATUSES).values_list("kind", "object_id")
    )
    return books


def check_invoices(books: Books) -> None:
    numbers: dict[str, list[SnapshotDoc]] = defaultdict(list)
    for doc in books.invoices.values():
        if doc.doc_number and not doc.is_voided:
            numbers[doc.doc_number].append(doc)
    applied: dict[str, Decimal] = defaultdict(Decimal)
    for payment in books.payments.values():
        if not payment.is_voided:
            for invoice_id, amount in payment.applied:
                applied[invoice_id] += Decimal(amount)
    for link in books.invoice_links:
        invoice = link.invoice
        if (SyncKind.INVOICE, invoice.pk) in books.busy:
            continue
        books.invoice_count += 1
        doc = books.invoices.get(link.qbo_id)
        refs = {"invoice": invoice, "qbo_id": link.qbo_id}
        number = {"number": invoice.number}
        voided_here = invoice.status == InvoiceStatus.VOID
        if doc is None:
            if not voided_here:
                books.add(
                    DifferenceKind.MISSING_IN_QBO,
                    "Invoice",
                    repair=Repair.SEND_AGAIN,
                    params=number,
                    **refs,
                )
            continue
        others = [d for d in numbers.get(invoice.number, []) if d.qbo_id != link.qbo_id]
        if others and not voided_here:
            books.add(
                DifferenceKind.DUPLICATE,
                "Invoice",
                params={**number, "count": len(others) + 1, "others": [d.qbo_id for d in others]},
                **refs,
            )
        if voided_here:
            if not doc.is_voided and doc.total != ZERO:
                books.add(DifferenceKind.NOT_VOIDED_IN_QBO, "Invoice", params=number, **refs)
            continue
        if doc.is_voided:
            books.add(DifferenceKind.VOIDED_IN_QBO, "Invoice", params=number, **refs)
            continue
        _compare_invoice(books, invoice, doc, applied, refs, number)


def _compare_invoice(books, invoice, doc, applied, refs, number) -> None:
    fix = {"repair": Repair.SEND_PLANNIT, **refs}
    if books.customer_of.get(invoice.contact_id, "") != doc.customer_id:
        books.add(DifferenceKind.CUSTOMER, "Invoice", params=number, **fix)
    if invoice.number != doc.doc_number:
        books.add(
            DifferenceKind.NUMBER,
            "Invoice",
            params={"here": invoice.number, "there": doc.doc_number},
            **fix,
        )
    if invoice.issue_date != doc.txn_date:
        books.add(
            DifferenceKind.DATE,
            "Invoice",
            params={
                **number,
                "here": invoice.issue_date.isoformat(),
                "there": doc.txn_date.isoformat() if doc.txn_date else "",
            },
            **fix,
        )
    if invoice.total != doc.total:
        books.add(
            DifferenceKind.AMOUNT,
            "Invoice",
            params={**number, "here": _money(invoice.total), "there": _money(doc.total)},
            **fix,
        )
    elif invoice.tax_total != doc.tax:
        books.add(
            DifferenceKind.TAX,
            "Invoice",
            params={**number, "here": _money(invoice.tax_total), "there": _money(doc.tax)},
            **fix,
        )
    else:
        _compare_components(books, invoice, doc, number, fix)
    # What payments do not explain (a credit, a journal entry in QuickBooks): the payments
    # themselves are compared one by one in check_payments.
    unexplained = doc.total - applied.get(doc.qbo_id, ZERO)
    if doc.balance != unexplained:
        books.add(
            DifferenceKind.BALANCE,
            "Invoice",
            params={**number, "here": _money(unexplained), "there": _money(doc.balance)},
            **refs,
        )


def _compare_components(books, invoice, doc, number, fix) -> None:
    """Same total tax, split otherwise (5 % and 9,975 % swapped, a component missing)."""
    here = books.components.get(invoice.pk, {})
    there = {rate: Decimal(amount) for rate, amount in doc.tax_lines}
    for rate in sorted(set(here) | set(there), key=Decimal):
        if here.get(rate, ZERO) != there.get(rate, ZERO):
            books.add(
                DifferenceKind.TAX,
                "Invoice",
                params={
                    **number,
                    "rate": rate,
                    "here": _money(here.get(rate, ZERO)),
                    "there": _money(there.get(rate, ZERO)),
                },
                **fix,
            )
            return


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
        books.payment_count += len(row["payments"])
        payment = row["payments"][0]
        refs = {"payment": payment, "invoice_id": payment.invoice_id, "qbo_id": qbo_id}
        label = {"number": payment.invoice.number, "amount": _money(payment.amount)}
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
                    "here": _money(sum(wanted.values())),
                    "there": _money(sum(actual.values())),
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
                params={"number": invoice.number, "amount": _money(sum(a for _k, a in mine))},
            )


def check_customers(books: Books) -> dict:
    """Each linked customer's open balance, apart from what the invoice checks explain (the
    balances of the invoices Plannit sent): what is left is in QuickBooks only."""
    ours: dict[str, Decimal] = defaultdict(Decimal)
    here: dict[str, Decimal] = defaultdict(Decimal)
    duplicates = {d.params.get("number") for d in books.findings if d.kind == "duplicate"}
    for link in books.invoice_links:
        invoice = link.invoice
        customer = books.customer_of.get(invoice.contact_id, "")
        if invoice.status not in (InvoiceStatus.VOID, InvoiceStatus.DRAFT):
            here[customer] += invoice.balance
        doc = books.invoices.get(link.qbo_id)
        if doc is not None and not doc.is_voided:
            ours[doc.customer_id] += doc.balance
    for doc in books.invoices.values():
        if (
            doc.doc_number in duplicates
            and not doc.is_voided
            and doc.qbo_id not in {link.qbo_id for link in books.invoice_links}
        ):
            ours[doc.customer_id] += doc.balance
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
                params={"here": _money(here.get(qbo_id, ZERO)), "there": _money(there)},
            )
    return {"receivables_plannit": receivables_here, "receivables_qbo": receivables_there}


CHECKERS = [check_invoices, check_payments]


def compare_store(run: ReconcileRun) -> dict:
    """Compare and store the run's differences (again from scratch: a resumed run compares
    once). Returns the run's figures."""
    books = _load(run)
    for checker in CHECKERS:
        checker(books)
    totals = check_customers(books)
    Difference.objects.filter(run=run).delete()
    Difference.objects.bulk_create(books.findings)
    return {
        **totals,
        "invoice_count": books.invoice_count,
        "payment_count": books.payment_count,
        "difference_count": len(books.findings),
    }
