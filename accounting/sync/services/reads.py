"""The reads every push makes before its call to QuickBooks, compiled once per process
(core/prepared.py): whether an earlier job of the same object is still open, the connection,
the invoice with what its links say, its lines with their items' names and QBO ids. Each is one query; none goes through Django's compiler
after the first push of a process."""

from django.db.models import Exists, F, OuterRef, Subquery

from accounting.models import QboConnection
from core.prepared import PreparedRead
from invoicing.models import Invoice, InvoiceLine

from ..models import OPEN_STATUSES, CustomerLink, InvoiceLink, ItemLink, SyncJob

# Markers: values no real row or constant has, within every field's range (ids are far below
# 2**63; realm ids are digits).
_ID, _BUSINESS, _BEFORE = (
    9_000_000_000_000_000_001,
    9_000_000_000_000_000_002,
    9_000_000_000_000_000_003,
)
_REALM, _KIND = "\x1frealm\x1f", "\x1fkind\x1f"


def _earlier_open(business_id, kind, object_id, before):
    return SyncJob.objects.filter(
        business_id=business_id,
        kind=kind,
        object_id=object_id,
        status__in=OPEN_STATUSES,
        pk__lt=before,
    ).only("pk")[:1]


_EARLIER_OPEN = PreparedRead(
    _earlier_open, business_id=_BUSINESS, kind=_KIND, object_id=_ID, before=_BEFORE
)


def earlier_job_open(job: SyncJob) -> bool:
    """Whether a job of the same object, written before this one, is still open."""
    return bool(
        _EARLIER_OPEN.run(
            business_id=job.business_id, kind=job.kind, object_id=job.object_id, before=job.pk
        )
    )


def _connection(business_id):
    return QboConnection.objects.filter(business_id=business_id).order_by("pk")[:1]


_CONNECTION = PreparedRead(_connection, business_id=_BUSINESS)


def connection_of(business_id: int) -> QboConnection | None:
    rows = _CONNECTION.run(business_id=business_id)
    return rows[0] if rows else None


def _invoice(invoice_id, business_id, realm_id):
    scope = {"business_id": business_id, "realm_id": realm_id}
    return (
        Invoice.objects.filter(pk=invoice_id, business_id=business_id)
        .annotate(
            sync_contact_email=F("contact__email"),
            sync_linked=Exists(InvoiceLink.objects.filter(**scope, invoice_id=OuterRef("pk"))),
            sync_customer_id=Subquery(
                CustomerLink.objects.filter(**scope, contact_id=OuterRef("contact_id")).values(
                    "qbo_id"
                )[:1]
            ),
        )
        .order_by()
    )


_INVOICE = PreparedRead(_invoice, invoice_id=_ID, business_id=_BUSINESS, realm_id=_REALM)


def invoice_with_links(*, invoice_id: int, business_id: int, realm_id: str) -> Invoice | None:
    """The invoice, with `sync_linked` (it has a link already), `sync_customer_id` (its
    contact's QBO customer id, if linked) and `sync_contact_email`. Its contact and business
    are read only if used."""
    rows = _INVOICE.run(invoice_id=invoice_id, business_id=business_id, realm_id=realm_id)
    return rows[0] if rows else None


def _lines(invoice_id, business_id, realm_id):
    return (
        InvoiceLine.objects.filter(invoice_id=invoice_id)
        .annotate(
            sync_item_name=F("item__name"),
            sync_qbo_item_id=Subquery(
                ItemLink.objects.filter(
                    business_id=business_id, realm_id=realm_id, item_id=OuterRef("item_id")
                ).values("qbo_id")[:1]
            ),
        )
        .order_by("position", "id")
    )


_LINES = PreparedRead(_lines, invoice_id=_ID, business_id=_BUSINESS, realm_id=_REALM)


def invoice_lines(*, invoice_id: int, business_id: int, realm_id: str) -> list[InvoiceLine]:
    """The lines in order, each with `sync_item_name` and `sync_qbo_item_id` (None without
    an item, or an item not linked in this company)."""
    return _LINES.run(invoice_id=invoice_id, business_id=business_id, realm_id=realm_id)


def billing_email(invoice: Invoice) -> str:
    """`Invoice.billing_email`, without reading the contact when the prepared read gave its
    e-mail."""
    if hasattr(invoice, "sync_contact_email"):
        return invoice.bill_email or invoice.sync_contact_email or ""
    return invoice.billing_email
