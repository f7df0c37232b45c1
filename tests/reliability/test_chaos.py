"""The chaos run at its CI size (bench/chaos.py --size ci: 200 invoices, 100 payments, 2
companies, with replay on and then off): real Celery workers killed every 10 s, a Redis of
its own restarted empty, the emulator failing 20 % of requests with a 500 (half after the
commit), 10 % with a 429, 5 % dropped after the commit, latency spikes, tokens expiring
every 200 requests. Then QuickBooks' books must equal Plannit's, to the cent, and no secret
may appear in a log line or the database.

Runs the bench as a process of its own (its databases are named after this test and the
xdist worker, its Redis server on a free port, so it runs alongside the rest of the suite),
bounded by a hard stop."""

import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARD_STOP_SECONDS = 480
INVOICES, PAYMENTS, RUNS = 200, 100, ("replay", "ignore")

pytestmark = pytest.mark.reliability


def _database_url(worker: str) -> str:
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/test_chaos_{worker}"))


@pytest.fixture
def chaos_result(tmp_path, worker_id):
    """The bench's JSON; its logs stay in tmp_path, its databases are dropped at its end."""
    database_url = _database_url(worker_id)
    env = dict(
        os.environ,
        BENCH_DATABASE_URL=database_url,
        BENCH_TIME_LIMIT_SECONDS=str(HARD_STOP_SECONDS),
        BENCH_CHAOS_LOG_DIR=str(tmp_path),
        BENCH_CHAOS_DROP_DATABASE="1",
    )
    for name in ("BENCH_CHAOS_INVOICES", "BENCH_CHAOS_PAYMENTS", "BENCH_CHAOS_COMPANIES"):
        env.pop(name, None)  # the CI size, whatever the caller's environment says
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "chaos.py"), "--size", "ci"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=HARD_STOP_SECONDS + 60,
    )
    (tmp_path / "bench-stderr.log").write_bytes(completed.stderr)
    lines = [line for line in completed.stdout.decode().splitlines() if line.startswith("{")]
    assert lines, completed.stderr.decode()[-3000:]
    return json.loads(lines[-1])


def test_the_books_match_after_the_chaos_run(chaos_result):
    result = chaos_result
    problems = {mode: run.get("problems") for mode, run in result["runs"].items()}
    assert "error" not in result, result.get("error")
    assert set(result["runs"]) == set(RUNS)
    assert (
        result["invoices_expected"],
        result["invoices_in_qbo"],
        result["payments_expected"],
        result["payments_in_qbo"],
    ) == (INVOICES * 2, INVOICES * 2, PAYMENTS * 2, PAYMENTS * 2), problems
    assert (
        result["duplicates"],
        result["lost"],
        result["cent_mismatches"],
        result["wrong_invoice"],
        result["unfinished_jobs"],
        result["secret_hits"],
    ) == (0, 0, 0, 0, 0, 0), problems
    assert result["settle_seconds"] is not None
    assert result["settle_seconds"] <= result["settle_deadline_seconds"] == 120
    for mode, run in result["runs"].items():
        # The chaos happened: every fault fired, workers died, Redis restarted, the books
        # held voided documents, and there were secrets and log lines to search.
        assert run["mode"] == mode
        assert all(fired > 0 for fired in run["faults_fired"].values()), run["faults_fired"]
        assert set(run["faults_fired"]) == {
            "status",
            "status_after",
            "throttle",
            "drop_after",
            "latency",
        }
        assert run["kills"] >= 3
        assert run["redis_restarts"] == 1
        assert run["work"]["issued"] == INVOICES
        assert run["work"]["payments"] == PAYMENTS
        # Edits reached invoices still on their way and invoices already in QuickBooks.
        assert 0 < run["work"]["edited_after_push"] < run["work"]["edited"]
        assert run["invoices_voided"] == run["work"]["voided"] > 0
        assert run["payments_voided"] == run["work"]["payments_voided"] > 0
        assert run["secrets_searched"] >= 5  # the tokens of 2 companies and the client secret
        assert run["log_lines_searched"] > 100
        assert run["database_dump_bytes"] > 10_000
