"""Credit note pages: issue one from an invoice, see it, print it, void it; use an open credit
on an invoice and take it back."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from core.exceptions import ApplicationError

from .. import credit_documents, selectors, services
from ..credit_forms import (
    AMOUNT,
    FULL,
    NOT_TAXABLE,
    CreditApplyForm,
    CreditNoteForm,
    RefundForm,
)
from ..models import CreditApplication, CreditNote, Payment, TaxGroup
from .common import invoice_or_404, posted


def credit_note_or_404(request, pk: int) -> CreditNote:
    try:
        return selectors.credit_note_get(business=request.business, pk=pk)
    except CreditNote.DoesNotExist:
        raise Http404 from None


def _amount_input(request, form):
    data = form.cleaned_data
    group_id = data.get("tax_group")
    group = None
    if group_id and group_id != NOT_TAXABLE:
        group = get_for_business(TaxGroup.objects.all(), business=request.business, pk=group_id)
    return services.CreditAmountInput(
        amount=data["amount"], tax_group=group, description=data.get("description", "")
    )


@business_member_required
@require_http_methods(["GET", "POST"])
def credit_note_create(request, pk: int):
    invoice = invoice_or_404(request, pk)
    if invoice.is_draft or invoice.is_void:
        messages.error(request, _("Only an issued invoice can be credited."))
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    form = CreditNoteForm(posted(request), invoice=invoice, initial={"date": timezone.localdate()})
    return _credit_form(request, invoice, form)


@business_member_required
@require_http_methods(["GET", "POST"])
def refund_create(request, pk: int, payment_pk: int):
    """Refund (part of) a payment: a credit note paid back in money."""
    invoice = invoice_or_404(request, pk)
    payment = get_for_business(
        Payment.objects.filter(invoice=invoice), business=request.business, pk=payment_pk
    )
    if payment.is_void:
        messages.error(request, _("This payment is void: there is nothing to refund."))
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    form = RefundForm(
        posted(request), invoice=invoice, payment=payment, initial={"date": timezone.localdate()}
    )
    return _credit_form(request, invoice, form)


def _credit_form(request, invoice, form):
    payment = getattr(form, "payment", None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            credit_note = services.credit_note_create(
                invoice=invoice,
                date=data["date"],
                full=data["what"] == FULL,
                lines=(
                    [
                        services.CreditLineInput(invoice_line=line, quantity=quantity)
                        for line, quantity in form.line_quantities()
                    ]
                    if data["what"] not in (FULL, AMOUNT)
                    else []
                ),
                amount=_amount_input(request, form) if data["what"] == AMOUNT else None,
                reason=data.get("reason", ""),
                apply_to_invoice=data.get("apply_to_invoice", False),
                refund=(
                    services.RefundInput(
                        payment=payment, method=data["method"], reference=data["reference"]
                    )
                    if payment is not None
                    else None
                ),
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, _("Credit note %(number)s issued.") % {"number": credit_note.number}
            )
            return redirect("invoicing:credit_note_detail", pk=credit_note.pk)
    return render(
        request,
        "invoicing/credit_note_form.html",
        {"form": form, "invoice": invoice, "payment": payment},
    )


@business_member_required
@require_http_methods(["GET"])
def credit_note_detail(request, pk: int):
    credit_note = credit_note_or_404(request, pk)
    return render(
        request,
        "invoicing/credit_note_detail.html",
        {
            "credit_note": credit_note,
            "lines": credit_note.lines.all(),
            "taxes": credit_note.taxes.all(),
            "applications": credit_note.applications.all(),
        },
    )


@business_member_required
@require_http_methods(["GET"])
def credit_note_print(request, pk: int):
    credit_note = credit_note_or_404(request, pk)
    return render(
        request,
        "invoicing/credit_note_print.html",
        {
            "credit_note": credit_note,
            "business": request.business,
            "document": credit_documents.credit_note_document_html(credit_note),
        },
    )


@business_member_required
@require_http_methods(["GET"])
def credit_note_pdf(request, pk: int):
    credit_note = credit_note_or_404(request, pk)
    response = HttpResponse(
        credit_documents.credit_note_pdf(credit_note), content_type="application/pdf"
    )
    filename = credit_documents.credit_note_pdf_filename(credit_note)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@business_member_required
@require_POST
def credit_note_void(request, pk: int):
    credit_note = credit_note_or_404(request, pk)
    try:
        services.credit_note_void(credit_note=credit_note)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Credit note %(number)s voided.") % {"number": credit_note.number}
        )
    return redirect("invoicing:credit_note_detail", pk=pk)


@business_member_required
@require_POST
def credit_apply(request, pk: int, credit_pk: int):
    """Use an open credit of the invoice's contact on this invoice."""
    invoice = invoice_or_404(request, pk)
    credit_note = credit_note_or_404(request, credit_pk)
    form = CreditApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter an amount greater than zero."))
        return redirect("invoicing:payment_create", pk=invoice.pk)
    try:
        services.credit_apply(
            credit_note=credit_note,
            invoice=invoice,
            amount=form.cleaned_data["amount"],
            date=timezone.localdate(),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("invoicing:payment_create", pk=invoice.pk)
    messages.success(
        request, _("Credit %(number)s applied to the invoice.") % {"number": credit_note.number}
    )
    return redirect("invoicing:invoice_detail", pk=invoice.pk)


@business_member_required
@require_POST
def credit_application_void(request, pk: int, application_pk: int):
    invoice = invoice_or_404(request, pk)
    application = get_for_business(
        CreditApplication.objects.filter(invoice=invoice),
        business=request.business,
        pk=application_pk,
    )
    try:
        services.credit_application_void(application=application)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The credit was taken back from the invoice."))
    return redirect("invoicing:invoice_detail", pk=invoice.pk)
