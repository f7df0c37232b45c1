"""Limits bench: QuickBooks' per-company limits, a forced 429 and an outage, against real Celery
workers, Redis, PostgreSQL and the QBO emulator as a process (150 ms per call).

    .venv/bin/python bench/limits.py [big-and-small] [forced-429] [outage]

One JSON object, one section per scenario run (all three by default):
- big-and-small: one company with BIG queued invoices and SMALL_COMPANIES with SMALL each, all
  issued at once (one transaction each, committed together). From the emulator's request log,
  per company: max_requests_per_window (sliding, over the emulator's window), max_in_flight
  (calls overlapping in time); throttled_by_us (429s the emulator answered that no fault
  forced); small_companies_done_seconds_max / _p50 (commit to a company's last job done; the
  issue asks for at most 120); big_drained_seconds;
- forced-429: COMPANIES_429 companies each issue an invoice every STEP seconds; after a
  baseline, the emulator answers 429 to every call of the first company for FORCE_SECONDS.
  throttled_company_requests_in_pause: that company's calls that started after the first 429
  was answered and within its pause (60 s, scaled; expected 0); others_lag_ms_p50/_max during
  the forced phase against the baseline's (job created to done);
- outage: COMPANIES_OUTAGE companies each issue an invoice every STEP seconds; after NORMAL
  seconds every call (API and token endpoint) is answered 503 for OUTAGE seconds, then
  QuickBooks is back and the invoices keep coming for AFTER seconds. normal_rate and
  outage_rate are calls per second reaching the emulator in each phase (the outage's whole
  length, its first failures included); rate_ratio = outage_rate / normal_rate (the issue
  asks for at most 0.10); recovered_seconds (QuickBooks back to every job done);
- each: jobs_not_done, lost, duplicates (extra QuickBooks invoices with the DocNumber of
  another), seconds.

The clock: TIME_SCALE shortens QuickBooks' minute (the emulator's window and our limiter's)
and our retry backoff, 429 pause and outage pauses alike (QBO_SYNC_TIME_SCALE); the outage
lasts 600 s x TIME_SCALE. The invoice streams are not sped up, so a shortened outage is a
harder test of the rate ratio (the first failures weigh more). `time_scale` is in the JSON.

Environment: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/plannit_limits, dropped and
recreated), BENCH_REDIS_URL (redis://127.0.0.1:6379/10, flushed), BENCH_LIMITS_TIME_SCALE (1
for big-and-small, whose point is the real minute; BENCH_LIMITS_EVENT_SCALE, 0.1, for the other
two), BENCH_LIMITS_BIG (5000), BENCH_LIMITS_SMALL_COMPANIES (9), BENCH_LIMITS_SMALL (50),
BENCH_LIMITS_PER_WINDOW (500: ours and the emulator's), BENCH_LIMITS_BATCH_PER_WINDOW (40),
BENCH_LIMITS_BATCH_THRESHOLD (10; a large one sends every invoice on its own),
BENCH_LIMITS_COMPANIES_429 (5), BENCH_LIMITS_COMPANIES_OUTAGE (5), BENCH_LIMITS_STEP (0.25),
BENCH_LIMITS_BASELINE (20), BENCH_LIMITS_FORCE (30 x scale), BENCH_LIMITS_NORMAL (30),
BENCH_LIMITS_AFTER (10), BENCH_LIMITS_WORKERS (2 processes) x BENCH_LIMITS_CONCURRENCY (8
threads), BENCH_LATENCY_MS (150), BENCH_TIME_LIMIT_SECONDS (1800: a hard stop; every process
is stopped and what was measured so far is printed with "error").
"""

import json
import os
import statistics
import sys
import threading
import time

from _companies import companies_set_up, invoice_draft, lost_and_duplicates
from _harness import HardStop, Stack, make_log, set_hard_stop
from _limits_log import (
    calls,
    forced_fired,
    in_pause_after_first_429,
    max_in_flight,
    max_per_window,
    rate,
)
from fleet import drafts_by_company, issue_at_once, job_ids_for, percentile, start_workers

SCENARIOS = ("big-and-small", "forced-429", "outage")
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plannit_limits"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")


def setting(name: str, default: str, kind=float):
    return kind(os.environ.get(f"BENCH_LIMITS_{name}", default))


BIG_SCALE = setting("TIME_SCALE", "1", float)
EVENT_SCALE = setting("EVENT_SCALE", "0.1", float)
BIG = setting("BIG", "5000", int)
SMALL_COMPANIES = setting("SMALL_COMPANIES", "9", int)
SMALL = setting("SMALL", "50", int)
PER_WINDOW = setting("PER_WINDOW", "500", int)
BATCH_PER_WINDOW = setting("BATCH_PER_WINDOW", "40", int)
BATCH_THRESHOLD = setting("BATCH_THRESHOLD", "10", int)
COMPANIES_429 = setting("COMPANIES_429", "5", int)
COMPANIES_OUTAGE = setting("COMPANIES_OUTAGE", "5", int)
STEP = setting("STEP", "0.25", float)
BASELINE = setting("BASELINE", "20", float)
FORCE = setting("FORCE", str(30 * EVENT_SCALE), float)
NORMAL = setting("NORMAL", "30", float)
AFTER = setting("AFTER", "10", float)
WORKERS = setting("WORKERS", "2", int)
CONCURRENCY = setting("CONCURRENCY", "8", int)
LATENCY_MS = int(os.environ.get("BENCH_LATENCY_MS", "150"))
TIME_LIMIT_SECONDS = float(os.environ.get("BENCH_TIME_LIMIT_SECONDS", "1800"))
QBO_MINUTE = 60.0
PAUSE_AFTER_429 = 60.0
OUTAGE_SECONDS = 600.0

log = make_log("limits")


def main(argv: list[str]) -> int:
    started = time.monotonic()
    chosen = [name for name in argv if name in SCENARIOS] or list(SCENARIOS)
    unknown = [name for name in argv if name not in SCENARIOS]
    if unknown:
        print(json.dumps({"error": f"unknown scenarios: {', '.join(unknown)}"}))
        return 2
    result: dict = {"latency_ms_injected": LATENCY_MS, "workers": [WORKERS, CONCURRENCY]}
    set_hard_stop(TIME_LIMIT_SECONDS, log)
    try:
        for name in chosen:
            section: dict = {}
            result[name] = section
            RUNS[name](section)
    except (HardStop, Exception) as error:  # print what was measured
        result["error"] = f"{type(error).__name__}: {error}"
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result))
    return 1 if "error" in result else 0


# --- the stack of one scenario --------------------------------------------------------------


def stack_for(scale: float) -> Stack:
    return Stack(
        database_url=DATABASE_URL,
        redis_url=REDIS_URL,
        window_seconds=QBO_MINUTE * scale,
        extra_env={
            "QBO_SYNC_TIME_SCALE": str(scale),
            "QBO_LIMIT_REQUESTS_PER_MINUTE": str(PER_WINDOW),
            "QBO_LIMIT_BATCH_PER_MINUTE": str(BATCH_PER_WINDOW),
            "QBO_SYNC_BATCH_THRESHOLD": str(BATCH_THRESHOLD),
        },
    )


def start(stack: Stack, section: dict, scale: float) -> None:
    """Emulator (its limits as ours), database, beat; the scale and limits in the JSON."""
    stack.start_emulator()
    stack.emulator(
        "PUT",
        "/_emulator/limits",
        {"requests_per_window": PER_WINDOW, "batch_per_window": BATCH_PER_WINDOW},
    )
    stack.emulator("PUT", "/_emulator/settings", {"request_log_size": 500_000})
    add_latency(stack)
    close_connections()
    stack.set_up_django()
    stack.start_beat()
    section.update(
        time_scale=scale,
        window_seconds=QBO_MINUTE * scale,
        requests_per_window_limit=PER_WINDOW,
        in_flight_limit=10,
    )


def add_latency(stack: Stack) -> None:
    stack.emulator("POST", "/_emulator/faults", {"action": "latency", "latency_ms": LATENCY_MS})


def close_connections() -> None:
    """The previous scenario's database is about to be dropped: let go of it."""
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


def set_faults(stack: Stack, first: dict | None) -> None:
    """Rules are tried in order: `first` (if any), then the usual latency for the rest."""
    stack.emulator("DELETE", "/_emulator/faults")
    if first is not None:
        stack.emulator("POST", "/_emulator/faults", first)
    add_latency(stack)


def finish(stack: Stack, section: dict, invoice_ids: list[int], forced: int = 0) -> list[dict]:
    entries = stack.requests_log()
    section["throttled_by_us"] = sum(1 for e in entries if e.get("status") == 429) - forced
    section["calls"] = len(calls(entries))
    section.update(lost_and_duplicates(stack, invoice_ids))
    return entries


def done_seconds(job_ids: list[int], since: float) -> float:
    from django.db.models import Max

    from accounting.sync.models import SyncJob

    last = SyncJob.objects.filter(pk__in=job_ids).aggregate(last=Max("done_at"))["last"]
    return round(last.timestamp() - since, 1)


def wait_until_done(job_ids: list[int], *, poll: float = 0.2) -> float:
    from accounting.sync.models import SyncJob, SyncStatus

    while SyncJob.objects.filter(pk__in=job_ids).exclude(status=SyncStatus.DONE).exists():
        time.sleep(poll)
    return time.time()


def lags_ms(job_ids: list[int]) -> list[float]:
    """Job created (in the issuing transaction) to done, per job."""
    from accounting.sync.models import SyncJob

    rows = SyncJob.objects.filter(pk__in=job_ids).values_list("created_at", "done_at")
    return [(done - created).total_seconds() * 1000 for created, done in rows if done]


def lag_figures(prefix: str, values: list[float]) -> dict:
    if not values:
        return {f"{prefix}_p50": None, f"{prefix}_max": None}
    return {
        f"{prefix}_p50": round(statistics.median(values), 1),
        f"{prefix}_max": round(max(values), 1),
    }


def streams(companies: list[dict], seconds: float, first: int, marks: dict) -> None:
    """Each company issues an invoice every STEP seconds for `seconds` (its own thread), the
    companies staggered; `marks[pk] = (company index, epoch seconds issued)`."""
    from django.db import connection

    from invoicing.services import invoice_issue

    count = int(seconds / STEP)
    begin = time.monotonic()

    def run(index: int) -> None:
        company = companies[index]
        try:
            for k in range(count):
                wait = begin + (k + index / len(companies)) * STEP - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                draft = invoice_draft(company["business"], company["contact"], first + k)
                invoice_issue(invoice=draft)
                marks[draft.pk] = (index, time.time())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(len(companies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- the scenarios ---------------------------------------------------------------------------


def big_and_small(section: dict) -> None:
    with stack_for(BIG_SCALE) as stack:
        start(stack, section, BIG_SCALE)
        big = companies_set_up(stack, 1, prefix="Gros volume", log=log)
        small = companies_set_up(stack, SMALL_COMPANIES, prefix="Petite", log=log)
        log(f"writing {BIG} + {SMALL_COMPANIES} x {SMALL} drafts")
        big_drafts = drafts_by_company(big, BIG)
        small_drafts = drafts_by_company(small, SMALL)
        start_workers(stack, WORKERS, "limits", CONCURRENCY)
        log("issuing them all, committed at once")
        committed = issue_at_once(big_drafts + small_drafts)
        big_jobs = job_ids_for([d.pk for d in big_drafts[0]])
        small_jobs = [job_ids_for([d.pk for d in drafts]) for drafts in small_drafts]
        wait_until_done([pk for jobs in small_jobs for pk in jobs])
        small_done = [done_seconds(jobs, committed) for jobs in small_jobs]
        log(f"small companies done within {max(small_done)} s; waiting for the big one")
        wait_until_done(big_jobs)
        section.update(
            big_invoices=len(big_jobs),
            small_companies=SMALL_COMPANIES,
            small_invoices_each=SMALL,
            small_companies_done_seconds_max=max(small_done),
            small_companies_done_seconds_p50=round(statistics.median(small_done), 1),
            big_drained_seconds=done_seconds(big_jobs, committed),
        )
        invoice_ids = [d.pk for drafts in big_drafts + small_drafts for d in drafts]
        entries = finish(stack, section, invoice_ids)
        window = QBO_MINUTE * BIG_SCALE
        realms = [c["realm_id"] for c in big + small]
        per_window = {realm: max_per_window(entries, realm, window) for realm in realms}
        in_flight = {realm: max_in_flight(entries, realm) for realm in realms}
        section.update(
            max_requests_per_window=max(per_window.values()),
            max_requests_per_window_big=per_window[big[0]["realm_id"]],
            max_in_flight=max(in_flight.values()),
            max_in_flight_big=in_flight[big[0]["realm_id"]],
            batch_calls=sum(1 for e in calls(entries) if e["path"].endswith("/batch")),
        )


def forced_429(section: dict) -> None:
    with stack_for(EVENT_SCALE) as stack:
        start(stack, section, EVENT_SCALE)
        companies = companies_set_up(stack, COMPANIES_429, prefix="Freinee", log=log)
        target = companies[0]["realm_id"]
        start_workers(stack, WORKERS, "limits", CONCURRENCY)
        baseline: dict = {}
        log(f"baseline: {COMPANIES_429} companies, an invoice each every {STEP} s")
        streams(companies, BASELINE, 1, baseline)
        wait_until_done(job_ids_for(list(baseline)))
        forced: dict = {}
        rule = {"action": "throttle", "realm_id": target, "path": "^/v3/"}
        log(f"the emulator answers 429 to the first company for {FORCE:.1f} s")
        stream = threading.Thread(
            target=streams, args=(companies, FORCE + PAUSE_AFTER_429 * EVENT_SCALE, 1000, forced)
        )
        stream.start()
        time.sleep(STEP * 2)
        set_faults(stack, rule)
        time.sleep(FORCE)
        fired = forced_fired(stack)
        set_faults(stack, None)
        stream.join()
        everything = list(baseline) + list(forced)
        wait_until_done(job_ids_for(everything))
        entries = finish(stack, section, everything, forced=fired)
        pause = PAUSE_AFTER_429 * EVENT_SCALE
        silent = in_pause_after_first_429(entries, target, pause)
        others = [pk for pk, (index, _at) in forced.items() if index != 0]
        others_base = [pk for pk, (index, _at) in baseline.items() if index != 0]
        section.update(
            companies=COMPANIES_429,
            forced_429=fired,
            pause_seconds=pause,
            throttled_company_requests_in_pause=silent["in_pause"],
            in_flight_at_first_429=silent["in_flight"],
            **lag_figures("others_lag_ms_baseline", lags_ms(job_ids_for(others_base))),
            **lag_figures("others_lag_ms_forced", lags_ms(job_ids_for(others))),
        )


def outage(section: dict) -> None:
    seconds = OUTAGE_SECONDS * EVENT_SCALE
    with stack_for(EVENT_SCALE) as stack:
        start(stack, section, EVENT_SCALE)
        companies = companies_set_up(stack, COMPANIES_OUTAGE, prefix="Panne", log=log)
        start_workers(stack, WORKERS, "limits", CONCURRENCY)
        marks: dict = {}
        stream = threading.Thread(
            target=streams, args=(companies, NORMAL + seconds + AFTER, 1, marks)
        )
        log(f"{COMPANIES_OUTAGE} companies, an invoice each every {STEP} s; outage {seconds} s")
        stream.start()
        time.sleep(NORMAL)
        down = time.time()
        set_faults(stack, {"action": "status", "status": 503})
        time.sleep(seconds)
        back = time.time()
        set_faults(stack, None)
        stream.join()
        jobs = job_ids_for(list(marks))
        done = wait_until_done(jobs)
        entries = finish(stack, section, list(marks))
        # The normal phase without its first seconds (workers warming up).
        normal_rate = rate(entries, down - NORMAL + min(5.0, NORMAL / 3), down)
        outage_rate = rate(entries, down, back)
        section.update(
            companies=COMPANIES_OUTAGE,
            outage_seconds=seconds,
            invoices=len(jobs),
            normal_rate=round(normal_rate, 2),
            outage_rate=round(outage_rate, 3),
            rate_ratio=round(outage_rate / normal_rate, 3) if normal_rate else None,
            outage_calls=sum(1 for e in calls(entries) if down <= e["start"] < back),
            recovered_seconds=round(done - back, 1),
            lag_ms_p99=round(percentile(lags_ms(jobs), 0.99), 1),
        )


RUNS = {"big-and-small": big_and_small, "forced-429": forced_429, "outage": outage}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
