"""Waking the worker for inbound events: one broker message per delivery (its new events).
Never raises: if the broker is down, the sweeper finds the events (the database is the
truth)."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _send_task(event_ids: list[int]) -> None:
    from ..tasks import inbound_apply_events

    inbound_apply_events.apply_async(args=[event_ids])


def events_enqueue(event_ids: list[int]) -> None:
    if not event_ids:
        return
    try:
        _send_task(list(event_ids))
    except Exception:  # noqa: BLE001 - any broker failure only delays the events
        logger.warning("Could not queue %s QuickBooks events; the sweeper will", len(event_ids))


def events_enqueue_on_commit(event_ids: list[int]) -> None:
    ids = list(event_ids)
    if ids:
        transaction.on_commit(lambda: events_enqueue(ids))
