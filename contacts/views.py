from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from core.exceptions import ApplicationError
from core.pickers import picker_results

from . import selectors, services
from .forms import BulkTagForm, ContactFilterForm, ContactForm, ContactTagsForm, TagForm
from .models import Contact, Tag

PAGE_SIZE = 50


def _posted(request):
    # Bound on any POST, even an empty one, so that a POST without fields shows errors.
    return request.POST if request.method == "POST" else None


def _contact_or_404(request, pk: int) -> Contact:
    contact = selectors.contact_get(business=request.business, pk=pk)
    if contact is None:
        raise Http404
    return contact


def _list_url(params: dict) -> str:
    url = reverse("contacts:contact_list")
    return f"{url}?{urlencode(params)}" if params else url


@business_member_required
@require_http_methods(["GET"])
def contact_list(request):
    filter_form = ContactFilterForm(request.GET, business=request.business)
    filter_form.is_valid()
    # An invalid filter (e.g. a deleted tag) is shown as an error and left out.
    filters = filter_form.selector_filters()
    contacts = selectors.contact_list(business=request.business, **filters)
    page_obj = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    querystring = params.urlencode()
    return render(
        request,
        "contacts/contact_list.html",
        {
            "filter_form": filter_form,
            "filters_valid": not filter_form.errors,
            "is_filtered": bool(filters["search"] or filters["tag_id"]),
            "page_obj": page_obj,
            "contacts": page_obj.object_list,
            "querystring_without_page": f"{querystring}&" if querystring else "",
            "tags": list(selectors.tag_list(business=request.business)),
        },
    )


@business_member_required
@require_http_methods(["GET"])
def contact_search(request):
    """The contact picker's choices: one page of active contacts matching ?q=."""
    return JsonResponse(
        picker_results(
            selectors.contact_pickable(business=request.business),
            search=selectors.contact_matching,
            text=request.GET.get("q", "")[:100],
            label_of=lambda contact: contact.display_name,
            detail_of=selectors.contact_picker_detail,
        )
    )


@business_member_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    form = ContactForm(_posted(request), business=request.business)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        tags = values.pop("tags")
        try:
            contact = services.contact_create(business=request.business, tags=tags, **values)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, _("Contact “%(name)s” created.") % {"name": contact.display_name}
            )
            return redirect("contacts:contact_detail", pk=contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form, "contact": None})


@business_member_required
@require_http_methods(["GET", "POST"])
def contact_update(request, pk: int):
    contact = _contact_or_404(request, pk)
    form = ContactForm(_posted(request), instance=contact, business=request.business)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        tags = values.pop("tags")
        try:
            services.contact_update(contact=contact, tags=tags, **values)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("contacts:contact_detail", pk=contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form, "contact": contact})


@business_member_required
@require_http_methods(["GET"])
def contact_detail(request, pk: int):
    contact = _contact_or_404(request, pk)
    tags_form = ContactTagsForm(
        initial={"tags": list(contact.tags.all())}, business=request.business
    )
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "tags_form": tags_form,
            "invoices": selectors.contact_invoices(contact=contact),
            "open_credits": selectors.contact_open_credits(contact=contact),
        },
    )


@business_member_required
@require_POST
def contact_tags(request, pk: int):
    contact = _contact_or_404(request, pk)
    form = ContactTagsForm(request.POST, business=request.business)
    if not form.is_valid():
        messages.error(request, _("Choose tags of this business only."))
        return redirect("contacts:contact_detail", pk=contact.pk)
    try:
        services.contact_set_tags(contact=contact, tags=form.cleaned_data["tags"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Tags saved."))
    return redirect("contacts:contact_detail", pk=contact.pk)


@business_member_required
@require_POST
def contact_archive(request, pk: int):
    contact = get_for_business(Contact, business=request.business, pk=pk)
    services.contact_archive(contact=contact)
    messages.success(
        request,
        _("Contact “%(name)s” archived. Its invoices are kept.") % {"name": contact.display_name},
    )
    return redirect("contacts:contact_detail", pk=contact.pk)


@business_member_required
@require_POST
def contact_restore(request, pk: int):
    contact = get_for_business(Contact, business=request.business, pk=pk)
    services.contact_restore(contact=contact)
    messages.success(request, _("Contact “%(name)s” restored.") % {"name": contact.display_name})
    return redirect("contacts:contact_detail", pk=contact.pk)


@business_member_required
@require_POST
def contact_bulk_tag(request):
    """The list's actions: add or remove a tag on the checked contacts, or add it to every
    contact matching the list's current filters (posted back as filter-*)."""
    business = request.business
    form = BulkTagForm(request.POST, business=business)
    filter_form = ContactFilterForm(request.POST, business=business, prefix="filter")
    filters_valid = filter_form.is_valid()
    back_params = filter_form.querystring() if filters_valid else {}
    page = request.POST.get("page", "")
    if page.isdigit():
        back_params["page"] = page
    back = _list_url(back_params)

    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    action = form.cleaned_data["action"]
    if action == BulkTagForm.ADD_ALL_MATCHING and not filters_valid:
        messages.error(
            request,
            _("The filters have changed; nothing was tagged. Check the list and try again."),
        )
        return redirect(back)
    try:
        with transaction.atomic():  # a new tag is not kept if tagging fails
            tag, count, message = _apply_bulk_action(business, form, filter_form)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, message % {"tag": tag.name, "count": count})
    return redirect(back)


def _apply_bulk_action(business, form: BulkTagForm, filter_form: ContactFilterForm):
    action = form.cleaned_data["action"]
    tag = form.cleaned_data["tag"] or services.tag_get_or_create(
        business=business, name=form.cleaned_data["new_tag_name"]
    )
    if action == BulkTagForm.REMOVE:
        count = services.contact_bulk_untag(
            business=business, tag=tag, contact_ids=form.cleaned_data["contact_ids"]
        )
        message = ngettext(
            "Tag “%(tag)s” removed from %(count)s contact.",
            "Tag “%(tag)s” removed from %(count)s contacts.",
            count,
        )
        return tag, count, message
    if action == BulkTagForm.ADD:
        count = services.contact_bulk_tag(
            business=business, tag=tag, contact_ids=form.cleaned_data["contact_ids"]
        )
    else:
        count = services.contact_bulk_tag(
            business=business, tag=tag, filters=filter_form.selector_filters()
        )
    message = ngettext(
        "Tag “%(tag)s” added to %(count)s contact.",
        "Tag “%(tag)s” added to %(count)s contacts.",
        count,
    )
    return tag, count, message


@business_member_required
@require_http_methods(["GET"])
def tag_list(request):
    return render(
        request,
        "contacts/tag_list.html",
        {
            "tags": selectors.tag_list(business=request.business),
            "form": TagForm(),
        },
    )


@business_member_required
@require_http_methods(["GET", "POST"])
def tag_create(request):
    form = TagForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            tag = services.tag_create(business=request.business, name=form.cleaned_data["name"])
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Tag “%(name)s” created.") % {"name": tag.name})
            return redirect("contacts:tag_list")
    return render(request, "contacts/tag_form.html", {"form": form, "tag": None})


@business_member_required
@require_http_methods(["GET", "POST"])
def tag_update(request, pk: int):
    tag = get_for_business(Tag, business=request.business, pk=pk)
    form = TagForm(_posted(request), initial={"name": tag.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.tag_rename(tag=tag, name=form.cleaned_data["name"])
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Tag renamed to “%(name)s”.") % {"name": tag.name})
            return redirect("contacts:tag_list")
    return render(request, "contacts/tag_form.html", {"form": form, "tag": tag})


@business_member_required
@require_http_methods(["GET", "POST"])
def tag_delete(request, pk: int):
    tag = get_for_business(Tag, business=request.business, pk=pk)
    if request.method == "POST":
        name = tag.name
        count = services.tag_delete(tag=tag)
        messages.success(
            request,
            ngettext(
                "Tag “%(name)s” deleted; it was removed from %(count)s contact.",
                "Tag “%(name)s” deleted; it was removed from %(count)s contacts.",
                count,
            )
            % {"name": name, "count": count},
        )
        return redirect("contacts:tag_list")
    return render(
        request,
        "contacts/tag_confirm_delete.html",
        {
            "tag": tag,
            "contact_count": tag.contacts.count(),
        },
    )
