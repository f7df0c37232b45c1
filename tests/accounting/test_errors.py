"""qbo/errors.py: one row per case, with real-shaped bodies (qbo-api-reference §8)."""

import json

import pytest
import requests

from accounting.qbo import errors

TOKEN = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..secret-access-token"


def _response(status: int, body, headers=None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = (json.dumps(body) if not isinstance(body, str) else body).encode()
    response.headers.update(headers or {})
    return response


def _fault(code: str, message: str, detail: str = "", type_: str = "ValidationFault") -> dict:
    return {
        "Fault": {
            "Error": [{"Message": message, "Detail": detail, "code": code, "element": ""}],
            "type": type_,
        },
        "time": "2025-03-04T10:40:00.000-08:00",
    }


GATEWAY_401 = {
    "warnings": None,
    "intuitObject": None,
    "fault": {
        "error": [
            {
                "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                "detail": f"Token expired: {TOKEN}",
                "code": "3200",
                "element": None,
            }
        ],
        "type": "AUTHENTICATION",
    },
    "report": None,
    "queryResponse": None,
    "batchItemResponse": [],
    "time": 1730024394085,
}


def test_success_is_not_an_error():
    assert errors.from_api_response(_response(200, {"Item": {"Id": "1"}})) is None


def test_gateway_401_never_keeps_the_echoed_token():
    error = errors.from_api_response(_response(401, GATEWAY_401, {"intuit_tid": "1-abc"}))
    assert type(error) is errors.QboAuthenticationError
    assert error.retryable is True
    assert error.code == "3200"
    assert error.intuit_tid == "1-abc"
    assert TOKEN not in str(error) and TOKEN not in error.detail and TOKEN not in error.message


@pytest.mark.parametrize(
    ("status", "body", "cls", "code", "retryable"),
    [
        (
            400,
            _fault(
                "610",
                "Object Not Found",
                "Object Not Found : Something you're trying to use has been made inactive.",
            ),
            errors.QboNotFound,
            "610",
            False,
        ),
        (
            400,
            _fault(
                "5010",
                "Stale Object Error",
                "Stale Object Error : You and Jane Smith were working on this at the same time.",
            ),
            errors.QboStaleObject,
            "5010",
            True,
        ),
        (
            400,
            _fault(
                "6240", "Duplicate Name Exists Error", "The name supplied already exists. : Id=58"
            ),
            errors.QboDuplicateName,
            "6240",
            False,
        ),
        (
            400,
            _fault(
                "6000",
                "A business validation error has occurred while processing your request",
                "Business Validation Error: Make sure all your transactions have a "
                "GST/HST rate before you save.",
            ),
            errors.QboValidationError,
            "6000",
            False,
        ),
        (
            429,
            _fault("003001", "ThrottleExceeded", "Throttle exceeded.", "SERVICE"),
            errors.QboThrottled,
            "3001",
            True,
        ),
        (
            500,
            _fault(
                "10000",
                "An application error has occurred while processing your request",
                "System Failure Error: null",
                "SystemFault",
            ),
            errors.QboServerError,
            "10000",
            True,
        ),
        (503, {"message": "unavailable"}, errors.QboServerError, "", True),
        (
            400,
            _fault("6140", "Duplicate Document Number Error", "Duplicate Document Number Error"),
            errors.QboDuplicateNumber,
            "6140",
            False,
        ),
        (
            400,
            _fault("6210", "Account Period Closed", "The account period has closed."),
            errors.QboPeriodClosed,
            "6210",
            False,
        ),
        (
            400,
            _fault("6000", "A business validation error has occurred", "Invalid tax rate."),
            errors.QboTaxCodeInvalid,
            "6000",
            False,
        ),
        (
            403,
            _fault("3100", "ApplicationAuthorizationFailed", "", "SERVICE"),
            errors.QboAuthorizationError,
            "3100",
            False,
        ),
        (
            200,
            _fault(
                "2500",
                "Invalid Reference Id",
                "Invalid Reference Id : Names element id 583 not found",
            ),
            errors.QboReferenceInvalid,
            "2500",
            False,
        ),
    ],
)
def test_fault_classification(status, body, cls, code, retryable):
    error = errors.from_api_response(_response(status, body))
    assert type(error) is cls
    assert error.code == code
    assert error.status == status
    assert error.retryable is retryable


def test_throttle_keeps_retry_after_and_xml_body_is_classified_by_status():
    error = errors.from_api_response(
        _response(429, '<Fault><Error code="3001"/></Fault>', {"Retry-After": "60"})
    )
    assert type(error) is errors.QboThrottled
    assert error.retry_after == 60


def test_network_exception_is_retryable():
    error = errors.from_request_exception(requests.ReadTimeout("read timed out"))
    assert type(error) is errors.QboNetworkError
    assert error.retryable is True


class _AuthClientError:
    def __init__(self, status, body):
        self.status_code = status
        self.content = json.dumps(body).encode()
        self.intuit_tid = "1-tid"


@pytest.mark.parametrize(
    ("status", "body", "cls", "retryable"),
    [
        (
            400,
            {"error": "invalid_grant", "error_description": "Incorrect or invalid refresh token"},
            errors.QboInvalidGrant,
            False,
        ),
        (401, {"error": "invalid_client"}, errors.QboInvalidClient, False),
        (400, {"error": "unsupported_grant_type"}, errors.QboOAuthError, False),
        (502, {}, errors.QboOAuthError, True),
    ],
)
def test_oauth_error_classification(status, body, cls, retryable):
    error = errors.from_oauth_error(_AuthClientError(status, body))
    assert type(error) is cls
    assert error.retryable is retryable
    assert error.intuit_tid == "1-tid"


def test_reconnect_required_pauses_and_is_not_retryable():
    error = errors.QboReconnectRequired("x")
    assert error.pauses_sync is True
    assert error.retryable is False
