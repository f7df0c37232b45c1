"""The sales receipt page: a one-visit job paid at the door, written and paid at once."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from businesses.mixins import business_member_required
from core.exceptions import ApplicationError

from .. import services
from ..forms import InvoiceLineFormSet, SalesReceiptForm


@business_member_required
@require_http_methods(["GET", "POST"])
def sales_receipt_create(request):
    business = request.business
    formset_kwargs = {"business": business, "prefix": "lines"}
    if request.method == "POST":
        form = SalesReceiptForm(request.POST, business=business)
        formset = InvoiceLineFormSet(request.POST, **formset_kwargs)
    else:
        form = SalesReceiptForm(
            business=business,
            initial={"issue_date": timezone.localdate(), "contact": request.GET.get("contact")},
        )
        formset = InvoiceLineFormSet(
            initial=[{"quantity": "1", "is_taxable": True}], **formset_kwargs
        )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            receipt = services.sales_receipt_create(
                business=business, lines=formset.lines(), **form.cleaned_data
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, _("Sales receipt %(number)s recorded.") % {"number": receipt.number}
            )
            return redirect("invoicing:invoice_detail", pk=receipt.pk)
    return render(
        request,
        "invoicing/invoice_form.html",
        {
            "form": form,
            "formset": formset,
            "invoice": None,
            "sales_receipt": True,
            "terms_days": {},
        },
    )
