"""A QuickBooks outage, as one company sees it: every worker stops calling, one job probes.

Per-job backoff alone is not enough when QuickBooks is down for minutes: every new job still
makes its first try at once and every young job its early retries, so the company would go on
sending several times its normal rate into the outage. So server errors and timeouts are also
counted per company (realm), shared by every worker through the cache:
- after OUTAGE_AFTER of them in a row the company is paused, 2 s the first time, doubling at
  each further failure, up to 5 minutes (`QBO_SYNC_TIME_SCALE` shortens them for a bench);
- failures of calls that were already on their way while the company was paused do not count
  (ten calls in flight failing together are one observation, not ten);
- when the pause ends, one job (the first to ask) probes; the others wait a few seconds; the
  first answer that is not a server error (success, a 4xx, a 429) ends the outage.

A job is not to blame for an outage: an attempt that fails while the company is paused does
not count towards the job's own limit (outcome.MAX_ATTEMPTS), so every job is still there to
be sent when QuickBooks is back.
"""

import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

OUTAGE_AFTER = 3
PAUSE_BASE_SECONDS = 2.0
PAUSE_CAP_SECONDS = 300.0
PROBE_WAIT_SECONDS = 5.0
# Without any traffic the count is forgotten after this long (a quiet company's old errors).
FORGET_AFTER_SECONDS = 3600


def time_scale() -> float:
    """Bench and test use only: shortens the backoff, the 429 pause and the outage pauses by
    this factor (1 everywhere else)."""
    return float(getattr(settings, "QBO_SYNC_TIME_SCALE", 1.0))


def _keys(realm_id: str) -> tuple[str, str, str]:
    return (
        f"qbo:outage:{realm_id}:failures",
        f"qbo:outage:{realm_id}:until",
        f"qbo:outage:{realm_id}:probe",
    )


def _probe_seconds() -> int:
    # A probe is one call: its prober's death frees the turn after the HTTP timeout.
    return int(float(getattr(settings, "QBO_HTTP_TIMEOUT_SECONDS", 30))) + 5


@dataclass(frozen=True)
class Gate:
    """What a job may do about the company's outage: `wait` seconds (0: go), and how many
    failures in a row it saw (non-zero: its answer, whatever it is, must be reported)."""

    wait: float
    failures: int


def outage_gate(realm_id: str, *, probe: bool = True) -> Gate:
    """Before a job calls the company. With `probe`, the first caller after a pause gets the
    probe's turn; without it (a call inside a job already let through), only the pause counts."""
    failures_key, until_key, probe_key = _keys(realm_id)
    values = cache.get_many([failures_key, until_key])
    failures = int(values.get(failures_key) or 0)
    if failures < OUTAGE_AFTER:
        return Gate(0.0, failures)
    left = float(values.get(until_key) or 0) - time.time()
    if left > 0:
        return Gate(left + random.uniform(0.1, 1.0) * time_scale(), failures)
    if not probe or cache.add(probe_key, 1, timeout=_probe_seconds()):
        return Gate(0.0, failures)
    return Gate(PROBE_WAIT_SECONDS * time_scale() * random.uniform(0.8, 1.2), failures)


def outage_until_key(realm_id: str) -> str:
    """The cache key of the end of the company's outage pause (epoch seconds)."""
    return _keys(realm_id)[1]


def outage_left(until) -> float:
    """Seconds left of a pause ending at `until` (the value under outage_until_key)."""
    return max(0.0, float(until) - time.time()) if until else 0.0


def outage_paused_for(realm_id: str) -> float:
    """Seconds the company's outage pause still lasts (0 when none)."""
    return outage_left(cache.get(outage_until_key(realm_id)))


def outage_failure(realm_id: str) -> float | None:
    """Count a server error or timeout of the company. Returns the seconds to wait when the
    company counts as down (its pause), None while it does not."""
    failures_key, until_key, probe_key = _keys(realm_id)
    now = time.time()
    until = float(cache.get(until_key) or 0)
    if until > now:
        return until - now  # a call sent before the pause began: already counted
    if cache.add(failures_key, 1, timeout=FORGET_AFTER_SECONDS):
        failures = 1
    else:
        try:
            failures = int(cache.incr(failures_key))
        except ValueError:  # expired between add and incr
            cache.set(failures_key, 1, timeout=FORGET_AFTER_SECONDS)
            failures = 1
        cache.touch(failures_key, FORGET_AFTER_SECONDS)
    if failures < OUTAGE_AFTER:
        return None
    pause = min(PAUSE_CAP_SECONDS, PAUSE_BASE_SECONDS * 2 ** (failures - OUTAGE_AFTER))
    pause *= time_scale()
    cache.set(until_key, now + pause, timeout=int(pause) + FORGET_AFTER_SECONDS)
    cache.delete(probe_key)
    return pause


def outage_end(realm_id: str) -> None:
    """QuickBooks answered the company: no outage (any more)."""
    cache.delete_many(list(_keys(realm_id)))
