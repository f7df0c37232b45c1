"""Twenty workers find the access token expired at once, 200 times over, under strict rotation
(a refresh token dies the moment it is used): one token call per expiry, no invalid_grant.

Each caller is a thread with its own database connection. On PostgreSQL the connection's row
lock (SELECT ... FOR UPDATE) is what serialises the refresh; on SQLite, where FOR UPDATE is a
no-op, the IMMEDIATE transactions of the embedded settings do (one writer at a time), so the
test means the same on both."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from accounting import crypto
from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import client
from accounting.services.connection import connection_get_access_token
from tests.accounting.conftest import CA_REALM
from tests.factories.accounting import QboConnectionFactory

WORKERS = 20
CYCLES = 200
TOKEN_PATH = "/oauth2/v1/tokens/bearer"


def _token_answers(emulator) -> Counter:
    """Status of every call to the token endpoint, and how many were invalid_grant."""
    statuses = Counter()
    for entry in emulator.requests_log:
        if entry["path"].rstrip("/") == TOKEN_PATH:
            statuses[entry["status"]] += 1
    return statuses


@pytest.mark.django_db(transaction=True)
def test_twenty_workers_over_two_hundred_expiries_make_one_token_call_each(business, qbo_emulator):
    # given strict rotation and a connection holding the emulator's tokens
    qbo_emulator.set_settings(refresh_rotation_seconds=0, refresh_grace_seconds=0)
    body = qbo_emulator.issue_tokens(realm_id=CA_REALM)
    connection = QboConnectionFactory(
        business=business,
        realm_id=CA_REALM,
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
    )
    expired_refresh_tokens: list[str] = []
    tokens: dict[int, list[str]] = {cycle: [] for cycle in range(CYCLES)}
    failures: list[str] = []
    accepted: list[bool] = []
    cycle_box = [-1]

    def expire() -> None:
        """Runs once per cycle, while every worker waits: the hour is over for both sides."""
        cycle = cycle_box[0]
        if cycle >= 0:
            # the previous cycle's token works against the API
            info = client.get_company_info(access_token=tokens[cycle][0], realm_id=CA_REALM)
            accepted.append(info.name == "Compagnie ABC")
        cycle_box[0] = cycle + 1
        qbo_emulator.clock.advance(3601)
        QboConnection.objects.filter(pk=connection.pk).update(
            access_token_expires_at=timezone.now() - timedelta(seconds=1)
        )
        stored = QboConnection.objects.get(pk=connection.pk).refresh_token_encrypted
        expired_refresh_tokens.append(crypto.decrypt(stored))

    barrier = threading.Barrier(WORKERS, action=expire, timeout=60)

    def worker() -> None:
        try:
            for cycle in range(CYCLES):
                barrier.wait()
                tokens[cycle].append(connection_get_access_token(connection_id=connection.pk))
            barrier.wait()  # the last cycle's token is checked by the action too
        except Exception as exc:  # collected and asserted below
            failures.append(repr(exc))
            barrier.abort()
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    # then
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    answers = _token_answers(qbo_emulator)
    assert answers == Counter({200: CYCLES})  # one call per expiry, no invalid_grant (400)
    assert [len(tokens[cycle]) for cycle in range(CYCLES)] == [WORKERS] * CYCLES
    per_cycle = [set(tokens[cycle]) for cycle in range(CYCLES)]
    assert all(len(values) == 1 for values in per_cycle)
    assert len(set.union(*per_cycle)) == CYCLES  # a new token each expiry
    assert accepted == [True] * CYCLES
    # the refresh token rotated every time (strict rotation: each one used once)
    assert len(set(expired_refresh_tokens)) == CYCLES + 1
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CONNECTED
    assert connection.needs_reconnect_since is None
