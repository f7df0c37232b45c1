"""Fault bodies as QBO writes them (reference §8). ``code`` is always a string: python-quickbooks
raises TypeError on a Fault without one."""

from __future__ import annotations

from .util import dumps

MESSAGES = {
    "500": "Unsupported Operation",
    "600": "Duplicate Request ID",
    "610": "Object Not Found",
    "620": "Txn ID cannot be linked",
    "1040": "Batch size exceeds allowed limit",
    "2010": "Request has invalid or unsupported property",
    "2020": "Required param missing, need to supply the required value for the API",
    "2030": "Invalid ID",
    "2050": "Invalid String Length",
    "2210": "Invalid Email Address Format",
    "2500": "Invalid Reference Id",
    "3100": "ApplicationAuthorizationFailed",
    "4000": "Error parsing query",
    "4001": "Invalid query",
    "5010": "Stale Object Error",
    "6000": "A business validation error has occurred while processing your request",
    "6010": "Invalid Account.AccountType && Account.SubType",
    "6070": "Amount is not equal to UnitPrice * Qty",
    "6080": "No Name Provided",
    "6100": "Invalid Line TaxCode in the request",
    "6140": "Duplicate Document Number Error",
    "6170": "Invalid TxnTaxDetail",
    "6240": "Duplicate Name Exists Error",
    "10000": "An application error has occurred while processing your request",
}


class ApiFault(Exception):
    """A QBO Fault: raised anywhere in an operation, rendered once by the API layer."""

    def __init__(
        self,
        code,
        detail: str = "",
        *,
        status: int = 400,
        element: str = "",
        message: str | None = None,
        fault_type: str = "ValidationFault",
    ) -> None:
        self.code = str(code)
        self.message = message or MESSAGES.get(self.code, "Error")
        self.detail = detail or self.message
        self.status = status
        self.element = element
        self.fault_type = fault_type
        super().__init__(f"{self.code} {self.message}: {self.detail}")

    def fault(self) -> dict:
        return {
            "Error": [
                {
                    "Message": self.message,
                    "Detail": self.detail,
                    "code": self.code,
                    "element": self.element,
                }
            ],
            "type": self.fault_type,
        }


def not_found(entity: str, obj_id) -> ApiFault:
    return ApiFault(
        "610",
        f"Object Not Found : Something you're trying to use has been made "
        f"inactive or deleted. {entity} Id={obj_id}",
    )


def invalid_ref(kind: str, obj_id, element: str = "") -> ApiFault:
    return ApiFault(
        "2500", f"Invalid Reference Id : {kind} element id {obj_id} not found", element=element
    )


def required(name: str) -> ApiFault:
    return ApiFault("2020", f"Required parameter {name} is missing in the request", element=name)


def business(text: str, element: str = "") -> ApiFault:
    return ApiFault("6000", f"Business Validation Error: {text}", element=element)


def gateway_401(detail: str, epoch_ms: int) -> bytes:
    """The API gateway's lower-case body (reference §8.2)."""
    return dumps(
        {
            "warnings": None,
            "intuitObject": None,
            "fault": {
                "error": [
                    {
                        "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                        "detail": detail,
                        "code": "3200",
                        "element": None,
                    }
                ],
                "type": "AUTHENTICATION",
            },
            "report": None,
            "queryResponse": None,
            "batchItemResponse": [],
            "attachableResponse": [],
            "syncErrorResponse": None,
            "requestId": None,
            "time": epoch_ms,
            "status": None,
            "cdcresponse": [],
        }
    )


def throttle_body(kind: str, time_text: str) -> tuple[str, bytes]:
    detail = "The request limit was reached.  Try again later"
    message = "message=ThrottleExceeded; errorCode=003001; statusCode=429"
    if kind == "json":
        body = {
            "Fault": {
                "Error": [{"Message": message, "Detail": detail, "code": "3001", "element": ""}],
                "type": "SERVICE",
            },
            "time": time_text,
        }
        return "application/json;charset=UTF-8", dumps(body)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="{time_text}">'
        f'<Fault type="SERVICE"><Error code="3001"><Message>{message}</Message>'
        f"<Detail>{detail}</Detail></Error></Fault></IntuitResponse>"
    )
    return "application/xml", xml.encode()
