from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from businesses.mixins import BusinessMemberMixin, business_member_required
from businesses.scoping import get_for_business
from core.exceptions import ApplicationError
from core.pickers import picker_results

from . import selectors, services
from .forms import CategoryForm, ItemFilterForm, ItemForm
from .models import Category, Item

ITEMS_PER_PAGE = 50


class ItemListView(BusinessMemberMixin, View):
    template_name = "catalog/item_list.html"

    def get(self, request):
        filter_form = ItemFilterForm(request.GET or None, business=self.business)
        filters = filter_form.filters() if request.GET else {}
        items = selectors.item_list(business=self.business, **filters)
        page_obj = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        encoded = query.urlencode()
        return render(
            request,
            self.template_name,
            {
                "filter_form": filter_form,
                "page_obj": page_obj,
                "items": page_obj.object_list,
                "is_filtered": bool(filters.get("search") or filters.get("category_id")),
                "include_archived": bool(filters.get("include_archived")),
                "querystring_without_page": f"{encoded}&" if encoded else "",
            },
        )


class ItemFormView(BusinessMemberMixin, View):
    """Create (no pk) or edit an item. Other apps extend the page through `build_form` (the
    one place the form is made) and the template's `item_form_extra` block."""

    template_name = "catalog/item_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.item = None
        return super().dispatch(request, *args, **kwargs)

    def load_item(self) -> Item | None:
        if "pk" not in self.kwargs:
            return None
        return get_for_business(
            Item.objects.select_related("category", "default_tax_group"),
            business=self.business,
            pk=self.kwargs["pk"],
        )

    def build_form(self, data=None) -> ItemForm:
        return ItemForm(data, business=self.business, item=self.item)

    def save(self, form: ItemForm) -> Item:
        if self.item is None:
            return services.item_create(business=self.business, **form.service_arguments())
        return services.item_update(item=self.item, **form.service_arguments())

    def render_form(self, form: ItemForm):
        return render(self.request, self.template_name, {"form": form, "item": self.item})

    def get(self, request, pk=None):
        self.item = self.load_item()
        return self.render_form(self.build_form())

    def post(self, request, pk=None):
        self.item = self.load_item()
        is_new = self.item is None
        form = self.build_form(request.POST)
        if form.is_valid():
            try:
                item = self.save(form)
            except ApplicationError as error:
                form.add_service_error(error.field, error.message)
                if self.item is not None:
                    self.item.refresh_from_db()
            else:
                if is_new:
                    messages.success(request, _("«%(name)s» was added.") % {"name": item.name})
                else:
                    messages.success(request, _("«%(name)s» was saved.") % {"name": item.name})
                return redirect("catalog:item_list")
        return self.render_form(form)


class ItemArchiveView(BusinessMemberMixin, View):
    """POST only (a GET answers 405): archiving from a link would let any page do it."""

    restore = False

    def post(self, request, pk):
        item = get_for_business(Item, business=self.business, pk=pk)
        if self.restore:
            services.item_restore(item=item)
            messages.success(request, _("«%(name)s» was restored.") % {"name": item.name})
        else:
            services.item_archive(item=item)
            messages.success(
                request,
                _(
                    "«%(name)s» was archived. It no longer appears on new "
                    "invoices; past invoices keep it."
                )
                % {"name": item.name},
            )
        return redirect("catalog:item_list")


class CategoryListView(BusinessMemberMixin, View):
    def get(self, request):
        nodes = list(selectors.flatten_tree(selectors.category_tree(business=self.business)))
        return render(request, "catalog/category_list.html", {"nodes": nodes})


class CategoryFormView(BusinessMemberMixin, View):
    template_name = "catalog/category_form.html"

    def load_category(self) -> Category | None:
        if "pk" not in self.kwargs:
            return None
        return get_for_business(Category, business=self.business, pk=self.kwargs["pk"])

    def get(self, request, pk=None):
        category = self.load_category()
        form = CategoryForm(business=self.business, category=category)
        return render(request, self.template_name, {"form": form, "category": category})

    def post(self, request, pk=None):
        category = self.load_category()
        form = CategoryForm(request.POST, business=self.business, category=category)
        if form.is_valid():
            try:
                if category is None:
                    category = services.category_create(business=self.business, **form.cleaned_data)
                    message = _("Category «%(name)s» was added.")
                else:
                    category = services.category_update(category=category, **form.cleaned_data)
                    message = _("Category «%(name)s» was saved.")
            except ApplicationError as error:
                error.add_to_form(form)
                if category is not None:
                    category.refresh_from_db()
            else:
                messages.success(request, message % {"name": category.name})
                return redirect("catalog:category_list")
        return render(request, self.template_name, {"form": form, "category": category})


@require_POST
@business_member_required
def category_delete(request, pk):
    category = get_for_business(Category, business=request.business, pk=pk)
    try:
        uncategorised = services.category_delete(category=category)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Category «%(name)s» was deleted.") % {"name": category.name}
            + (" " + _("Its items are now uncategorised.") if uncategorised else ""),
        )
    return redirect("catalog:category_list")


@business_member_required
@require_GET
def item_search(request):
    """The item picker's choices: one page of active items matching ?q=, each with what an
    invoice line takes from it."""
    return JsonResponse(
        picker_results(
            selectors.item_pickable(business=request.business),
            search=selectors.item_matching,
            text=request.GET.get("q", "")[:100],
            label_of=lambda item: item.name,
            detail_of=lambda item: selectors.price_text(item.unit_price),
            data_of=selectors.item_line_values,
        )
    )
