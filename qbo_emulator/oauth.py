"""Intuit's OAuth 2.0 server (reference §1): discovery, the consent page, the token endpoint
with refresh-token rotation, revoke, userinfo and an (empty) JWKS."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import re
import secrets
from urllib.parse import urlencode

from .http import Request, html_response, json_response, redirect
from .util import token

ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"
PAYMENT_SCOPE = "com.intuit.quickbooks.payment"
# RFC 7636 §4.2: an S256 challenge is base64url(SHA-256) without padding, 43 characters;
# §4.1: a verifier is 43 to 128 unreserved characters.
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def discovery(emu, req: Request):
    base = req.base
    document = {
        "issuer": f"{base}/op/v1",
        "authorization_endpoint": f"{req.headers.get('x-emulator-browser-base') or base}/connect/oauth2",
        "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
        "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
        "revocation_endpoint": f"{base}/v2/oauth2/tokens/revoke",
        "jwks_uri": f"{base}/op/v1/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile", "address", "phone"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
    }
    if emu.settings.pkce != "off":
        document["code_challenge_methods_supported"] = ["S256"]
    return json_response(200, document)


def jwks(emu, req: Request):
    return json_response(200, {"keys": []})


# consent page ---------------------------------------------------------------------------------
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Intuit – Connect {app}</title><style>
body{{font-family:Avenir,Helvetica,Arial,sans-serif;background:#f4f5f8;margin:0;color:#393a3d}}
.box{{max-width:440px;margin:48px auto;background:#fff;border-radius:8px;padding:32px;
box-shadow:0 2px 8px rgba(0,0,0,.12)}} h1{{font-size:20px;margin:0 0 4px}}
.brand{{color:#2ca01c;font-weight:700;font-size:22px;margin-bottom:16px}}
label.co{{display:block;border:1px solid #d4d7dc;border-radius:4px;padding:10px;margin:8px 0;cursor:pointer}}
input[type=text],input[type=email],input[type=password]{{width:100%;padding:8px;margin:4px 0 12px;
box-sizing:border-box;border:1px solid #8d9096;border-radius:4px}}
button{{padding:10px 20px;border-radius:4px;border:1px solid #8d9096;background:#fff;font-size:15px}}
button.next{{background:#2ca01c;border-color:#2ca01c;color:#fff}} .err{{color:#d52b1e}}
small{{color:#6b6c72}}</style></head><body><div class="box">
<div class="brand">intuit quickbooks</div>{body}</div></body></html>"""


def _page_error(status: int, message: str):
    body = f'<h1>Something went wrong</h1><p class="err">{html.escape(message)}</p>'
    return html_response(status, PAGE.format(app="an app", body=body))


def _check_client(emu, params: dict):
    app = emu.state.apps.get(params.get("client_id", ""))
    if app is None:
        return None, _page_error(400, "Unknown client_id: this app is not registered.")
    if params.get("redirect_uri", "") not in app["redirect_uris"]:
        return None, _page_error(
            400, "The redirect_uri is not registered for this app (it must match exactly)."
        )
    return app, None


def _check_pkce(emu, params: dict):
    """(code_challenge, problem): the S256 challenge to keep with the code ("" for none), or
    the page that refuses the request. With PKCE "off" the parameters are ignored."""
    if emu.settings.pkce == "off":
        return "", None
    challenge = params.get("code_challenge", "")
    method = params.get("code_challenge_method", "")
    if not challenge and not method:
        if emu.settings.pkce == "required":
            return "", _page_error(
                400,
                "This app must use PKCE: code_challenge and "
                "code_challenge_method=S256 are required.",
            )
        return "", None
    if method != "S256":
        return "", _page_error(400, "Unsupported code_challenge_method: only S256 is accepted.")
    if not S256_CHALLENGE.fullmatch(challenge):
        return "", _page_error(
            400, "Invalid code_challenge: an S256 challenge is 43 base64url characters."
        )
    return challenge, None


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _pkce_ok(emu, code: dict, verifier: str) -> bool:
    """A code issued with a challenge needs the matching verifier; with PKCE on, a verifier
    for a code issued without a challenge is refused too (no downgrade)."""
    challenge = code.get("code_challenge", "")
    if not challenge:
        return not verifier or emu.settings.pkce == "off"
    if not CODE_VERIFIER.fullmatch(verifier):
        return False
    return hmac.compare_digest(_s256(verifier), challenge)


def _with_query(uri: str, params: dict) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


def authorize_page(emu, req: Request, error: str = ""):
    params = req.query if req.method == "GET" else req.form()
    app, problem = _check_client(emu, params)
    if problem:
        return problem
    challenge, problem = _check_pkce(emu, params)
    if problem:
        return problem
    if params.get("response_type", "code") != "code":
        return redirect(
            _with_query(
                params["redirect_uri"],
                {"error": "unsupported_response_type", "state": params.get("state", "")},
            )
        )
    scopes = params.get("scope", "").split()
    if not scopes:
        return redirect(
            _with_query(
                params["redirect_uri"], {"error": "invalid_scope", "state": params.get("state", "")}
            )
        )
    companies = "".join(
        f'<label class="co"><input type="radio" name="realm_id" value="{html.escape(c.realm_id)}"'
        f"{' checked' if i == 0 else ''}> <b>{html.escape(c.name)}</b><br>"
        f"<small>{html.escape(c.country)} · {html.escape(c.currency)} · realm {c.realm_id}</small></label>"
        for i, c in enumerate(emu.state.companies.values())
    )
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(params.get(k, ""))}">'
        for k in ("client_id", "redirect_uri", "scope", "state", "response_type")
    )
    if challenge:
        hidden += (
            f'<input type="hidden" name="code_challenge" value="{html.escape(challenge)}">'
            '<input type="hidden" name="code_challenge_method" value="S256">'
        )
    body = (
        f"<h1>Sign in</h1><p><small>to connect <b>{html.escape(app.get('name') or app['client_id'])}"
        f"</b> to QuickBooks</small></p>"
        f"{f'<p class=err>{html.escape(error)}</p>' if error else ''}"
        f'<form method="post" action="/connect/oauth2">{hidden}'
        f'<label>Email or user ID<input type="email" name="email" value="owner@example.com">'
        f'</label><label>Password<input type="password" name="password" value="emulator">'
        f"</label><h1>Select a company</h1>{companies}"
        f"<p><small>{html.escape(app.get('name') or app['client_id'])} will be able to read "
        f"and change data in the company you choose ({html.escape(' '.join(scopes))}).</small></p>"
        f'<button class="next" type="submit" name="action" value="next">Next</button> '
        f'<button type="submit" name="action" value="cancel">Cancel</button></form>'
    )
    return html_response(200, PAGE.format(app=html.escape(app["client_id"]), body=body))


def authorize_submit(emu, req: Request):
    form = req.form()
    app, problem = _check_client(emu, form)
    if problem:
        return problem
    challenge, problem = _check_pkce(emu, form)
    if problem:
        return problem
    state = form.get("state", "")
    if form.get("action") == "cancel":
        return redirect(
            _with_query(form["redirect_uri"], {"error": "access_denied", "state": state})
        )
    realm_id = form.get("realm_id", "")
    if realm_id not in emu.state.companies:
        status, headers, body = authorize_page(emu, req, error="Choose a company.")
        return 400, headers, body
    scope = form.get("scope", "")
    code = "AB11" + token(40)
    with emu.state.lock:
        emu.issued["codes"].append(code)
        emu.state.codes[code] = {
            "client_id": app["client_id"],
            "redirect_uri": form["redirect_uri"],
            "realm_id": realm_id,
            "scope": scope,
            "code_challenge": challenge,
            "expires_at": emu.clock.now() + emu.settings.auth_code_ttl,
        }
        emu.persist()
    params = {"code": code, "state": state}
    scopes = scope.split()
    if ACCOUNTING_SCOPE in scopes or PAYMENT_SCOPE in scopes:
        params["realmId"] = realm_id
    return redirect(_with_query(form["redirect_uri"], params))


# token endpoint --------------------------------------------------------------------------------
def _oauth_error(status: int, error: str, description: str = ""):
    body = {"error": error}
    if description:
        body["error_description"] = description
    return json_response(status, body)


def _client_from(emu, req: Request, form: dict):
    auth = req.headers.get("authorization", "")
    client_id = client_secret = None
    if auth.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, _, client_secret = decoded.partition(":")
    elif "client_id" in form:  # client_secret_post
        client_id, client_secret = form.get("client_id"), form.get("client_secret", "")
    app = emu.state.apps.get(client_id or "")
    if app is None or not hmac.compare_digest(
        app["client_secret"].encode(), (client_secret or "").encode()
    ):
        return None
    return app


def new_grant(emu, client_id: str, realm_id: str, scope: str) -> dict:
    now = emu.clock.now()
    grant = {
        "id": secrets.token_hex(8),
        "client_id": client_id,
        "realm_id": realm_id,
        "scope": scope,
        "created": now,
        "revoked": False,
        "refresh_token": None,
    }
    emu.state.grants[grant["id"]] = grant
    _new_refresh_token(emu, grant, now)
    return grant


def _new_refresh_token(emu, grant: dict, now: float) -> str:
    value = "AB11" + token(46)
    emu.issued["refresh_tokens"].append(value)
    emu.state.refresh_tokens[value] = {
        "grant": grant["id"],
        "issued": now,
        "expires": now + emu.settings.refresh_token_ttl,
        "superseded_at": None,
    }
    grant["refresh_token"] = value
    return value


def token_body(emu, grant: dict, *, include_hard_expiry: bool = False) -> dict:
    """The token endpoint's answer. With `include_hard_expiry` (the request carried
    `x-include-refresh-token-hard-expires-in: true`), also the seconds left before the grant's
    absolute end (Intuit's 5-year cap, qbo-api-reference §15), past which refresh answers
    invalid_grant whatever the rolling lifetime says."""
    now = emu.clock.now()
    _prune(emu, now)
    access = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.." + token(560)
    emu.issued["access_tokens"].append(access)
    emu.state.access_tokens[access] = {
        "grant": grant["id"],
        "client_id": grant["client_id"],
        "realm_id": grant["realm_id"],
        "expires": now + emu.settings.access_token_ttl,
    }
    refresh = emu.state.refresh_tokens[grant["refresh_token"]]
    hard_end = grant["created"] + emu.settings.refresh_token_hard_ttl
    body = {
        "token_type": "bearer",
        "access_token": access,
        "refresh_token": grant["refresh_token"],
        "expires_in": emu.settings.access_token_ttl,
        "x_refresh_token_expires_in": max(0, round(min(refresh["expires"], hard_end) - now)),
    }
    if include_hard_expiry:
        body["x_refresh_token_hard_expires_in"] = max(0, round(hard_end - now))
    return body


def _prune(emu, now: float) -> None:
    tokens = emu.state.access_tokens
    if len(tokens) > 5000:
        for key in [k for k, v in tokens.items() if v["expires"] < now]:
            del tokens[key]


def token_endpoint(emu, req: Request):
    form = req.form()
    with emu.state.lock:
        app = _client_from(emu, req, form)
        if app is None:
            return _oauth_error(401, "invalid_client")
        grant_type = form.get("grant_type", "")
        now = emu.clock.now()
        if grant_type == "authorization_code":
            code = emu.state.codes.pop(form.get("code", ""), None)
            if (
                code is None
                or code["expires_at"] < now
                or code["client_id"] != app["client_id"]
                or code["redirect_uri"] != form.get("redirect_uri")
            ):
                emu.persist()
                return _oauth_error(400, "invalid_grant", "Invalid authorization code")
            if not _pkce_ok(emu, code, form.get("code_verifier", "")):
                emu.persist()  # the code is used up, as on any other refusal
                return _oauth_error(
                    400,
                    "invalid_grant",
                    "code_verifier is missing or does not match the code_challenge",
                )
            grant = new_grant(emu, app["client_id"], code["realm_id"], code["scope"])
        elif grant_type == "refresh_token":
            grant = _refresh(emu, app, form.get("refresh_token", ""), now)
            if grant is None:
                return _oauth_error(400, "invalid_grant", "Incorrect or invalid refresh token")
        elif not grant_type:
            return _oauth_error(400, "invalid_request", "grant_type is missing")
        else:
            return _oauth_error(400, "unsupported_grant_type")
        include_hard_expiry = (
            req.headers.get("x-include-refresh-token-hard-expires-in", "").strip().lower() == "true"
        )
        body = token_body(emu, grant, include_hard_expiry=include_hard_expiry)
        emu.persist()
    return json_response(200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def _refresh(emu, app: dict, value: str, now: float) -> dict | None:
    record = emu.state.refresh_tokens.get(value)
    if record is None:
        return None
    grant = emu.state.grants.get(record["grant"])
    settings = emu.settings
    if (
        grant is None
        or grant["revoked"]
        or grant["client_id"] != app["client_id"]
        or record["expires"] < now
        or now > grant["created"] + settings.refresh_token_hard_ttl
    ):
        return None
    if record["superseded_at"] is not None:
        if now - record["superseded_at"] > settings.refresh_grace_seconds:
            return None
        current = emu.state.refresh_tokens[grant["refresh_token"]]
    else:
        current = record
    if now - current["issued"] >= settings.refresh_rotation_seconds:
        current["superseded_at"] = now
        _new_refresh_token(emu, grant, now)
    else:
        current["expires"] = now + settings.refresh_token_ttl  # rolling lifetime
    return grant


def revoke_grant(emu, grant: dict) -> None:
    grant["revoked"] = True
    for key in [k for k, v in emu.state.access_tokens.items() if v["grant"] == grant["id"]]:
        del emu.state.access_tokens[key]


def revoke_endpoint(emu, req: Request):
    if req.content_type == "application/json":
        try:
            payload = req.json()
        except ValueError:
            payload = None
        value = payload.get("token") if isinstance(payload, dict) else None
        form = {}
    else:
        form = req.form()
        value = form.get("token")
    with emu.state.lock:
        if _client_from(emu, req, form) is None:
            return _oauth_error(401, "invalid_client")
        if not value:
            return _oauth_error(400, "invalid_request", "token is missing")
        record = emu.state.refresh_tokens.get(value) or emu.state.access_tokens.get(value)
        if record is not None:
            grant = emu.state.grants.get(record["grant"])
            if grant is not None:
                revoke_grant(emu, grant)
                emu.persist()
    return 200, {"Content-Type": "application/json;charset=UTF-8"}, b""


def access_grant(emu, req: Request):
    """(grant, problem) for a Bearer access token; problem is the gateway's detail text."""
    auth = req.headers.get("authorization", "")
    if not auth.lower().startswith("bearer "):
        return None, "Authorization header is missing or is not Bearer"
    value = auth[7:].strip()
    if len(value) < 20 or len(value) > 4096:
        return None, "Malformed bearer token: too short or too long"
    record = emu.state.access_tokens.get(value)
    if record is None:
        return None, "Token invalid"
    if record["expires"] <= emu.clock.now():
        return None, f"Token expired: {value[:12]}..."
    # access_token_max_uses: the token stops working after N requests, as if it had expired.
    record["uses"] = record.get("uses", 0) + 1
    limit = emu.settings.access_token_max_uses
    if limit and record["uses"] > limit:
        return None, f"Token expired: {value[:12]}..."
    grant = emu.state.grants.get(record["grant"])
    if grant is None or grant["revoked"]:
        return None, "Token revoked"
    return grant, None


def userinfo(emu, req: Request):
    with emu.state.lock:
        grant, problem = access_grant(emu, req)
    if grant is None:
        return json_response(401, {"error": "invalid_token", "error_description": problem})
    return json_response(
        200,
        {
            "sub": f"emulator-user-{grant['realm_id']}",
            "email": "owner@example.com",
            "emailVerified": True,
            "givenName": "Emulator",
            "familyName": "Owner",
            "phoneNumber": "+1 (514) 555-0100",
            "phoneNumberVerified": False,
            "address": {
                "streetAddress": "1000 rue Sherbrooke Ouest",
                "locality": "Montréal",
                "region": "QC",
                "postalCode": "H3A 3G4",
                "country": "CA",
            },
        },
    )
