"""QuickBooks counts every call of the app in one window per company: the imports, the reading
of changes, the owner's pages and the sync engine share the limiter, the engine leaves the
others a reserve, and a 429 seen by any of them pauses the company for all."""

import pytest
from django.test import override_settings

from accounting.qbo import client, errors
from accounting.qbo.sales import LimiterBusy
from accounting.sync import limiter
from accounting.sync.models import SyncJob, SyncStatus

from .conftest import CA_REALM, issue_invoice, run_due

LIMITS = {
    "QBO_LIMIT_REQUESTS_PER_MINUTE": 20,
    "QBO_LIMIT_RESERVED_REQUESTS": 2,
    "QBO_LIMIT_MAX_WAIT_SECONDS": 0.05,
    "QBO_LIMIT_OTHERS_MAX_WAIT_SECONDS": 0.1,
}


def _token(qbo) -> str:
    return qbo.emulator.issue_tokens(realm_id=CA_REALM)["access_token"]


def _engine_admissions() -> int:
    """How many calls the engine's admission lets through before it says busy."""
    admitted = 0
    while True:
        try:
            release = limiter.admit(CA_REALM, False)
        except LimiterBusy:
            return admitted
        release()
        admitted += 1


@override_settings(**LIMITS)
def test_other_calls_take_their_slot_and_the_engine_leaves_them_a_reserve(qbo):
    token = _token(qbo)
    # An "other" call (the configure page's reference lists) counts in the window.
    assert [row.name for row in client.list_tax_codes(access_token=token, realm_id=CA_REALM)]
    # The engine may take the rest of the window but the reserve: 20 - 1 - 2.
    assert _engine_admissions() == 17
    # The others still have the reserve, then wait and give up with a throttle of ours.
    client.list_tax_codes(access_token=token, realm_id=CA_REALM)
    client.list_tax_codes(access_token=token, realm_id=CA_REALM)
    sent = len(qbo.emulator.requests_log)
    with pytest.raises(errors.QboThrottled) as throttled:
        client.list_tax_codes(access_token=token, realm_id=CA_REALM)
    assert throttled.value.retry_after >= 59
    assert len(qbo.emulator.requests_log) == sent  # nothing was sent
    assert limiter.realm_paused_until(CA_REALM) is None  # our own limit pauses nobody


@override_settings(**LIMITS)
def test_the_reserve_is_at_most_a_tenth_of_the_window(qbo, settings):
    settings.QBO_LIMIT_REQUESTS_PER_MINUTE = 5  # a tenth of 5 is 0: no reserve
    assert _engine_admissions() == 5


def test_a_429_seen_by_another_caller_pauses_the_company_for_the_engine(qbo):
    qbo.emulator.add_fault(action="throttle", path="^/v3/", times=1)
    with pytest.raises(errors.QboThrottled):
        client.list_items(access_token=_token(qbo), realm_id=CA_REALM)
    assert limiter.realm_paused_until(CA_REALM) is not None

    invoice = issue_invoice(qbo.business)
    sent = len(qbo.emulator.requests_log)
    assert run_due() == ["pending"]
    job = SyncJob.objects.get(object_id=invoice.pk)
    assert (job.status, job.last_error_key, job.attempts) == (SyncStatus.PENDING, "throttled", 0)
    assert len(qbo.emulator.requests_log) == sent  # the engine sent nothing while paused
    assert qbo.invoices() == []
    # Other callers wait for the pause too, without calling.
    with pytest.raises(errors.QboThrottled):
        client.list_items(access_token=_token(qbo), realm_id=CA_REALM)
    assert len(qbo.emulator.requests_log) == sent
