"""What a job's handler works with (its context) and how it ends (Done, JobWait, JobFail)."""

from dataclasses import dataclass, field
from datetime import timedelta

from accounting.models import QboConnection
from accounting.qbo import errors
from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales import SalesApi

from ..models import SyncJob, SyncStatus
from .mapping import mapping_of

WAIT_RECHECK = timedelta(seconds=60)
RECONNECT_RECHECK = timedelta(minutes=5)
STALE_ROUNDS = 3


class JobWait(Exception):
    """Not now: run again after `delay` seconds (or sooner when what it waits for is done)."""

    def __init__(self, key: str, *, delay: float, status: str = SyncStatus.WAITING, **params):
        super().__init__(key)
        self.key, self.delay, self.status, self.params = key, delay, status, params


class JobFail(Exception):
    """QBO (or a missing choice) will refuse this again until someone fixes it."""

    def __init__(self, key: str, *, code: str = "", technical: str = "", **params):
        super().__init__(key)
        self.key, self.code, self.technical, self.params = key, code, technical, params


@dataclass
class Done:
    qbo_id: str = ""
    qbo_number: str = ""
    store: callable = None  # run inside the transaction that marks the job done
    warning_key: str = ""
    warning_params: dict = field(default_factory=dict)


@dataclass
class JobContext:
    job: SyncJob
    connection: QboConnection
    api: SalesApi
    _mapping: payloads.Mapping | None = None

    @property
    def business_id(self) -> int:
        return self.job.business_id

    @property
    def realm_id(self) -> str:
        return self.job.realm_id

    @property
    def was_tried_before(self) -> bool:
        # The counter is committed before each remote call: above 1, an earlier attempt may
        # have reached QBO (timeout, 5xx, crash before our commit).
        return self.job.attempts > 1 or self.job.lookup_first

    def rid(self, suffix: str = "") -> str:
        return f"{self.job.request_id}-{suffix}" if suffix else self.job.request_id

    def mapping(self) -> payloads.Mapping:
        if self._mapping is None:
            self._mapping = mapping_of(business_id=self.business_id, is_us=self.connection.is_us)
        return self._mapping


def void_with_fresh_token(context: JobContext, *, sync_token: str, void, get):
    """`void(sync_token, request_id)` in QBO; when QBO says the object changed since (a
    stale SyncToken), `get()` rereads it: already void is done, else void again with its new
    SyncToken, STALE_ROUNDS times at most. Returns QBO's answer (or the reread object)."""
    for round_number in range(STALE_ROUNDS):
        try:
            return void(sync_token, context.rid(f"v{round_number}" if round_number else ""))
        except errors.QboStaleObject:
            current = get()
            if current.is_voided:
                return current
            if round_number == STALE_ROUNDS - 1:
                raise
            sync_token = current.sync_token
    raise AssertionError("unreachable")
