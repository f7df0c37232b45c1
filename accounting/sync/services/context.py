"""What a job's handler works with (its context) and how it ends (Done, JobWait, JobFail)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import OuterRef, Subquery, Sum

from accounting.models import AccountingSettings, QboConnection, TaxGroupMapping
from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales import SalesApi
from invoicing.models import TaxGroup

from ..models import SyncJob, SyncStatus

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
            row = AccountingSettings.objects.filter(business_id=self.business_id).first()
            # The tax groups with their total rate and their QBO code if mapped, in one query.
            groups = list(
                TaxGroup.objects.filter(business_id=self.business_id)
                .annotate(
                    rate=Sum("components__rate"),
                    code=Subquery(
                        TaxGroupMapping.objects.filter(
                            business_id=self.business_id, tax_group_id=OuterRef("pk")
                        ).values("qbo_tax_code_id")[:1]
                    ),
                )
                .order_by()
                .values_list("pk", "rate", "code")
            )
            self._mapping = payloads.Mapping(
                is_us=self.connection.is_us,
                taxable_tax_code=getattr(row, "taxable_tax_code_id", "") or "",
                non_taxable_tax_code=getattr(row, "non_taxable_tax_code_id", "") or "",
                transaction_tax_code=getattr(row, "transaction_tax_code_id", "") or "",
                default_item=getattr(row, "default_item_id", "") or "",
                deposit_account=getattr(row, "deposit_account_id", "") or "",
                tax_group_codes={pk: code for pk, _rate, code in groups if code is not None},
                zero_rate_tax_groups=frozenset(pk for pk, rate, _code in groups if not rate),
            )
        return self._mapping
