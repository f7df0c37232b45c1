"""Chaos bench: invoices (with edits and voids) and payments (some voided) over several
companies, pushed by real Celery workers through Redis and PostgreSQL while QuickBooks (the
emulator, as a process) misbehaves; then Plannit's books against QuickBooks'.

    .venv/bin/python bench/chaos.py --size ci      # 200 invoices, 100 payments, 2 companies
    .venv/bin/python bench/chaos.py --size soak    # 2,000 invoices, 1,000 payments, 5 companies

While the businesses work (WORK_SECONDS), every /v3 request of the emulator may fail: 10 %
HTTP 500 before the write, 10 % HTTP 500 after the write is committed, 10 % 429, 5 % the
connection dropped after the commit, 3 % a latency spike (LATENCY_SPIKE_MS); every access
token stops working after 200 requests (401, as an expired one; each refresh rotates the
refresh token). A worker is killed with SIGKILL every KILL_EVERY_SECONDS (alternately, and
replaced at once); the bench's own redis-server is killed and started again empty once, at
the middle. Then the faults and the kills stop (tokens still expire), and every job must be
done within SETTLE_DEADLINE_SECONDS. The whole run is made twice: with the emulator's
requestid replay, and with it switched off (requestid_mode "ignore": only the engine's own
look-ups stand between a retry and a duplicate). Each run is a process of its own (its own
database, Redis server, emulator and workers).

After each run every log line captured (workers', beat's, the emulator's) and a dump of the
database (pg_dump) are searched for every access token, refresh token and authorization code
the emulator issued and for the app's client secret.

Prints one JSON object: invoices_expected, invoices_in_qbo, payments_expected,
payments_in_qbo, duplicates, lost, cent_mismatches (invoice or payment amounts, taxes,
balances, per-company totals), wrong_invoice (payments on another invoice), unfinished_jobs,
secret_hits, settle_seconds (the slowest run: faults stopped -> every job done),
settle_deadline_seconds, seconds; and `runs` with each run's figures (kills, Redis restarts,
faults fired, requests by status).

Environment: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/plannit_chaos; each run
uses this name + "_replay" / "_ignore", dropped and recreated), BENCH_CHAOS_INVOICES,
BENCH_CHAOS_PAYMENTS, BENCH_CHAOS_COMPANIES (override the size), BENCH_CHAOS_WORK_SECONDS
(ci 40, soak 240), BENCH_CHAOS_KILL_EVERY_SECONDS (10), BENCH_CHAOS_SETTLE_DEADLINE_SECONDS
(120), BENCH_CHAOS_WORKERS (2), BENCH_CHAOS_POOL (threads), BENCH_CHAOS_CONCURRENCY (4),
BENCH_CHAOS_MINUTE_SECONDS (QBO's minute, shortened: 3), BENCH_CHAOS_MODES
("replay,ignore"), BENCH_CHAOS_LOG_DIR (keep the logs there; else a temporary directory,
removed), BENCH_CHAOS_DROP_DATABASE (set: each run drops its database at the end),
BENCH_TIME_LIMIT_SECONDS (hard stop of the whole bench: ci 900, soak 1500).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from _books import CHECKED

SIZES = {"ci": (200, 100, 2, 40), "soak": (2000, 1000, 5, 240)}
LIMITS = {"ci": 900, "soak": 1500}
MODES = ("replay", "ignore")
SUMMED = CHECKED + ("unfinished_jobs", "secret_hits")


def sizes(size: str) -> dict:
    invoices, payments, companies, work = SIZES[size]
    env = os.environ.get
    return {
        "invoices": int(env("BENCH_CHAOS_INVOICES", invoices)),
        "payments": int(env("BENCH_CHAOS_PAYMENTS", payments)),
        "companies": int(env("BENCH_CHAOS_COMPANIES", companies)),
        "work_seconds": float(env("BENCH_CHAOS_WORK_SECONDS", work)),
        "settle_deadline_seconds": float(env("BENCH_CHAOS_SETTLE_DEADLINE_SECONDS", "120")),
    }


def combine(runs: dict, started: float, deadline: float) -> dict:
    """The runs' figures summed; the slowest settle."""
    result = {key: sum(run.get(key, 0) or 0 for run in runs.values()) for key in SUMMED}
    settles = [run.get("settle_seconds") for run in runs.values()]
    result["settle_seconds"] = None if None in settles or not settles else max(settles)
    result["settle_deadline_seconds"] = deadline
    result["seconds"] = round(time.monotonic() - started, 1)
    result["runs"] = runs
    errors = {mode: run["error"] for mode, run in runs.items() if run.get("error")}
    if errors:
        result["error"] = errors
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="ci")
    parser.add_argument("--run", choices=MODES, help=argparse.SUPPRESS)  # one run, in a child
    args = parser.parse_args()
    limit = float(os.environ.get("BENCH_TIME_LIMIT_SECONDS", LIMITS[args.size]))
    if args.run:
        from _chaos_run import run

        print(json.dumps(run(args.run, sizes(args.size), limit)))
        return 0
    started = time.monotonic()
    modes = [m for m in os.environ.get("BENCH_CHAOS_MODES", ",".join(MODES)).split(",") if m]
    runs: dict = {}
    keep = os.environ.get("BENCH_CHAOS_LOG_DIR")
    log_root = keep or tempfile.mkdtemp(prefix="plannit-chaos-")
    try:
        for mode in modes:
            left = limit - (time.monotonic() - started)
            child = subprocess.Popen(
                [sys.executable, __file__, "--size", args.size, "--run", mode],
                stdout=subprocess.PIPE,
                env=dict(
                    os.environ,
                    BENCH_TIME_LIMIT_SECONDS=str(max(30.0, left - 20)),
                    BENCH_CHAOS_RUN_LOG_DIR=os.path.join(log_root, mode),
                ),
            )
            try:
                out, _ = child.communicate(timeout=max(60.0, left))
            except subprocess.TimeoutExpired:
                child.terminate()  # its hard stop stops what it started
                out, _ = child.communicate(timeout=60)
            lines = [line for line in out.decode().splitlines() if line.startswith("{")]
            runs[mode] = json.loads(lines[-1]) if lines else {"error": f"exit {child.returncode}"}
    finally:
        if not keep:
            shutil.rmtree(log_root, ignore_errors=True)
    result = combine(runs, started, sizes(args.size)["settle_deadline_seconds"])
    print(json.dumps(result))
    failed = any(result[key] for key in SUMMED[4:]) or "error" in result
    failed = failed or result["settle_seconds"] is None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
