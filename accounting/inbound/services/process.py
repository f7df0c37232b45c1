"""Applying one stored event, in the worker: lease it, find the business that owns the realm,
fetch the object from QuickBooks by Id (through the engine's client, metered), apply it
(apply.py), store the outcome with the event in the same transaction.

Nothing is lost and nothing applied twice when a worker dies between the fetch and the apply:
the event stays leased for LEASE seconds and is taken again (sweep), the fetch is repeated and
the apply is idempotent (unique payment lines, links, SyncTokens)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors
from accounting.qbo import inbound as wire
from accounting.sync.services.push import call_with_token

from ..models import PENDING_STATUSES, EventStatus, InboundEvent
from .apply import Result, state_apply

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
RETRY_AFTER = timedelta(seconds=30)
MAX_ATTEMPTS = 20


def keep_disconnected_for() -> timedelta:
    return timedelta(days=int(getattr(settings, "QBO_INBOUND_KEEP_DISCONNECTED_DAYS", 7)))


def event_lease(*, event_id: int) -> InboundEvent | None:
    """Take the event if it still has work and nobody holds it (a conditional UPDATE)."""
    now = timezone.now()
    taken = (
        InboundEvent.objects.filter(pk=event_id, status__in=PENDING_STATUSES)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
        .update(status=EventStatus.PROCESSING, lease_expires_at=now + LEASE)
    )
    if not taken:
        return None
    return InboundEvent.objects.get(pk=event_id)


def _owner(realm_id: str) -> QboConnection | None:
    """The connection of the business that owns this realm (a connected one first)."""
    rows = list(QboConnection.objects.filter(realm_id=realm_id).order_by("-connected_at", "-id"))
    live = [row for row in rows if row.status != ConnectionStatus.DISCONNECTED]
    return (live or rows or [None])[0]


def _finish(event: InboundEvent, result: Result, *, business_id=None, error: str = "") -> str:
    values = {
        "status": result.status,
        "result_key": result.key,
        "result_params": result.params,
        "lease_expires_at": None,
        "last_error": error[:2000],
    }
    if business_id is not None:
        values["business_id"] = business_id
    if result.status not in PENDING_STATUSES:
        values["processed_at"] = timezone.now()
    InboundEvent.objects.filter(pk=event.pk).update(**values)
    return result.status


def _retry_later(event: InboundEvent, error: str, business_id=None) -> str:
    if event.attempts + 1 >= MAX_ATTEMPTS:
        return _finish(event, Result(EventStatus.ATTENTION, "fetch_failed"), error=error)
    InboundEvent.objects.filter(pk=event.pk).update(
        status=EventStatus.RECEIVED,
        attempts=event.attempts + 1,
        lease_expires_at=timezone.now() + RETRY_AFTER,
        last_error=error[:2000],
        business_id=business_id,
    )
    return EventStatus.RECEIVED


def _side_effect_key(realm_id: str, invoice_qbo_id: str, when) -> tuple:
    return (realm_id, invoice_qbo_id, when)


def event_apply(*, event_id: int, paid_now: set | None = None) -> str:
    """Apply one event if it is still to do; returns its status afterwards ("skipped" when
    another worker holds it or it is done).

    `paid_now`: (realm, invoice Id, time) of the payments just applied from the same delivery.
    QuickBooks announces the invoice a payment touches (its Balance and SyncToken moved) as an
    Update of the same instant: that one is not read again (a read saved, metered), since what
    it changed is the payment itself. An edit of the invoice has its own event; and the
    catch-up pass reads every invoice that changed, whatever happened."""
    event = event_lease(event_id=event_id)
    if event is None:
        return "skipped"
    if (
        paid_now
        and event.entity == "Invoice"
        and event.operation == "Update"
        and event.occurred_at is not None
        and _side_effect_key(event.realm_id, event.entity_id, event.occurred_at) in paid_now
    ):
        return _finish(event, Result(EventStatus.UNCHANGED, "payment_side_effect"))
    connection = _owner(event.realm_id)
    if connection is None:
        logger.warning(
            "QuickBooks event %s for unknown company %s dropped", event.key, event.realm_id
        )
        return _finish(event, Result(EventStatus.DROPPED, "unknown_realm"))
    business_id = connection.business_id
    if connection.status != ConnectionStatus.CONNECTED:
        if event.received_at < timezone.now() - keep_disconnected_for():
            return _finish(event, Result(EventStatus.EXPIRED), business_id=business_id)
        return _finish(
            event, Result(EventStatus.WAITING, connection.status), business_id=business_id
        )
    if event.entity not in wire.FOLLOWED_ENTITIES or not event.entity_id:
        return _finish(event, Result(EventStatus.IGNORED, "not_followed"), business_id=business_id)
    try:
        state = call_with_token(
            connection,
            lambda token: wire.InboundApi(access_token=token, realm_id=event.realm_id).fetch(
                event.entity, event.entity_id
            ),
        )
    except (errors.QboReconnectRequired, errors.QboNotConnected):
        return _finish(event, Result(EventStatus.WAITING, "reconnect"), business_id=business_id)
    except errors.QboError as error:
        if error.retryable:
            return _retry_later(event, f"{type(error).__name__}: {error}", business_id)
        return _finish(
            event,
            Result(EventStatus.ATTENTION, "fetch_failed", {"code": error.code}),
            business_id=business_id,
            error=f"{type(error).__name__}: {error}",
        )
    except Exception as error:  # a network library error the client did not classify
        logger.exception("Fetching QuickBooks event %s failed", event.key)
        return _retry_later(event, f"{type(error).__name__}: {error}", business_id)
    status = _apply_and_finish(event, business_id, state)
    settled = (EventStatus.APPLIED, EventStatus.UNCHANGED, EventStatus.ECHO)
    if (
        paid_now is not None
        and status in settled
        and event.entity == "Payment"
        and event.occurred_at is not None
    ):
        for invoice_qbo_id, _amount in getattr(state, "applied", ()):
            paid_now.add(_side_effect_key(event.realm_id, invoice_qbo_id, event.occurred_at))
    return status


def _apply_and_finish(event: InboundEvent, business_id: int, state) -> str:
    try:
        with transaction.atomic():
            current = InboundEvent.objects.select_for_update().get(pk=event.pk)
            if current.status != EventStatus.PROCESSING:
                return "skipped"
            result = state_apply(
                business_id=business_id,
                realm_id=event.realm_id,
                entity=event.entity,
                state=state,
                deleted_id=event.deleted_id,
            )
            return _finish(event, result, business_id=business_id)
    except Exception as error:  # noqa: BLE001 - a bug or a race: retried, never lost
        logger.exception("Applying QuickBooks event %s failed", event.key)
        return _retry_later(event, f"{type(error).__name__}: {error}", business_id)


# A delivery's payments first: the invoice updates that come with them (their balance moved)
# change nothing here, and the owner waits for the payment.
_ENTITY_ORDER = {"Payment": 0, "Invoice": 1}


def events_apply(*, event_ids: list[int]) -> dict[str, int]:
    order = dict(InboundEvent.objects.filter(pk__in=event_ids).values_list("pk", "entity"))
    ids = sorted(
        (int(pk) for pk in event_ids), key=lambda pk: (_ENTITY_ORDER.get(order.get(pk), 2), pk)
    )
    counts: dict[str, int] = {}
    paid_now: set = set()
    for event_id in ids:
        status = event_apply(event_id=int(event_id), paid_now=paid_now)
        counts[status] = counts.get(status, 0) + 1
    return counts


def events_due(*, limit: int = 500) -> list[int]:
    """Events a worker should take again: never taken (lost message), retry time reached,
    lease expired (worker died), or waiting for a company that is connected again."""
    now = timezone.now()
    due = (
        InboundEvent.objects.filter(status__in=(EventStatus.RECEIVED, EventStatus.PROCESSING))
        .filter(
            Q(lease_expires_at__lte=now)
            | Q(lease_expires_at__isnull=True, received_at__lte=now - timedelta(seconds=10))
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    connected = QboConnection.objects.filter(status=ConnectionStatus.CONNECTED).values_list(
        "realm_id", flat=True
    )
    waiting = (
        InboundEvent.objects.filter(status=EventStatus.WAITING)
        .filter(Q(realm_id__in=connected) | Q(received_at__lte=now - keep_disconnected_for()))
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return list(due) + list(waiting)
