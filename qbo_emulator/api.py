"""The Accounting API v3 under /v3/company/{realmId}/...: the gateway (token, limits, faults,
requestid) in front of the entity operations, query, batch and CDC."""

from __future__ import annotations

import hashlib
import re

from . import attachments, batch, cdc, query
from .entities import BY_PATH, KINDS, Ctx, delete, save, void
from .errors import ApiFault, gateway_401, not_found, throttle_body
from .http import ConnectionDropped, Request, RequestHung, json_response
from .metering import is_metered
from .oauth import ACCOUNTING_SCOPE, access_grant
from .util import dumps, iso, iso_ms

PATH = re.compile(r"^/v3/company/([^/]+)/?(.*)$")


def entity_of(path: str) -> str | None:
    match = PATH.match(path)
    if not match:
        return None
    return match.group(2).split("/")[0].lower() or None


def _fault_response(status: int, fault: ApiFault, company, now: float):
    return json_response(status, {"Fault": fault.fault(), "time": iso_ms(now, company.tz)})


def handle(emu, req: Request, log: dict):
    match = PATH.match(req.path)
    realm = match.group(1)
    rest = match.group(2).rstrip("/")
    log["realm_id"] = realm
    log["requestid"] = req.query.get("requestid")
    with emu.state.lock:
        grant, problem = access_grant(emu, req)
    if grant is None:
        return (
            401,
            {
                "Content-Type": "application/json;charset=UTF-8",
                "WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"',
            },
            gateway_401(problem, int(emu.clock.now() * 1000)),
        )
    log["client_id"] = grant["client_id"]
    company = emu.state.companies.get(realm)
    if (
        company is None
        or grant["realm_id"] != realm
        or ACCOUNTING_SCOPE not in grant["scope"].split()
    ):
        fault = ApiFault(
            "3100",
            "message=ApplicationAuthorizationFailed; errorCode=003100; "
            "statusCode=403: the token does not grant access to this company",
            status=403,
            message="ApplicationAuthorizationFailed",
            fault_type="AuthorizationFault",
        )
        tz = company.tz if company else "UTC"
        return json_response(403, {"Fault": fault.fault(), "time": iso_ms(emu.clock.now(), tz)})

    metered = is_metered(req.method, rest)
    log["metered"] = metered
    if metered and emu.meter.cap_reached(grant["client_id"], emu.clock.now()):
        return _throttled(emu, company, None)
    is_batch = rest.lower() == "batch"
    wait = emu.limiter.enter(realm, grant["client_id"], is_batch)
    if wait is not None:
        return _throttled(emu, company, wait)
    emu.meter.count(grant["client_id"], realm, metered, emu.clock.now())
    try:
        return _gated(emu, req, company, rest)
    finally:
        emu.limiter.leave(realm, grant["client_id"])


def _throttled(emu, company, wait: float | None):
    """429 as the gateway answers it; ``wait`` None is the monthly metering cap (no retry
    before the month ends, so no Retry-After)."""
    content_type, body = throttle_body(
        emu.settings.throttle_body, iso_ms(emu.clock.now(), company.tz)
    )
    headers = {"Content-Type": content_type}
    if emu.settings.throttle_retry_after and wait is not None:
        headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    return 429, headers, body


def _gated(emu, req: Request, company, rest: str):
    rule = emu.faults.match(req.method, req.path, entity_of(req.path), company.realm_id)
    if rule is not None:
        if rule.action == "latency":
            emu.clock.sleep(rule.latency_ms / 1000)
        elif rule.action == "status":
            return _status_response(rule.status, company, emu.clock.now())
        elif rule.action == "throttle":
            return _throttled(emu, company, emu.settings.window_seconds)
        elif rule.action == "hang":
            raise RequestHung()
        elif rule.action == "drop_before":
            raise ConnectionDropped(committed=False)
    response = _with_requestid(emu, req, company, rest)
    if rule is not None and rule.action == "drop_after":
        raise ConnectionDropped(committed=True)
    if rule is not None and rule.action == "status_after":
        # The write is committed (and its requestid remembered); the answer is lost in a 5xx.
        return _status_response(rule.status, company, emu.clock.now())
    return response


def _status_response(status: int, company, now: float):
    """An injected error status: 500 is Intuit's JSON SystemFault 10000, 502/503/504 the
    gateway's HTML page."""
    if status == 500:
        fault = ApiFault(
            "10000",
            "System Failure Error: injected fault",
            status=500,
            fault_type="SystemFault",
        )
        return _fault_response(500, fault, company, now)
    text = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
    body = f"<html><body><h1>{status} {text[status]}</h1></body></html>"
    return status, {"Content-Type": "text/html"}, body.encode()


def _with_requestid(emu, req: Request, company, rest: str):
    request_id = req.query.get("requestid")
    mode = emu.settings.requestid_mode
    with emu.state.lock:
        now = emu.clock.now()
        if request_id and mode != "ignore":
            key = (company.realm_id, request_id)
            cached = emu.requestids.get(key)
            if cached is not None and cached[0] > now:
                if mode == "replay":
                    return cached[1]
                fault = ApiFault(
                    "600",
                    f"Duplicate Request ID : requestid {request_id} was "
                    "already used for this company.",
                )
                return _fault_response(400, fault, company, now)
        if len(request_id or "") > 50:
            return _fault_response(
                400, ApiFault("2050", "requestid is at most 50 characters."), company, now
            )
        ctx = Ctx(company, emu.settings, now, params=req.query)
        try:
            status, payload = dispatch(emu, ctx, req, rest)
        except ApiFault as fault:
            status, payload = fault.status, {"Fault": fault.fault()}
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            # A value of the wrong JSON type deep inside the body: QBO's deserialiser answers 2010.
            fault = ApiFault("2010", f"Request has invalid or unsupported property: {exc}")
            status, payload = 400, {"Fault": fault.fault()}
        if isinstance(payload, (bytes, tuple)):
            response = (
                payload
                if isinstance(payload, tuple)
                else (status, {"Content-Type": "application/pdf"}, payload)
            )
        else:
            payload["time"] = iso_ms(now, company.tz)
            response = (status, {"Content-Type": "application/json;charset=UTF-8"}, dumps(payload))
        if request_id and mode != "ignore" and status == 200:
            if len(emu.requestids) > 50_000:
                emu.requestids.clear()
            emu.requestids[(company.realm_id, request_id)] = (
                now + emu.settings.requestid_ttl,
                response,
            )
        if ctx.events:
            emu.webhooks.record(company.realm_id, ctx.events, now)
        if req.method == "POST" and status == 200:
            emu.persist()
    return response


def dispatch(emu, ctx: Ctx, req: Request, rest: str):
    parts = rest.split("/")
    head = parts[0].lower()
    method = req.method
    if head == "query":
        text = req.query.get("query") if method == "GET" else req.body.decode("utf-8", "replace")
        if not text:
            raise ApiFault("4000", "QueryParserError: the query is empty")
        return 200, {"QueryResponse": run_query(emu, ctx.company, text)}
    if head == "batch" and method == "POST":
        return 200, batch.run(emu, ctx, _json_body(req))
    if head == "cdc" and method == "GET":
        return 200, cdc.run(emu, ctx, req.query)
    if head == "upload" and method == "POST":
        return 200, attachments.upload(ctx, req)
    if head == "download" and method == "GET" and len(parts) == 2:
        return 200, attachments.download_link(ctx, req, parts[1])
    kind = BY_PATH.get(head)
    if kind is None:
        raise ApiFault("2010", f"Unsupported entity or resource: {parts[0]}", status=404)
    if method == "GET":
        if len(parts) == 1 and kind.singleton:
            return 200, {kind.name: ctx.company.get(kind.name, "1")}
        if len(parts) == 2:
            obj_id = (
                "1" if kind.name == "CompanyInfo" and parts[1] == ctx.company.realm_id else parts[1]
            )
            record = ctx.company.get(kind.name, obj_id)
            if record is None:
                raise not_found(kind.name, parts[1])
            if kind.name == "Attachable":
                record = attachments.with_temp_url(ctx, req, record)
            elif kind.name == "Invoice" and "invoicelink" in req.query.get("include", "").lower():
                record = with_invoice_link(ctx, record)
            return 200, {kind.name: record}
        if len(parts) == 3 and parts[2] == "pdf" and kind.name == "Invoice":
            return 200, _pdf(ctx, parts[1])
        raise ApiFault("2010", "Unsupported GET path", status=404)
    if method != "POST":
        raise ApiFault("2010", f"Method {method} is not supported", status=405)
    if len(parts) == 3 and parts[2] == "send" and kind.name == "Invoice":
        return 200, {"Invoice": _send(ctx, parts[1], req.query.get("sendTo"))}
    if len(parts) != 1:
        raise ApiFault("2010", "Unsupported POST path", status=404)
    payload = _json_body(req)
    return 200, {
        kind.name: operate(
            ctx, kind, req.query.get("operation"), req.query.get("include", ""), payload
        )
    }


def operate(ctx: Ctx, kind, operation: str | None, include: str, payload) -> dict:
    if not isinstance(payload, dict):
        raise ApiFault("2010", "Request body must be a JSON object")
    operation = (operation or "").lower()
    if operation == "delete":
        return delete(ctx, kind, payload)
    if operation == "void" or (operation == "update" and "void" in include and kind.void_by_update):
        return void(ctx, kind, payload)
    if operation in ("", "create", "update"):
        return save(ctx, kind, payload)
    raise ApiFault("500", f"Operation {operation} is not supported.")


def run_query(emu, company, text: str) -> dict:
    parsed = query.parse(text)
    query.validate(parsed, emu.settings.max_query_results)
    return query.run(
        parsed, company.table(parsed.entity), company.tz, emu.settings.default_query_results
    )


def _json_body(req: Request):
    try:
        return req.json()
    except (ValueError, UnicodeDecodeError):
        raise ApiFault(
            "2010", "Request has invalid or unsupported property: the body is not valid JSON"
        ) from None


def with_invoice_link(ctx: Ctx, record: dict) -> dict:
    """``include=invoiceLink``: the customer's online link to view and pay the invoice, given
    when the company takes online payments (``SalesFormsPrefs.ETransactionPaymentEnabled``)
    and the invoice has a bill email; otherwise the invoice comes without it."""
    prefs = ctx.company.get("Preferences", "1") or {}
    online = (prefs.get("SalesFormsPrefs") or {}).get("ETransactionPaymentEnabled") is True
    if not online or not (record.get("BillEmail") or {}).get("Address"):
        return record
    digest = hashlib.sha256(f"{ctx.company.realm_id}:{record['Id']}".encode()).hexdigest()
    locale = "fr_CA" if ctx.company.country == "CA" else "en_US"
    return dict(
        record,
        InvoiceLink=(
            "https://connect.intuit.com/portal/app/CommerceNetwork/view/"
            f"scs-v1-{digest[:32]}?locale={locale}"
        ),
    )


def _send(ctx: Ctx, obj_id: str, send_to: str | None) -> dict:
    record = ctx.company.get("Invoice", obj_id)
    if record is None:
        raise not_found("Invoice", obj_id)
    updated = dict(
        record,
        EmailStatus="EmailSent",
        DeliveryInfo={"DeliveryType": "Email", "DeliveryTime": iso_ms(ctx.now, ctx.company.tz)},
    )
    if send_to:
        updated["BillEmail"] = {"Address": send_to}
    updated["SyncToken"] = str(int(record["SyncToken"]) + 1)
    updated["MetaData"] = dict(record["MetaData"], LastUpdatedTime=iso(ctx.now, ctx.company.tz))
    ctx.company.put("Invoice", updated, ctx.now)
    ctx.emit("Invoice", obj_id, "Emailed")
    return updated


def _pdf(ctx: Ctx, obj_id: str) -> bytes:
    record = ctx.company.get("Invoice", obj_id)
    if record is None:
        raise not_found("Invoice", obj_id)
    text = (
        f"Invoice {record['DocNumber']} - Total {record['TotalAmt']} - Balance {record['Balance']}"
    )
    text = text.encode("latin-1", "replace").decode("latin-1").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out.encode("latin-1")))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out.encode("latin-1"))
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


__all__ = ["handle", "entity_of", "KINDS"]
