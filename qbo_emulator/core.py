"""The emulator core: one plain object, ``handle(method, url, headers, body) -> (status,
headers, body_bytes)``, served by ``server.py`` over HTTP and by ``transport_responses.py``
inside tests. Thread-safe: one re-entrant lock guards the state."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import deque

from . import api, attachments, bookkeeper, control, oauth, pages
from .clock import Clock
from .config import EmulatorSettings
from .entities import KINDS, Ctx
from .entities import save as entity_save
from .errors import ApiFault
from .faults import FaultInjector
from .http import ConnectionDropped, Request, RequestHung, json_response
from .limits import Limiter
from .metering import Meter
from .seed import generate_company, seed
from .store import SqliteStore, State
from .util import intuit_tid, iso_ms
from .webhooks import Webhooks

DISCOVERY_PATHS = {"/.well-known/openid_configuration", "/.well-known/openid_sandbox_configuration"}


class Emulator:
    def __init__(
        self,
        *,
        clock: Clock | None = None,
        settings: EmulatorSettings | None = None,
        state_path: str | None = None,
    ) -> None:
        self.clock = clock or Clock()
        self.settings = settings or EmulatorSettings()
        self.state = State()
        self.limiter = Limiter(self.settings, self.clock)
        self.meter = Meter(self.settings)
        self.faults = FaultInjector()
        self.webhooks = Webhooks(self)
        self.requestids: dict = {}
        # Every secret handed out since the start or the last reset (GET /_emulator/secrets):
        # what a test searches logs and database dumps for.
        self.issued: dict[str, list[str]] = {"access_tokens": [], "refresh_tokens": [], "codes": []}
        self.log: deque = deque(maxlen=self.settings.request_log_size)
        self.store = SqliteStore(state_path) if state_path else None
        self._background: threading.Thread | None = None
        self._stop = threading.Event()
        if self.store is not None and not self.store.is_empty():
            self.store.load(self.state)
        else:
            self.reset()

    # state -------------------------------------------------------------------------------------
    def ctx_for(self, company) -> Ctx:
        return Ctx(company, self.settings, self.clock.now())

    def reset(self) -> None:
        """Back to the seeded state: companies, apps, no tokens, no log, no faults."""
        with self.state.lock:
            seed(self.state, self.ctx_for)
            self.requestids.clear()
            for values in self.issued.values():
                values.clear()
            self.log.clear()
            self.faults.clear()
            self.limiter.reset()
            self.meter.reset()
            self.webhooks.reset()
            if self.store is not None:
                self.store.save(self.state, full=True)

    def persist(self) -> None:
        if self.store is not None:
            self.store.save(self.state)

    # the one entry point -----------------------------------------------------------------------
    def handle(self, method: str, url: str, headers=None, body: bytes | str | None = b""):
        started = time.perf_counter()
        req = Request.build(method, url, headers, body)
        # Microseconds: the bench adds duration_ms to this time to date the end of a call.
        log = {
            "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds"),
            "method": req.method,
            "path": req.path,
            "query": req.url.partition("?")[2],
            "realm_id": None,
            "requestid": None,
            "client_id": None,
            "metered": False,
        }
        tid = intuit_tid()
        status = None
        try:
            status, headers_out, body_out = self._route(req, log)
        except ConnectionDropped:
            status = "dropped"
            raise
        except RequestHung:
            status = "hung"
            raise
        except Exception as exc:  # a bug must still answer like a server, not kill the thread
            status = 500
            body = {
                "Fault": {
                    "Error": [
                        {
                            "Message": "An application error has occurred while "
                            "processing your request",
                            "Detail": f"System Failure Error: {type(exc).__name__}: {exc}",
                            "code": "10000",
                            "element": "",
                        }
                    ],
                    "type": "SystemFault",
                },
                "time": iso_ms(self.clock.now(), "UTC"),
            }
            _, headers_out, body_out = json_response(500, body)
        finally:
            if log is not None and not req.path.startswith("/_emulator") and _logged(req.path):
                log.update(
                    status=status,
                    intuit_tid=tid,
                    duration_ms=round((time.perf_counter() - started) * 1000, 3),
                )
                self.log.append(log)
        headers_out = dict(headers_out)
        headers_out["intuit_tid"] = tid
        return status, headers_out, body_out

    def _route(self, req: Request, log: dict):
        path = req.path
        method = req.method
        stripped = path.rstrip("/") or "/"
        if stripped in DISCOVERY_PATHS and method == "GET":
            return oauth.discovery(self, req)
        if stripped == "/connect/oauth2":
            if method == "GET":
                return oauth.authorize_page(self, req)
            if method == "POST":
                return oauth.authorize_submit(self, req)
        if stripped == "/oauth2/v1/tokens/bearer" and method == "POST":
            return self._maybe_faulted(req, lambda: oauth.token_endpoint(self, req))
        if stripped == "/v2/oauth2/tokens/revoke" and method == "POST":
            return oauth.revoke_endpoint(self, req)
        if stripped == "/v1/openid_connect/userinfo" and method == "GET":
            return oauth.userinfo(self, req)
        if stripped == "/op/v1/jwks" and method == "GET":
            return oauth.jwks(self, req)
        if path.startswith("/v3/company/"):
            return api.handle(self, req, log)
        if path.startswith("/attachments/"):
            return attachments.serve(self, req)
        if path.startswith("/_emulator/") or stripped == "/_emulator":
            return control.handle(self, req)
        return pages.handle(self, req)

    def _maybe_faulted(self, req: Request, run):
        rule = self.faults.match(req.method, req.path, None, None)
        if rule is None or rule.action == "latency":
            if rule is not None:
                self.clock.sleep(rule.latency_ms / 1000)
            return run()
        if rule.action == "status":
            return rule.status, {"Content-Type": "text/html"}, b"<html>Service Unavailable</html>"
        if rule.action == "hang":
            raise RequestHung()
        if rule.action == "drop_before":
            raise ConnectionDropped(committed=False)
        if rule.action == "drop_after":
            run()
            raise ConnectionDropped(committed=True)
        if rule.action == "status_after":
            run()
            return rule.status, {"Content-Type": "text/html"}, b"<html>Service Unavailable</html>"
        return 429, {"Content-Type": "application/json"}, b'{"error":"rate_limited"}'

    # Python conveniences for tests -------------------------------------------------------------
    @property
    def realm_ids(self) -> list[str]:
        return list(self.state.companies)

    def company(self, realm_id: str) -> "CompanyView":
        return CompanyView(self, self.state.companies[str(realm_id)])

    @property
    def requests_log(self) -> list[dict]:
        return list(self.log)

    def add_app(self, **app) -> dict:
        return control.add_app(self, app)

    def update_app(self, client_id: str, **values) -> dict:
        return control.update_app(self, client_id, values)

    def metering(self, **filters) -> dict:
        """Metered and not metered calls per app, company and month (see metering.py)."""
        return self.meter.report(**filters)

    def add_company(
        self,
        *,
        name: str,
        country: str = "CA",
        currency: str | None = None,
        customers: int = 5,
        items: int = 0,
    ) -> str:
        with self.state.lock:
            company = generate_company(
                self.state,
                self.ctx_for,
                name=name,
                country=country,
                currency=currency,
                customers=customers,
                items=items,
            )
            self.persist()
        return company.realm_id

    def issue_tokens(
        self,
        client_id: str = "plannit-dev-client",
        realm_id: str | None = None,
        scope: str = oauth.ACCOUNTING_SCOPE,
    ) -> dict:
        realm_id = realm_id or self.realm_ids[0]
        with self.state.lock:
            if client_id not in self.state.apps or realm_id not in self.state.companies:
                raise KeyError("unknown client_id or realm_id")
            grant = oauth.new_grant(self, client_id, realm_id, scope)
            body = oauth.token_body(self, grant)
            self.persist()
        return body

    def expire_tokens(self, realm_id: str, which: str = "access") -> int:
        return control.expire_tokens(self, realm_id, which)

    def revoke_tokens(self, realm_id: str) -> int:
        return control.revoke_tokens(self, realm_id)

    def set_settings(self, **values) -> None:
        self.settings.update(values)
        if self.log.maxlen != self.settings.request_log_size:
            # A deque's size is fixed: keep the newest entries in one of the new size.
            self.log = deque(self.log, maxlen=self.settings.request_log_size)

    def add_fault(self, **spec) -> dict:
        return self.faults.add(spec).public()

    def clear_faults(self) -> None:
        self.faults.clear()

    def deliver_webhooks(self, target=None, *, force: bool = True) -> list[dict]:
        return self.webhooks.deliver(target, force=force)

    # background webhook sender (server mode) ---------------------------------------------------
    def start_background(self, interval: float = 0.25) -> None:
        if self._background is not None:
            return

        def loop():
            while not self._stop.wait(interval):
                if self.settings.webhook_delivery == "auto":
                    self.webhooks.tick()

        self._background = threading.Thread(target=loop, name="qbo-emulator-webhooks", daemon=True)
        self._background.start()

    def stop(self) -> None:
        self._stop.set()
        if self._background is not None:
            self._background.join(timeout=2)
            self._background = None
        if self.store is not None:
            with self.state.lock:
                self.store.save(self.state)


def _logged(path: str) -> bool:
    return not (path == "/" or path.startswith("/companies") or path.startswith("/static"))


class CompanyView:
    """Read and change one company's stored entities from Python (as a QuickBooks user would:
    changes made here bump SyncTokens and send webhooks)."""

    def __init__(self, emu: Emulator, company) -> None:
        self._emu = emu
        self._company = company

    @property
    def realm_id(self) -> str:
        return self._company.realm_id

    @property
    def name(self) -> str:
        return self._company.name

    @property
    def country(self) -> str:
        return self._company.country

    def get(self, entity: str, obj_id) -> dict | None:
        with self._emu.state.lock:
            record = self._company.get(entity, str(obj_id))
            return None if record is None else _deep_copy(record)

    def all(self, entity: str, *, include_inactive: bool = True) -> list[dict]:
        with self._emu.state.lock:
            records = [
                _deep_copy(r)
                for r in self._company.table(entity).values()
                if include_inactive or r.get("Active", True) is not False
            ]
        return sorted(
            records,
            key=lambda r: (
                not r["Id"].isdigit(),
                int(r["Id"]) if r["Id"].isdigit() else 0,
                r["Id"],
            ),
        )

    def find(self, entity: str, **fields) -> list[dict]:
        return [r for r in self.all(entity) if all(r.get(k) == v for k, v in fields.items())]

    def counts(self) -> dict[str, int]:
        with self._emu.state.lock:
            return {name: len(self._company.table(name)) for name in KINDS}

    def deleted(self, entity: str) -> list[str]:
        with self._emu.state.lock:
            return sorted(self._company.tombstones.get(entity, {}), key=int)

    def save(self, entity: str, payload: dict) -> dict:
        """Create or update (with Id + SyncToken) an entity as a QuickBooks user would."""
        emu = self._emu
        with emu.state.lock:
            ctx = emu.ctx_for(self._company)
            try:
                record = entity_save(ctx, KINDS[entity], payload)
            except ApiFault:
                raise
            emu.webhooks.record(self._company.realm_id, ctx.events, ctx.now)
            emu.persist()
            return _deep_copy(record)

    # what a bookkeeper does in QuickBooks' screens (bookkeeper.py) ----------------------------
    def record_payment(self, invoices: list[tuple[str, object]], **fields) -> dict:
        return _deep_copy(
            bookkeeper.record_payment(self._emu, self._company, invoices=invoices, **fields)
        )

    def void(self, entity: str, obj_id) -> dict:
        return _deep_copy(
            bookkeeper.void_transaction(self._emu, self._company, entity, str(obj_id))
        )

    def delete(self, entity: str, obj_id) -> dict:
        return _deep_copy(
            bookkeeper.delete_transaction(self._emu, self._company, entity, str(obj_id))
        )

    def make_inactive(self, entity: str, obj_id) -> dict:
        return _deep_copy(bookkeeper.set_inactive(self._emu, self._company, entity, str(obj_id)))

    def merge_customers(self, *, merged_id, surviving_id) -> dict:
        return _deep_copy(
            bookkeeper.merge_customers(
                self._emu, self._company, merged_id=str(merged_id), surviving_id=str(surviving_id)
            )
        )


def _deep_copy(value):
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value
