"""Admin pages of credit notes, credits applied and document numbering: read-only history
for support staff (changes go through the app, which keeps balances and QuickBooks in step)."""

from django.contrib import admin

from .models import (
    CreditApplication,
    CreditNote,
    CreditNoteLine,
    CreditNoteTax,
    DocumentSequence,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CreditNoteLineInline(ReadOnlyInline):
    model = CreditNoteLine
    fields = [
        "position",
        "invoice_line",
        "description",
        "quantity",
        "unit_price",
        "is_taxable",
        "tax_group",
        "amount",
        "discount",
    ]
    readonly_fields = fields


class CreditNoteTaxInline(ReadOnlyInline):
    model = CreditNoteTax
    fields = ["name", "rate", "taxable_amount", "amount"]
    readonly_fields = fields


class CreditApplicationInline(ReadOnlyInline):
    model = CreditApplication
    fk_name = "credit_note"
    fields = ["invoice", "amount", "date", "status", "voided_at"]
    readonly_fields = fields


class HistoryAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditNote)
class CreditNoteAdmin(HistoryAdmin):
    list_display = [
        "number",
        "business",
        "contact",
        "invoice",
        "status",
        "date",
        "total",
        "balance",
    ]
    list_filter = ["status", ("refund_payment", admin.EmptyFieldListFilter), "date"]
    search_fields = ["number", "invoice__number", "contact__display_name", "business__name"]
    list_select_related = ["business", "contact", "invoice"]
    date_hierarchy = "date"
    fields = [
        "business",
        "number",
        "status",
        "invoice",
        "contact",
        "date",
        "reason",
        "subtotal",
        "tax_total",
        "total",
        "amount_applied",
        "balance",
        "refund_payment",
        "refund_method",
        "refund_reference",
        "issued_at",
        "voided_at",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [CreditNoteLineInline, CreditNoteTaxInline, CreditApplicationInline]


@admin.register(CreditApplication)
class CreditApplicationAdmin(HistoryAdmin):
    list_display = ["__str__", "business", "credit_note", "invoice", "amount", "date", "status"]
    list_filter = ["status", "date"]
    search_fields = ["credit_note__number", "invoice__number", "business__name"]
    list_select_related = ["business", "credit_note", "invoice"]
    fields = ["business", "credit_note", "invoice", "amount", "date", "status", "voided_at"]
    readonly_fields = fields


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(admin.ModelAdmin):
    list_display = ["business", "kind", "prefix", "next_number"]
    list_filter = ["kind"]
    search_fields = ["business__name", "prefix"]
    list_select_related = ["business"]
    fields = ["business", "kind", "prefix", "next_number"]

    def get_readonly_fields(self, request, obj=None):
        # The next number only moves forward, through the invoice settings page.
        return ["business", "kind", "next_number"] if obj else []
