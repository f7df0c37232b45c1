"""Reads of the inbound side: the owner's open questions, the inbound events of the sync log."""

from django.db.models import QuerySet

from businesses.models import Business

from .models import Decision, DecisionStatus, InboundEvent

# The sync log's "inbound" filter groups
EVENT_FILTERS = {
    "received": ("received", "processing", "waiting"),
    "applied": ("applied", "unchanged"),
    "echo": ("echo", "ignored"),
    "attention": ("attention",),
}


def open_decisions(*, business: Business) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(business=business, status=DecisionStatus.OPEN)
        .select_related("invoice", "contact", "item")
        .order_by("-created_at", "-id")
    )


def inbound_events_for_log(*, business: Business, status: str = "", entity: str = "") -> QuerySet:
    events = InboundEvent.objects.filter(business=business)
    if status in EVENT_FILTERS:
        events = events.filter(status__in=EVENT_FILTERS[status])
    if entity:
        events = events.filter(entity=entity)
    return events.order_by("-received_at", "-id")
