"""A worker is killed (SIGKILL) after Intuit answered its refresh and before our commit, under
strict rotation: the refresh token we hold is dead, the one Intuit gave is lost. The other
workers must notice (the connection "needs reconnect" within 60 s), the owner must be told,
and nothing may hot-loop afterwards.

Everything is a process, as in production: the QBO emulator, a Celery worker (threads) and
beat on the test's PostgreSQL database, and the worker doing the refresh
(tests/reliability/_refresh_holder.py), which holds the connection's row lock from before its
call to the token endpoint until it dies."""

import os
import select
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from accounting import crypto
from accounting.models import ConnectionStatus, QboConnection
from accounting.services.notifications import notifications_send_due
from accounting.sync.models import SyncJob, SyncStatus
from accounting.sync.services import wake
from businesses.models import Membership
from invoicing.services import invoice_issue

from .conftest_limits import BENCH, ROOT, reliability_redis_url, running_database_url, stack_turn

sys.path.insert(0, str(BENCH))
from _companies import companies_set_up, invoice_draft  # noqa: E402
from _harness import Stack  # noqa: E402
from _limits_log import calls  # noqa: E402

pytestmark = pytest.mark.reliability

TOKEN_PATH = "/oauth2/v1/tokens/bearer"
QUIET_SECONDS = 60


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    ready, _w, _x = select.select([process.stdout], [], [], timeout)
    assert ready, f"no answer from the refresh within {timeout} s"
    return process.stdout.readline().strip()


def _wait_for(predicate, timeout: float, poll: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_worker_killed_between_intuits_answer_and_our_commit(
    client, settings, mailoutbox, monkeypatch
):
    redis_url = reliability_redis_url()
    with (
        stack_turn(),
        Stack(
            database_url=running_database_url(),
            redis_url=redis_url,
            extra_env={"QBO_SYNC_SWEEP_SECONDS": "1"},
        ) as stack,
    ):
        redis.Redis.from_url(redis_url).flushdb()
        stack.start_emulator()
        stack.emulator(
            "PUT",
            "/_emulator/settings",
            {"refresh_rotation_seconds": 0, "refresh_grace_seconds": 0},
        )
        settings.QBO_EMULATOR_URL = stack.emulator_url
        company = companies_set_up(stack, 1, prefix="Jeton", log=lambda _message: None)[0]
        business = company["business"]
        connection = QboConnection.objects.get(business=business)
        held_refresh_token = crypto.decrypt(connection.refresh_token_encrypted)
        QboConnection.objects.filter(pk=connection.pk).update(
            access_token_expires_at=timezone.now() - timedelta(seconds=1)
        )

        # given a worker whose refresh Intuit has answered, not committed yet
        holder = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability._refresh_holder", str(connection.pk)],
            cwd=ROOT,
            env=stack.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        stack.processes.append(holder)  # stopped with the stack, whatever happens
        assert _read_line(holder, 60) == "answered"
        # and the rest of the fleet: a worker, beat, an invoice to push (found by the sweeper)
        stack.start_worker(concurrency=4, pool="threads", name="tokens")
        stack.start_beat()
        monkeypatch.setattr(wake, "_send_task", lambda job_id, countdown=None: None)
        invoice_issue(invoice=invoice_draft(business, company["contact"], 1))
        job = SyncJob.objects.get(business=business)
        SyncJob.objects.filter(pk=job.pk).update(enqueued_at=None)
        assert _wait_for(
            lambda: SyncJob.objects.filter(pk=job.pk, status=SyncStatus.RUNNING).exists(), 60
        ), "the worker never took the job"

        # when the refreshing worker dies
        killed_at = time.time()
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)

        # then the connection is marked "needs reconnect" within 60 s
        marked = _wait_for(
            lambda: QboConnection.objects.filter(
                pk=connection.pk, status=ConnectionStatus.NEEDS_RECONNECT
            ).first(),
            60,
        )
        assert marked is not None, "the connection was never marked needs reconnect"
        detected_seconds = marked.needs_reconnect_since.timestamp() - killed_at
        print(f"needs reconnect {detected_seconds:.2f} s after the kill")
        assert 0 < detected_seconds < 60
        # the rotated token Intuit gave the dead worker never reached the database
        assert crypto.decrypt(marked.refresh_token_encrypted) == held_refresh_token
        # the job waits for the reconnection (it is not failed)
        job = _wait_for(
            lambda: SyncJob.objects.filter(pk=job.pk, status=SyncStatus.WAITING).first(), 30
        )
        assert (job.status, job.last_error_key) == (SyncStatus.WAITING, "reconnect")

        # and nothing hot-loops: what reaches QuickBooks in the following minute
        time.sleep(QUIET_SECONDS)
        entries = calls(stack.requests_log())
        marked_at = marked.needs_reconnect_since.timestamp()
        after = [call for call in entries if call["start"] > marked_at]
        print(f"calls in the {QUIET_SECONDS} s after: {len(after)}")
        assert after == []
        tokens = [call["status"] for call in entries if call["path"].rstrip("/") == TOKEN_PATH]
        # the dead worker's refresh, then one refused (invalid_grant), nothing more
        assert tokens == [200, 400]
        assert [call for call in entries if call["path"].startswith("/v3/")] == []
        job.refresh_from_db()
        assert (job.status, job.last_error_key) == (SyncStatus.WAITING, "reconnect")

    # the owner is told: on the accounting page, and by e-mail
    owner = Membership.objects.get(business=business, role=Membership.Role.OWNER).user
    client.force_login(owner)
    page = client.get("/settings/accounting/").content.decode()
    assert "stopped accepting Plannit" in page and "Reconnect" in page
    report = notifications_send_due()
    assert (report.emails, report.sent_to) == (1, [owner.pk])
    assert [message.to for message in mailoutbox] == [[owner.email]]
    assert "reconnect" in (mailoutbox[0].subject + mailoutbox[0].body).lower()
