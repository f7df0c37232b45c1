"""One run of the chaos bench (chaos.py), in a process of its own: its database, its
redis-server, the emulator and the workers; the faults, the kills and the Redis restart; the
books compared; the logs and the database searched for secrets."""

import os
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

from _books import compare_books
from _chaos_work import Plan, company_work, drafts_make
from _companies import companies_set_up
from _harness import HardStop, Stack, in_threads, make_log, reset_database, set_hard_stop
from _redis_server import RedisServer

log = make_log("chaos")
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plannit_chaos"
)
KILL_EVERY_SECONDS = float(os.environ.get("BENCH_CHAOS_KILL_EVERY_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_CHAOS_WORKERS", "2"))
POOL = os.environ.get("BENCH_CHAOS_POOL", "threads")
CONCURRENCY = int(os.environ.get("BENCH_CHAOS_CONCURRENCY", "4"))
MINUTE_SECONDS = float(os.environ.get("BENCH_CHAOS_MINUTE_SECONDS", "3"))
LATENCY_SPIKE_MS = 1500
TOKEN_USES = 200
V3 = "^/v3/company/"


def faults() -> list[dict]:
    """Rules are tried in order and each draws its own chance, so each one's probability is
    what is left of its share: 10 % 500 before, 10 % 500 after the commit, 10 % 429, 5 %
    dropped after the commit, 3 % slow (of all requests)."""
    shares = [
        {"action": "status", "status": 500, "share": 0.10},
        {"action": "status_after", "status": 500, "share": 0.10},
        {"action": "throttle", "share": 0.10},
        {"action": "drop_after", "share": 0.05},
        {"action": "latency", "latency_ms": LATENCY_SPIKE_MS, "share": 0.03},
    ]
    left, rules = 1.0, []
    for seed, rule in enumerate(shares, start=1):
        share = rule.pop("share")
        rules.append(dict(rule, path=V3, probability=round(share / left, 6), seed=seed))
        left -= share
    return rules


class Chaos(threading.Thread):
    """Every KILL_EVERY_SECONDS, SIGKILL one worker (in turn) and start its replacement; at
    `redis_at` seconds, restart Redis empty. Until `stop` is set."""

    def __init__(self, stack: Stack, redis: RedisServer, workers: list, log_dir: Path, redis_at):
        super().__init__(daemon=True)
        self.stack, self.redis, self.workers, self.log_dir = stack, redis, workers, log_dir
        self.redis_at = redis_at
        self.stop = threading.Event()
        self.kills = 0
        self.started = len(workers)
        self.error: BaseException | None = None

    def run(self) -> None:
        began = time.monotonic()
        next_kill = began + KILL_EVERY_SECONDS
        try:
            while not self.stop.wait(0.2):
                now = time.monotonic()
                if self.redis.restarts == 0 and now - began >= self.redis_at:
                    log("Redis killed, started again empty")
                    self.redis.restart_wiped()
                if now >= next_kill:
                    slot = self.kills % len(self.workers)
                    self.stack.kill(self.workers[slot])
                    self.kills += 1
                    self.workers[slot] = start_worker(self.stack, self.log_dir, self.started)
                    self.started += 1
                    next_kill += KILL_EVERY_SECONDS
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            self.error = error


def start_worker(stack: Stack, log_dir: Path, number: int):
    return stack.start_worker(
        concurrency=CONCURRENCY,
        pool=POOL,
        name=f"chaos{number}",
        loglevel="INFO",
        stderr_path=str(log_dir / f"worker-{number}.log"),
    )


def jobs_left():
    from accounting.sync.models import SyncJob, SyncStatus

    return SyncJob.objects.exclude(status=SyncStatus.DONE)


def settle(deadline_seconds: float) -> float | None:
    """Seconds until every job is done (None past the deadline)."""
    began = time.monotonic()
    while time.monotonic() - began < deadline_seconds:
        if not jobs_left().exists():
            return round(time.monotonic() - began, 1)
        time.sleep(0.5)
    return None


def secret_hits(stack: Stack, log_dir: Path) -> dict:
    """Every issued secret searched in every captured log line and in a dump of the database."""
    import subprocess

    issued = stack.emulator("GET", "/_emulator/secrets")
    secrets = {
        value
        for key in ("access_tokens", "refresh_tokens", "codes", "client_secrets")
        for value in issued[key]
    }
    dump = subprocess.run(
        ["pg_dump", "--data-only", stack.database_url],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode("utf-8", "replace")
    logs = {path.name: path.read_text("utf-8", "replace") for path in log_dir.glob("*.log")}
    hits = Counter()
    for secret in secrets:
        hits["database"] += dump.count(secret)
        for text in logs.values():
            hits["logs"] += text.count(secret)
    return {
        "secret_hits": hits["database"] + hits["logs"],
        "secret_hits_where": dict(hits),
        "secrets_searched": len(secrets),
        "log_lines_searched": sum(text.count("\n") for text in logs.values()),
        "database_dump_bytes": len(dump),
    }


def run(mode: str, size: dict, limit: float) -> dict:
    started = time.monotonic()
    set_hard_stop(limit, log)
    log_dir = Path(
        os.environ.get("BENCH_CHAOS_RUN_LOG_DIR") or tempfile.mkdtemp(prefix="plannit-chaos-")
    )
    log_dir.mkdir(parents=True, exist_ok=True)
    result: dict = {"mode": mode, **size}
    chaos = None
    try:
        with (
            RedisServer() as redis,
            Stack(
                database_url=f"{DATABASE_URL}_{mode}",
                redis_url=redis.url,
                window_seconds=MINUTE_SECONDS,
                http_timeout_seconds=5,
            ) as stack,
        ):
            stack.start_emulator(log_path=str(log_dir / "emulator.log"), verbose=True)
            stack.emulator(
                "PUT",
                "/_emulator/settings",
                {
                    "requestid_mode": mode,
                    "refresh_rotation_seconds": 0,
                    "throttle_retry_after": True,
                    "request_log_size": 500_000,
                },
            )
            stack.set_up_django()
            companies = companies_set_up(stack, size["companies"], prefix="Chaos", log=log)
            per_company = size["invoices"] // size["companies"]
            plan = Plan(per_company, size["payments"] // size["companies"])
            drafts = in_threads(lambda c: drafts_make(c, per_company, 1), companies)
            for rule in faults():
                stack.emulator("POST", "/_emulator/faults", rule)
            stack.emulator("PUT", "/_emulator/settings", {"access_token_max_uses": TOKEN_USES})
            stack.start_beat(loglevel="INFO", stderr_path=str(log_dir / "beat.log"))
            workers = [start_worker(stack, log_dir, n) for n in range(WORKERS)]
            chaos = Chaos(stack, redis, workers, log_dir, redis_at=size["work_seconds"] / 2)
            chaos.start()
            log(f"{mode}: {size['invoices']} invoices, {size['payments']} payments, faults on")
            stop = threading.Event()
            counts = in_threads(lambda d: company_work(d, plan, size["work_seconds"], stop), drafts)
            result["work"] = {key: sum(c[key] for c in counts) for key in counts[0]}
            chaos.stop.set()
            chaos.join()
            if chaos.error:
                raise chaos.error
            result["faults_fired"] = {
                rule["action"]: rule["fired"]
                for rule in stack.emulator("GET", "/_emulator/faults")["faults"]
            }
            # Tokens keep expiring after 200 requests: that is no fault, QBO's tokens expire.
            stack.emulator("DELETE", "/_emulator/faults")
            result.update(kills=chaos.kills, redis_restarts=redis.restarts)
            deadline = size["settle_deadline_seconds"]
            log(f"{mode}: faults off; waiting for every job (at most {deadline:.0f} s)")
            result["settle_seconds"] = settle(size["settle_deadline_seconds"])
            left = list(
                jobs_left().values_list(
                    "kind", "operation", "status", "last_error_key", "attempts", "last_error_detail"
                )
            )
            result["unfinished_jobs"] = len(left)
            result["unfinished_detail"] = [" ".join(map(str, row)) for row in left[:10]]
            result.update(compare_books(stack, companies))
            statuses = Counter(str(e.get("status")) for e in stack.requests_log())
            result["requests"] = dict(statuses)
            for process in list(stack.processes[1:]):  # workers and beat: their logs complete
                stack.stop(process)
            result.update(secret_hits(stack, log_dir))
    except (HardStop, Exception) as error:  # print what was measured
        if chaos is not None:
            chaos.stop.set()
        result["error"] = f"{type(error).__name__}: {error}"
        log(traceback.format_exc())
    finally:
        if os.environ.get("BENCH_CHAOS_DROP_DATABASE"):
            from django.conf import settings

            if settings.configured:
                from django.db import connections

                connections.close_all()
            reset_database(f"{DATABASE_URL}_{mode}", create=False)
    result["seconds"] = round(time.monotonic() - started, 1)
    return result
