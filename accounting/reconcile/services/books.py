"""Both sides of one company's books, loaded once for a check: the snapshot of QuickBooks by
entity, Plannit's links (with their documents), each document's tax per component, and the
objects whose sync is still pending (not a difference yet). The checkers (compare_*.py) add
their findings here."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounting.qbo.reconcile import rate_key
from accounting.sync.document_links import (
    CreditApplicationLink,
    CreditNoteLink,
    SalesReceiptLink,
)
from accounting.sync.models import OPEN_STATUSES, CustomerLink, InvoiceLink, SyncJob
from invoicing.models import CreditNoteTax, InvoiceTax

from ..models import Difference, ReconcileRun, SnapshotDoc

ZERO = Decimal("0.00")


def money_text(value) -> str:
    return f"{Decimal(value):f}"


@dataclass
class Books:
    run: ReconcileRun
    docs: dict[str, dict[str, SnapshotDoc]]  # entity -> QBO id -> document read
    invoice_links: list = field(default_factory=list)
    credit_links: list = field(default_factory=list)
    application_links: list = field(default_factory=list)
    receipt_links: list = field(default_factory=list)
    customer_of: dict[int, str] = field(default_factory=dict)  # contact id -> QBO customer id
    busy: set[tuple[str, int]] = field(default_factory=set)  # (kind, id) with an open sync
    # ("invoice" or "credit", Plannit id) -> {rate: tax amount} (its tax components)
    components: dict[tuple[str, int], dict[str, Decimal]] = field(default_factory=dict)
    findings: list[Difference] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _numbers: dict[str, dict] = field(default_factory=dict)

    @property
    def invoices(self) -> dict[str, SnapshotDoc]:
        return self.docs["Invoice"]

    @property
    def payments(self) -> dict[str, SnapshotDoc]:
        return self.docs["Payment"]

    @property
    def customers(self) -> dict[str, SnapshotDoc]:
        return self.docs["Customer"]

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

    def numbers(self, entity: str) -> dict[str, list[SnapshotDoc]]:
        """QuickBooks' documents of `entity` that are not voided, by number (built once)."""
        if entity not in self._numbers:
            found: dict[str, list[SnapshotDoc]] = defaultdict(list)
            for doc in self.docs[entity].values():
                if doc.doc_number and not doc.is_voided:
                    found[doc.doc_number].append(doc)
            self._numbers[entity] = found
        return self._numbers[entity]

    def credits_applied(self) -> dict[str, Decimal]:
        """Per QBO invoice id, what QuickBooks' payments apply to it, money and credits."""
        applied: dict[str, Decimal] = defaultdict(Decimal)
        for payment in self.payments.values():
            if payment.is_voided:
                continue
            for invoice_id, amount in payment.applied:
                applied[invoice_id] += Decimal(amount)
            for _memo_id, invoice_id, amount in payment.credits:
                applied[invoice_id] += Decimal(amount)
        return applied


def _components(rows) -> dict[int, dict[str, Decimal]]:
    found: dict[int, dict[str, Decimal]] = {}
    for owner_id, rate, amount in rows:
        if amount:
            rates = found.setdefault(owner_id, {})
            rates[rate_key(rate)] = rates.get(rate_key(rate), ZERO) + amount
    return found


def books_load(run: ReconcileRun) -> Books:
    by_entity: dict[str, dict[str, SnapshotDoc]] = defaultdict(dict)
    for doc in SnapshotDoc.objects.filter(business_id=run.business_id, realm_id=run.realm_id):
        by_entity[doc.entity][doc.qbo_id] = doc
    scope = {"business_id": run.business_id, "realm_id": run.realm_id}
    books = Books(run=run, docs=by_entity)
    books.invoice_links = list(InvoiceLink.objects.filter(**scope).select_related("invoice"))
    books.receipt_links = list(SalesReceiptLink.objects.filter(**scope).select_related("receipt"))
    books.credit_links = list(
        CreditNoteLink.objects.filter(**scope).select_related("credit_note__invoice")
    )
    books.application_links = list(
        CreditApplicationLink.objects.filter(**scope).select_related(
            "application__credit_note", "application__invoice"
        )
    )
    books.customer_of = dict(
        CustomerLink.objects.filter(**scope).values_list("contact_id", "qbo_id")
    )
    invoice_ids = [link.invoice_id for link in books.invoice_links]
    invoice_ids += [link.receipt_id for link in books.receipt_links]
    invoice_taxes = InvoiceTax.objects.filter(
        invoice__business_id=run.business_id, invoice_id__in=invoice_ids
    ).values_list("invoice_id", "rate", "amount")
    credit_taxes = CreditNoteTax.objects.filter(
        credit_note__business_id=run.business_id,
        credit_note_id__in=[link.credit_note_id for link in books.credit_links],
    ).values_list("credit_note_id", "rate", "amount")
    for prefix, rows in (("invoice", invoice_taxes), ("credit", credit_taxes)):
        for owner_id, rates in _components(rows).items():
            books.components[(prefix, owner_id)] = rates
    books.busy = set(
        SyncJob.objects.filter(**scope, status__in=OPEN_STATUSES).values_list("kind", "object_id")
    )
    return books
