"""What the limits tests share: the Redis database and PostgreSQL database the stack's
processes use, one stack at a time per Redis database, and running bench/limits.py.

The processes never share the test run's Redis database (REDIS_URL): other tests clear it
(cache.clear() is FLUSHDB) and enqueue there. They use RELIABILITY_REDIS_URL, by default the
next database number on REDIS_URL's server; PostgreSQL databases are named after the test
database (one per pytest-xdist worker)."""

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def reliability_redis_url() -> str:
    explicit = os.environ.get("RELIABILITY_REDIS_URL")
    if explicit:
        return explicit
    parts = urllib.parse.urlsplit(os.environ["REDIS_URL"])
    number = int(parts.path.strip("/") or 0)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{(number + 1) % 16}"))


def database_url(suffix: str) -> str:
    """DATABASE_URL's server, a database of its own: test_<name>_<suffix>[_<xdist worker>]."""
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    name = f"test_{parts.path.strip('/')}_{suffix}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        name += f"_{worker}"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def running_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's), for processes."""
    from django.db import connection

    values = connection.settings_dict
    auth = urllib.parse.quote(values["USER"] or "postgres")
    if values.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(values["PASSWORD"])
    host = values.get("HOST") or "127.0.0.1"
    port = values.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{values['NAME']}"


@contextlib.contextmanager
def stack_turn():
    """One stack at a time on the Redis database (pytest-xdist runs tests side by side)."""
    digest = hashlib.sha256(reliability_redis_url().encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"plannit-reliability-{digest}.lock"
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_bench(scenario: str, sizes: dict[str, str], *, timeout: float) -> dict:
    """bench/limits.py `scenario` with these sizes; its JSON. Its own hard stop comes first;
    past `timeout` it is terminated (the bench stops its processes), then killed."""
    env = dict(
        os.environ,
        BENCH_DATABASE_URL=database_url("limits"),
        BENCH_REDIS_URL=reliability_redis_url(),
        BENCH_TIME_LIMIT_SECONDS=str(timeout - 20),
        **sizes,
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with stack_turn():
        process = subprocess.Popen(
            [sys.executable, str(BENCH / "limits.py"), scenario],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                out, err = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                out, err = process.communicate()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert lines, f"bench/limits.py printed no JSON (exit {process.returncode}):\n{err[-3000:]}"
    result = json.loads(lines[-1])
    print(lines[-1])  # the figures, in the test's captured output
    assert "error" not in result, f"{result['error']}\n{err[-3000:]}"
    return result
