"""GET /cdc (reference §6): the latest state of every object changed since ``changedSince``
(at most 30 days back, 1000 objects in all), deleted objects as ``status: Deleted``."""

from __future__ import annotations

from .entities import KINDS
from .errors import ApiFault, required
from .util import parse_instant

_CANONICAL = {name.lower(): name for name in KINDS}


def run(emu, ctx, params: dict) -> dict:
    company = ctx.company
    names = [n.strip() for n in params.get("entities", "").split(",") if n.strip()]
    if not names:
        raise required("entities")
    entities = []
    for name in names:
        canonical = _CANONICAL.get(name.lower())
        if canonical is None:
            raise ApiFault("4001", f"Invalid entity in entities: {name}", element="entities")
        if canonical not in entities:
            entities.append(canonical)
    since_text = params.get("changedSince")
    if not since_text:
        raise required("changedSince")
    try:
        since = parse_instant(since_text, company.tz)
    except ValueError:
        raise ApiFault(
            "4001", f"Invalid changedSince: {since_text}", element="changedSince"
        ) from None
    if since < ctx.now - emu.settings.cdc_max_days * 86_400:
        raise ApiFault(
            "4001",
            f"changedSince must be within the last {emu.settings.cdc_max_days} days",
            element="changedSince",
        )
    budget = emu.settings.cdc_max_objects
    groups = []
    for entity in entities:
        stamps = company.changed.get(entity, {})
        changed = sorted(
            ((ts, obj_id) for obj_id, ts in stamps.items() if ts >= since), key=lambda pair: pair[0]
        )
        objects = []
        for _ts, obj_id in changed:
            if budget <= 0:
                break
            record = company.get(entity, obj_id) or company.tombstones.get(entity, {}).get(obj_id)
            if record is None:
                continue
            objects.append(record)
            budget -= 1
        if objects:
            groups.append({entity: objects, "startPosition": 1, "maxResults": len(objects)})
    return {"CDCResponse": [{"QueryResponse": groups or [{}]}]}
