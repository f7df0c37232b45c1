"""What the benches that drive the whole stack share: the emulator as a process, a PostgreSQL
database and a Redis database of their own, Celery workers and beat as processes, the
emulator's request log, a hard stop (the companies and invoices are in _companies.py).

Everything listens on 127.0.0.1. A `Stack` is a context manager: on the way out, normal or
not, it stops every process it started (workers run in a session of their own, so a prefork
worker's children go with it)."""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CELERY = str(Path(PYTHON).parent / "celery")


def make_log(name: str):
    def log(message: str) -> None:
        print(f"[bench/{name}] {message}", file=sys.stderr, flush=True)

    return log


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(method: str, url: str, body=None, token: str = "", content_type="application/json"):
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def reset_database(database_url: str, *, create: bool = True) -> None:
    """Drop and recreate the bench's own database (only drop it: `create` False)."""
    import psycopg2

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


class HardStop(BaseException):
    """The bench's time limit or a SIGTERM. A BaseException, as KeyboardInterrupt is, so that
    no library's `except Exception` (or `except socket.timeout`, which is TimeoutError)
    swallows it on the way up."""


def set_hard_stop(seconds: float, log) -> None:
    """After `seconds`, or on SIGTERM, raise HardStop in the main thread so that every
    `finally` (and the Stack's clean-up) runs."""

    def stop(signum, _frame):
        reason = "time limit reached" if signum == signal.SIGALRM else "terminated"
        log(f"stopping: {reason}")
        raise HardStop(reason)

    signal.signal(signal.SIGALRM, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)


class Stack:
    """The processes of one bench run and the environment they share."""

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        window_seconds: float = 60.0,
        http_timeout_seconds: float = 10.0,
        extra_env: dict | None = None,
    ) -> None:
        self.database_url = database_url
        self.redis_url = redis_url
        self.window_seconds = window_seconds
        self.emulator_url = f"http://127.0.0.1:{free_port()}"
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            DJANGO_SETTINGS_MODULE="plannit.settings.dev",
            DJANGO_DEBUG="false",
            QBO_ENVIRONMENT="emulator",
            QBO_EMULATOR_URL=self.emulator_url,
            QBO_LIMIT_WINDOW_SECONDS=str(window_seconds),
            QBO_HTTP_TIMEOUT_SECONDS=str(http_timeout_seconds),
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
            **(extra_env or {}),
        )
        self.processes: list[subprocess.Popen] = []
        self.schedule = Path(tempfile.mkdtemp(prefix="plannit-bench-")) / "beat-schedule"

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop_all()

    # --- processes ------------------------------------------------------------------------

    def start_emulator(self, *, log_path: str | None = None, verbose: bool = False) -> None:
        """`log_path` (else BENCH_EMULATOR_LOG): a file for the emulator's stderr (its errors,
        and with `verbose` a line per request), else dropped."""
        port = urllib.parse.urlsplit(self.emulator_url).port
        log_path = log_path or os.environ.get("BENCH_EMULATOR_LOG")
        errors = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
        command = [PYTHON, "-m", "qbo_emulator", "--host", "127.0.0.1", "--port", str(port)]
        self.processes.append(
            subprocess.Popen(
                command + (["--verbose"] if verbose else []),
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        )
        for _ in range(100):
            try:
                http_json("GET", f"{self.emulator_url}/.well-known/openid_configuration/")
                break
            except OSError:
                time.sleep(0.1)
        self.emulator("PUT", "/_emulator/limits", {"window_seconds": self.window_seconds})

    def set_up_django(self) -> None:
        """A fresh database and Redis DB, then Django in this process on the same settings
        as the workers."""
        reset_database(self.database_url)
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def start_worker(
        self,
        *,
        concurrency: int,
        pool: str = "prefork",
        name: str | None = None,
        loglevel: str = "WARNING",
        stderr_path: str | None = None,
    ) -> subprocess.Popen:
        command = [
            CELERY,
            "-A",
            "plannit",
            "worker",
            "--loglevel",
            loglevel,
            "--concurrency",
            str(concurrency),
            "--pool",
            pool,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-O",
            "fair",
        ]
        if name:
            command += ["-n", f"{name}@%h"]
        _started_names.add(name or "celery")
        worker = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(stderr_path, "a") if stderr_path else subprocess.DEVNULL,  # noqa: SIM115
            start_new_session=True,
        )
        self.processes.append(worker)
        return worker

    def start_beat(
        self, *, loglevel: str = "WARNING", stderr_path: str | None = None
    ) -> subprocess.Popen:
        beat = subprocess.Popen(
            [CELERY, "-A", "plannit", "beat", "--loglevel", loglevel, "-s", str(self.schedule)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(stderr_path, "a") if stderr_path else subprocess.DEVNULL,  # noqa: SIM115
        )
        self.processes.append(beat)
        return beat

    def stop(self, process: subprocess.Popen, *, timeout: float = 15) -> None:
        """SIGTERM (a worker finishes what it holds), then SIGKILL after `timeout`."""
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(process)

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the process and its session (a dead machine, as far as Celery can tell)."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
        process.wait()

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(process)
            if process.poll() is not None and process.args[:1] == [CELERY]:
                # A worker's pool children (prefork) left behind by a parent that died first.
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    # --- the emulator ---------------------------------------------------------------------

    def emulator(self, method: str, path: str, body=None):
        return http_json(method, f"{self.emulator_url}{path}", body)

    def requests_log(self, realm_id: str | None = None) -> list[dict]:
        query = f"?realm_id={realm_id}" if realm_id else ""
        return self.emulator("GET", f"/_emulator/requests{query}")["requests"]


# The names of the workers this bench started: a worker of another run on the same Redis
# database would take our tasks (and run them against its own database).
_started_names: set[str] = set()


def wait_for_workers(names: list[str] | None = None, *, timeout: float = 30) -> None:
    """Until every named worker answers a ping (any worker when no names are given)."""
    from plannit.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5)
        answered = {name.split("@")[0] for reply in replies for name in reply}
        foreign = answered - _started_names
        if foreign:
            raise RuntimeError(
                f"another Celery worker ({', '.join(sorted(foreign))}) uses this Redis database: "
                "stop it or give this bench its own BENCH_REDIS_URL"
            )
        if (names and set(names) <= answered) or (not names and replies):
            return
        time.sleep(0.2)
    raise RuntimeError("the Celery workers did not start")


def end_times(entries: list[dict]) -> dict[str, float]:
    """requestid -> when the create finished in QBO (epoch seconds), from the request log."""
    ends = {}
    for entry in entries:
        if entry.get("requestid") and entry.get("status") == 200 and entry["method"] == "POST":
            start = datetime.fromisoformat(entry["time"]).timestamp()
            ends.setdefault(entry["requestid"], start + (entry.get("duration_ms") or 0) / 1000)
    return ends


def in_threads(function, shares: list) -> list:
    """function(share) for each share, each in a thread of its own (its own database
    connection, closed at the end); the results in order. The bench's own work (drafts,
    issuing) is mostly waiting on PostgreSQL, so a few threads keep up with the workers."""
    import threading

    from django.db import connection

    results: list = [None] * len(shares)
    errors: list[BaseException] = []

    def run(index: int, share) -> None:
        try:
            results[index] = function(share)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, share), daemon=True)
        for index, share in enumerate(shares)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def cpu_seconds(process) -> float:
    """CPU time (user + system) used so far by a process started by a Stack and every process
    of its session (a prefork worker's children), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp, session, ..., utime (14th), stime (15th).
        if int(fields[3]) == process.pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks
