"""Receiving a webhook delivery: signature first, then the payload, each event stored once
with the raw body, the work queued for the worker. Nothing here calls QuickBooks: Intuit
wants its 200 within 3 seconds whatever the volume (qbo-api-reference §7.4)."""

import logging

from django.conf import settings
from django.db import transaction

from accounting.qbo import inbound as wire

from ..models import EventSource, InboundEvent, WebhookDelivery
from .wake import events_enqueue_on_commit

logger = logging.getLogger(__name__)

# Intuit sends at most about 1 MB per delivery (§7.2); anything larger is refused unread.
MAX_BODY_BYTES = 1024 * 1024


class SignatureInvalid(Exception):
    """Missing or wrong `intuit-signature`: the body is not from Intuit (nothing is stored)."""


class PayloadInvalid(Exception):
    """Signed, but in neither of Intuit's two formats (the raw body is kept for support,
    unless there is none)."""


class ContentTypeInvalid(Exception):
    """Signed, but not sent as JSON: Intuit posts `application/json` (§7.1); nothing is
    stored."""


def content_type_is_json(content_type: str) -> bool:
    """`application/json`, or a `+json` type (CloudEvents' own), whatever its parameters."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def delivery_receive(*, body: bytes, signature: str, content_type: str) -> WebhookDelivery:
    """Verify, parse and store a delivery; its new events are queued once the transaction
    commits. Raises SignatureInvalid or ContentTypeInvalid (nothing stored), or
    PayloadInvalid."""
    if not wire.signature_is_valid(
        body=body, signature=signature, verifier_token=settings.QBO_WEBHOOK_VERIFIER_TOKEN
    ):
        raise SignatureInvalid()
    if not content_type_is_json(content_type):
        raise ContentTypeInvalid()
    if not body.strip():
        raise PayloadInvalid("empty body")
    text = body.decode("utf-8", errors="replace")
    try:
        payload_format, notifications = wire.parse_notifications(body)
    except wire.WebhookPayloadInvalid as problem:
        WebhookDelivery.objects.create(payload_format="invalid", body=text)
        logger.error("QuickBooks webhook in an unknown format: %s", problem)
        raise PayloadInvalid(str(problem)) from None
    unique = list({note.key: note for note in notifications}.values())
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            payload_format=payload_format, body=text, event_count=len(notifications)
        )
        InboundEvent.objects.bulk_create(
            [_event(note, delivery) for note in unique], ignore_conflicts=True
        )
        new_ids = list(
            InboundEvent.objects.filter(delivery=delivery)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        delivery.new_event_count = len(new_ids)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(new_event_count=len(new_ids))
        events_enqueue_on_commit(new_ids)
    return delivery


def _event(note: wire.Notification, delivery: WebhookDelivery) -> InboundEvent:
    return InboundEvent(
        key=note.key,
        source=EventSource.WEBHOOK,
        delivery=delivery,
        realm_id=note.realm_id[:32],
        entity=note.entity,
        entity_id=note.entity_id,
        operation=note.operation,
        deleted_id=note.deleted_id,
        occurred_at=note.occurred_at,
        payload=note.payload,
    )
