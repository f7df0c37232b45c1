"""Support staff: the books checks and their differences, read-only (they are history)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .messages import difference_text
from .models import Difference, ReconcileRun, ReconcileState


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DifferenceInline(admin.TabularInline):
    model = Difference
    extra = 0
    can_delete = False
    fields = ("kind", "entity", "qbo_id", "invoice", "payment", "repair", "repaired_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReconcileRun)
class ReconcileRunAdmin(ReadOnly):
    list_display = (
        "started_at",
        "business",
        "realm_id",
        "trigger",
        "mode",
        "status",
        "difference_count",
        "invoice_count",
        "payment_count",
        "reads",
    )
    list_filter = ("status", "trigger", "mode")
    search_fields = ("realm_id", "business__name")
    date_hierarchy = "started_at"
    list_select_related = ("business",)
    inlines = [DifferenceInline]


@admin.register(Difference)
class DifferenceAdmin(ReadOnly):
    list_display = ("id", "run", "business", "kind", "entity", "qbo_id", "reason", "repair")
    list_filter = ("kind", "entity", "repair")
    search_fields = ("qbo_id", "business__name", "invoice__number")
    list_select_related = ("run", "business", "contact")
    raw_id_fields = (
        "run",
        "invoice",
        "payment",
        "contact",
        "credit_note",
        "application",
        "repair_job",
    )

    @admin.display(description=_("reason"))
    def reason(self, obj):
        return difference_text(obj)


@admin.register(ReconcileState)
class ReconcileStateAdmin(ReadOnly):
    list_display = ("business", "realm_id", "changed_since", "next_run_at")
    search_fields = ("realm_id", "business__name")
