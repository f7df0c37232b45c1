"""Reads of the sync engine, always scoped by business."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounting.models import ConnectionStatus, QboConnection
from businesses.models import Business
from invoicing.models import CreditApplication, CreditNote, Invoice, InvoiceStatus, Payment

from . import messages
from .models import (
    CreditApplicationLink,
    CreditNoteLink,
    InvoiceLink,
    PaymentLink,
    SalesReceiptLink,
    SyncJob,
    SyncKind,
    SyncStatus,
)

# Each kind of object with a badge: its job kind, its link model and the link's field.
BADGE_KINDS = (
    (Invoice, SyncKind.SALES_RECEIPT, SalesReceiptLink, "receipt_id"),
    (Invoice, SyncKind.INVOICE, InvoiceLink, "invoice_id"),
    (Payment, SyncKind.PAYMENT, PaymentLink, "payment_id"),
    (CreditNote, SyncKind.CREDIT_NOTE, CreditNoteLink, "credit_note_id"),
    (CreditApplication, SyncKind.CREDIT_APPLICATION, CreditApplicationLink, "application_id"),
)


def earlier_invoices(
    *,
    business: Business,
    connection: QboConnection,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    """Issued before the connection and never sent to the connected company."""
    linked = InvoiceLink.objects.filter(
        business=business, realm_id=connection.realm_id, invoice=OuterRef("pk")
    )
    receipt_linked = SalesReceiptLink.objects.filter(
        business=business, realm_id=connection.realm_id, receipt=OuterRef("pk")
    )
    queued = SyncJob.objects.filter(
        business=business,
        realm_id=connection.realm_id,
        kind__in=(SyncKind.INVOICE, SyncKind.SALES_RECEIPT),
        object_id=OuterRef("pk"),
    )
    queryset = (
        Invoice.objects.filter(business=business)
        .exclude(status=InvoiceStatus.DRAFT)
        .filter(issued_at__lt=connection.connected_at)
        .exclude(Exists(linked))
        .exclude(Exists(receipt_linked))
        .exclude(Exists(queued))
        .select_related("contact")
        .order_by("issue_date", "number")
    )
    if date_from:
        queryset = queryset.filter(issue_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(issue_date__lte=date_to)
    return queryset


def sync_jobs_for_log(
    *, business: Business, status: str = "", kind: str = "", search: str = ""
) -> QuerySet:
    queryset = SyncJob.objects.filter(business=business).order_by("-id")
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if search:
        search = search.strip()
        invoice_ids = list(
            Invoice.objects.filter(business=business, number__icontains=search).values_list(
                "pk", flat=True
            )[:200]
        )
        credit_note_ids = list(
            CreditNote.objects.filter(business=business, number__icontains=search).values_list(
                "pk", flat=True
            )[:200]
        )
        condition = (
            Q(qbo_id=search)
            | Q(qbo_number__icontains=search)
            | Q(kind__in=(SyncKind.INVOICE, SyncKind.SALES_RECEIPT), object_id__in=invoice_ids)
            | Q(kind=SyncKind.CREDIT_NOTE, object_id__in=credit_note_ids)
        )
        if search.isdigit():
            condition |= Q(object_id=int(search))
        queryset = queryset.filter(condition)
    return queryset


def describe_jobs(jobs: list[SyncJob]) -> dict[int, str]:
    """What each job is about, in words ("Invoice 1042", "Payment of invoice 1042")."""
    # A duplicate's job is about our invoice that carries the same number.
    invoice_kinds = (SyncKind.INVOICE, SyncKind.SALES_RECEIPT, SyncKind.DUPLICATE)
    invoice_ids = {job.object_id for job in jobs if job.kind in invoice_kinds}
    payment_ids = {job.object_id for job in jobs if job.kind == SyncKind.PAYMENT}
    contact_ids = {job.object_id for job in jobs if job.kind == SyncKind.CUSTOMER}
    # A job's object_id is a plain number: read it in the job's business only.
    owners = {job.business_id for job in jobs}
    invoices = {
        pk: str(number or pk)
        for pk, number in Invoice.objects.filter(
            business_id__in=owners, pk__in=invoice_ids
        ).values_list("pk", "number")
    }
    payments = {
        pk: (str(number or ""), amount)
        for pk, number, amount in Payment.objects.filter(
            business_id__in=owners, pk__in=payment_ids
        ).values_list("pk", "invoice__number", "amount")
    }
    from contacts.models import Contact

    contacts = dict(
        Contact.objects.filter(business_id__in=owners, pk__in=contact_ids).values_list(
            "pk", "display_name"
        )
    )
    credit_notes = dict(
        CreditNote.objects.filter(
            business_id__in=owners,
            pk__in={job.object_id for job in jobs if job.kind == SyncKind.CREDIT_NOTE},
        ).values_list("pk", "number")
    )
    applications = {
        pk: f"{amount} {note} → {number}"
        for pk, amount, note, number in CreditApplication.objects.filter(
            business_id__in=owners,
            pk__in={job.object_id for job in jobs if job.kind == SyncKind.CREDIT_APPLICATION},
        ).values_list("pk", "amount", "credit_note__number", "invoice__number")
    }
    labels = {}
    for job in jobs:
        if job.kind in invoice_kinds:
            labels[job.pk] = invoices.get(job.object_id, str(job.object_id))
        elif job.kind == SyncKind.PAYMENT:
            number, amount = payments.get(job.object_id, ("", ""))
            labels[job.pk] = f"{amount} → {number}" if number else str(job.object_id)
        elif job.kind == SyncKind.CREDIT_NOTE:
            labels[job.pk] = credit_notes.get(job.object_id, str(job.object_id))
        elif job.kind == SyncKind.CREDIT_APPLICATION:
            labels[job.pk] = applications.get(job.object_id, str(job.object_id))
        else:
            labels[job.pk] = contacts.get(job.object_id, str(job.object_id))
    return labels


@dataclass(frozen=True)
class SyncBadge:
    """`state`: not_sent, pending, synced, error (or "" when there is nothing to show)."""

    state: str
    message: str = ""
    fix_url: str | None = None
    qbo_number: str = ""
    qbo_id: str = ""
    warning: str = ""
    job_id: int | None = None


def _connection(business_id: int) -> QboConnection | None:
    return QboConnection.objects.filter(business_id=business_id).first()


def _badge_kind(obj) -> tuple[str, type, str] | None:
    for model, kind, link_model, link_field in BADGE_KINDS:
        if isinstance(obj, model):
            if isinstance(obj, Invoice) and obj.is_sales_receipt != (
                kind == SyncKind.SALES_RECEIPT
            ):
                continue
            return kind, link_model, link_field
    return None


def sync_badge_for(obj) -> SyncBadge:
    """The sync state of one invoice or payment, for its badge."""
    return sync_badges_for([obj])[0]


def sync_badges_for(objs: list) -> list[SyncBadge]:
    """The badges of a page of invoices or payments (all of one business), in a fixed number
    of queries whatever the page's length."""
    badges = [SyncBadge(state="") for _ in objs]
    if not objs:
        return badges
    connection = _connection(objs[0].business_id)
    if connection is None:
        return badges
    for _model, kind, link_model, link_field in BADGE_KINDS:
        ids = [obj.pk for obj in objs if (_badge_kind(obj) or (None,))[0] == kind]
        if not ids:
            continue
        jobs: dict[int, SyncJob] = {}
        for job in (
            SyncJob.objects.filter(
                business_id=connection.business_id,
                realm_id=connection.realm_id,
                kind=kind,
                object_id__in=ids,
            )
            .exclude(status=SyncStatus.DISMISSED)
            .order_by("object_id", "-id")
        ):
            jobs.setdefault(job.object_id, job)
        links = {
            getattr(link, link_field): link
            for link in link_model.objects.filter(
                business_id=connection.business_id,
                realm_id=connection.realm_id,
                **{f"{link_field}__in": ids},
            )
        }
        for index, obj in enumerate(objs):
            if (_badge_kind(obj) or (None,))[0] == kind:
                badges[index] = _badge(obj, kind, connection, jobs.get(obj.pk), links.get(obj.pk))
    return badges


def _badge(obj, kind: str, connection: QboConnection, job: SyncJob | None, link) -> SyncBadge:
    if kind in (SyncKind.INVOICE, SyncKind.SALES_RECEIPT) and obj.is_draft:
        return SyncBadge(state="")
    if job is not None and job.status == SyncStatus.FAILED:
        rendered = messages.render(job.last_error_key, job.last_error_params)
        return SyncBadge(
            state="error",
            message=rendered.text if rendered else "",
            fix_url=rendered.fix_url if rendered else None,
            job_id=job.pk,
        )
    if job is not None and job.status != SyncStatus.DONE:
        rendered = messages.render(job.last_error_key, job.last_error_params)
        return SyncBadge(
            state="pending",
            message=rendered.text if rendered else "",
            fix_url=rendered.fix_url if rendered else None,
            job_id=job.pk,
        )
    if link is not None:
        warning = ""
        if getattr(link, "has_total_mismatch", False) and job is not None:
            rendered = messages.render(job.warning_key, job.warning_params)
            warning = rendered.text if rendered else ""
        number = getattr(link, "doc_number", "") or ""
        return SyncBadge(
            state="synced",
            qbo_number=number,
            qbo_id=link.qbo_id,
            warning=warning,
            job_id=job.pk if job else None,
        )
    if job is not None:  # done without reaching QBO (e.g. voided before it was ever sent)
        return SyncBadge(state="")
    if connection.status == ConnectionStatus.DISCONNECTED:
        return SyncBadge(state="")
    invoice = obj if isinstance(obj, Invoice) else obj.invoice
    if (
        invoice.issued_at
        and connection.connected_at
        and invoice.issued_at < connection.connected_at
    ):
        key = {
            SyncKind.INVOICE: "issued_before_connection",
            SyncKind.SALES_RECEIPT: "issued_before_connection",
            SyncKind.PAYMENT: "invoice_not_sent",
        }.get(kind, "credit_invoice_not_sent")
        rendered = messages.render(key)
        return SyncBadge(state="not_sent", message=rendered.text)
    return SyncBadge(state="")
