"""QuickBooks' limits, a forced 429 and an outage, with the whole stack: bench/limits.py at
reduced sizes, its invariants asserted (its speed figures are the bench's business).

Sizes (the bench's defaults are the issue's):
- big-and-small: 1 company with 200 queued invoices and 4 with 20 (backlogs go by batch
  calls, as the product sends them), QuickBooks' minute shortened to 3 s (x 0.05) and its limit
  to 8 calls per window (which binds), each call answered in 2 s (several in flight), one worker process of 8 threads;
- forced-429: 3 companies, an invoice each every 0.5 s; 429 forced on one for 3 s; the pause
  after a 429 is 6 s (x 0.1);
- outage: 1 company, an invoice every 0.1 s; the 10-minute outage lasts 30 s (x 0.05:
  the backoff and the outage pauses shortened alike).
"""

import pytest

from .conftest_limits import run_bench

pytestmark = pytest.mark.reliability

TIMEOUT = 240


def test_big_and_small_companies_stay_within_every_limit():
    result = run_bench(
        "big-and-small",
        {
            "BENCH_LIMITS_TIME_SCALE": "0.05",
            "BENCH_LIMITS_BIG": "200",
            "BENCH_LIMITS_SMALL_COMPANIES": "4",
            "BENCH_LIMITS_SMALL": "20",
            "BENCH_LIMITS_PER_WINDOW": "8",
            "BENCH_LIMITS_BATCH_THRESHOLD": "100000",
            "BENCH_LATENCY_MS": "2000",
            "BENCH_LIMITS_WORKERS": "1",
        },
        timeout=TIMEOUT,
    )["big-and-small"]
    assert result["max_requests_per_window"] <= 8
    assert result["max_in_flight"] <= 10
    # The big company was held back by the window's limit (else it would not be tested): our
    # window is a second longer than QuickBooks' (the limiter's margin for transit times), so
    # QuickBooks' 3 s then see 6 to 8 of its calls.
    assert result["max_requests_per_window_big"] >= 6
    assert result["throttled_by_us"] == 0
    assert (result["lost"], result["duplicates"], result["jobs_not_done"]) == (0, 0, 0)


def test_forced_429_silences_that_company_for_its_pause_only():
    result = run_bench(
        "forced-429",
        {
            "BENCH_LIMITS_EVENT_SCALE": "0.1",
            "BENCH_LIMITS_COMPANIES_429": "3",
            "BENCH_LIMITS_STEP": "0.5",
            "BENCH_LIMITS_BASELINE": "4",
            "BENCH_LIMITS_FORCE": "3",
        },
        timeout=TIMEOUT,
    )["forced-429"]
    assert result["forced_429"] >= 1
    assert result["throttled_company_requests_in_pause"] == 0
    assert result["throttled_by_us"] == 0
    assert (result["lost"], result["duplicates"], result["jobs_not_done"]) == (0, 0, 0)


def test_outage_cuts_our_rate_to_a_tenth_and_every_job_is_sent_after():
    result = run_bench(
        "outage",
        {
            "BENCH_LIMITS_EVENT_SCALE": "0.05",
            "BENCH_LIMITS_COMPANIES_OUTAGE": "1",
            "BENCH_LIMITS_STEP": "0.1",
            "BENCH_LIMITS_NORMAL": "6",
            "BENCH_LIMITS_AFTER": "2",
        },
        timeout=TIMEOUT,
    )["outage"]
    assert result["normal_rate"] > 5
    assert result["outage_calls"] > 0  # it did probe
    assert result["rate_ratio"] <= 0.10
    assert result["throttled_by_us"] == 0
    assert (result["lost"], result["duplicates"], result["jobs_not_done"]) == (0, 0, 0)
