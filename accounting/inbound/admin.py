"""Support staff: every delivery as received and every event with its outcome (read-only:
they are history), the catch-up checkpoints, the payments brought back, the open decisions;
"Apply again" for events that need it."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import (
    CdcCheckpoint,
    Decision,
    EventStatus,
    InboundEvent,
    InboundPaymentLine,
    WebhookDelivery,
)
from .services import wake


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "received_at", "payload_format", "event_count", "new_event_count")
    list_filter = ("payload_format",)
    search_fields = ("body",)
    date_hierarchy = "received_at"


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "received_at",
        "source",
        "business",
        "realm_id",
        "entity",
        "entity_id",
        "operation",
        "status",
        "result_key",
        "attempts",
    )
    list_filter = ("status", "source", "entity", "operation")
    search_fields = ("key", "realm_id", "entity_id", "business__name")
    list_select_related = ("business",)
    date_hierarchy = "received_at"
    actions = ["apply_again"]

    @admin.action(description=_("Apply again"))
    def apply_again(self, request, queryset):
        ids = list(
            queryset.filter(
                status__in=(EventStatus.ATTENTION, EventStatus.WAITING, EventStatus.EXPIRED)
            ).values_list("pk", flat=True)
        )
        queryset.filter(pk__in=ids).update(status=EventStatus.RECEIVED, lease_expires_at=None)
        wake.events_enqueue(ids)
        self.message_user(
            request, _("%(count)s event(s) queued.") % {"count": len(ids)}, messages.SUCCESS
        )

    def has_change_permission(self, request, obj=None):
        return obj is None  # the list and its action; a single event is read-only


@admin.register(CdcCheckpoint)
class CdcCheckpointAdmin(ReadOnlyAdmin):
    list_display = (
        "business",
        "realm_id",
        "changed_since",
        "last_run_at",
        "next_run_at",
        "last_change_count",
        "last_error",
    )
    search_fields = ("realm_id", "business__name")
    list_select_related = ("business",)


@admin.register(InboundPaymentLine)
class InboundPaymentLineAdmin(ReadOnlyAdmin):
    list_display = (
        "business",
        "realm_id",
        "qbo_payment_id",
        "qbo_invoice_id",
        "payment",
        "sync_token",
        "updated_at",
    )
    search_fields = ("qbo_payment_id", "qbo_invoice_id", "realm_id", "business__name")
    list_select_related = ("business", "payment")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "business",
        "kind",
        "qbo_id",
        "invoice",
        "contact",
        "item",
        "status",
        "resolution",
    )
    list_filter = ("status", "kind")
    search_fields = ("qbo_id", "realm_id", "business__name")
    list_select_related = ("business", "invoice", "contact", "item")
