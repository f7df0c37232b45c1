"""Sending an invoice to the client by e-mail."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from businesses.mixins import business_member_required
from businesses.models import Language
from core.exceptions import ApplicationError

from ..forms import InvoiceSendForm
from ..services import delivery as delivery_services
from .common import invoice_or_404


@business_member_required
@require_http_methods(["GET", "POST"])
def invoice_send(request, pk: int):
    invoice = invoice_or_404(request, pk)
    if invoice.is_draft or invoice.is_void:
        messages.error(
            request,
            _("Issue the invoice before sending it.")
            if invoice.is_draft
            else _("A void invoice cannot be sent."),
        )
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    draft = delivery_services.delivery_draft(invoice=invoice)
    if request.method == "POST":
        form = InvoiceSendForm(request.POST)
    else:
        form = InvoiceSendForm(
            initial={
                "recipients": ", ".join(draft["recipients"]),
                "subject": draft["subject"],
                "message": draft["message"],
            }
        )
    if request.method == "POST" and form.is_valid():
        try:
            delivery = delivery_services.invoice_send(
                invoice=invoice, requested_by=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                _("Invoice %(number)s is being sent to %(recipients)s.")
                % {"number": invoice.number, "recipients": ", ".join(delivery.recipients)},
            )
            return redirect("invoicing:invoice_detail", pk=invoice.pk)
    return render(
        request,
        "invoicing/invoice_send.html",
        {"form": form, "invoice": invoice, "language_name": Language(draft["language"]).label},
    )
