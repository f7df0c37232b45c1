"""The per-company request limiter shared by every worker, and the company pause after a 429.

QBO counts per company (realm) and app: 500 requests per minute, 10 at a time, 40 batch
requests per minute (qbo-api-reference §9). Celery's `rate_limit` is per worker and cannot do
this. With Redis (REDIS_URL), one Lua script keeps a sliding window of request start times and
a set of in-flight requests (each with an expiry, so a crashed worker frees its slot); the
Redis server's clock is the only clock. Without Redis (the embedded default: one machine),
the same state lives in a small file locked with flock, shared by the local processes.
"""

import fcntl
import json
import math
import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from accounting.qbo.errors import QboThrottled
from accounting.qbo.sales import LimiterBusy

from .outage import outage_left, outage_until_key, time_scale

PAUSE_SECONDS_DEFAULT = 60


def _limits() -> dict:
    return {
        "per_minute": int(getattr(settings, "QBO_LIMIT_REQUESTS_PER_MINUTE", 500)),
        "in_flight": int(getattr(settings, "QBO_LIMIT_IN_FLIGHT", 10)),
        "batch_per_minute": int(getattr(settings, "QBO_LIMIT_BATCH_PER_MINUTE", 40)),
        # The bench shortens QBO's minute (the emulator is told the same window).
        # A request counts in the window from its admission until its answer, and from its
        # answer on (release restamps it), so that a request that left late (a busy worker,
        # threads waiting between admission and sending) is never counted earlier than QBO
        # counted its arrival, nor dropped from the window while it is still on its way. The
        # margin covers the difference of clocks and transit.
        "window_ms": int(
            float(getattr(settings, "QBO_LIMIT_WINDOW_SECONDS", 60)) * 1000
            + int(getattr(settings, "QBO_LIMIT_SAFETY_MS", 300))
        ),
        "slot_ms": int(float(getattr(settings, "QBO_HTTP_TIMEOUT_SECONDS", 30)) * 1000) + 5000,
        "max_wait": float(getattr(settings, "QBO_LIMIT_MAX_WAIT_SECONDS", 2.0)),
        # The engine leaves this much of every window (at most a tenth) to the other callers
        # (the owner's pages, the imports, the reading of QuickBooks' changes): a backlog
        # never makes them wait.
        "reserved": int(getattr(settings, "QBO_LIMIT_RESERVED_REQUESTS", 10)),
        "others_max_wait": float(getattr(settings, "QBO_LIMIT_OTHERS_MAX_WAIT_SECONDS", 10.0)),
    }


# A request still in flight (its slot not freed, not expired) counts as sent now: it stays in
# the window however long it takes.
_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, per_minute, in_flight = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local slot_ms, token, is_batch, batch_limit = tonumber(ARGV[4]), ARGV[5], ARGV[6], tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
for _, flying in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  redis.call('ZADD', KEYS[1], 'XX', now, flying)
  redis.call('ZADD', KEYS[3], 'XX', now, flying)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= in_flight then return -1 end
if redis.call('ZCARD', KEYS[1]) >= per_minute then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
if is_batch == '1' and redis.call('ZCARD', KEYS[3]) >= batch_limit then
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, token)
redis.call('ZADD', KEYS[2], now + slot_ms, token)
if is_batch == '1' then redis.call('ZADD', KEYS[3], now, token) end
redis.call('PEXPIRE', KEYS[1], window * 2)
redis.call('PEXPIRE', KEYS[2], slot_ms * 2)
redis.call('PEXPIRE', KEYS[3], window * 2)
return 0
"""


# The answer came: the slot is free, and the request counts in the window (and the batch
# window) from now, a moment that is surely after QBO counted its arrival.
_RELEASE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
redis.call('ZADD', KEYS[3], 'XX', now, ARGV[1])
return 0
"""


class RedisLimiter:
    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)
        self.script = self.client.register_script(_LUA)
        self.release_script = self.client.register_script(_RELEASE_LUA)

    def _keys(self, realm_id: str) -> list[str]:
        return [
            f"qbo:limit:{realm_id}:window",
            f"qbo:limit:{realm_id}:inflight",
            f"qbo:limit:{realm_id}:batch",
        ]

    def try_acquire(self, realm_id: str, is_batch: bool, token: str, reserved: int = 0) -> float:
        """0 when admitted; else how long to wait (seconds). `reserved`: requests of the window
        this caller must leave to others."""
        limits = _limits()
        result = int(
            self.script(
                keys=self._keys(realm_id),
                args=[
                    limits["window_ms"],
                    max(1, limits["per_minute"] - reserved),
                    limits["in_flight"],
                    limits["slot_ms"],
                    token,
                    "1" if is_batch else "0",
                    limits["batch_per_minute"],
                ],
            )
        )
        if result == 0:
            return 0.0
        if result < 0:
            return 0.005
        return result / 1000

    def release(self, realm_id: str, token: str) -> None:
        self.release_script(keys=self._keys(realm_id), args=[token])

    def reset(self, realm_id: str) -> None:
        self.client.delete(*self._keys(realm_id))


class FileLimiter:
    """The same algorithm on a JSON file under an exclusive flock (one machine)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def _path(self, realm_id: str) -> Path:
        return self.directory / f"limiter-{realm_id}.json"

    def _update(self, realm_id: str, change: Callable[[dict, float], float]) -> float:
        path = self._path(realm_id)
        with open(path, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                text = handle.read()
                try:
                    state = json.loads(text) if text else {}
                except ValueError:
                    state = {}
                result = change(state, time.time() * 1000)
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(state))
                handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return result

    def try_acquire(self, realm_id: str, is_batch: bool, token: str, reserved: int = 0) -> float:
        limits = _limits()
        per_minute = max(1, limits["per_minute"] - reserved)

        def change(state: dict, now: float) -> float:
            since = now - limits["window_ms"]
            in_flight = {k: v for k, v in state.get("in_flight", {}).items() if v > now}
            window, batch = _stamps(state, "window"), _stamps(state, "batch")
            for token_in_flight in in_flight:
                for stamps in (window, batch):
                    if token_in_flight in stamps:
                        stamps[token_in_flight] = now
            window = {k: t for k, t in window.items() if t > since}
            batch = {k: t for k, t in batch.items() if t > since}
            state.update(window=window, batch=batch, in_flight=in_flight)
            if len(in_flight) >= limits["in_flight"]:
                return 5.0
            if len(window) >= per_minute:
                return max(1.0, min(window.values()) + limits["window_ms"] - now)
            if is_batch and len(batch) >= limits["batch_per_minute"]:
                return max(1.0, min(batch.values()) + limits["window_ms"] - now)
            window[token] = now
            if is_batch:
                batch[token] = now
            in_flight[token] = now + limits["slot_ms"]
            return 0.0

        return self._update(realm_id, change) / 1000

    def release(self, realm_id: str, token: str) -> None:
        def change(state: dict, now: float) -> float:
            state.get("in_flight", {}).pop(token, None)
            for name in ("window", "batch"):
                stamps = _stamps(state, name)
                if token in stamps:
                    stamps[token] = now
                state[name] = stamps
            return 0.0

        self._update(realm_id, change)

    def reset(self, realm_id: str) -> None:
        self._path(realm_id).unlink(missing_ok=True)


def _stamps(state: dict, name: str) -> dict:
    """Request token -> time counted (a file written before tokens were kept: a list)."""
    stamps = state.get(name) or {}
    if isinstance(stamps, list):
        return {f"earlier-{n}": stamp for n, stamp in enumerate(stamps)}
    return stamps


_limiter = None


def get_limiter():
    global _limiter
    if _limiter is None:
        redis_url = getattr(settings, "REDIS_URL", "")
        if redis_url:
            _limiter = RedisLimiter(redis_url)
        else:
            _limiter = FileLimiter(Path(settings.VAR_DIR) / "qbo-limiter")
    return _limiter


def set_limiter(limiter) -> None:
    """For tests and the bench."""
    global _limiter
    _limiter = limiter


def admit(realm_id: str, is_batch: bool) -> Callable[[], None]:
    """The sync engine's admission: wait (briefly) for a slot, leaving the reserved part of
    the window to the other callers; returns the function that frees it. Raises LimiterBusy
    when the wait would be longer than QBO_LIMIT_MAX_WAIT_SECONDS: the job is rescheduled
    instead of holding a worker."""
    limits = _limits()
    reserved = min(limits["reserved"], limits["per_minute"] // 10)
    return _admit(realm_id, is_batch, reserved=reserved, max_wait=limits["max_wait"])


def admit_others(realm_id: str, is_batch: bool) -> Callable[[], None]:
    """Every other call to QuickBooks (client.py's default: imports, the reading of changes,
    the books check, the owner's pages): QBO counts them in the same window, so they take
    their slot here too, with the whole window (the engine leaves them its reserve) and a
    longer wait. Past it, QboThrottled: the caller's usual "too many requests, try again"."""
    try:
        return _admit(realm_id, is_batch, reserved=0, max_wait=_limits()["others_max_wait"])
    except LimiterBusy as busy:
        raise QboThrottled(
            "Plannit's own limit for this QuickBooks company is reached for now",
            status=None,
            retry_after=math.ceil(busy.wait_seconds),
        ) from None


def _admit(realm_id: str, is_batch: bool, *, reserved: int, max_wait: float):
    limiter = get_limiter()
    token = uuid.uuid4().hex
    deadline = time.monotonic() + max_wait
    while True:
        # A call that was on its way (past its job's checks, or waiting here for a slot) when
        # the company was paused stays unsent: after a 429, nothing until the pause ends.
        paused = _paused_for(realm_id)
        if paused > 0:
            raise LimiterBusy(paused)
        wait = limiter.try_acquire(realm_id, is_batch, token, reserved)
        if wait == 0:
            return lambda: limiter.release(realm_id, token)
        if time.monotonic() + wait > deadline:
            raise LimiterBusy(wait)
        time.sleep(wait + random.uniform(0, 0.003))


# --- The company pause after a 429 -----------------------------------------------------------


def _pause_key(realm_id: str) -> str:
    return f"qbo:paused:{realm_id}"


def pause_realm(realm_id: str, *, seconds: float | None = None) -> float:
    """Every worker stops calling this company until the returned time (epoch seconds):
    `seconds` (QuickBooks' Retry-After) or a minute (shortened by QBO_SYNC_TIME_SCALE)."""
    if seconds is None:
        seconds = PAUSE_SECONDS_DEFAULT * time_scale()
    else:
        seconds = max(1.0, float(seconds))
    until = time.time() + seconds
    cache.set(_pause_key(realm_id), until, timeout=int(seconds) + 5)
    return until


def pause_after_throttle(realm_id: str, retry_after: int | None) -> None:
    """Any caller's 429 (client.py's observer): the company pauses for every caller."""
    pause_realm(realm_id, seconds=retry_after)


def realm_paused_until(realm_id: str) -> float | None:
    until = cache.get(_pause_key(realm_id))
    if until is None or until <= time.time():
        return None
    return float(until)


def _paused_for(realm_id: str) -> float:
    """Seconds before this company may be called again: its 429 pause, its outage pause
    (one round trip for both: this runs before every call)."""
    throttle_key, outage_key = _pause_key(realm_id), outage_until_key(realm_id)
    values = cache.get_many([throttle_key, outage_key])
    throttled = float(values.get(throttle_key) or 0) - time.time()
    return max(0.0, throttled, outage_left(values.get(outage_key)))


def unpause_realm(realm_id: str) -> None:
    cache.delete(_pause_key(realm_id))
