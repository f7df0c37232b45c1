"""Intuit's metering of the Accounting API (reference §15): reads and queries ("CorePlus"
calls) are metered per app, writes ("Core" calls) are not. Counted per app, company and
calendar month (UTC); with ``metered_monthly_cap`` set, an app's reads answer 429 once its
month's metered calls reach the cap, until the month ends, while its writes still work."""

from __future__ import annotations

import datetime as dt
import threading

READ_RESOURCES = ("query", "cdc", "reports")


def is_metered(method: str, rest: str) -> bool:
    """A read or a query: GET of an entity, a PDF, CompanyInfo, Preferences, a report, CDC,
    and a query sent by GET or POST. Writes and batch calls are not metered (for a batch made
    only of queries Intuit's rule is unconfirmed: it is counted as a write here)."""
    head = rest.split("/")[0].lower()
    if head in READ_RESOURCES:
        return True
    if head == "batch":
        return False
    return method == "GET"


# (start, end, "YYYY-MM") of the last month asked about; replaced whole, so threads read a
# consistent triple.
_MONTH = (0.0, -1.0, "")


def month_of(ts: float) -> str:
    """The calendar month (UTC) of ``ts``; every call of a request asks it, so the last month's
    bounds are kept."""
    global _MONTH
    start, end, label = _MONTH
    if start <= ts < end:
        return label
    day = dt.datetime.fromtimestamp(ts, dt.timezone.utc)
    first = day.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    label = f"{first.year:04d}-{first.month:02d}"
    _MONTH = (first.timestamp(), following.timestamp(), label)
    return label


class Meter:
    def __init__(self, settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        # (client_id, realm_id, month) -> [metered, not metered]
        self.counts: dict[tuple[str, str, str], list[int]] = {}

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()

    def app_total(self, client_id: str, month: str) -> int:
        return sum(
            counts[0]
            for (client, _realm, period), counts in self.counts.items()
            if client == client_id and period == month
        )

    def cap_reached(self, client_id: str, now: float) -> bool:
        cap = self.settings.metered_monthly_cap
        if cap <= 0:
            return False
        with self.lock:
            return self.app_total(client_id, month_of(now)) >= cap

    def count(self, client_id: str, realm_id: str, metered: bool, now: float) -> None:
        with self.lock:
            row = self.counts.setdefault((client_id, realm_id, month_of(now)), [0, 0])
            row[0 if metered else 1] += 1

    def report(
        self, *, client_id: str | None = None, realm_id: str | None = None, month: str | None = None
    ) -> dict:
        cap = self.settings.metered_monthly_cap
        with self.lock:
            rows = [
                {
                    "client_id": client,
                    "realm_id": realm,
                    "month": period,
                    "metered": counts[0],
                    "not_metered": counts[1],
                }
                for (client, realm, period), counts in sorted(self.counts.items())
                if (client_id in (None, client))
                and (realm_id in (None, realm))
                and (month in (None, period))
            ]
            apps = sorted({(r["client_id"], r["month"]) for r in rows})
            totals = [
                {
                    "client_id": client,
                    "month": period,
                    "metered": self.app_total(client, period),
                    "cap": cap,
                    "cap_reached": cap > 0 and self.app_total(client, period) >= cap,
                }
                for client, period in apps
            ]
        return {"usage": rows, "apps": totals}
