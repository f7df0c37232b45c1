"""Invoice and payment pages."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from core.exceptions import ApplicationError

from .. import documents, selectors, services
from ..forms import (
    InvoiceFilterForm,
    InvoiceForm,
    InvoiceLineFormSet,
    PaymentForm,
    line_initial,
)
from ..models import TERMS_DAYS, Payment, PaymentTerms
from ..services.invoices import due_date_for
from .common import invoice_or_404, posted

PAGE_SIZE = 50


@business_member_required
@require_http_methods(["GET"])
def invoice_list(request):
    filter_form = InvoiceFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    invoices = selectors.invoice_list(
        business=request.business,
        status=filters.get("status", ""),
        search=filters.get("q", ""),
        kind=filters.get("kind", ""),
    )
    page_obj = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    querystring = params.urlencode()
    return render(
        request,
        "invoicing/invoice_list.html",
        {
            "filter_form": filter_form,
            "is_filtered": bool(filters.get("status") or filters.get("q") or filters.get("kind")),
            "page_obj": page_obj,
            "invoices": page_obj.object_list,
            "querystring_without_page": f"{querystring}&" if querystring else "",
        },
    )


def _invoice_form(request, invoice=None):
    business = request.business
    keep_items = keep_groups = ()
    if invoice is not None:
        keep_items = [line.item_id for line in invoice.lines.all() if line.item_id]
        keep_groups = [line.tax_group_id for line in invoice.lines.all() if line.tax_group_id]
    formset_kwargs = {
        "business": business,
        "prefix": "lines",
        "keep_item_ids": keep_items,
        "keep_tax_group_ids": keep_groups,
    }
    current_contact = invoice.contact if invoice is not None else None
    if request.method == "POST":
        form = InvoiceForm(request.POST, business=business, current_contact=current_contact)
        formset = InvoiceLineFormSet(request.POST, **formset_kwargs)
    elif invoice is not None:
        form = InvoiceForm(
            business=business,
            current_contact=current_contact,
            initial={
                "contact": invoice.contact_id,
                "issue_date": invoice.issue_date,
                "terms": invoice.terms,
                "notes": invoice.notes,
                "discount_kind": invoice.discount_kind,
                "discount_value": invoice.discount_value if invoice.discount_kind else None,
                "due_date": (
                    None
                    if invoice.due_date
                    == due_date_for(issue_date=invoice.issue_date, terms=invoice.terms)
                    else invoice.due_date
                ),
            },
        )
        formset = InvoiceLineFormSet(initial=line_initial(invoice), **formset_kwargs)
    else:
        today = timezone.localdate()
        form = InvoiceForm(
            business=business,
            initial={
                "issue_date": today,
                "contact": request.GET.get("contact"),
                "terms": selectors.invoice_sequence_get(business=business).default_terms,
            },
        )
        formset = InvoiceLineFormSet(
            initial=[{"quantity": "1", "is_taxable": True}], **formset_kwargs
        )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = {**form.cleaned_data, "lines": formset.lines()}
        try:
            if invoice is None:
                invoice = services.invoice_create(business=business, **values)
                messages.success(request, _("Draft invoice saved."))
            else:
                invoice = services.invoice_update(invoice=invoice, **values)
                messages.success(request, _("Invoice saved."))
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            return redirect("invoicing:invoice_detail", pk=invoice.pk)
    return render(
        request,
        "invoicing/invoice_form.html",
        {
            "form": form,
            "formset": formset,
            "invoice": invoice,
            "terms_days": {PaymentTerms(terms).value: days for terms, days in TERMS_DAYS.items()},
        },
    )


@business_member_required
@require_http_methods(["GET", "POST"])
def invoice_create(request):
    return _invoice_form(request)


@business_member_required
@require_http_methods(["GET", "POST"])
def invoice_update(request, pk: int):
    invoice = invoice_or_404(request, pk)
    if invoice.is_void:
        messages.error(request, _("A void invoice cannot be changed."))
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    return _invoice_form(request, invoice)


@business_member_required
@require_http_methods(["GET"])
def invoice_detail(request, pk: int):
    invoice = invoice_or_404(request, pk)
    return render(
        request,
        "invoicing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "taxes": invoice.taxes.all(),
            "payments": invoice.payments.all(),
            "deliveries": invoice.deliveries.select_related("requested_by"),
            "can_send": invoice.is_issued and not invoice.is_void,
            "can_record_payment": invoice.status in ("issued", "partially_paid")
            and invoice.balance > 0
            and not invoice.is_sales_receipt,
            "can_credit": invoice.is_issued and not invoice.is_void,
            "credit_notes": selectors.invoice_credit_notes(invoice=invoice),
            "credit_applications": selectors.invoice_credit_applications(invoice=invoice),
        },
    )


@business_member_required
@require_http_methods(["GET"])
def invoice_print(request, pk: int):
    """The printable page: the document in the client's language, its buttons in the user's."""
    invoice = invoice_or_404(request, pk)
    return render(
        request,
        "invoicing/invoice_print.html",
        {
            "invoice": invoice,
            "business": request.business,
            "document": documents.invoice_document_html(invoice).html,
        },
    )


@business_member_required
@require_http_methods(["GET"])
def invoice_pdf(request, pk: int):
    invoice = invoice_or_404(request, pk)
    response = HttpResponse(documents.invoice_pdf(invoice), content_type="application/pdf")
    filename = documents.invoice_pdf_filename(invoice)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _invoice_action(request, pk: int, service, success: str):
    invoice = invoice_or_404(request, pk)
    try:
        invoice = service(invoice)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success % {"number": invoice.number})
    return redirect("invoicing:invoice_detail", pk=pk)


@business_member_required
@require_POST
def invoice_issue(request, pk: int):
    return _invoice_action(
        request,
        pk,
        lambda invoice: services.invoice_issue(invoice=invoice),
        _("Invoice %(number)s issued."),
    )


@business_member_required
@require_POST
def invoice_void(request, pk: int):
    if invoice_or_404(request, pk).is_sales_receipt:
        return _invoice_action(
            request,
            pk,
            lambda invoice: services.sales_receipt_void(receipt=invoice),
            _("Sales receipt %(number)s voided."),
        )
    return _invoice_action(
        request,
        pk,
        lambda invoice: services.invoice_void(invoice=invoice),
        _("Invoice %(number)s voided."),
    )


@business_member_required
@require_POST
def invoice_delete(request, pk: int):
    invoice = invoice_or_404(request, pk)
    try:
        services.invoice_delete(invoice=invoice)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("invoicing:invoice_detail", pk=pk)
    messages.success(request, _("Draft deleted."))
    return redirect("invoicing:invoice_list")


@business_member_required
@require_http_methods(["GET", "POST"])
def payment_create(request, pk: int):
    invoice = invoice_or_404(request, pk)
    form = PaymentForm(
        posted(request),
        initial={
            "amount": invoice.balance if invoice.balance > 0 else None,
            "date": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(invoice=invoice, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("invoicing:invoice_detail", pk=invoice.pk)
    return render(
        request,
        "invoicing/payment_form.html",
        {
            "form": form,
            "invoice": invoice,
            "open_credits": (
                selectors.contact_open_credits(contact=invoice.contact)
                if invoice.balance > 0 and not invoice.is_void
                else []
            ),
        },
    )


@business_member_required
@require_POST
def payment_void(request, pk: int, payment_pk: int):
    invoice = invoice_or_404(request, pk)
    payment = get_for_business(
        Payment.objects.filter(invoice=invoice), business=request.business, pk=payment_pk
    )
    try:
        services.payment_void(payment=payment)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Payment voided."))
    return redirect("invoicing:invoice_detail", pk=invoice.pk)
