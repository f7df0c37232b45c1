"""Fleet bench: many companies at once, real Celery workers, Redis, PostgreSQL and the QBO
emulator as a process answering every call 150 ms late (about what Intuit takes).

    .venv/bin/python bench/fleet.py [--quick]

Two phases, one JSON object:
- scaling: COMPANIES companies with INVOICES invoices each (below the batch threshold, so each
  invoice is its own create call, and far from any company's own QuickBooks limits) are
  issued in one transaction, so that every job is queued at its commit; the queue is drained
  with 1, 2 and 4 worker processes (WORKERS), each of the same pool and concurrency.
  throughput_by_workers is invoices per second from that commit to the last job done;
  scaling_4_over_1 divides the last by the first;
- fairness: FAIRNESS_COMPANIES of those companies each issue FAIRNESS_INVOICES invoices spread
  evenly over FAIRNESS_SECONDS, one company after the other, while one more company drains a
  backlog of BACKLOG invoices issued (in one transaction) just before; its own QuickBooks
  limits (500 requests, 10 in flight, 40 batch calls a minute) bind, ours and the emulator's
  alike. small_company_lag_ms_p99 is the 99th percentile, over the small companies' invoices,
  of commit to in-QuickBooks (the emulator's end of the create call, as in bench/sync.py);
  fairness_jain is Jain's index over the small companies' mean lags (1 = all equal);
- over both: throttled_by_us (429 answers), lost (invoices issued and absent from QuickBooks at
  the end), duplicates (extra QuickBooks invoices with the DocNumber of another), reads (read
  and query calls to QuickBooks, which Intuit meters), seconds (the whole run).

Workers: the threads pool, 2 threads per process for scaling and 8 for fairness by default.
The work is I/O-bound (a 150 ms HTTP call and a few SQL statements per invoice, waits that
release the GIL), so threads give many calls in flight per process for one interpreter;
prefork needs a process (and its memory and database connection) per call in flight, and
gevent/eventlet are not dependencies of the project (and need psycopg2 patched for green
sockets). Scaling measures whether processes add up, so one process must be bound by the
latency, not by its CPU, and so must four: 4 x 2 = 8 calls in flight ask for about 50
invoices/s, what two cores carry at a few tens of CPU ms per invoice (worker_cpu_ms_per_invoice
tells). With 4 threads, 4 x 4 = 16 in flight ask for 100 invoices/s: the 4-process run
is then bound by this machine's two cores and measures them, not the engine. On more cores,
raise BENCH_FLEET_CONCURRENCY. Fairness needs room: the small companies' 83 invoices/s at 150 ms are 13
calls in flight, the backlog company up to 10 more, so 4 x 8 = 32 threads. Every thread holds
one PostgreSQL connection: 32 leave room within the default 100 for others. All are options
(BENCH_FLEET_POOL, BENCH_FLEET_CONCURRENCY, BENCH_FAIRNESS_CONCURRENCY).

Environment (issue's sizes by default; --quick gives a smoke run of about two minutes):
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/plannit_bench_fleet, dropped
and recreated), BENCH_REDIS_URL (redis://127.0.0.1:6379/13, flushed), BENCH_FLEET_PHASES
(scaling,fairness: one of them runs it alone), BENCH_FLEET_POOL
(threads), BENCH_FLEET_CONCURRENCY (2), BENCH_FAIRNESS_CONCURRENCY (8), BENCH_FLEET_WORKERS (1,2,4), BENCH_FLEET_COMPANIES
(400), BENCH_FLEET_INVOICES (8), BENCH_FAIRNESS_COMPANIES (200), BENCH_FAIRNESS_INVOICES (25),
BENCH_FAIRNESS_SECONDS (60), BENCH_FAIRNESS_BACKLOG (3000), BENCH_FAIRNESS_WORKERS (the
largest of BENCH_FLEET_WORKERS), BENCH_FLEET_ISSUERS (4: threads of this process that write
and issue the invoices, so that it keeps to the schedule), BENCH_LATENCY_MS (150), BENCH_TIME_LIMIT_SECONDS (2700: a
hard stop, every process is stopped and what was measured so far is printed with "error").
"""

import json
import math
import os
import statistics
import sys
import time
from datetime import datetime

from _companies import companies_set_up, invoice_draft, invoices_in_quickbooks, lost_and_duplicates
from _harness import (
    HardStop,
    Stack,
    cpu_seconds,
    end_times,
    in_threads,
    make_log,
    set_hard_stop,
    wait_for_workers,
)

QUICK = "--quick" in sys.argv[1:]


def setting(name: str, full: str, quick: str) -> str:
    return os.environ.get(name, quick if QUICK else full)


DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plannit_bench_fleet"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
POOL = os.environ.get("BENCH_FLEET_POOL", "threads")
CONCURRENCY = int(os.environ.get("BENCH_FLEET_CONCURRENCY", "2"))
FAIRNESS_CONCURRENCY = int(os.environ.get("BENCH_FAIRNESS_CONCURRENCY", "8"))
WORKERS = [int(n) for n in os.environ.get("BENCH_FLEET_WORKERS", "1,2,4").split(",")]
COMPANIES = int(setting("BENCH_FLEET_COMPANIES", "400", "20"))
INVOICES = int(setting("BENCH_FLEET_INVOICES", "8", "4"))
FAIRNESS_COMPANIES = int(setting("BENCH_FAIRNESS_COMPANIES", "200", "10"))
FAIRNESS_INVOICES = int(setting("BENCH_FAIRNESS_INVOICES", "25", "5"))
FAIRNESS_SECONDS = float(setting("BENCH_FAIRNESS_SECONDS", "60", "10"))
BACKLOG = int(setting("BENCH_FAIRNESS_BACKLOG", "3000", "200"))
FAIRNESS_WORKERS = int(os.environ.get("BENCH_FAIRNESS_WORKERS", str(max(WORKERS))))
LATENCY_MS = int(os.environ.get("BENCH_LATENCY_MS", "150"))
ISSUERS = int(os.environ.get("BENCH_FLEET_ISSUERS", "4"))
PHASES = os.environ.get("BENCH_FLEET_PHASES", "scaling,fairness").split(",")
TIME_LIMIT_SECONDS = float(setting("BENCH_TIME_LIMIT_SECONDS", "2700", "600"))
# The request log must hold a whole phase: it is read, then cleared, at the end of each.
REQUEST_LOG_SIZE = 500_000

log = make_log("fleet")


def main() -> int:
    started = time.monotonic()
    result: dict = {
        "pool": POOL,
        "concurrency": CONCURRENCY,
        "fairness_concurrency": FAIRNESS_CONCURRENCY,
        "latency_ms_injected": LATENCY_MS,
        "quick": QUICK,
        "issuers": ISSUERS,
    }
    totals = {"throttled_by_us": 0, "reads": 0}
    set_hard_stop(TIME_LIMIT_SECONDS, log)
    try:
        with Stack(database_url=DATABASE_URL, redis_url=REDIS_URL) as stack:
            stack.start_emulator()
            stack.emulator("PUT", "/_emulator/settings", {"request_log_size": REQUEST_LOG_SIZE})
            stack.emulator(
                "POST", "/_emulator/faults", {"action": "latency", "latency_ms": LATENCY_MS}
            )
            stack.set_up_django()
            scaling_on = "scaling" in PHASES
            count = COMPANIES if scaling_on else FAIRNESS_COMPANIES
            log(f"setting up {count} companies and a backlog company")
            companies = companies_set_up(stack, count, prefix="Flotte", log=log)
            big = companies_set_up(stack, 1, prefix="Gros arriere", log=log)[0]
            stack.start_beat()
            issued: list[int] = []

            if scaling_on:
                scaling: dict[str, float] = {}
                cpu_ms: dict[str, float] = {}
                result["throughput_by_workers"] = scaling
                result["worker_cpu_ms_per_invoice"] = cpu_ms
                result["scaling_invoices"] = COMPANIES * INVOICES
                for workers in WORKERS:
                    rate, invoice_ids = scaling_drain(stack, companies, workers, totals, cpu_ms)
                    scaling[str(workers)] = rate
                    issued += invoice_ids
                first, last = scaling[str(WORKERS[0])], scaling[str(WORKERS[-1])]
                result[f"scaling_{WORKERS[-1]}_over_{WORKERS[0]}"] = round(last / first, 2)

            if "fairness" in PHASES:
                fairness, invoice_ids = fairness_run(
                    stack, companies[:FAIRNESS_COMPANIES], big, totals
                )
                issued += invoice_ids
                result.update(fairness)
            result.update(totals)
            result.update(lost_and_duplicates(stack, issued))
    except (HardStop, Exception) as error:  # print what was measured
        result["error"] = f"{type(error).__name__}: {error}"
        result.update(totals)
        result["seconds"] = round(time.monotonic() - started, 1)
        print(json.dumps(result))
        return 1
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result))
    return 0


def phase_log(stack: Stack, totals: dict) -> list[dict]:
    """The request log of the phase that just ended (then cleared), counted into totals."""
    entries = stack.requests_log()
    stack.emulator("DELETE", "/_emulator/requests")
    totals["throttled_by_us"] += sum(1 for entry in entries if entry.get("status") == 429)
    totals["reads"] += sum(1 for entry in entries if is_read(entry))
    return entries


def is_read(entry: dict) -> bool:
    """A call Intuit meters: a read or a query (writes, batch included, are free)."""
    if not entry["path"].startswith("/v3/"):
        return False
    return entry["method"] == "GET" or entry["path"].endswith("/query")


def start_workers(stack: Stack, count: int, label: str, concurrency: int) -> list:
    names = [f"{label}-{n}" for n in range(count)]
    processes = [
        stack.start_worker(
            concurrency=concurrency,
            pool=POOL,
            name=name,
            loglevel=os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING"),
            stderr_path=(
                f"{os.environ['BENCH_WORKER_LOG']}.{name}"
                if os.environ.get("BENCH_WORKER_LOG")
                else None
            ),
        )
        for name in names
    ]
    wait_for_workers(names, timeout=60)
    return processes


def issue_at_once(groups: list[list]) -> float:
    """Issue every draft, each group (whole companies: a business's numbering is locked until
    its transaction ends) in one transaction of its own thread, all committed together: every
    job is written, and then queued, at its commit. Returns the first commit's time (epoch
    seconds)."""
    import threading

    from django.db import transaction

    from invoicing.services import invoice_issue

    barrier = threading.Barrier(len(groups))
    committed: list[float] = []

    def issue(drafts: list) -> None:
        try:
            with transaction.atomic():
                # The first callback of the transaction: right after COMMIT, before the
                # callbacks that hand the jobs to the broker (part of what is measured).
                transaction.on_commit(lambda: committed.append(time.time()))
                for draft in drafts:
                    invoice_issue(invoice=draft)
                barrier.wait(timeout=3600)
        except BaseException:
            barrier.abort()
            raise

    in_threads(issue, groups)
    return min(committed)


def drafts_by_company(companies: list[dict], count: int, first: int = 0) -> list[list]:
    """`count` drafts for each company (written by ISSUERS threads), company by company."""

    def write(share: list[dict]) -> list[list]:
        return [
            [invoice_draft(c["business"], c["contact"], first + k) for k in range(count)]
            for c in share
        ]

    shares = [companies[n::ISSUERS] for n in range(ISSUERS)]
    written = in_threads(write, shares)
    by_company: list[list] = [[] for _ in companies]
    for n, share in enumerate(written):
        for m, drafts in enumerate(share):
            by_company[n + m * ISSUERS] = drafts
    return by_company


def job_ids_for(invoice_ids: list[int]) -> list[int]:
    from accounting.sync.models import SyncJob, SyncKind

    return list(
        SyncJob.objects.filter(kind=SyncKind.INVOICE, object_id__in=invoice_ids).values_list(
            "pk", flat=True
        )
    )


def wait_until_done(job_ids: list[int]) -> float:
    """Until every job is done; returns when that was seen (epoch seconds, 0.1 s polls)."""
    from accounting.sync.models import SyncJob, SyncStatus

    while True:
        left = SyncJob.objects.filter(pk__in=job_ids).exclude(status=SyncStatus.DONE).count()
        if not left:
            return time.time()
        time.sleep(0.1)


def scaling_drain(stack: Stack, companies: list[dict], workers: int, totals: dict, cpu_ms: dict):
    """One drain of COMPANIES x INVOICES invoices with `workers` worker processes."""
    log(f"scaling, {workers} worker(s): writing {COMPANIES * INVOICES} drafts")
    by_company = drafts_by_company(companies, INVOICES)
    # ISSUERS groups of whole companies; within a group, round-robin over its companies (no
    # company has two invoices in a row).
    groups = [
        [drafts[k] for k in range(INVOICES) for drafts in by_company[n::ISSUERS]]
        for n in range(ISSUERS)
    ]
    processes = start_workers(stack, workers, f"scale{workers}", CONCURRENCY)
    cpu_before = sum(cpu_seconds(process) for process in processes)
    log(f"scaling, {workers} worker(s): issuing them, committed at once")
    committed = issue_at_once(groups)
    invoice_ids = [draft.pk for group in groups for draft in group]
    job_ids = job_ids_for(invoice_ids)
    done = wait_until_done(job_ids)
    rate = round(len(job_ids) / (done - committed), 1)
    cpu = sum(cpu_seconds(process) for process in processes) - cpu_before
    cpu_ms[str(workers)] = round(cpu * 1000 / len(job_ids), 1)
    log(f"scaling, {workers} worker(s): {len(job_ids)} invoices in {done - committed:.1f} s")
    for process in processes:
        stack.stop(process, timeout=30)
    phase_log(stack, totals)
    return rate, invoice_ids


def fairness_run(
    stack: Stack, small: list[dict], big: dict, totals: dict
) -> tuple[dict, list[int]]:
    from django.db import transaction

    from accounting.sync.models import SyncJob, SyncKind
    from invoicing.services import invoice_issue

    count = len(small) * FAIRNESS_INVOICES
    log(f"fairness: writing {BACKLOG} backlog drafts and {count} small-company drafts")
    backlog = [
        draft
        for share in in_threads(
            lambda numbers: [invoice_draft(big["business"], big["contact"], n) for n in numbers],
            [range(n, BACKLOG, ISSUERS) for n in range(ISSUERS)],
        )
        for draft in share
    ]
    by_company = drafts_by_company(small, FAIRNESS_INVOICES, first=100)
    step = FAIRNESS_SECONDS / FAIRNESS_INVOICES
    # Company i issues its k-th invoice at (k + (i + 0.5) / n) x step: each company every
    # `step` seconds, the companies evenly staggered within each step. ISSUERS threads share
    # the companies.
    schedules = [
        sorted(
            (
                ((k + (i + 0.5) / len(small)) * step, i, by_company[i][k])
                for i in range(n, len(small), ISSUERS)
                for k in range(FAIRNESS_INVOICES)
            ),
            key=lambda entry: entry[0],
        )
        for n in range(ISSUERS)
    ]
    processes = start_workers(stack, FAIRNESS_WORKERS, "fair", FAIRNESS_CONCURRENCY)
    log(f"fairness: issuing the backlog of {BACKLOG} in one transaction")
    backlog_committed = issue_at_once([backlog])
    backlog_jobs = job_ids_for([draft.pk for draft in backlog])
    log(f"fairness: {count} invoices over {FAIRNESS_SECONDS:.0f} s")
    commits: dict[int, float] = {}
    company_of: dict[int, int] = {}
    start = time.monotonic()

    def issue(schedule: list) -> float:
        slip = 0.0
        for offset, i, draft in schedule:
            wait = start + offset - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            else:
                slip = max(slip, -wait)
            committed: list[float] = []
            with transaction.atomic():
                transaction.on_commit(lambda stamps=committed: stamps.append(time.time()))
                invoice_issue(invoice=draft)
            commits[draft.pk] = committed[0]
            company_of[draft.pk] = i
        return slip

    slip = max(in_threads(issue, schedules))
    issue_seconds = time.monotonic() - start
    small_jobs = job_ids_for(list(commits))
    small_done = wait_until_done(small_jobs)
    backlog_done = wait_until_done(backlog_jobs)
    log(f"fairness: backlog drained {backlog_done - backlog_committed:.1f} s after its commit")
    entries = phase_log(stack, totals)
    ends = end_times(entries)
    created_at = {}
    for company in small:
        for row in invoices_in_quickbooks(stack, company["realm_id"]):
            created_at[(company["realm_id"], row.get("DocNumber"))] = datetime.fromisoformat(
                row["MetaData"]["CreateTime"]
            ).timestamp()
    lags: list[float] = []
    by_company: dict[int, list[float]] = {}
    from_create_time = 0
    realm_of = {i: company["realm_id"] for i, company in enumerate(small)}
    numbers = dict(draft_numbers(list(commits)))
    for job in SyncJob.objects.filter(kind=SyncKind.INVOICE, pk__in=small_jobs):
        end = ends.get(job.request_id)
        if end is None:
            # Not a create of its own (e.g. sent in a batch): when QuickBooks recorded it.
            from_create_time += 1
            end = created_at[(realm_of[company_of[job.object_id]], numbers[job.object_id])]
        lag = (end - commits[job.object_id]) * 1000
        lags.append(lag)
        by_company.setdefault(company_of[job.object_id], []).append(lag)
    means = [statistics.fmean(values) for values in by_company.values()]
    jain = sum(means) ** 2 / (len(means) * sum(mean * mean for mean in means))
    for process in processes:
        stack.stop(process, timeout=30)
    result = {
        "small_company_lag_ms_p50": round(statistics.median(lags), 1),
        "small_company_lag_ms_p99": round(percentile(lags, 0.99), 1),
        "small_company_lag_ms_max": round(max(lags), 1),
        "fairness_jain": round(jain, 3),
        "small_companies": len(small),
        "small_invoices": len(lags),
        "small_lags_from_create_time": from_create_time,
        "small_issue_seconds": round(issue_seconds, 1),
        "small_issue_slip_ms_max": round(slip * 1000, 1),
        "small_drained_after_last_issue_s": round(small_done - max(commits.values()), 1),
        "backlog_invoices": len(backlog_jobs),
        "backlog_seconds": round(backlog_done - backlog_committed, 1),
        "backlog_batch_calls": sum(
            1
            for entry in entries
            if entry["realm_id"] == big["realm_id"]
            and entry["path"].endswith("/batch")
            and entry["status"] == 200
        ),
        "fairness_workers": FAIRNESS_WORKERS,
    }
    return result, [draft.pk for draft in backlog] + list(commits)


def draft_numbers(invoice_ids: list[int]) -> list[tuple[int, str]]:
    from invoicing.models import Invoice

    return list(Invoice.objects.filter(pk__in=invoice_ids).values_list("pk", "number"))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


if __name__ == "__main__":
    sys.exit(main())
