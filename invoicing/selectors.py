"""Reads of the invoicing app, always scoped by business."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from businesses.models import Business
from contacts.models import Contact
from core.collation import natural
from core.formatting import percent
from core.search import contains

from .models import (
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
    InvoiceTax,
    Payment,
    PaymentStatus,
    TaxComponent,
    TaxGroup,
)


def taxgroup_exists_for_business(*, business: Business) -> bool:
    """True when the business has at least one active tax group (the prerequisite for
    connecting an accounting system)."""
    return TaxGroup.objects.filter(business=business, is_active=True).exists()


def taxgroup_list(*, business: Business, include_archived: bool = True) -> QuerySet[TaxGroup]:
    groups = TaxGroup.objects.filter(business=business)
    if not include_archived:
        groups = groups.filter(is_active=True)
    return groups.prefetch_related(
        Prefetch("components", queryset=TaxComponent.objects.order_by("position", "id"))
    ).order_by("-is_active", natural("name"))


def taxgroup_choices(*, business: Business, keep_ids=()) -> QuerySet[TaxGroup]:
    """Groups a line can use: the active ones, plus those already on the lines being edited."""
    return TaxGroup.objects.filter(
        Q(is_active=True) | Q(pk__in=[pk for pk in keep_ids if pk]), business=business
    ).order_by(natural("name"))


def taxgroup_label(tax_group: TaxGroup) -> str:
    """A group's name with the taxes it applies, as a reader needs it to choose:
    "TPS + TVQ (TPS 5 %, TVQ 9,975 %)"; a group without taxes is its name alone."""
    components = sorted(tax_group.components.all(), key=lambda c: (c.position, c.pk))
    if not components:
        return tax_group.name
    taxes = ", ".join(f"{c.name}\u00a0{percent(c.rate)}" for c in components)
    return f"{tax_group.name} ({taxes})"


def taxgroup_default(*, business: Business) -> TaxGroup | None:
    return (
        TaxGroup.objects.filter(business=business, is_default=True)
        .prefetch_related("components")
        .first()
    )


def taxgroup_is_used(*, tax_group: TaxGroup) -> bool:
    return (
        InvoiceLine.objects.filter(tax_group=tax_group).exists()
        or InvoiceTax.objects.filter(tax_group=tax_group).exists()
    )


def taxgroup_is_used_on_issued_invoices(*, tax_group: TaxGroup) -> bool:
    return (
        InvoiceLine.objects.filter(tax_group=tax_group)
        .exclude(invoice__status=InvoiceStatus.DRAFT)
        .exists()
    )


def invoice_sequence_get(*, business: Business) -> InvoiceSequence:
    """The business's numbering row, unsaved with its defaults if it does not exist yet."""
    return InvoiceSequence.objects.filter(business=business).first() or InvoiceSequence(
        business=business
    )


def invoice_highest_issued_number(*, business: Business, prefix: str) -> int | None:
    """The highest number already issued with this prefix (numbers are prefix + digits)."""
    highest = None
    numbers = (
        Invoice.objects.filter(business=business, number__startswith=prefix)
        .exclude(number="")
        .values_list("number", flat=True)
    )
    for number in numbers:
        digits = number[len(prefix) :]
        if digits.isdigit():
            highest = max(highest or 0, int(digits))
    return highest


def invoice_list(
    *, business: Business, status: str = "", search: str = "", kind: str = ""
) -> QuerySet[Invoice]:
    invoices = Invoice.objects.filter(business=business).select_related("contact")
    if kind in ("invoice", "sales_receipt"):
        invoices = invoices.filter(is_sales_receipt=kind == "sales_receipt")
    if status in InvoiceStatus.values:
        invoices = invoices.filter(status=status)
    search = " ".join((search or "").split())
    if search:
        # The matching contacts first (a few among thousands), then their invoices by
        # contact id: no join of every invoice with its contact to compare names.
        contacts = Contact.objects.filter(business=business).filter(
            contains("display_name", search) | contains("company_name", search)
        )
        invoices = invoices.filter(
            Q(number__icontains=search)
            | Q(contact_id__in=list(contacts.values_list("pk", flat=True)))
        )
    return invoices.order_by("-issue_date", "-id")


def invoice_get(*, business: Business, pk) -> Invoice:
    """One invoice with what its pages show; Invoice.DoesNotExist when it is not the
    business's."""
    return (
        Invoice.objects.select_related("contact", "business")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=InvoiceLine.objects.select_related("item", "tax_group").order_by(
                    "position", "id"
                ),
            ),
            Prefetch("taxes", queryset=InvoiceTax.objects.order_by("position", "id")),
            Prefetch("payments", queryset=Payment.objects.order_by("date", "id")),
        )
        .get(business=business, pk=pk)
    )


def payment_list_for_invoice(*, invoice: Invoice) -> QuerySet[Payment]:
    return Payment.objects.filter(business_id=invoice.business_id, invoice=invoice).order_by(
        "date", "id"
    )


OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)


@dataclass(frozen=True)
class InvoiceDashboard:
    drafts: int
    unpaid_count: int
    unpaid_total: Decimal
    overdue_count: int
    overdue_total: Decimal
    month_invoiced: Decimal
    month_collected: Decimal
    month_start: datetime.date


def invoice_dashboard(*, business: Business, today: datetime.date) -> InvoiceDashboard:
    """The home page's figures, in three aggregate queries whatever the number of invoices:
    drafts waiting to be issued, unpaid and overdue balances, and this month's invoiced (issue
    date in the month, void excluded) and collected (payments dated in the month, void
    excluded) amounts."""
    zero = Decimal("0.00")
    month_start = today.replace(day=1)
    invoices = Invoice.objects.filter(business=business)
    open_ = Q(status__in=OPEN_STATUSES, balance__gt=0)
    overdue = open_ & Q(due_date__lt=today)
    issued_this_month = Q(issue_date__gte=month_start, issue_date__lte=today) & ~Q(
        status__in=(InvoiceStatus.DRAFT, InvoiceStatus.VOID)
    )
    figures = invoices.aggregate(
        drafts=Count("pk", filter=Q(status=InvoiceStatus.DRAFT)),
        unpaid_count=Count("pk", filter=open_),
        unpaid_total=Sum("balance", filter=open_),
        overdue_count=Count("pk", filter=overdue),
        overdue_total=Sum("balance", filter=overdue),
        month_invoiced=Sum("total", filter=issued_this_month),
    )
    collected = Payment.objects.filter(
        business=business,
        status=PaymentStatus.RECORDED,
        date__gte=month_start,
        date__lte=today,
    ).aggregate(total=Sum("amount"))["total"]
    return InvoiceDashboard(
        drafts=figures["drafts"],
        unpaid_count=figures["unpaid_count"],
        unpaid_total=figures["unpaid_total"] or zero,
        overdue_count=figures["overdue_count"],
        overdue_total=figures["overdue_total"] or zero,
        month_invoiced=figures["month_invoiced"] or zero,
        month_collected=collected or zero,
        month_start=month_start,
    )


def invoice_overdue_list(*, business: Business, today: datetime.date, limit: int = 5) -> list:
    """The oldest overdue invoices first: whom to call."""
    return list(
        Invoice.objects.filter(
            business=business, status__in=OPEN_STATUSES, balance__gt=0, due_date__lt=today
        )
        .select_related("contact")
        .order_by("due_date", "id")[:limit]
    )


# --- Credit notes ---------------------------------------------------------------------------


def credit_note_get(*, business: Business, pk):
    """One credit note with what its pages show; CreditNote.DoesNotExist when not the
    business's."""
    from .models import CreditNote, CreditNoteLine, CreditNoteTax

    return (
        CreditNote.objects.select_related("contact", "business", "invoice")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=CreditNoteLine.objects.select_related("item", "tax_group").order_by(
                    "position", "id"
                ),
            ),
            Prefetch("taxes", queryset=CreditNoteTax.objects.order_by("position", "id")),
            "applications__invoice",
        )
        .get(business=business, pk=pk)
    )


def contact_open_credits(*, contact: Contact) -> list:
    """The contact's credit notes with credit left, oldest first (used first)."""
    from .models import CreditNote, CreditNoteStatus

    return list(
        CreditNote.objects.filter(
            business_id=contact.business_id,
            contact=contact,
            status=CreditNoteStatus.ISSUED,
            balance__gt=0,
        ).order_by("date", "id")
    )


def invoice_credit_notes(*, invoice: Invoice) -> list:
    return list(invoice.credit_notes.order_by("date", "id"))


def invoice_credit_applications(*, invoice: Invoice) -> list:
    return list(invoice.credit_applications.select_related("credit_note").order_by("date", "id"))
