"""The per-company limiter shared by every worker, and the pause after a 429."""

import os

import pytest
from django.test import override_settings

from accounting.qbo.sales import LimiterBusy
from accounting.sync import limiter


@pytest.fixture
def redis_limiter():
    url = os.environ.get("SYNC_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        candidate = limiter.RedisLimiter(url)
        candidate.client.ping()
    except Exception:  # noqa: BLE001
        candidate = None
    return candidate


def _backends(tmp_path, redis_limiter):
    backends = [limiter.FileLimiter(tmp_path)]
    if redis_limiter is not None:
        backends.append(redis_limiter)
    return backends


@override_settings(
    QBO_LIMIT_REQUESTS_PER_MINUTE=5, QBO_LIMIT_IN_FLIGHT=3, QBO_LIMIT_BATCH_PER_MINUTE=2
)
def test_window_and_in_flight_limits_are_shared(tmp_path, redis_limiter):
    for backend in _backends(tmp_path, redis_limiter):
        backend.reset("r1")
        # Three in flight at once, the fourth waits a moment (not a minute).
        assert [backend.try_acquire("r1", False, f"t{n}") for n in range(3)] == [0.0] * 3
        assert 0 < backend.try_acquire("r1", False, "t3") < 0.1
        backend.release("r1", "t0")
        assert backend.try_acquire("r1", True, "b1") == 0.0
        backend.release("r1", "t1")
        # 5 requests in the window: the sixth waits for the window to slide (about a minute).
        assert backend.try_acquire("r1", True, "b2") == 0.0
        backend.release("r1", "t2")
        backend.release("r1", "b1")
        backend.release("r1", "b2")
        assert backend.try_acquire("r1", False, "t5") > 50
        # Another company has its own budget.
        assert backend.try_acquire("r2", False, "x") == 0.0
        backend.reset("r1")
        backend.reset("r2")


@override_settings(
    QBO_LIMIT_REQUESTS_PER_MINUTE=500, QBO_LIMIT_IN_FLIGHT=10, QBO_LIMIT_BATCH_PER_MINUTE=1
)
def test_batch_calls_have_their_own_budget(tmp_path, redis_limiter):
    for backend in _backends(tmp_path, redis_limiter):
        backend.reset("r1")
        assert backend.try_acquire("r1", True, "b1") == 0.0
        assert backend.try_acquire("r1", True, "b2") > 50
        assert backend.try_acquire("r1", False, "s1") == 0.0
        backend.reset("r1")


@override_settings(QBO_LIMIT_REQUESTS_PER_MINUTE=1, QBO_LIMIT_MAX_WAIT_SECONDS=0.2)
def test_admit_gives_up_quickly_instead_of_holding_a_worker(tmp_path):
    limiter.set_limiter(limiter.FileLimiter(tmp_path))
    release = limiter.admit("r9", False)
    release()
    with pytest.raises(LimiterBusy) as busy:
        limiter.admit("r9", False)
    assert busy.value.wait_seconds > 50


def test_pause_is_shared_and_expires():
    assert limiter.realm_paused_until("r1") is None
    until = limiter.pause_realm("r1", seconds=30)
    assert limiter.realm_paused_until("r1") == until
    assert limiter.realm_paused_until("r2") is None
    limiter.unpause_realm("r1")
    assert limiter.realm_paused_until("r1") is None


def _counted_at(backend, realm_id: str, token: str) -> float:
    """When the backend counts `token`'s request in the window (epoch milliseconds)."""
    if isinstance(backend, limiter.FileLimiter):
        import json

        return json.loads(backend._path(realm_id).read_text())["window"][token]
    return backend.client.zscore(f"qbo:limit:{realm_id}:window", token)


def test_an_answered_request_counts_from_its_answer_not_its_admission(tmp_path, redis_limiter):
    # A request admitted, then sent late by a busy worker: QBO counts its arrival, later than
    # our admission. Counting it from the answer keeps our window behind QBO's, never ahead.
    import time

    for backend in _backends(tmp_path, redis_limiter):
        backend.reset("r1")
        assert backend.try_acquire("r1", True, "late") == 0.0
        admitted = _counted_at(backend, "r1", "late")
        time.sleep(0.05)
        answered = int(time.time() * 1000)  # Redis counts whole milliseconds
        backend.release("r1", "late")
        assert _counted_at(backend, "r1", "late") >= answered > admitted + 40
        if not isinstance(backend, limiter.FileLimiter):
            batch = backend.client.zscore("qbo:limit:r1:batch", "late")
            assert batch == _counted_at(backend, "r1", "late")
            assert backend.client.zscore("qbo:limit:r1:inflight", "late") is None
        # a release of an unknown token counts nothing new
        backend.release("r1", "never-admitted")
        assert _counted_at_all(backend, "r1") == ["late"]
        backend.reset("r1")


def _counted_at_all(backend, realm_id: str) -> list:
    if isinstance(backend, limiter.FileLimiter):
        import json

        return sorted(json.loads(backend._path(realm_id).read_text())["window"])
    return [t.decode() for t in backend.client.zrange(f"qbo:limit:{realm_id}:window", 0, -1)]


@override_settings(
    QBO_LIMIT_REQUESTS_PER_MINUTE=1,
    QBO_LIMIT_IN_FLIGHT=5,
    QBO_LIMIT_WINDOW_SECONDS=0.2,
    QBO_LIMIT_SAFETY_MS=0,
)
def test_a_request_still_on_its_way_stays_in_the_window(tmp_path, redis_limiter):
    # A request admitted, then held (a slow answer, a starved thread) past the window: it
    # may have reached QuickBooks only now, so it still counts until it is answered.
    import time

    for backend in _backends(tmp_path, redis_limiter):
        backend.reset("r1")
        assert backend.try_acquire("r1", False, "slow") == 0.0
        time.sleep(0.3)  # longer than the window; a loaded machine only makes it longer
        assert backend.try_acquire("r1", False, "next") > 0
        assert _counted_at_all(backend, "r1") == ["slow"]
        backend.reset("r1")
