from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounting.selectors import accounting_is_configured, active_connection_for_business
from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from catalog.models import Item
from catalog.views import ItemFormView
from core.exceptions import ApplicationError

from . import selectors, services
from .forms import (
    ContactsImportForm,
    ItemLinkForm,
    ItemsImportForm,
    ReviewDecisionForm,
    TagExistingForm,
)
from .models import ContactReview, ImportKind, ImportRun

LINKS_PER_PAGE = 50
PROBLEMS_PER_PAGE = 100
REVIEWS_PER_PAGE = 50


def _ready(request):
    """The connection when the imports are offered (connected and configured), else None."""
    if not accounting_is_configured(business=request.business):
        return None
    return active_connection_for_business(business=request.business)


def _not_ready(request):
    messages.warning(
        request,
        _(
            "Finish the QuickBooks Online configuration first: the imports "
            "appear once every step of the checklist is done."
        ),
    )
    return redirect("accounting:settings")


def _catalog_has_unlinked_items(business, connection) -> bool:
    from accounting.sync.models import ItemLink

    linked = ItemLink.objects.filter(business=business, realm_id=connection.realm_id)
    return Item.objects.filter(business=business).exclude(pk__in=linked.values("item_id")).exists()


@business_member_required(owner_only=True)
def imports_home(request):
    connection = _ready(request)
    if connection is None:
        return _not_ready(request)
    return render(
        request,
        "accounting/imports/home.html",
        {
            "connection": connection,
            "last_runs": selectors.import_last_runs(business=request.business),
            "review_count": selectors.contact_review_count(business=request.business),
            "runs": selectors.import_runs(business=request.business)[:20],
        },
    )


@business_member_required(owner_only=True)
def contacts_import(request):
    connection = _ready(request)
    if connection is None:
        return _not_ready(request)
    business = request.business
    form = ContactsImportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_run_start(
                business=business,
                user=request.user,
                kind=ImportKind.CONTACTS,
                include_inactive=form.cleaned_data["include_inactive"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("accounting_imports:run_detail", pk=run.pk)
    return render(
        request,
        "accounting/imports/contacts.html",
        {
            "connection": connection,
            "form": form,
            "tag_form": TagExistingForm(),
            "existing_count": selectors.contacts_unlinked_count(
                business=business, realm_id=connection.realm_id
            ),
            "review_count": selectors.contact_review_count(business=business),
            "last_run": selectors.import_runs(business=business, kind=ImportKind.CONTACTS).first(),
        },
    )


@require_POST
@business_member_required(owner_only=True)
def contacts_tag_existing(request):
    connection = _ready(request)
    if connection is None:
        return _not_ready(request)
    form = TagExistingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a tag name of 80 characters at most."))
        return redirect("accounting_imports:contacts")
    try:
        tag, count = services.contacts_tag_existing(
            business=request.business, realm_id=connection.realm_id, name=form.cleaned_data["name"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(count)d contacts were given the tag «%(tag)s».")
            % {"count": count, "tag": tag.name},
        )
    return redirect("accounting_imports:contacts")


@business_member_required(owner_only=True)
def items_import(request):
    connection = _ready(request)
    if connection is None:
        return _not_ready(request)
    business = request.business
    has_items = _catalog_has_unlinked_items(business, connection)
    form = ItemsImportForm(
        request.POST if request.method == "POST" else None, catalog_has_items=has_items
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_run_start(
                business=business,
                user=request.user,
                kind=ImportKind.ITEMS,
                unit=form.cleaned_data["unit"],
                include_inactive=form.cleaned_data["include_inactive"],
                confirm_existing_catalog=form.cleaned_data.get("confirm_existing_catalog", False),
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            return redirect("accounting_imports:run_detail", pk=run.pk)
    return render(
        request,
        "accounting/imports/items.html",
        {
            "connection": connection,
            "form": form,
            "catalog_has_items": has_items,
            "last_run": selectors.import_runs(business=business, kind=ImportKind.ITEMS).first(),
        },
    )


@business_member_required(owner_only=True)
def run_detail(request, pk):
    run = get_for_business(
        ImportRun.objects.select_related("started_by"), business=request.business, pk=pk
    )
    problems = Paginator(run.problems.order_by("id"), PROBLEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounting/imports/run_detail.html",
        {
            "run": run,
            "progress": selectors.import_run_progress(run=run),
            "page_obj": problems,
            "querystring_without_page": "",
            "review_count": selectors.contact_review_count(business=request.business),
        },
    )


@business_member_required(owner_only=True)
def run_progress(request, pk):
    run = get_for_business(ImportRun, business=request.business, pk=pk)
    return JsonResponse(selectors.import_run_progress(run=run))


@business_member_required(owner_only=True)
def review_list(request):
    business = request.business
    page_obj = Paginator(
        selectors.contact_reviews_pending(business=business), REVIEWS_PER_PAGE
    ).get_page(request.GET.get("page"))
    reviews = list(page_obj.object_list)
    candidates = selectors.contact_review_candidates(reviews=reviews)
    return render(
        request,
        "accounting/imports/reviews.html",
        {
            "rows": [
                (
                    review,
                    selectors.contact_review_reason(review.reason),
                    candidates.get(review.pk, []),
                )
                for review in reviews
            ],
            "page_obj": page_obj,
            "querystring_without_page": "",
        },
    )


@require_POST
@business_member_required(owner_only=True)
def review_decide(request, pk):
    review = get_for_business(ContactReview, business=request.business, pk=pk)
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose link, create or skip."))
        return redirect("accounting_imports:review_list")
    action = form.cleaned_data["action"]
    try:
        if action == "link":
            contact = services.contact_review_link(
                review=review, contact_id=form.cleaned_data["contact"], user=request.user
            )
            messages.success(
                request,
                _("«%(customer)s» is now linked to «%(contact)s».")
                % {"customer": review.display_name, "contact": contact},
            )
        elif action == "create":
            contact = services.contact_review_create(review=review, user=request.user)
            messages.success(request, _("«%(name)s» was created.") % {"name": contact})
        else:
            services.contact_review_skip(review=review, user=request.user)
            messages.success(request, _("«%(name)s» was skipped.") % {"name": review.display_name})
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("accounting_imports:review_list")


# --- Item links ---------------------------------------------------------------------------


@business_member_required(owner_only=True)
def item_links(request):
    connection = active_connection_for_business(business=request.business)
    if connection is None:
        return _not_ready(request)
    matcher = selectors.item_linking_matcher(connection=connection)
    items = selectors.item_linking_items(business=request.business)
    page_obj = Paginator(items, LINKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounting/imports/links.html",
        {
            "connection": connection,
            "summary": selectors.item_linking_summary(
                business=request.business, connection=connection, matcher=matcher
            ),
            "rows": selectors.item_linking_rows(
                items=list(page_obj.object_list), connection=connection, matcher=matcher
            ),
            "page_obj": page_obj,
            "querystring_without_page": "",
        },
    )


@require_POST
@business_member_required(owner_only=True)
def item_links_accept_exact(request):
    try:
        count = services.item_links_accept_exact(business=request.business)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(count)d items were linked to the QuickBooks item of the same name.")
            % {"count": count},
        )
    return redirect("accounting_imports:item_links")


def _qbo_item_id_from(form: ItemLinkForm, connection) -> str:
    """The chosen QBO id; without JavaScript, the typed name when it is exactly one item's."""
    qbo_id = form.cleaned_data.get("qbo_item") or ""
    name = form.cleaned_data.get("qbo_item_name") or ""
    if qbo_id or not name.strip():
        return qbo_id
    found = list(
        selectors.qbo_items_linkable(connection=connection)
        .filter(name__iexact=name.strip())
        .values_list("qbo_id", flat=True)[:2]
    )
    if len(found) != 1:
        raise ApplicationError(
            _("Choose a QuickBooks product or service from the list."), field="qbo_item_name"
        )
    return found[0]


@require_POST
@business_member_required(owner_only=True)
def item_link_set(request, pk):
    item = get_for_business(Item, business=request.business, pk=pk)
    connection = active_connection_for_business(business=request.business)
    if connection is None:
        return _not_ready(request)
    form = ItemLinkForm(request.POST)
    try:
        if request.POST.get("unlink"):
            qbo_item_id = ""
        elif request.POST.get("accept"):
            qbo_item_id = request.POST["accept"][:32]
        else:
            qbo_item_id = _qbo_item_id_from(form, connection) if form.is_valid() else ""
            if not qbo_item_id:
                raise ApplicationError(_("Choose a QuickBooks product or service from the list."))
        link = services.item_link_set(item=item, qbo_item_id=qbo_item_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if link is None:
            messages.success(
                request,
                _("«%(item)s» is no longer linked: it will use the default item.")
                % {"item": item.name},
            )
        else:
            messages.success(
                request,
                _("«%(item)s» is linked to «%(qbo)s».") % {"item": item.name, "qbo": link.qbo_name},
            )
    page = request.POST.get("page", "")
    target = redirect("accounting_imports:item_links")
    if page.isdigit():
        target["Location"] += f"?page={page}"
    return target


@business_member_required
def qbo_item_search(request):
    connection = active_connection_for_business(business=request.business)
    if connection is None:
        return JsonResponse({"results": []})
    return JsonResponse(
        {
            "results": selectors.qbo_item_search(
                connection=connection, query=request.GET.get("q", "")
            )
        }
    )


# --- The item form's "Linked QuickBooks item" -------------------------------------------------


class LinkedItemFormView(ItemFormView):
    """The catalog's item form, plus the article's "Linked QuickBooks item" section when
    QuickBooks is connected. The item and its link are saved in one transaction."""

    template_name = "accounting/imports/item_form.html"

    def build_form(self, data=None):
        self.connection = active_connection_for_business(business=self.business)
        self.link_form = None
        if self.connection is not None:
            initial = {}
            if self.item is not None:
                link = selectors.item_link_for(item=self.item, realm_id=self.connection.realm_id)
                if link is not None:
                    initial = {"qbo_item": link.qbo_id, "qbo_item_name": link.qbo_name}
            self.link_form = ItemLinkForm(data, prefix="qbo", initial=initial)
        return super().build_form(data)

    def save(self, form):
        if self.link_form is None:
            return super().save(form)
        if not self.link_form.is_valid():
            raise ApplicationError(_("Choose a QuickBooks product or service from the list."))
        try:
            qbo_item_id = _qbo_item_id_from(self.link_form, self.connection)
        except ApplicationError as error:
            self.link_form.add_error("qbo_item_name", error.message)
            raise ApplicationError(error.message) from None
        with transaction.atomic():
            item = super().save(form)
            services.item_link_set(item=item, qbo_item_id=qbo_item_id)
        return item

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "item": self.item,
                "link_form": self.link_form,
                "connection": self.connection,
            },
        )
