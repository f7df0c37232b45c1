"""Webhook sender (reference §7): each change is queued for every app connected to the realm
that has a webhook URL, and after the aggregation delay sent as one signed POST per app
(CloudEvents array, or the legacy ``eventNotifications`` form), retried until it gets a 200
within the timeout."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import threading
import time
import uuid
from collections import deque

from .util import dumps

VERBS = {
    "Create": "created",
    "Update": "updated",
    "Delete": "deleted",
    "Void": "voided",
    "Emailed": "emailed",
    "Merge": "merged",
}


def sign(body: bytes, verifier_token: str) -> str:
    digest = hmac.new(verifier_token.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _utc(ts: float) -> str:
    return (
        dt.datetime.fromtimestamp(ts, dt.timezone.utc)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


class Webhooks:
    def __init__(self, emu) -> None:
        self.emu = emu
        self.lock = threading.RLock()
        self.pending: dict[str, dict[tuple, dict]] = {}  # client_id -> event key -> event
        self.outbox: list[dict] = []  # built deliveries waiting for (another) attempt
        self.history: deque = deque(maxlen=1000)
        self._ids = itertools.count(1)

    def reset(self) -> None:
        with self.lock:
            self.pending.clear()
            self.outbox.clear()
            self.history.clear()

    def _apps_for(self, realm: str) -> list[dict]:
        state = self.emu.state
        connected = {
            g["client_id"]
            for g in state.grants.values()
            if g["realm_id"] == realm and not g["revoked"]
        }
        return [
            state.apps[c]
            for c in sorted(connected)
            if c in state.apps and state.apps[c].get("webhook_url")
        ]

    def record(self, realm: str, events: list, now: float) -> None:
        if self.emu.settings.webhook_delivery == "off":
            return
        apps = self._apps_for(realm)
        if not apps:
            return
        with self.lock:
            for app in apps:
                queue = self.pending.setdefault(app["client_id"], {})
                for entity, obj_id, operation, *merged in events:
                    key = (realm, entity, obj_id, operation)
                    queue.pop(key, None)  # aggregated: the latest occurrence wins
                    queue[key] = {
                        "realm": realm,
                        "entity": entity,
                        "id": obj_id,
                        "operation": operation,
                        "time": now,
                        # Merge: the record merged away (legacy deletedId, CloudEvents
                        # data.deletedid, qbo-api-reference §7)
                        "deleted_id": merged[0] if merged else "",
                    }

    def pending_events(self) -> list[dict]:
        with self.lock:
            return [
                dict(event, client_id=client_id)
                for client_id, queue in self.pending.items()
                for event in queue.values()
            ]

    def _body(self, events: list[dict], fmt: str | None = None) -> bytes:
        if (fmt or self.emu.settings.webhook_format) == "legacy":
            realms: dict[str, list] = {}
            for e in events:
                entity = {
                    "name": e["entity"],
                    "id": e["id"],
                    "operation": e["operation"],
                    "lastUpdated": _utc(e["time"]),
                }
                if e.get("deleted_id"):
                    entity["deletedId"] = e["deleted_id"]
                realms.setdefault(e["realm"], []).append(entity)
            return dumps(
                {
                    "eventNotifications": [
                        {"realmId": realm, "dataChangeEvent": {"entities": entities}}
                        for realm, entities in realms.items()
                    ]
                }
            )
        return dumps(
            [
                {
                    "specversion": "1.0",
                    "id": str(uuid.uuid4()),
                    "source": "intuit.qbo-emulator",
                    "type": f"qbo.{e['entity'].lower()}.{VERBS.get(e['operation'], 'updated')}.v1",
                    "datacontenttype": "application/json",
                    "time": _utc(e["time"]),
                    "intuitentityid": e["id"],
                    "intuitaccountid": e["realm"],
                    "data": {"deletedid": e["deleted_id"]} if e.get("deleted_id") else {},
                }
                for e in events
            ]
        )

    def _build(self, now: float, force: bool) -> None:
        delay = self.emu.settings.webhook_delay_seconds
        limit = max(1, self.emu.settings.webhook_max_events_per_delivery)
        for client_id in list(self.pending):
            queue = self.pending[client_id]
            if not queue:
                continue
            oldest = min(e["time"] for e in queue.values())
            if not force and now - oldest < delay:
                continue
            app = self.emu.state.apps.get(client_id)
            events = list(queue.values())
            queue.clear()
            if app is None or not app.get("webhook_url"):
                continue
            for start in range(0, len(events), limit):
                chunk = events[start : start + limit]
                body = self._body(chunk, app.get("webhook_format"))
                self.outbox.append(
                    {
                        "id": next(self._ids),
                        "client_id": client_id,
                        "url": app["webhook_url"],
                        "body": body,
                        "events": chunk,
                        "attempts": 0,
                        "next_at": now,
                        "created": now,
                        "headers": {
                            "Content-Type": "application/json",
                            "intuit-signature": sign(body, app.get("verifier_token", "")),
                            "User-Agent": "Intuit-Webhooks-Emulator",
                        },
                    }
                )

    def deliver(self, target=None, *, force: bool = True) -> list[dict]:
        """Send what is due (everything when ``force``). ``target`` is None (POST to the app's
        webhook URL), a URL, or a callable ``target(url, body, headers)`` returning a status
        code (or an object with ``status_code``). Returns one record per attempt."""
        now = self.emu.clock.now()
        with self.lock:
            self._build(now, force)
            due = [d for d in self.outbox if force or d["next_at"] <= now]
            for delivery in due:
                self.outbox.remove(delivery)
        results = [self._attempt(delivery, target, now) for delivery in due]
        return results

    def _attempt(self, delivery: dict, target, now: float) -> dict:
        delivery["attempts"] += 1
        status, error = None, None
        started = time.perf_counter()
        try:
            if callable(target):
                answer = target(delivery["url"], delivery["body"], dict(delivery["headers"]))
                status = getattr(answer, "status_code", answer)
            else:
                import requests

                answer = requests.post(
                    target or delivery["url"],
                    data=delivery["body"],
                    headers=delivery["headers"],
                    timeout=self.emu.settings.webhook_timeout_seconds,
                )
                status = answer.status_code
        except Exception as exc:  # the receiver is outside: any failure means "retry later"
            error = f"{type(exc).__name__}: {exc}"
        delivered = status == 200
        elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
        record = {
            "delivery_id": delivery["id"],
            "client_id": delivery["client_id"],
            "url": delivery["url"],
            "attempt": delivery["attempts"],
            "status": status,
            "error": error,
            "delivered": delivered,
            "body": delivery["body"].decode(),
            "headers": dict(delivery["headers"]),
            "time": now,
            # how long the receiver took to answer (Intuit wants it within 3 s, §7.4)
            "duration_ms": elapsed_ms,
        }
        with self.lock:
            self.history.append(record)
            if not delivered:
                schedule = self.emu.settings.webhook_retry_schedule or [21600]
                wait = schedule[min(delivery["attempts"] - 1, len(schedule) - 1)]
                if (
                    now + wait - delivery["created"]
                    <= self.emu.settings.webhook_give_up_after_seconds
                ):
                    delivery["next_at"] = now + wait
                    self.outbox.append(delivery)
        return record

    def tick(self) -> list[dict]:
        """The background sender's step: deliver what is due, honouring delays and retries."""
        return self.deliver(force=False)
