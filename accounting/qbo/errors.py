"""The only module that reads QBO and Intuit OAuth error responses and turns them into our
exceptions. Each exception knows whether retrying can help (`retryable`) and whether the
work must wait for the owner to reconnect (`pauses_sync`).

Messages built here never include a token or a response body that could echo one (the API
gateway's 401 body repeats the bearer token: qbo-api-reference §8.2).
"""

import json
import re

import requests
from django.utils.translation import gettext as _


class QboError(Exception):
    retryable = False
    pauses_sync = False

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        detail: str = "",
        status: int | None = None,
        intuit_tid: str = "",
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail
        self.status = status
        self.intuit_tid = intuit_tid
        self.retry_after = retry_after

    def user_message(self) -> str:
        return _("QuickBooks Online could not complete the request. Please try again later.")


class QboNetworkError(QboError):
    """Timeout or connection failure: the request may or may not have reached QBO."""

    retryable = True

    def user_message(self) -> str:
        return _("QuickBooks Online did not answer in time. Please try again in a few minutes.")


class QboServerError(QboError):
    retryable = True


class QboThrottled(QboError):
    retryable = True

    def user_message(self) -> str:
        return _("QuickBooks Online is receiving too many requests. Please try again in a minute.")


class QboAuthenticationError(QboError):
    """401 from the API: the access token is expired or invalid; refresh once, then retry."""

    retryable = True


class QboAuthorizationError(QboError):
    """403: the app lost access to the company (scope, subscription)."""

    def user_message(self) -> str:
        return _(
            "QuickBooks Online refused access to this company. Reconnect it from "
            "Settings > Accounting."
        )


class QboNotFound(QboError):
    def user_message(self) -> str:
        return _("This record no longer exists in QuickBooks Online.")


class QboStaleObject(QboError):
    retryable = True


class QboValidationError(QboError):
    """A fault QBO will return again until someone fixes the data: terminal."""

    def user_message(self) -> str:
        return _("QuickBooks Online refused the data: %(detail)s") % {
            "detail": self.detail or self.message
        }


class QboDuplicateName(QboValidationError):
    """6240: the display name is taken (customers, vendors and employees share names,
    qbo-api-reference §3.1). The fault names the Id that holds it."""

    @property
    def holder_id(self) -> str:
        return duplicate_name_id(self)


def duplicate_name_id(error: QboError) -> str:
    """The Id named by a 6240 Duplicate Name fault (qbo-api-reference §3.1), or ""."""
    match = _DUPLICATE_ID.search(error.detail or "") or _DUPLICATE_ID.search(error.message or "")
    return match.group(1) if match else ""


class QboDuplicateNumber(QboValidationError):
    """6140: another transaction already has this DocNumber (custom numbering on)."""


class QboReferenceInvalid(QboValidationError):
    """2500: a reference (an item, a customer, an account) names nothing usable."""


class QboTaxCodeInvalid(QboValidationError):
    """6100 / 6170, or a 6000 business-validation fault about taxes: the tax code mapped
    for a line is not one QBO accepts here."""


class QboPeriodClosed(QboValidationError):
    """6200 / 6210: the transaction date is in a period the bookkeeper closed."""


# --- OAuth (token endpoint) -----------------------------------------------------------


class QboOAuthError(QboError):
    """The token or revoke endpoint refused the request for another reason."""


class QboInvalidGrant(QboOAuthError):
    """The code or refresh token is expired, revoked, already used or superseded."""


class QboInvalidClient(QboOAuthError):
    """Client id or secret rejected: a configuration problem, not the owner's."""

    def user_message(self) -> str:
        return _(
            "The QuickBooks Online application is not configured correctly. Please contact support."
        )


class QboReconnectRequired(QboError):
    """Raised instead of calling Intuit when the connection needs the owner to reconnect.
    Work waiting on QBO must pause (not fail) until then."""

    pauses_sync = True

    def user_message(self) -> str:
        return _(
            "QuickBooks Online asks you to reconnect. Open Settings > Accounting and "
            "click Reconnect."
        )


class QboNotConnected(QboError):
    pauses_sync = True

    def user_message(self) -> str:
        return _("QuickBooks Online is not connected.")


# Fault code -> exception class (qbo-api-reference §8.3). Codes not listed fall back on the
# HTTP status, then on QboValidationError for 4xx.
FAULT_CODES: dict[str, type[QboError]] = {
    "3200": QboAuthenticationError,
    "100": QboAuthenticationError,
    "120": QboAuthorizationError,
    "3100": QboAuthorizationError,
    "3001": QboThrottled,
    "610": QboNotFound,
    "5010": QboStaleObject,
    "10000": QboServerError,
    "2500": QboReferenceInvalid,
    "6100": QboTaxCodeInvalid,
    "6170": QboTaxCodeInvalid,
    "6140": QboDuplicateNumber,
    "6200": QboPeriodClosed,
    "6210": QboPeriodClosed,
    "6240": QboDuplicateName,
}
_DUPLICATE_ID = re.compile(r"Id=(\d+)")

STATUS_CLASSES: dict[int, type[QboError]] = {
    401: QboAuthenticationError,
    403: QboAuthorizationError,
    429: QboThrottled,
}


def _normalise_code(code) -> str:
    text = str(code or "").strip()
    return text.lstrip("0") or text


def _first_fault_error(body) -> tuple[str, str, str]:
    """(code, message, detail) of the first error of either Fault shape (§8.1 / §8.2)."""
    if not isinstance(body, dict):
        return "", "", ""
    fault = body.get("Fault") or body.get("fault")
    if not isinstance(fault, dict):
        return "", "", ""
    errors = fault.get("Error") or fault.get("error") or []
    if not errors or not isinstance(errors, list) or not isinstance(errors[0], dict):
        return "", "", ""
    first = errors[0]
    return (
        _normalise_code(first.get("code")),
        str(first.get("Message") or first.get("message") or ""),
        str(first.get("Detail") or first.get("detail") or ""),
    )


def from_api_response(response: requests.Response) -> QboError | None:
    """None when the response is a success; else the matching exception (not raised)."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    has_fault = isinstance(body, dict) and ("Fault" in body or "fault" in body)
    if status == 200 and not has_fault:
        return None
    code, message, detail = _first_fault_error(body)
    tid = response.headers.get("intuit_tid", "")
    retry_after = _retry_after(response.headers.get("Retry-After"))
    if status == 401 or code in ("3200", "100"):
        # The gateway's detail can repeat the bearer token ("Token expired: eyJ…"): drop it.
        return QboAuthenticationError(
            "QBO authentication failed", code=code or "3200", status=status, intuit_tid=tid
        )
    cls = _fault_class(code, message, detail) or STATUS_CLASSES.get(status)
    if cls is None:
        cls = QboServerError if status >= 500 else QboValidationError
    return cls(
        message or f"QBO answered HTTP {status}",
        code=code,
        detail=detail[:1000],
        status=status,
        intuit_tid=tid,
        retry_after=retry_after,
    )


def _fault_class(code: str, message: str, detail: str) -> type[QboError] | None:
    cls = FAULT_CODES.get(code)
    if cls is None and code == "6000" and "tax" in (detail or message).lower():
        # 6000 is QBO's generic business-validation code; its text says when taxes are at fault.
        cls = QboTaxCodeInvalid
    return cls


def from_batch_item(row: dict) -> QboError | None:
    """The exception a batch item's Fault stands for (classified like a single call), or None
    when the item succeeded. A batch answers 200 whatever its items did (§5)."""
    fault = row.get("Fault")
    if not fault:
        return None
    code, message, detail = _first_fault_error(row)
    cls = _fault_class(code, message, detail) or QboValidationError
    if fault.get("type") == "SystemFault" and cls is QboValidationError:
        cls = QboServerError
    return cls(message or "Batch item fault", code=code, detail=detail[:1000], status=200)


def from_request_exception(error: requests.RequestException) -> QboNetworkError:
    return QboNetworkError(f"QBO request failed: {type(error).__name__}")


def _retry_after(value) -> int | None:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return None


def from_oauth_error(error) -> QboOAuthError:
    """From intuitlib's AuthClientError (its str() includes the body; we keep only the
    OAuth `error` code, which never contains a secret)."""
    status = getattr(error, "status_code", None)
    content = getattr(error, "content", b"") or b""
    try:
        body = json.loads(content)
    except (ValueError, TypeError):
        body = {}
    oauth_error = str(body.get("error", "")) if isinstance(body, dict) else ""
    tid = getattr(error, "intuit_tid", "") or ""
    if oauth_error == "invalid_grant":
        return QboInvalidGrant(
            "Intuit answered invalid_grant", code=oauth_error, status=status, intuit_tid=tid
        )
    if oauth_error == "invalid_client" or status == 401:
        return QboInvalidClient(
            "Intuit rejected the client credentials",
            code=oauth_error or "invalid_client",
            status=status,
            intuit_tid=tid,
        )
    if status is not None and status >= 500:
        err = QboOAuthError(
            f"Intuit OAuth answered HTTP {status}", code=oauth_error, status=status, intuit_tid=tid
        )
        err.retryable = True
        return err
    return QboOAuthError(
        f"Intuit OAuth error {oauth_error or status}",
        code=oauth_error,
        status=status,
        intuit_tid=tid,
    )
