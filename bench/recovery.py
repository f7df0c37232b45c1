"""Recovery bench: SIGKILL a Celery worker while it holds JOBS jobs, start a replacement, and
time how long each job takes to be done after the kill.

    .venv/bin/python bench/recovery.py

JOBS companies issue one invoice each. The emulator (as a process) answers each of the first
JOBS invoice creates SLOW_CALL_SECONDS late (every other call 150 ms late), and the worker
runs JOBS at a time, so all of them are in flight in one worker at once. When every job is
running and has been for HOLD_SECONDS, the worker and its whole session get SIGKILL (no warm
shutdown, no acknowledgement: a machine that died). A replacement worker with the same options
starts at once; beat runs throughout (its sweeper is what hands back a job whose lease
lapsed). The slow calls still complete in QuickBooks after the kill: the replacement must
recognise them (requestid, look-up) instead of creating them twice.

Prints one JSON object: recovered_seconds_max (kill to the last job done; null if some job
was not done by the time limit), recovered_seconds_min, recovered (jobs done after the kill),
held_at_kill (jobs running when the worker died), duplicates (extra QuickBooks invoices with
the DocNumber of another), lost (invoices absent from QuickBooks at the end), seconds.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
plannit_bench_recovery, dropped and recreated), BENCH_REDIS_URL (redis://127.0.0.1:6379/12,
flushed), BENCH_RECOVERY_JOBS (10), BENCH_RECOVERY_POOL (threads; with prefork the kill takes
the pool's children too), BENCH_RECOVERY_SLOW_CALL_SECONDS (15), BENCH_RECOVERY_HOLD_SECONDS
(2), BENCH_LATENCY_MS (150), BENCH_TIME_LIMIT_SECONDS (900: a hard stop; every process is
stopped and what was measured so far is printed).
"""

import json
import os
import sys
import time

from _companies import companies_set_up, invoice_draft, lost_and_duplicates
from _harness import HardStop, Stack, make_log, set_hard_stop, wait_for_workers

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plannit_bench_recovery"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
JOBS = int(os.environ.get("BENCH_RECOVERY_JOBS", "10"))
POOL = os.environ.get("BENCH_RECOVERY_POOL", "threads")
SLOW_CALL_SECONDS = float(os.environ.get("BENCH_RECOVERY_SLOW_CALL_SECONDS", "15"))
HOLD_SECONDS = float(os.environ.get("BENCH_RECOVERY_HOLD_SECONDS", "2"))
LATENCY_MS = int(os.environ.get("BENCH_LATENCY_MS", "150"))
TIME_LIMIT_SECONDS = float(os.environ.get("BENCH_TIME_LIMIT_SECONDS", "900"))

log = make_log("recovery")


def main() -> int:
    started = time.monotonic()
    result: dict = {"jobs": JOBS, "pool": POOL, "slow_call_seconds": SLOW_CALL_SECONDS}
    done_at: dict[int, float] = {}
    killed_at = None
    set_hard_stop(TIME_LIMIT_SECONDS, log)
    try:
        with Stack(
            database_url=DATABASE_URL,
            redis_url=REDIS_URL,
            # Longer than a slow call: the killed worker's calls must not time out first.
            http_timeout_seconds=SLOW_CALL_SECONDS + 15,
        ) as stack:
            stack.start_emulator()
            # Rules are tried in order: the slow one fires JOBS times, then the usual latency.
            stack.emulator(
                "POST",
                "/_emulator/faults",
                {
                    "action": "latency",
                    "method": "POST",
                    "entity": "invoice",
                    "latency_ms": int(SLOW_CALL_SECONDS * 1000),
                    "times": JOBS,
                },
            )
            stack.emulator(
                "POST", "/_emulator/faults", {"action": "latency", "latency_ms": LATENCY_MS}
            )
            stack.set_up_django()
            companies = companies_set_up(stack, JOBS, prefix="Reprise", log=log)
            drafts = [invoice_draft(c["business"], c["contact"], 1) for c in companies]
            stack.start_beat()
            worker = start_worker(stack, "doomed")
            job_ids = issue(drafts)
            held = wait_until_held(job_ids)
            time.sleep(HOLD_SECONDS)
            log(f"SIGKILL the worker holding {held} jobs")
            killed_at = time.time()
            stack.kill(worker)
            result["held_at_kill"] = held
            start_worker(stack, "replacement")
            log("replacement worker up; waiting for every job to be done")
            wait_until_done(job_ids, killed_at, done_at)
            result.update(lost_and_duplicates(stack, [draft.pk for draft in drafts]))
    except (HardStop, Exception) as error:  # print what was measured
        result["error"] = f"{type(error).__name__}: {error}"
        result.update(recovery_figures(done_at, killed_at))
        result["seconds"] = round(time.monotonic() - started, 1)
        print(json.dumps(result))
        return 1
    result.update(recovery_figures(done_at, killed_at))
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result))
    return 0


def start_worker(stack: Stack, name: str):
    worker = stack.start_worker(
        concurrency=JOBS,
        pool=POOL,
        name=name,
        loglevel=os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING"),
        stderr_path=(
            f"{os.environ['BENCH_WORKER_LOG']}.{name}"
            if os.environ.get("BENCH_WORKER_LOG")
            else None
        ),
    )
    wait_for_workers([name], timeout=60)
    return worker


def issue(drafts: list) -> list[int]:
    from accounting.sync.models import SyncJob, SyncKind
    from invoicing.services import invoice_issue

    for draft in drafts:
        invoice_issue(invoice=draft)
    return list(
        SyncJob.objects.filter(
            kind=SyncKind.INVOICE, object_id__in=[draft.pk for draft in drafts]
        ).values_list("pk", flat=True)
    )


def wait_until_held(job_ids: list[int], *, timeout: float = 60) -> int:
    """Until every job is running (leased by the worker, its call on the way)."""
    from accounting.sync.models import SyncJob, SyncStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = SyncJob.objects.filter(pk__in=job_ids, status=SyncStatus.RUNNING).count()
        if running == len(job_ids):
            return running
        time.sleep(0.05)
    raise RuntimeError(f"only {running} of {len(job_ids)} jobs were running at once")


def wait_until_done(job_ids: list[int], killed_at: float, done_at: dict[int, float]) -> None:
    """Poll (0.2 s) and note when each job is first seen done, in seconds after the kill."""
    from accounting.sync.models import SyncJob, SyncStatus

    last_report = time.monotonic()
    while len(done_at) < len(job_ids):
        for job_id in SyncJob.objects.filter(pk__in=job_ids, status=SyncStatus.DONE).values_list(
            "pk", flat=True
        ):
            done_at.setdefault(job_id, time.time() - killed_at)
        if time.monotonic() - last_report > 60:
            log(f"{len(done_at)} of {len(job_ids)} done, {time.time() - killed_at:.0f} s in")
            last_report = time.monotonic()
        time.sleep(0.2)


def recovery_figures(done_at: dict[int, float], killed_at: float | None) -> dict:
    if killed_at is None:
        return {"recovered": 0}
    seconds = sorted(done_at.values())
    complete = len(seconds) == JOBS
    return {
        "recovered": len(seconds),
        "recovered_seconds_min": round(seconds[0], 1) if seconds else None,
        "recovered_seconds_max": round(seconds[-1], 1) if complete else None,
    }


if __name__ == "__main__":
    sys.exit(main())
