"""The QBO Accounting API: one function per remote operation, plain values in and out, no ORM.

Built on python-quickbooks with a subclass (qbo-libraries.md §2.12) that: takes the base URL
from settings, sends the current access token, uses a plain requests.Session (no https-only
check against the local emulator), puts a timeout on every call, and classifies every error
response through qbo/errors.py before python-quickbooks sees it (its own 401 exception would
carry the gateway body, which can echo the token).
"""

from collections.abc import Callable

import requests
from django.conf import settings
from quickbooks import QuickBooks

from . import endpoints, errors, payloads

MINOR_VERSION = 75
PAGE_SIZE = 1000  # QBO's maximum MAXRESULTS (qbo-api-reference §0)


# Intuit meters reads and queries (not writes) per app and company (qbo-api-reference §15).
# Observers are called with the company id after each metered call that got an answer; the
# accounting app registers the one that counts them (this module stays free of the ORM).
_metered_call_observers: list[Callable[[str], None]] = []


def on_metered_call(observer: Callable[[str], None]) -> None:
    if observer not in _metered_call_observers:
        _metered_call_observers.append(observer)


def is_metered(method: str, url: str) -> bool:
    path = url.split("?", 1)[0].rstrip("/")
    return method.upper() == "GET" or path.endswith("/query") or path.endswith("/cdc")


def metered_call_answered(*, realm_id: str, method: str, url: str) -> None:
    if is_metered(method, url):
        for observer in _metered_call_observers:
            observer(str(realm_id))


class _PlannitQuickBooks(QuickBooks):
    access_token = ""
    timeout = 30.0

    def process_request(self, request_type, url, headers="", params="", data=""):
        headers = dict(headers or {})
        headers["Authorization"] = "Bearer " + self.access_token
        try:
            response = self.session.request(
                request_type, url, headers=headers, params=params, data=data, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise errors.from_request_exception(error) from None
        metered_call_answered(realm_id=self.company_id, method=request_type, url=url)
        problem = errors.from_api_response(response)
        if problem is not None:
            raise problem
        return response


def _api(*, access_token: str, realm_id: str) -> _PlannitQuickBooks:
    qb = _PlannitQuickBooks(company_id=realm_id, minorversion=MINOR_VERSION, use_decimal=True)
    base = endpoints.api_base_url()
    qb.api_url_v3 = base
    qb.sandbox_api_url_v3 = base
    qb.session = requests.Session()
    qb.access_token = access_token
    qb.timeout = float(settings.QBO_HTTP_TIMEOUT_SECONDS)
    return qb


def _query_all(qb: _PlannitQuickBooks, entity: str, where: str = "") -> list[dict]:
    rows: list[dict] = []
    start = 1
    while True:
        sql = (
            f"SELECT * FROM {entity}{' WHERE ' + where if where else ''} "
            f"STARTPOSITION {start} MAXRESULTS {PAGE_SIZE}"
        )
        result = qb.query(sql)
        page = (result.get("QueryResponse") or {}).get(entity) or []
        rows.extend(page)
        if len(page) < PAGE_SIZE:
            return rows
        start += PAGE_SIZE


def get_company_info(*, access_token: str, realm_id: str) -> payloads.CompanyInfo:
    qb = _api(access_token=access_token, realm_id=realm_id)
    result = qb.get_single_object("CompanyInfo", realm_id)
    # The home currency lives in Preferences, not CompanyInfo (qbo-api-reference §3.8).
    preferences = qb.get(f"{qb.api_url}/company/{realm_id}/preferences").get("Preferences") or {}
    home_currency = ((preferences.get("CurrencyPrefs") or {}).get("HomeCurrency") or {}).get(
        "value", ""
    )
    return payloads.company_info_from_qbo(
        result.get("CompanyInfo") or {}, realm_id=realm_id, home_currency=str(home_currency or "")
    )


def list_tax_codes(*, access_token: str, realm_id: str) -> list[payloads.TaxCodeRow]:
    qb = _api(access_token=access_token, realm_id=realm_id)
    return [payloads.tax_code_from_qbo(row) for row in _query_all(qb, "TaxCode")]


def list_items(*, access_token: str, realm_id: str) -> list[payloads.ItemRow]:
    qb = _api(access_token=access_token, realm_id=realm_id)
    return [payloads.item_from_qbo(row) for row in _query_all(qb, "Item")]


def list_accounts(*, access_token: str, realm_id: str) -> list[payloads.AccountRow]:
    qb = _api(access_token=access_token, realm_id=realm_id)
    return [payloads.account_from_qbo(row) for row in _query_all(qb, "Account")]


def get_tax_code(*, access_token: str, realm_id: str, qbo_id: str) -> payloads.TaxCodeRow:
    qb = _api(access_token=access_token, realm_id=realm_id)
    return payloads.tax_code_from_qbo(qb.get_single_object("TaxCode", qbo_id).get("TaxCode") or {})


def get_item(*, access_token: str, realm_id: str, qbo_id: str) -> payloads.ItemRow:
    qb = _api(access_token=access_token, realm_id=realm_id)
    return payloads.item_from_qbo(qb.get_single_object("Item", qbo_id).get("Item") or {})


def get_account(*, access_token: str, realm_id: str, qbo_id: str) -> payloads.AccountRow:
    qb = _api(access_token=access_token, realm_id=realm_id)
    return payloads.account_from_qbo(qb.get_single_object("Account", qbo_id).get("Account") or {})
