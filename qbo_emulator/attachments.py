"""Files for Attachable (reference: Intuit's Attachable and Upload pages): ``POST /upload``
takes a multipart body of ``file_metadata_NN`` (the Attachable JSON) and ``file_content_NN``
(the file) pairs; ``GET /download/{id}`` answers the file's temporary URL as plain text; that
URL (``/attachments/...``, signed, valid ``TEMP_URL_SECONDS``) serves the bytes without a
token, as Intuit's pre-signed links do."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from urllib.parse import urlsplit

from .entities import KINDS, Ctx, save
from .errors import ApiFault, not_found

TEMP_URL_SECONDS = 900  # Intuit: the TempDownloadUri lasts 15 minutes
_KEY = secrets.token_bytes(32)  # signs the temporary links of this process
_PART_NAME = re.compile(r'name="(file_(?:metadata|content)_(\d+))"', re.IGNORECASE)


def parse_multipart(content_type: str, body: bytes) -> dict[str, tuple[dict, bytes]]:
    """Part name -> (lower-case headers, content). Tolerant of LF-only line ends, as
    python-quickbooks writes them."""
    match = re.search(r"boundary=\"?([^\";]+)\"?", content_type or "")
    if not match:
        raise ApiFault("2010", "Request has invalid or unsupported property: no multipart boundary")
    delimiter = b"--" + match.group(1).encode()
    parts = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.lstrip(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = chunk.partition(b"\n\n")
        headers = {}
        for line in head.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        name = _PART_NAME.search(headers.get("content-disposition", ""))
        if name:
            parts[name.group(1).lower()] = (headers, content.rstrip(b"\r\n"))
    return parts


def upload(ctx: Ctx, req) -> dict:
    parts = parse_multipart(req.headers.get("content-type", ""), req.body)
    numbers = sorted({name.rsplit("_", 1)[1] for name in parts}, key=int)
    if not numbers:
        raise ApiFault("2020", "Required parameter file_content_01 is missing in the request")
    responses = []
    for number in numbers:
        meta = parts.get(f"file_metadata_{number}")
        content = parts.get(f"file_content_{number}")
        if content is None:
            raise ApiFault(
                "2020", f"Required parameter file_content_{number} is missing in the request"
            )
        headers, data = content
        if headers.get("content-transfer-encoding", "").lower() == "base64":
            try:
                data = base64.b64decode(data, validate=False)
            except (binascii.Error, ValueError):
                raise ApiFault("2010", "The file content is not valid base64.") from None
        payload = {}
        if meta is not None:
            try:
                payload = json.loads(meta[1].decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise ApiFault("2010", "file_metadata is not valid JSON") from None
        if not payload.get("FileName"):
            file_name = re.search(r'filename="([^"]+)"', headers.get("content-disposition", ""))
            if file_name:
                payload["FileName"] = file_name.group(1)
        ctx.upload = (data, headers.get("content-type", "application/octet-stream"))
        try:
            record = save(ctx, KINDS["Attachable"], payload)
        finally:
            ctx.upload = None
        responses.append({"Attachable": with_temp_url(ctx, req, record)})
    return {"AttachableResponse": responses}


def _signature(realm: str, obj_id: str, expires: int) -> str:
    message = f"{realm}:{obj_id}:{expires}".encode()
    return hmac.new(_KEY, message, hashlib.sha256).hexdigest()


def signed_url(base: str, realm: str, obj_id: str, now: float) -> str:
    """The file's temporary link under ``base`` (scheme and host the caller used)."""
    expires = int(now) + TEMP_URL_SECONDS
    signature = _signature(realm, obj_id, expires)
    return f"{base}/attachments/{realm}/{obj_id}?expires={expires}&signature={signature}"


def base_of(req) -> str:
    parts = urlsplit(req.url)
    return f"{parts.scheme}://{parts.netloc}"


def temp_url(ctx: Ctx, req, obj_id: str) -> str:
    return signed_url(base_of(req), ctx.company.realm_id, obj_id, ctx.now)


def with_temp_url(ctx: Ctx, req, record: dict) -> dict:
    """The record as answered: a file's ``TempDownloadUri`` made for this request."""
    if record.get("FileName") and record["Id"] in ctx.company.files:
        return dict(record, TempDownloadUri=temp_url(ctx, req, record["Id"]))
    return record


def download_link(ctx: Ctx, req, obj_id: str) -> tuple:
    record = ctx.company.get("Attachable", obj_id)
    if record is None or obj_id not in ctx.company.files:
        raise not_found("Attachable", obj_id)
    return 200, {"Content-Type": "text/plain"}, temp_url(ctx, req, obj_id).encode()


def serve(emu, req) -> tuple:
    """GET /attachments/{realm}/{id}?expires=&signature= : the bytes, or 403 as an expired or
    forged pre-signed link gets."""
    match = re.match(r"^/attachments/([^/]+)/([^/]+)$", req.path)
    forbidden = (403, {"Content-Type": "text/plain"}, b"Request has expired or is not signed")
    if not match or req.method != "GET":
        return forbidden
    realm, obj_id = match.groups()
    expires = req.query.get("expires", "")
    signature = req.query.get("signature", "")
    if not expires.isdigit() or int(expires) < emu.clock.now():
        return forbidden
    if not hmac.compare_digest(signature, _signature(realm, obj_id, int(expires))):
        return forbidden
    with emu.state.lock:
        company = emu.state.companies.get(realm)
        stored = company.files.get(obj_id) if company else None
    if stored is None:
        return 404, {"Content-Type": "text/plain"}, b"Not found"
    content, content_type = stored
    return 200, {"Content-Type": content_type}, content
