from django import forms
from django.contrib import admin
from django.db import transaction

from core import events
from core.exceptions import ApplicationError

from . import services
from .models import Category, Item


class CategoryAdminForm(forms.ModelForm):
    """Support staff edit here without going through the app's pages: the same naming and
    nesting rules apply, so that the catalog stays acceptable to QuickBooks."""

    class Meta:
        model = Category
        fields = ["business", "name", "parent"]

    def clean(self):
        cleaned = super().clean()
        business = cleaned.get("business") or getattr(self.instance, "business", None)
        if business is None or self.errors:
            return cleaned
        category = self.instance if self.instance.pk else None
        try:
            services.ensure_name_is_free(
                business=business,
                name=cleaned.get("name", ""),
                kind="category",
                exclude_pk=category.pk if category else None,
            )
            services.check_category_parent(
                business=business, category=category, parent=cleaned.get("parent")
            )
        except ApplicationError as error:
            error.add_to_form(self)
        return cleaned


class ItemAdminForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = [
            "business",
            "name",
            "description",
            "item_type",
            "unit",
            "unit_price",
            "is_taxable",
            "default_tax_group",
            "category",
            "sku",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        business = cleaned.get("business") or getattr(self.instance, "business", None)
        if business is None or self.errors:
            return cleaned
        try:
            services.ensure_name_is_free(
                business=business,
                name=cleaned.get("name", ""),
                kind="item",
                exclude_pk=self.instance.pk,
            )
            services.check_item_relations(
                business=business,
                category=cleaned.get("category"),
                default_tax_group=cleaned.get("default_tax_group"),
            )
        except ApplicationError as error:
            error.add_to_form(self)
        return cleaned


class BusinessReadOnlyOnChange:
    """Moving a row to another business would break every link to it: business is set once."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["business"] if obj is not None else fields


@admin.register(Category)
class CategoryAdmin(BusinessReadOnlyOnChange, admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ["name", "parent", "depth", "business", "created_at"]
    list_filter = ["depth", "business"]
    search_fields = ["name", "name_key", "business__name"]
    readonly_fields = ["name_key", "depth", "created_at"]
    autocomplete_fields = ["business", "parent"]
    list_select_related = ["business", "parent__parent__parent"]
    ordering = ["business__name", "name"]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and "parent" in form.changed_data:
                services.refresh_descendant_depths(obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting goes through the app, which refuses a category with subcategories.
        return False


@admin.register(Item)
class ItemAdmin(BusinessReadOnlyOnChange, admin.ModelAdmin):
    form = ItemAdminForm
    list_display = [
        "name",
        "sku",
        "item_type",
        "unit",
        "unit_price",
        "is_taxable",
        "category",
        "is_active",
        "business",
        "updated_at",
    ]
    list_filter = ["is_active", "item_type", "is_taxable", "business", "category"]
    search_fields = ["name", "name_key", "sku", "description", "business__name"]
    readonly_fields = ["name_key", "created_at", "updated_at"]
    autocomplete_fields = ["business", "category"]
    # TaxGroup's admin belongs to the invoicing app; a raw id works whatever its search fields.
    raw_id_fields = ["default_tax_group"]
    list_select_related = ["business", "category__parent__parent__parent"]
    ordering = ["business__name", "name"]

    def save_model(self, request, obj, form, change):
        # Same contract as the services: QuickBooks sync hears of every item change.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            events.item_changed.send(item=obj)

    def has_delete_permission(self, request, obj=None):
        # Invoice lines point at items (PROTECT); archiving is the way out of the catalog.
        return False
