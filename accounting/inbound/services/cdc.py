"""The catch-up pass: per connected company, every QBO_CDC_INTERVAL_SECONDS (jittered), one
/cdc call for Payment, Invoice, Customer and Item changed since the company's checkpoint
(qbo-api-reference §6), applied with the same rules as webhooks. The checkpoint moves only
once everything read was applied; a quiet company costs one metered call per pass.

Each object version read is stored as an event keyed by its Id and SyncToken: a version
already applied (by an earlier pass) is not applied again, and shows once in the sync log."""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors
from accounting.qbo import inbound as wire
from accounting.sync.services.push import call_with_token

from ..models import CdcCheckpoint, EventSource, EventStatus, InboundEvent
from .apply import state_apply

logger = logging.getLogger(__name__)

# Intuit answers changes of the last 30 days only; a company idle longer starts from here.
MAX_LOOKBACK = timedelta(days=29)
# Read a little before the checkpoint: a change committed while the last pass ran is not missed.
OVERLAP = timedelta(seconds=30)


def interval() -> float:
    return float(getattr(settings, "QBO_CDC_INTERVAL_SECONDS", 900.0))


def _next_run(now):
    return now + timedelta(seconds=interval() * random.uniform(0.9, 1.1))


def checkpoints_due(*, now=None) -> list[tuple[int, str]]:
    """(business id, realm id) of the connected companies whose pass is due, claimed: each is
    given its next time before being returned, so two sweeps never run one twice."""
    now = now or timezone.now()
    connected = QboConnection.objects.filter(status=ConnectionStatus.CONNECTED)
    known = set(CdcCheckpoint.objects.values_list("business_id", "realm_id"))
    for connection in connected:
        if (connection.business_id, connection.realm_id) not in known:
            since = max(connection.connected_at or now, now - MAX_LOOKBACK)
            try:
                with transaction.atomic():
                    CdcCheckpoint.objects.create(
                        business_id=connection.business_id,
                        realm_id=connection.realm_id,
                        changed_since=since,
                        next_run_at=now,
                    )
            except IntegrityError:
                pass
    pairs = [(c.business_id, c.realm_id) for c in connected]
    if not pairs:
        return []
    match = Q()
    for business_id, realm_id in pairs:
        match |= Q(business_id=business_id, realm_id=realm_id)
    claimed = []
    for checkpoint in CdcCheckpoint.objects.filter(match, next_run_at__lte=now):
        if CdcCheckpoint.objects.filter(
            pk=checkpoint.pk, next_run_at=checkpoint.next_run_at
        ).update(next_run_at=_next_run(now)):
            claimed.append((checkpoint.business_id, checkpoint.realm_id))
    return claimed


def _version_key(realm_id: str, entity: str, state) -> str:
    version = "deleted" if getattr(state, "is_deleted", False) else state.sync_token
    return f"cdc:{realm_id}:{entity}:{state.qbo_id}:{version}"[:200]


def cdc_run(*, business_id: int, realm_id: str) -> dict:
    """One pass for one company. Returns counts ({"read", "applied", "failed"})."""
    checkpoint = CdcCheckpoint.objects.filter(business_id=business_id, realm_id=realm_id).first()
    connection = QboConnection.objects.filter(
        business_id=business_id, realm_id=realm_id, status=ConnectionStatus.CONNECTED
    ).first()
    if checkpoint is None or connection is None:
        return {"read": 0, "applied": 0, "failed": 0}
    started = timezone.now()
    since = max(checkpoint.changed_since - OVERLAP, started - MAX_LOOKBACK)
    try:
        changes = call_with_token(
            connection,
            lambda token: wire.InboundApi(access_token=token, realm_id=realm_id).changes_since(
                since
            ),
        )
    except errors.QboError as error:
        CdcCheckpoint.objects.filter(pk=checkpoint.pk).update(
            last_run_at=started, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        return {"read": 0, "applied": 0, "failed": 1}
    applied = failed = 0
    for entity, state in changes.states:
        try:
            if _apply_version(business_id, realm_id, entity, state):
                applied += 1
        except Exception:  # noqa: BLE001 - the checkpoint stays: the next pass tries again
            logger.exception("Catch-up of %s %s failed", entity, state.qbo_id)
            failed += 1
    values = {"last_run_at": started, "last_change_count": len(changes.states), "last_error": ""}
    if failed == 0:
        values["changed_since"] = started
    else:
        values["last_error"] = f"{failed} change(s) not applied"
    CdcCheckpoint.objects.filter(pk=checkpoint.pk).update(**values)
    return {"read": len(changes.states), "applied": applied, "failed": failed}


@transaction.atomic
def _apply_version(business_id: int, realm_id: str, entity: str, state) -> bool:
    key = _version_key(realm_id, entity, state)
    if InboundEvent.objects.filter(key=key).exists():
        return False
    result = state_apply(business_id=business_id, realm_id=realm_id, entity=entity, state=state)
    InboundEvent.objects.create(
        key=key,
        source=EventSource.CDC,
        business_id=business_id,
        realm_id=realm_id,
        entity=entity,
        entity_id=state.qbo_id,
        operation="Delete" if getattr(state, "is_deleted", False) else "Update",
        status=result.status,
        result_key=result.key,
        result_params=result.params,
        processed_at=timezone.now(),
    )
    return result.status == EventStatus.APPLIED
