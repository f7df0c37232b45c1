"""Settings pages: tax groups and invoice settings."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from core.exceptions import ApplicationError

from .. import selectors, services
from ..credit_forms import DocumentNumberingForm
from ..forms import InvoiceSettingsForm, TaxComponentFormSet, TaxGroupForm, components_from
from ..models import DocumentKind, TaxGroup
from .common import posted


@business_member_required
@require_http_methods(["GET"])
def taxgroup_list(request):
    business = request.business
    groups = list(selectors.taxgroup_list(business=business))
    presets = services.taxgroup_presets_for(province=business.province)
    with translation.override(business.language):  # the names the groups will be given
        preset_names = [_(name) for name, _components in presets]
    return render(
        request,
        "invoicing/taxgroup_list.html",
        {
            "groups": groups,
            "can_edit": request.membership.is_owner,
            "preset_names": preset_names,
        },
    )


def _taxgroup_form(request, tax_group: TaxGroup | None):
    if request.method == "POST":
        form = TaxGroupForm(request.POST)
        formset = TaxComponentFormSet(request.POST, prefix="components")
    elif tax_group is not None:
        form = TaxGroupForm(initial={"name": tax_group.name})
        formset = TaxComponentFormSet(
            prefix="components",
            initial=[
                {"name": c.name, "rate": c.rate.normalize()} for c in tax_group.components.all()
            ],
        )
    else:
        form = TaxGroupForm()
        formset = TaxComponentFormSet(prefix="components")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            if tax_group is None:
                tax_group = services.taxgroup_create(
                    business=request.business,
                    name=form.cleaned_data["name"],
                    components=components_from(formset),
                )
                messages.success(
                    request, _("Tax group “%(name)s” created.") % {"name": tax_group.name}
                )
            else:
                tax_group = services.taxgroup_update(
                    tax_group=tax_group,
                    name=form.cleaned_data["name"],
                    components=components_from(formset),
                )
                messages.success(
                    request, _("Tax group “%(name)s” saved.") % {"name": tax_group.name}
                )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            return redirect("invoicing:taxgroup_list")
    return render(
        request,
        "invoicing/taxgroup_form.html",
        {"form": form, "formset": formset, "tax_group": tax_group},
    )


@business_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def taxgroup_create(request):
    return _taxgroup_form(request, None)


@business_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def taxgroup_update(request, pk: int):
    return _taxgroup_form(request, get_for_business(TaxGroup, business=request.business, pk=pk))


def _taxgroup_action(request, pk: int, service, success: str):
    tax_group = get_for_business(TaxGroup, business=request.business, pk=pk)
    try:
        service(tax_group=tax_group)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success % {"name": tax_group.name})
    return redirect("invoicing:taxgroup_list")


@business_member_required(owner_only=True)
@require_POST
def taxgroup_set_default(request, pk: int):
    return _taxgroup_action(
        request, pk, services.taxgroup_set_default, _("“%(name)s” is now the default tax group.")
    )


@business_member_required(owner_only=True)
@require_POST
def taxgroup_archive(request, pk: int):
    return _taxgroup_action(
        request, pk, services.taxgroup_archive, _("Tax group “%(name)s” archived.")
    )


@business_member_required(owner_only=True)
@require_POST
def taxgroup_restore(request, pk: int):
    return _taxgroup_action(
        request, pk, services.taxgroup_restore, _("Tax group “%(name)s” restored.")
    )


@business_member_required(owner_only=True)
@require_POST
def taxgroup_delete(request, pk: int):
    return _taxgroup_action(
        request, pk, services.taxgroup_delete, _("Tax group “%(name)s” deleted.")
    )


@business_member_required(owner_only=True)
@require_POST
def taxgroup_presets(request):
    created = services.taxgroup_create_presets(business=request.business)
    if created:
        messages.success(
            request, _("Added: %(names)s.") % {"names": ", ".join(group.name for group in created)}
        )
    else:
        messages.info(request, _("The ready-made groups for your province are already there."))
    return redirect("invoicing:taxgroup_list")


@business_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def invoice_settings(request):
    sequence = selectors.invoice_sequence_get(business=request.business)
    which = request.POST.get("numbering", "") if request.method == "POST" else ""
    form = InvoiceSettingsForm(
        posted(request) if not which else None,
        initial={
            "prefix": sequence.prefix,
            "next_number": sequence.next_number,
            "default_terms": sequence.default_terms,
        },
    )
    documents = {}
    for kind, label in DocumentKind.choices:
        current = services.document_sequence_ensure(business=request.business, kind=kind)
        documents[kind] = (
            label,
            DocumentNumberingForm(
                posted(request) if which == kind else None,
                prefix=kind,
                initial={"prefix": current.prefix, "next_number": current.next_number},
            ),
        )
    if which in documents and documents[which][1].is_valid():
        numbering = documents[which][1]
        try:
            services.document_sequence_update(
                business=request.business, kind=which, **numbering.cleaned_data
            )
        except ApplicationError as error:
            numbering.add_error(None, error.message)
        else:
            messages.success(request, _("Numbering saved."))
            return redirect("invoicing:invoice_settings")
    elif request.method == "POST" and not which and form.is_valid():
        try:
            services.invoice_settings_update(business=request.business, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Invoice settings saved."))
            return redirect("invoicing:invoice_settings")
    return render(
        request,
        "invoicing/invoice_settings.html",
        {"form": form, "documents": list(documents.items())},
    )
