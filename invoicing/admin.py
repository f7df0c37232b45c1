"""Admin for support staff. Invoices and payments are read-only here: their numbers, totals,
statuses and balances come from the services (which also tell the accounting sync), so
editing them by hand would break integrity."""

from django.contrib import admin

from .models import (
    Invoice,
    InvoiceDelivery,
    InvoiceLine,
    InvoiceSequence,
    InvoiceTax,
    Payment,
    TaxComponent,
    TaxGroup,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = [
        "position",
        "item",
        "description",
        "quantity",
        "unit_price",
        "is_taxable",
        "tax_group",
        "amount",
        "discount",
    ]
    readonly_fields = fields


class InvoiceTaxInline(ReadOnlyInline):
    model = InvoiceTax
    fields = ["position", "tax_group", "name", "rate", "taxable_amount", "amount"]
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["date", "amount", "method", "reference", "status", "voided_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "business",
        "contact",
        "status",
        "issue_date",
        "due_date",
        "total",
        "balance",
    ]
    list_filter = ["status", "is_sales_receipt", "terms", "issue_date"]
    search_fields = ["number", "contact__display_name", "contact__company_name", "business__name"]
    list_select_related = ["business", "contact"]
    date_hierarchy = "issue_date"
    fields = [
        "business",
        "number",
        "status",
        "is_sales_receipt",
        "contact",
        "issue_date",
        "terms",
        "due_date",
        "notes",
        "subtotal",
        "tax_total",
        "total",
        "amount_paid",
        "amount_credited",
        "balance",
        "issued_at",
        "voided_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [InvoiceLineInline, InvoiceTaxInline, PaymentInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "business", "invoice", "date", "amount", "method", "status"]
    list_filter = ["status", "method", "date"]
    search_fields = [
        "invoice__number",
        "reference",
        "invoice__contact__display_name",
        "business__name",
    ]
    list_select_related = ["business", "invoice"]
    fields = [
        "business",
        "invoice",
        "amount",
        "date",
        "method",
        "reference",
        "status",
        "voided_at",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TaxComponentInline(admin.TabularInline):
    model = TaxComponent
    extra = 0
    fields = ["position", "name", "rate"]


@admin.register(TaxGroup)
class TaxGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "business", "is_default", "is_active", "created_at"]
    list_filter = ["is_default", "is_active"]
    search_fields = ["name", "business__name"]
    list_select_related = ["business"]
    autocomplete_fields = ["business"]
    inlines = [TaxComponentInline]

    def get_readonly_fields(self, request, obj=None):
        # Moving a group to another business would leave invoices pointing across tenants;
        # the default flag is set through the app so that exactly one group holds it.
        return ["business", "is_default", "created_at"] if obj else ["created_at"]


@admin.register(InvoiceSequence)
class InvoiceSequenceAdmin(admin.ModelAdmin):
    list_display = ["business", "prefix", "next_number", "default_terms"]
    search_fields = ["business__name", "prefix"]
    list_select_related = ["business"]
    autocomplete_fields = ["business"]
    fields = ["business", "prefix", "next_number", "default_terms"]

    def get_readonly_fields(self, request, obj=None):
        # The next number only moves forward, through the invoice settings page (which checks
        # it against the numbers already issued).
        return ["business", "next_number"] if obj else []


@admin.register(InvoiceDelivery)
class InvoiceDeliveryAdmin(admin.ModelAdmin):
    """What was e-mailed, to whom, and what the mail server answered (read-only)."""

    list_display = ["invoice", "business", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "language"]
    search_fields = ["invoice__number", "business__name", "subject"]
    readonly_fields = [field.name for field in InvoiceDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from . import credit_admin  # noqa: E402,F401 - registers the credit notes' pages
