from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ContactReview, ImportProblem, ImportRun


class ImportProblemInline(admin.TabularInline):
    model = ImportProblem
    fields = ["qbo_id", "name", "reason"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Runs are the record of what happened: every figure is read-only. A stuck run can be
    marked stopped (status) so that the owner may start a new one."""

    list_display = [
        "id",
        "business",
        "kind",
        "status",
        "done",
        "total",
        "created",
        "linked",
        "updated",
        "skipped",
        "to_review",
        "failed",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["business__name", "realm_id", "started_by__email", "error_message"]
    list_select_related = ["business", "started_by"]
    autocomplete_fields = ["business", "started_by"]
    readonly_fields = [
        "business",
        "kind",
        "realm_id",
        "include_inactive",
        "unit",
        "total",
        "done",
        "created",
        "linked",
        "updated",
        "skipped",
        "to_review",
        "failed",
        "started_by",
        "created_at",
        "started_at",
        "finished_at",
        "heartbeat_at",
    ]
    inlines = [ImportProblemInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(ImportProblem)
class ImportProblemAdmin(admin.ModelAdmin):
    list_display = ["id", "business", "run", "qbo_id", "name", "reason"]
    list_filter = ["run__kind"]
    search_fields = ["business__name", "qbo_id", "name", "reason"]
    list_select_related = ["business", "run"]
    readonly_fields = ["business", "run", "qbo_id", "name", "reason"]
    autocomplete_fields = ["business"]

    def has_add_permission(self, request):
        return False


@admin.register(ContactReview)
class ContactReviewAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "business",
        "qbo_id",
        "status",
        "reason",
        "contact",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["display_name", "qbo_id", "business__name", "realm_id"]
    list_select_related = ["business", "contact"]
    autocomplete_fields = ["business", "contact", "decided_by", "run"]
    readonly_fields = [
        "business",
        "run",
        "realm_id",
        "qbo_id",
        "display_name",
        "values",
        "sync_token",
        "candidate_ids",
        "reason",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "business",
                    "display_name",
                    "qbo_id",
                    "realm_id",
                    "reason",
                    "candidate_ids",
                    "values",
                    "sync_token",
                    "run",
                    "created_at",
                )
            },
        ),
        (_("Decision"), {"fields": ("status", "contact", "decided_by", "decided_at")}),
    )

    def has_add_permission(self, request):
        return False
