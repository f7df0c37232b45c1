"""Intuit OAuth 2.0 over HTTP only (no ORM): authorize URL, code exchange, refresh, revoke.

Built on intuit-oauth's AuthClient, with three fixes (qbo-libraries.md §1.2, §1.7):
- the discovery document is fetched once per process and cached, instead of on every
  AuthClient construction (intuit-oauth #18, #52);
- every HTTP call has a timeout (AuthClient is a requests.Session that passes none);
- PKCE (S256) is added when the discovery document advertises it;
- every token call asks for the refresh token's hard expiry (Intuit's 5-year cap,
  qbo-api-reference §15): header `x-include-refresh-token-hard-expires-in: true`, answer field
  `x_refresh_token_hard_expires_in`.
"""

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from django.conf import settings
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError
from intuitlib.utils import get_auth_header, send_request

from . import endpoints, errors

# Only the accounting scope: no OpenID, so no id_token to validate (which would fetch JWKS
# with a module-level requests.get and no timeout).
SCOPES = [Scopes.ACCOUNTING]
DISCOVERY_TTL_SECONDS = 3600
HARD_EXPIRY_HEADER = "x-include-refresh-token-hard-expires-in"

_discovery_lock = threading.Lock()
_discovery_cache: dict[str, tuple[float, dict]] = {}

REQUIRED_DISCOVERY_KEYS = (
    "authorization_endpoint",
    "token_endpoint",
    "revocation_endpoint",
    "issuer",
    "jwks_uri",
    "userinfo_endpoint",
)


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int
    refresh_token_expires_in: int | None
    # Seconds left before the refresh token's absolute end; None when Intuit did not say.
    refresh_token_hard_expires_in: int | None = None


def _timeout() -> float:
    return float(settings.QBO_HTTP_TIMEOUT_SECONDS)


def clear_discovery_cache() -> None:
    with _discovery_lock:
        _discovery_cache.clear()


def discovery_document() -> dict:
    url = endpoints.discovery_url()
    now = time.monotonic()
    with _discovery_lock:
        cached = _discovery_cache.get(url)
        if cached and now - cached[0] < DISCOVERY_TTL_SECONDS:
            return cached[1]
    try:
        # bandit sees no literal timeout; it is _timeout(), QBO_HTTP_TIMEOUT_SECONDS.
        response = requests.get(url, headers={"Accept": "application/json"}, timeout=_timeout())  # nosec B113
    except requests.RequestException as error:
        raise errors.from_request_exception(error) from None
    if response.status_code != 200:
        raise errors.QboOAuthError(
            f"Discovery document answered HTTP {response.status_code}", status=response.status_code
        )
    try:
        document = response.json()
    except ValueError:
        raise errors.QboOAuthError("Discovery document is not JSON") from None
    missing = [key for key in REQUIRED_DISCOVERY_KEYS if key not in document]
    if missing:
        raise errors.QboOAuthError(f"Discovery document lacks {', '.join(missing)}")
    with _discovery_lock:
        _discovery_cache[url] = (now, document)
    return document


class PlannitAuthClient(AuthClient):
    """AuthClient fed from the cached discovery document, with a timeout on every call."""

    def __init__(self, *, access_token=None, refresh_token=None, realm_id=None):
        # Deliberately skips AuthClient.__init__, whose only extra work is the uncached
        # discovery GET; the attributes it sets are all set here.
        requests.Session.__init__(self)
        self.client_id = settings.QBO_CLIENT_ID
        self.client_secret = settings.QBO_CLIENT_SECRET
        self.redirect_uri = settings.QBO_REDIRECT_URI
        self.environment = endpoints.environment()
        self.state_token = None
        document = discovery_document()
        self.discovery = document
        self.auth_endpoint = document["authorization_endpoint"]
        self.token_endpoint = document["token_endpoint"]
        self.revoke_endpoint = document["revocation_endpoint"]
        self.issuer_uri = document["issuer"]
        self.jwks_uri = document["jwks_uri"]
        self.user_info_url = document["userinfo_endpoint"]
        self.realm_id = realm_id
        self.access_token = access_token
        self.expires_in = None
        self.refresh_token = refresh_token
        self.x_refresh_token_expires_in = None
        self.x_refresh_token_hard_expires_in = None
        self.id_token = None

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", _timeout())
        if url == self.token_endpoint:
            kwargs["headers"] = {**(kwargs.get("headers") or {}), HARD_EXPIRY_HEADER: "true"}
        return super().request(method, url, **kwargs)

    def get_bearer_token_with_verifier(self, auth_code: str, code_verifier: str) -> None:
        """get_bearer_token plus the PKCE code_verifier (AuthClient has no parameter for it)."""
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": get_auth_header(self.client_id, self.client_secret),
        }
        body = {
            "grant_type": "authorization_code",
            "code": auth_code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": code_verifier,
        }
        send_request("POST", self.token_endpoint, headers, self, body=urlencode(body), session=self)

    def token_set(self) -> TokenSet:
        try:
            expires_in = int(self.expires_in)
        except (TypeError, ValueError):
            expires_in = 3600
        try:
            refresh_expires_in = int(self.x_refresh_token_expires_in)
        except (TypeError, ValueError):
            refresh_expires_in = None
        try:
            hard_expires_in = int(self.x_refresh_token_hard_expires_in)
        except (TypeError, ValueError):
            hard_expires_in = None
        if not self.access_token or not self.refresh_token:
            raise errors.QboOAuthError("Token response lacks a token")
        return TokenSet(
            access_token=self.access_token,
            refresh_token=self.refresh_token,
            expires_in=expires_in,
            refresh_token_expires_in=refresh_expires_in,
            refresh_token_hard_expires_in=hard_expires_in,
        )


def supports_pkce() -> bool:
    methods = discovery_document().get("code_challenge_methods_supported") or []
    return "S256" in methods


def new_code_verifier() -> str:
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(*, state: str, code_verifier: str = "") -> str:
    client = PlannitAuthClient()
    url = client.get_authorization_url(SCOPES, state_token=state)
    if code_verifier:
        url += "&" + urlencode(
            {"code_challenge": code_challenge(code_verifier), "code_challenge_method": "S256"}
        )
    return url


def _call(func):
    try:
        return func()
    except AuthClientError as error:
        raise errors.from_oauth_error(error) from None
    except requests.RequestException as error:
        raise errors.from_request_exception(error) from None
    except ValueError:
        # A 200 whose body is not JSON (intuitlib parses it blindly).
        raise errors.QboOAuthError("Intuit answered with an unreadable body") from None


def exchange_code(*, code: str, realm_id: str, code_verifier: str = "") -> TokenSet:
    client = PlannitAuthClient(realm_id=realm_id)
    if code_verifier:
        _call(lambda: client.get_bearer_token_with_verifier(code, code_verifier))
    else:
        _call(lambda: client.get_bearer_token(code, realm_id=realm_id))
    return client.token_set()


def refresh(*, refresh_token: str) -> TokenSet:
    client = PlannitAuthClient(refresh_token=refresh_token)
    _call(lambda: client.refresh(refresh_token=refresh_token))
    return client.token_set()


def revoke(*, token: str) -> None:
    client = PlannitAuthClient()
    _call(lambda: client.revoke(token=token))
