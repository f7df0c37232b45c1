"""THE QuickBooks Online Accounting API client: one HTTP path for the sync engine, the imports,
the mappings and the connection checks. One function per remote operation here (reference
lists, company info), the sync engine's calls in sales.py, the imports' pages in imports.py:
all through `api()`, which builds python-quickbooks' client with a subclass (qbo-libraries.md
§2.12) whose every call:
- takes the base URL from settings and sends the current access token;
- goes through one keep-alive requests.Session per thread (no https-only check against the
  local emulator; a new TCP and TLS handshake per call would cost more than the call);
- has a timeout (QBO_HTTP_TIMEOUT_SECONDS);
- is admitted by the per-company limiter shared by every worker: the sync engine's own
  admission, or the default one for every other caller (QBO counts them all in one window);
  a 429, whoever got it, pauses the company for every caller;
- is recorded (time, duration, status, fault code, intuit_tid, request id) when the caller
  gives a Recorder, and counted when Intuit meters it (reads and queries, §15);
- is classified through errors.py before python-quickbooks sees the answer (its own 401
  exception would carry the gateway body, which can echo the token).
No ORM here.
"""

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import requests
from django.conf import settings
from django.utils import timezone
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


_local = threading.local()


def _session() -> requests.Session:
    # One keep-alive session per thread: a new TCP (and TLS) handshake per call would cost more
    # than the call itself against a nearby server.
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        # The environment (proxy variables, CA bundle) is read once here rather than by
        # requests on every call, and ~/.netrc never replaces our Authorization header.
        session.trust_env = False
        session.proxies.update(requests.utils.get_environ_proxies(endpoints.api_base_url()))
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
        _local.session = session
    return session


@dataclass
class CallRecord:
    started_at: datetime
    duration_ms: int
    method: str
    operation: str
    request_id: str = ""
    http_status: int | None = None
    fault_code: str = ""
    intuit_tid: str = ""
    error: errors.QboError | None = None


@dataclass
class Recorder:
    calls: list[CallRecord] = field(default_factory=list)

    def add(self, record: CallRecord) -> None:
        self.calls.append(record)


class LimiterBusy(Exception):
    """The company's request budget is used up for now: try the job again a bit later
    (nothing was sent)."""

    def __init__(self, wait_seconds: float):
        super().__init__(f"limiter busy for {wait_seconds:.2f}s")
        self.wait_seconds = wait_seconds


# admit(realm_id, is_batch) -> release callable; raises LimiterBusy (the sync engine's) or
# QboThrottled. QBO counts every call of the app in one window per company, so every call is
# admitted: by the engine's own admission, else by the default one the sync app registers.
Admit = Callable[[str, bool], Callable[[], None]]


def _no_limit(realm_id: str, is_batch: bool) -> Callable[[], None]:
    return lambda: None


_default_admit: list[Admit] = [_no_limit]
# Called with (company id, Retry-After seconds or None) after a 429, whoever the caller.
_throttled_observers: list[Callable[[str, int | None], None]] = []


def set_default_admit(admit: Admit) -> None:
    _default_admit[0] = admit


def on_throttled(observer: Callable[[str, int | None], None]) -> None:
    if observer not in _throttled_observers:
        _throttled_observers.append(observer)


class QboHttp(QuickBooks):
    """python-quickbooks' client with our HTTP path (see the module's docstring)."""

    access_token = ""
    timeout = 30.0
    recorder: Recorder | None = None
    admit: Admit | None = None
    operation_label = ""

    def process_request(self, request_type, url, headers="", params="", data=""):
        headers = dict(headers or {})
        headers["Authorization"] = "Bearer " + self.access_token
        params = params or {}
        is_batch = url.split("?", 1)[0].rstrip("/").endswith("/batch")
        release = (self.admit or _default_admit[0])(str(self.company_id), is_batch)
        clock = time.monotonic()
        record = CallRecord(
            started_at=timezone.now(),
            duration_ms=0,
            method=request_type,
            operation=self.operation_label or url.split("?", 1)[0].rsplit("/", 1)[-1],
            request_id=str(params.get("requestid", "")) if isinstance(params, dict) else "",
        )
        try:
            try:
                response = _session().request(
                    request_type,
                    url,
                    headers=headers,
                    params=params,
                    data=data,
                    timeout=self.timeout,
                )
            except requests.RequestException as error:
                problem = errors.from_request_exception(error)
                record.error = problem
                raise problem from None
            record.http_status = response.status_code
            record.intuit_tid = response.headers.get("intuit_tid", "")
            metered_call_answered(realm_id=self.company_id, method=request_type, url=url)
            problem = errors.from_api_response(response)
            if problem is not None:
                record.error = problem
                record.fault_code = problem.code
                if isinstance(problem, errors.QboThrottled):
                    for observer in _throttled_observers:
                        observer(str(self.company_id), problem.retry_after)
                raise problem
            return response
        finally:
            release()
            record.duration_ms = int((time.monotonic() - clock) * 1000)
            if self.recorder is not None:
                self.recorder.add(record)


def api(
    *,
    access_token: str,
    realm_id: str,
    recorder: Recorder | None = None,
    admit: Admit | None = None,
) -> QboHttp:
    qb = QboHttp(company_id=realm_id, minorversion=MINOR_VERSION, use_decimal=True)
    base = endpoints.api_base_url()
    qb.api_url_v3 = base
    qb.sandbox_api_url_v3 = base
    qb.session = None  # every call goes through _session()
    qb.access_token = access_token
    qb.timeout = float(settings.QBO_HTTP_TIMEOUT_SECONDS)
    qb.recorder = recorder
    qb.admit = admit
    return qb


def _query_all(qb: QboHttp, entity: str, where: str = "") -> list[dict]:
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
    qb = api(access_token=access_token, realm_id=realm_id)
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
    qb = api(access_token=access_token, realm_id=realm_id)
    return [payloads.tax_code_from_qbo(row) for row in _query_all(qb, "TaxCode")]


def list_items(*, access_token: str, realm_id: str) -> list[payloads.ItemRow]:
    qb = api(access_token=access_token, realm_id=realm_id)
    return [payloads.item_from_qbo(row) for row in _query_all(qb, "Item")]


def list_accounts(*, access_token: str, realm_id: str) -> list[payloads.AccountRow]:
    qb = api(access_token=access_token, realm_id=realm_id)
    return [payloads.account_from_qbo(row) for row in _query_all(qb, "Account")]


def get_tax_code(*, access_token: str, realm_id: str, qbo_id: str) -> payloads.TaxCodeRow:
    qb = api(access_token=access_token, realm_id=realm_id)
    return payloads.tax_code_from_qbo(qb.get_single_object("TaxCode", qbo_id).get("TaxCode") or {})


def get_item(*, access_token: str, realm_id: str, qbo_id: str) -> payloads.ItemRow:
    qb = api(access_token=access_token, realm_id=realm_id)
    return payloads.item_from_qbo(qb.get_single_object("Item", qbo_id).get("Item") or {})


def get_account(*, access_token: str, realm_id: str, qbo_id: str) -> payloads.AccountRow:
    qb = api(access_token=access_token, realm_id=realm_id)
    return payloads.account_from_qbo(qb.get_single_object("Account", qbo_id).get("Account") or {})
