"""The control API under /_emulator/ (JSON), for tests, benchmarks and outside tools.
Documented in README.md; the paths are a contract."""

from __future__ import annotations

import dataclasses
import re

from .config import WEBHOOK_FORMATS
from .entities import BY_PATH, KINDS
from .errors import ApiFault
from .http import Request, json_response
from .oauth import ACCOUNTING_SCOPE, revoke_grant

LIMIT_KEYS = (
    "requests_per_window",
    "batch_per_window",
    "window_seconds",
    "max_in_flight",
    "batch_per_window_per_company",
    "sandbox",
    "sandbox_requests_per_second",
    "metered_monthly_cap",
    "throttle_body",
    "throttle_retry_after",
)


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _body(req: Request) -> dict:
    if not req.body.strip():
        return {}
    try:
        data = req.json()
    except (ValueError, UnicodeDecodeError):
        raise ControlError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ControlError(400, "the body must be a JSON object")
    return data


def _realm(emu, data: dict) -> str:
    realm = str(data.get("realm_id") or "")
    if realm not in emu.state.companies:
        raise ControlError(404, f"unknown realm_id {realm!r}")
    return realm


def add_app(emu, data: dict) -> dict:
    client_id, secret = data.get("client_id"), data.get("client_secret")
    if not isinstance(client_id, str) or not client_id or not isinstance(secret, str) or not secret:
        raise ControlError(400, "client_id and client_secret are required strings")
    uris = data.get("redirect_uris", [])
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise ControlError(400, "redirect_uris must be a list of strings")
    webhook_format = data.get("webhook_format") or None
    if webhook_format is not None and webhook_format not in WEBHOOK_FORMATS:
        raise ControlError(400, f"webhook_format must be one of {', '.join(WEBHOOK_FORMATS)}")
    app = {
        "client_id": client_id,
        "client_secret": secret,
        "redirect_uris": list(uris),
        "webhook_url": data.get("webhook_url") or None,
        "verifier_token": data.get("verifier_token") or "",
        "name": data.get("name") or client_id,
        # None: the emulator's ``webhook_format`` setting; else this app's own choice, as the
        # developer portal lets each app pick CloudEvents or the legacy payload.
        "webhook_format": webhook_format,
    }
    with emu.state.lock:
        emu.state.apps[client_id] = app
        emu.persist()
    return app


def update_app(emu, client_id: str, data: dict) -> dict:
    """Change an app's webhook settings (``webhook_url``, ``verifier_token``,
    ``webhook_format``)."""
    unknown = set(data) - {"webhook_url", "verifier_token", "webhook_format"}
    if unknown:
        raise ControlError(
            400, f"only webhook settings change here, not {', '.join(sorted(unknown))}"
        )
    with emu.state.lock:
        app = emu.state.apps.get(client_id)
        if app is None:
            raise ControlError(404, f"unknown client_id {client_id!r}")
        fmt = data.get("webhook_format", app.get("webhook_format"))
        if fmt is not None and fmt not in WEBHOOK_FORMATS:
            raise ControlError(400, f"webhook_format must be one of {', '.join(WEBHOOK_FORMATS)}")
        app.update(data)
        emu.persist()
        return dict(app)


def expire_tokens(emu, realm_id: str, which: str = "access") -> int:
    if which not in ("access", "refresh", "all"):
        raise ControlError(400, "which must be access, refresh or all")
    count = 0
    with emu.state.lock:
        now = emu.clock.now()
        grants = {g["id"] for g in emu.state.grants.values() if g["realm_id"] == realm_id}
        if which in ("access", "all"):
            for record in emu.state.access_tokens.values():
                if record["grant"] in grants and record["expires"] > now:
                    record["expires"] = now
                    count += 1
        if which in ("refresh", "all"):
            for record in emu.state.refresh_tokens.values():
                if record["grant"] in grants and record["expires"] > now:
                    record["expires"] = now - 1
                    count += 1
        emu.persist()
    return count


def revoke_tokens(emu, realm_id: str) -> int:
    with emu.state.lock:
        grants = [
            g for g in emu.state.grants.values() if g["realm_id"] == realm_id and not g["revoked"]
        ]
        for grant in grants:
            revoke_grant(emu, grant)
        emu.persist()
    return len(grants)


def _companies(emu) -> list[dict]:
    return [
        {"realm_id": c.realm_id, "name": c.name, "country": c.country, "currency": c.currency}
        for c in emu.state.companies.values()
    ]


def handle(emu, req: Request):
    try:
        return _route(emu, req)
    except ControlError as error:
        return json_response(error.status, {"error": error.message})
    except ValueError as error:
        return json_response(400, {"error": str(error)})


def _route(emu, req: Request):
    path = req.path.rstrip("/")
    method = req.method
    if path == "/_emulator/reset" and method == "POST":
        emu.reset()
        return json_response(200, {"status": "reset", "realm_ids": emu.realm_ids})
    if path == "/_emulator/companies":
        if method == "GET":
            return json_response(200, {"companies": _companies(emu)})
        if method == "POST":
            data = _body(req)
            name = data.get("name")
            country = data.get("country", "CA")
            if not isinstance(name, str) or not name.strip():
                raise ControlError(400, "name is required")
            if country not in ("CA", "US"):
                raise ControlError(400, "country must be CA or US")
            counts = {}
            for key, default in (("customers", 5), ("items", 0)):
                value = data.get(key, default)
                if (
                    not isinstance(value, int)
                    or isinstance(value, bool)
                    or not 0 <= value <= 100_000
                ):
                    raise ControlError(400, f"{key} must be a whole number between 0 and 100000")
                counts[key] = value
            currency = data.get("currency")
            if currency is not None and (not isinstance(currency, str) or len(currency) != 3):
                raise ControlError(400, "currency must be a 3-letter code")
            realm = emu.add_company(name=name.strip(), country=country, currency=currency, **counts)
            return json_response(201, {"realm_id": realm})
    match = re.match(r"^/_emulator/companies/([^/]+)/counts$", path)
    if match and method == "GET":
        realm = _realm(emu, {"realm_id": match.group(1)})
        return json_response(200, {"realm_id": realm, "counts": emu.company(realm).counts()})
    match = re.match(r"^/_emulator/companies/([^/]+)/entities/(\w+)(?:/([^/]+))?$", path)
    if match:
        return _entities(emu, req, *match.groups())
    if path == "/_emulator/apps":
        if method == "GET":
            return json_response(200, {"apps": [_public_app(a) for a in emu.state.apps.values()]})
        if method == "POST":
            return json_response(201, _public_app(add_app(emu, _body(req))))
    if path == "/_emulator/tokens" and method == "POST":
        data = _body(req)
        realm = _realm(emu, data)
        client_id = data.get("client_id", "plannit-dev-client")
        if client_id not in emu.state.apps:
            raise ControlError(404, f"unknown client_id {client_id!r}")
        return json_response(
            200, emu.issue_tokens(client_id, realm, data.get("scope") or ACCOUNTING_SCOPE)
        )
    if path == "/_emulator/secrets" and method == "GET":
        with emu.state.lock:
            issued = {key: list(values) for key, values in emu.issued.items()}
            issued["client_secrets"] = [app["client_secret"] for app in emu.state.apps.values()]
        return json_response(200, issued)
    if path == "/_emulator/tokens/expire" and method == "POST":
        data = _body(req)
        count = expire_tokens(emu, _realm(emu, data), data.get("which", "access"))
        return json_response(200, {"expired": count})
    if path == "/_emulator/tokens/revoke" and method == "POST":
        return json_response(200, {"revoked": revoke_tokens(emu, _realm(emu, _body(req)))})
    if path == "/_emulator/requests":
        if method == "GET":
            realm = req.query.get("realm_id")
            entries = [e for e in emu.requests_log if not realm or e["realm_id"] == realm]
            limit = req.query.get("limit", "")
            if limit.isdigit():
                entries = entries[-int(limit) :]
            return json_response(200, {"requests": entries})
        if method == "DELETE":
            emu.log.clear()
            return json_response(200, {"status": "cleared"})
    if path == "/_emulator/limits" and method in ("GET", "PUT"):
        if method == "PUT":
            data = _body(req)
            unknown = set(data) - set(LIMIT_KEYS)
            if unknown:
                raise ControlError(400, f"unknown limits: {', '.join(sorted(unknown))}")
            emu.settings.update(data)
        return json_response(200, {k: getattr(emu.settings, k) for k in LIMIT_KEYS})
    if path == "/_emulator/settings" and method in ("GET", "PUT"):
        if method == "PUT":
            emu.set_settings(**_body(req))
        return json_response(200, emu.settings.as_dict())
    if path == "/_emulator/faults":
        if method == "POST":
            return json_response(201, emu.faults.add(_body(req)).public())
        if method == "GET":
            return json_response(200, {"faults": [r.public() for r in emu.faults.rules]})
        if method == "DELETE":
            emu.faults.clear()
            return json_response(200, {"status": "cleared"})
    if path == "/_emulator/webhooks" and method == "GET":
        return json_response(
            200,
            {"pending": emu.webhooks.pending_events(), "deliveries": list(emu.webhooks.history)},
        )
    if path == "/_emulator/webhooks/deliver" and method == "POST":
        data = _body(req)
        results = emu.deliver_webhooks(data.get("url"), force=data.get("force", True) is not False)
        return json_response(200, {"deliveries": results})
    if path == "/_emulator/metering":
        if method == "GET":
            return json_response(
                200,
                emu.meter.report(
                    client_id=req.query.get("client_id") or None,
                    realm_id=req.query.get("realm_id") or None,
                    month=req.query.get("month") or None,
                ),
            )
        if method == "DELETE":
            emu.meter.reset()
            return json_response(200, {"status": "cleared"})
    match = re.match(r"^/_emulator/apps/([^/]+)$", path)
    if match and method == "PATCH":
        return json_response(200, _public_app(update_app(emu, match.group(1), _body(req))))
    if path == "/_emulator/clock/advance" and method == "POST":
        seconds = _body(req).get("seconds")
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
            raise ControlError(400, "seconds must be a number >= 0")
        return json_response(200, {"now": emu.clock.advance(seconds)})
    raise ControlError(404, f"no control endpoint {method} {req.path}")


def _public_app(app: dict) -> dict:
    return {k: v for k, v in app.items() if k != "client_secret"}


def _entities(emu, req: Request, realm: str, entity: str, obj_id: str | None):
    realm = _realm(emu, {"realm_id": realm})
    kind = BY_PATH.get(entity.lower()) or KINDS.get(entity)
    if kind is None:
        raise ControlError(404, f"unknown entity {entity!r}")
    view = emu.company(realm)
    if req.method == "GET":
        if obj_id:
            record = view.get(kind.name, obj_id)
            if record is None:
                raise ControlError(404, f"{kind.name} {obj_id} not found")
            return json_response(200, {kind.name: record})
        return json_response(200, {kind.name: view.all(kind.name)})
    if req.method == "POST" and obj_id is None:
        try:
            return json_response(200, {kind.name: view.save(kind.name, _body(req))})
        except ApiFault as fault:
            return json_response(fault.status, {"Fault": fault.fault()})
    raise ControlError(405, "use GET, or POST without an id")


__all__ = ["handle", "add_app", "update_app", "expire_tokens", "revoke_tokens", "dataclasses"]
