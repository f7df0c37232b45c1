"""A QuickBooks outage per company: paused after three server errors in a row, one probe per
pause, the jobs' own attempt budget untouched; and no call leaves during a 429 pause."""

import time

import pytest

from accounting.qbo.sales import LimiterBusy
from accounting.sync import limiter, outage
from accounting.sync.models import InvoiceLink, SyncJob
from accounting.sync.services import outcome, push

from .conftest import CA_REALM, issue_invoice, make_contact, make_due, run_due


class FakeTime:
    """The outage module's clock, moved by the test (its pauses are 2 s, 4 s, 8 s ...)."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """The outage state lives in the cache: on Redis (REDIS_URL) it would be shared with the
    tests another pytest-xdist worker runs at the same time on the same realm."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "outage-tests",
        }
    }


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr(outage, "time", fake)
    return fake


def _invoices(qbo, count: int) -> list[SyncJob]:
    for n in range(count):
        issue_invoice(
            qbo.business,
            contact=make_contact(
                qbo.business, display_name=f"Client {n}", email=f"client{n}@example.com"
            ),
        )
    return list(SyncJob.objects.order_by("id"))


def _v3_calls(qbo) -> int:
    return sum(1 for entry in qbo.emulator.requests_log if entry["path"].startswith("/v3/"))


def _wait_out_the_pause() -> None:
    outage.time.now += outage.outage_paused_for(CA_REALM) + 0.001


def test_three_server_errors_in_a_row_pause_the_company_and_one_probe_ends_it(qbo):
    jobs = _invoices(qbo, 5)
    qbo.emulator.add_fault(action="status", status=503, path="^/v3/")
    # when three jobs fail in a row
    assert [push.job_run(job_id=job.pk, owner="w1") for job in jobs[:2]] == ["pending"] * 2
    assert outage.outage_paused_for(CA_REALM) == 0
    assert push.job_run(job_id=jobs[2].pk, owner="w1") == "pending"
    # then the company is paused (2 s, scaled) and the others send nothing meanwhile
    assert outage.outage_paused_for(CA_REALM) == pytest.approx(2.0)
    calls = _v3_calls(qbo)
    assert push.job_run(job_id=jobs[3].pk, owner="w2") == "pending"
    jobs[3].refresh_from_db()
    assert (jobs[3].attempts, jobs[3].last_error_key) == (0, "network")
    assert _v3_calls(qbo) == calls
    # when the pause ends, one job probes; the others wait for its answer
    _wait_out_the_pause()
    make_due(jobs[3])
    make_due(jobs[4])
    assert push.job_run(job_id=jobs[3].pk, owner="w2") == "pending"
    assert _v3_calls(qbo) == calls + 1
    # the failed probe doubles the pause
    assert outage.outage_paused_for(CA_REALM) == pytest.approx(4.0)
    assert push.job_run(job_id=jobs[4].pk, owner="w3") == "pending"
    assert _v3_calls(qbo) == calls + 1
    # when QuickBooks is back, the next probe succeeds and everything goes
    qbo.emulator.clear_faults()
    _wait_out_the_pause()
    for job in jobs:
        make_due(job)
    assert run_due() == ["done"] * 5
    assert outage.outage_gate(CA_REALM) == outage.Gate(0.0, 0)
    assert InvoiceLink.objects.count() == 5
    assert len(qbo.invoices()) == 5


def test_a_probe_waiting_its_turn_sends_nothing_while_another_probes(qbo):
    jobs = _invoices(qbo, 2)
    for _ in range(outage.OUTAGE_AFTER):
        outage.outage_failure(CA_REALM)
    _wait_out_the_pause()
    # the first caller after the pause takes the probe's turn
    assert outage.outage_gate(CA_REALM).wait == 0
    calls = _v3_calls(qbo)
    assert push.job_run(job_id=jobs[0].pk, owner="w1") == "pending"
    jobs[0].refresh_from_db()
    assert (jobs[0].attempts, jobs[0].last_error_key) == (0, "network")
    # it looks again in about PROBE_WAIT_SECONDS (5 s), jittered
    assert 3.9 < (jobs[0].next_attempt_at - jobs[0].updated_at).total_seconds() < 6.1
    assert _v3_calls(qbo) == calls


def test_a_failure_of_a_call_sent_before_the_pause_is_not_counted(qbo):
    for _ in range(outage.OUTAGE_AFTER):
        outage.outage_failure(CA_REALM)
    first_pause = outage.outage_paused_for(CA_REALM)
    # nine more calls that were in flight fail while the company is paused
    answers = [outage.outage_failure(CA_REALM) for _ in range(9)]
    assert all(0 < answer <= first_pause for answer in answers)
    _wait_out_the_pause()
    # the next failure is the fourth in a row, not the thirteenth: 4 s, not 2**10 s
    assert outage.outage_failure(CA_REALM) == pytest.approx(4.0)


def test_attempts_during_an_outage_do_not_use_up_the_jobs_budget(qbo, monkeypatch):
    monkeypatch.setattr(outcome, "MAX_ATTEMPTS", 3)
    (job,) = _invoices(qbo, 1)
    qbo.emulator.add_fault(action="status", status=503, path="^/v3/")
    # when the job fails twelve times, all but the first two while the company is down
    for _ in range(12):
        _wait_out_the_pause()
        make_due(job)
        assert push.job_run(job_id=job.pk, owner="w1") == "pending"
    # then it is still pending (three failures would have failed it outside an outage)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.retry_round) == ("pending", 12, 10)
    assert job.remote_attempts.filter(http_status=503).count() == 12
    qbo.emulator.clear_faults()
    _wait_out_the_pause()
    make_due(job)
    assert run_due() == ["done"]
    assert len(qbo.invoices()) == 1


def test_outage_forgiveness_has_an_end(qbo, monkeypatch):
    monkeypatch.setattr(outcome, "MAX_ATTEMPTS", 3)
    monkeypatch.setattr(outcome, "OUTAGE_MAX_ATTEMPTS", 4)
    (job,) = _invoices(qbo, 1)
    qbo.emulator.add_fault(action="status", status=503, path="^/v3/")
    statuses = []
    for _ in range(4):
        _wait_out_the_pause()
        make_due(job)
        statuses.append(push.job_run(job_id=job.pk, owner="w1"))
    assert statuses == ["pending", "pending", "pending", "failed"]
    job.refresh_from_db()
    assert (job.attempts, job.retry_round, job.last_error_key) == (4, 1, "too_many_attempts")


def test_any_answer_that_is_not_a_server_error_ends_the_outage(qbo):
    (job,) = _invoices(qbo, 1)
    for _ in range(outage.OUTAGE_AFTER):
        outage.outage_failure(CA_REALM)
    _wait_out_the_pause()
    qbo.emulator.add_fault(action="throttle", path="^/v3/", times=1)
    # the probe is answered 429: QuickBooks is up (and busy)
    assert push.job_run(job_id=job.pk, owner="w1") == "pending"
    job.refresh_from_db()
    assert job.last_error_key == "throttled"
    assert outage.outage_gate(CA_REALM) == outage.Gate(0.0, 0)
    assert limiter.realm_paused_until(CA_REALM) is not None
    limiter.unpause_realm(CA_REALM)


def test_no_call_leaves_during_a_429_pause_even_past_the_jobs_checks(tmp_path, settings):
    settings.QBO_SYNC_TIME_SCALE = 0.5
    limiter.set_limiter(limiter.FileLimiter(tmp_path))
    release = limiter.admit("r7", False)
    release()
    limiter.pause_realm("r7")
    with pytest.raises(LimiterBusy) as busy:
        limiter.admit("r7", False)
    # a minute, shortened by the time scale
    assert 0 < busy.value.wait_seconds <= 30
    limiter.unpause_realm("r7")
    limiter.admit("r7", False)()
