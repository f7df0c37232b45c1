"""Support staff: every job with its remote attempts (time, duration, HTTP status, fault code,
intuit_tid), Retry and Dismiss; the links, read-only where editing would break integrity."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError

from . import messages as sync_messages
from .models import (
    ApiUsage,
    CreditApplicationLink,
    CreditNoteLink,
    CustomerLink,
    InvoiceLink,
    ItemLink,
    PaymentLink,
    SalesReceiptLink,
    SyncAttempt,
    SyncJob,
)
from .services import jobs as job_services


class SyncAttemptInline(admin.TabularInline):
    model = SyncAttempt
    extra = 0
    can_delete = False
    fields = (
        "started_at",
        "duration_ms",
        "method",
        "operation",
        "http_status",
        "fault_code",
        "intuit_tid",
        "request_id",
        "outcome",
        "message",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SyncJob)
class SyncJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "business",
        "kind",
        "operation",
        "object_id",
        "status",
        "attempts",
        "qbo_id",
        "last_error_code",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "kind", "operation", "last_error_key")
    search_fields = (
        "=id",
        "=object_id",
        "qbo_id",
        "qbo_number",
        "request_id",
        "realm_id",
        "business__name",
    )
    list_select_related = ("business",)
    autocomplete_fields = ("business",)
    readonly_fields = (
        "business",
        "realm_id",
        "kind",
        "operation",
        "object_id",
        "request_id",
        "status",
        "attempts",
        "retry_round",
        "next_attempt_at",
        "enqueued_at",
        "lease_owner",
        "lease_expires_at",
        "depends_on",
        "qbo_id",
        "qbo_number",
        "last_error_code",
        "last_error_key",
        "last_error_params",
        "owner_message",
        "last_error_detail",
        "warning_key",
        "warning_params",
        "lookup_first",
        "created_at",
        "updated_at",
        "done_at",
    )
    fields = readonly_fields
    inlines = [SyncAttemptInline]
    actions = ["retry_jobs", "dismiss_jobs"]

    @admin.display(description=_("message shown to the owner"))
    def owner_message(self, job):
        rendered = sync_messages.render(job.last_error_key, job.last_error_params)
        return rendered.text if rendered else ""

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected jobs"))
    def retry_jobs(self, request, queryset):
        self._apply(request, queryset, job_services.job_retry)

    @admin.action(description=_("Dismiss the selected jobs"))
    def dismiss_jobs(self, request, queryset):
        self._apply(request, queryset, job_services.job_dismiss)

    def _apply(self, request, queryset, service):
        done = 0
        for job in queryset.select_related("business"):
            try:
                service(business=job.business, job=job)
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"#{job.pk}: {error.message}", messages.WARNING)
        self.message_user(request, _("%(count)s job(s) updated.") % {"count": done})


class LinkAdmin(admin.ModelAdmin):
    list_filter = ("realm_id",)
    list_select_related = ("business",)
    readonly_fields = ("business", "realm_id", "qbo_id", "sync_token", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(CustomerLink)
class CustomerLinkAdmin(LinkAdmin):
    list_display = ("contact", "business", "realm_id", "qbo_id", "display_name", "updated_at")
    search_fields = ("qbo_id", "display_name", "contact__display_name", "business__name")
    list_select_related = ("business", "contact")
    autocomplete_fields = ("contact",)
    readonly_fields = LinkAdmin.readonly_fields + ("contact", "display_name")


@admin.register(ItemLink)
class ItemLinkAdmin(LinkAdmin):
    list_display = ("item", "business", "realm_id", "qbo_id", "qbo_name", "updated_at")
    search_fields = ("qbo_id", "qbo_name", "item__name", "business__name")
    list_select_related = ("business", "item")
    autocomplete_fields = ("item",)
    readonly_fields = LinkAdmin.readonly_fields + ("item",)


@admin.register(InvoiceLink)
class InvoiceLinkAdmin(LinkAdmin):
    list_display = (
        "invoice",
        "business",
        "realm_id",
        "qbo_id",
        "doc_number",
        "qbo_total",
        "expected_total",
        "qbo_tax_total",
        "expected_tax_total",
        "updated_at",
    )
    search_fields = ("qbo_id", "doc_number", "invoice__number", "business__name")
    list_select_related = ("business", "invoice")
    readonly_fields = LinkAdmin.readonly_fields + (
        "invoice",
        "doc_number",
        "qbo_total",
        "qbo_tax_total",
        "expected_total",
        "expected_tax_total",
    )


@admin.register(PaymentLink)
class PaymentLinkAdmin(LinkAdmin):
    list_display = ("payment", "business", "realm_id", "qbo_id", "updated_at")
    search_fields = ("qbo_id", "payment__invoice__number", "business__name")
    list_select_related = ("business", "payment")
    readonly_fields = LinkAdmin.readonly_fields + ("payment",)


@admin.register(CreditNoteLink)
class CreditNoteLinkAdmin(LinkAdmin):
    list_display = (
        "credit_note",
        "business",
        "realm_id",
        "qbo_id",
        "doc_number",
        "qbo_total",
        "expected_total",
        "qbo_tax_total",
        "expected_tax_total",
        "deleted_in_qbo",
        "updated_at",
    )
    list_filter = ("deleted_in_qbo",)
    search_fields = ("qbo_id", "doc_number", "credit_note__number", "business__name")
    list_select_related = ("business", "credit_note")
    readonly_fields = LinkAdmin.readonly_fields + (
        "credit_note",
        "doc_number",
        "qbo_total",
        "qbo_tax_total",
        "expected_total",
        "expected_tax_total",
        "deleted_in_qbo",
    )


@admin.register(CreditApplicationLink)
class CreditApplicationLinkAdmin(LinkAdmin):
    list_display = ("application", "business", "realm_id", "qbo_id", "updated_at")
    search_fields = ("qbo_id", "application__credit_note__number", "business__name")
    list_select_related = ("business", "application")
    readonly_fields = LinkAdmin.readonly_fields + ("application",)


@admin.register(SalesReceiptLink)
class SalesReceiptLinkAdmin(LinkAdmin):
    list_display = (
        "receipt",
        "business",
        "realm_id",
        "qbo_id",
        "doc_number",
        "qbo_total",
        "expected_total",
        "qbo_tax_total",
        "expected_tax_total",
        "updated_at",
    )
    search_fields = ("qbo_id", "doc_number", "receipt__number", "business__name")
    list_select_related = ("business", "receipt")
    readonly_fields = LinkAdmin.readonly_fields + (
        "receipt",
        "doc_number",
        "qbo_total",
        "qbo_tax_total",
        "expected_total",
        "expected_tax_total",
    )


@admin.register(ApiUsage)
class ApiUsageAdmin(admin.ModelAdmin):
    """Read-only: what Intuit will count against the app's monthly read allowance."""

    list_display = ["month_label", "realm_id", "company", "reads", "updated_at"]
    list_filter = ["month"]
    search_fields = ["realm_id"]
    date_hierarchy = "month"

    @admin.display(description=_("month"), ordering="month")
    def month_label(self, obj: ApiUsage) -> str:
        return obj.month.strftime("%Y-%m")

    @admin.display(description=_("company"))
    def company(self, obj: ApiUsage) -> str:
        from accounting.models import QboConnection

        names = QboConnection.objects.filter(realm_id=obj.realm_id).values_list(
            "company_name", flat=True
        )
        return ", ".join(names) or "—"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
