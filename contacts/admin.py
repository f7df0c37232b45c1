from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Contact, Tag


class ContactAdminForm(forms.ModelForm):
    class Meta:
        model = Contact
        # The admin's fieldsets choose the fields shown; this form only adds clean().
        fields = "__all__"  # noqa: DJ007

    def clean(self):
        cleaned = super().clean()
        business = cleaned.get("business") or getattr(self.instance, "business", None)
        tags = cleaned.get("tags") or []
        if business and any(tag.business_id != business.pk for tag in tags):
            self.add_error("tags", _("Choose tags of this contact's business only."))
        return cleaned


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    form = ContactAdminForm
    list_display = [
        "display_name",
        "company_name",
        "email",
        "phone",
        "business",
        "is_active",
        "updated_at",
    ]
    list_filter = ["is_active", "business", "tags"]
    search_fields = [
        "display_name",
        "first_name",
        "last_name",
        "company_name",
        "email",
        "phone",
        "business__name",
    ]
    list_select_related = ["business"]
    autocomplete_fields = ["business", "tags"]
    readonly_fields = ["created_at", "updated_at"]
    ordering = ["display_name", "id"]
    show_full_result_count = False  # a COUNT(*) over every business's contacts is wasted work
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "business",
                    "display_name",
                    "first_name",
                    "last_name",
                    "company_name",
                    "email",
                    "phone",
                    "is_active",
                    "tags",
                )
            },
        ),
        (
            _("Billing address"),
            {
                "fields": (
                    "address_line1",
                    "address_line2",
                    "city",
                    "province",
                    "postal_code",
                    "country",
                )
            },
        ),
        (_("Notes"), {"fields": ("notes",)}),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Moving a contact to another business would orphan its invoices and tags.
        if obj is not None:
            return [*self.readonly_fields, "business"]
        return self.readonly_fields


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "business", "contact_count", "created_at"]
    list_filter = ["business"]
    search_fields = ["name", "business__name"]
    list_select_related = ["business"]
    autocomplete_fields = ["business"]
    readonly_fields = ["created_at"]
    ordering = ["name", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_contact_count=Count("contacts"))

    @admin.display(description=_("contacts"), ordering="_contact_count")
    def contact_count(self, obj) -> int:
        return obj._contact_count

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "business"]
        return self.readonly_fields
