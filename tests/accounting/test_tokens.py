"""One valid access token however many workers, strict rotation, invalid_grant, and no token
in plain text anywhere (database, logs, pages)."""

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.db import connections
from django.utils import timezone

from accounting import crypto
from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import client, errors
from accounting.services.connection import (
    connection_get_access_token,
    connections_renew_due,
)
from tests.accounting.conftest import CA_REALM, connect, token_calls
from tests.factories.accounting import QboConnectionFactory


def _connected_from_emulator(emulator, business, **overrides) -> QboConnection:
    """A connection holding real emulator tokens, as the connect flow stores them."""
    body = emulator.issue_tokens(realm_id=CA_REALM)
    return QboConnectionFactory(
        business=business,
        realm_id=CA_REALM,
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        **overrides,
    )


def _expire(connection, emulator):
    """The access token is past its hour, for us and for the emulator."""
    emulator.clock.advance(3601)
    QboConnection.objects.filter(pk=connection.pk).update(
        access_token_expires_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_expired_token_is_refreshed_once_and_works(business, qbo_emulator):
    connection = _connected_from_emulator(qbo_emulator, business)
    _expire(connection, qbo_emulator)
    calls = token_calls(qbo_emulator)

    token = connection_get_access_token(connection_id=connection.pk)

    assert token_calls(qbo_emulator) == calls + 1
    connection.refresh_from_db()
    assert crypto.decrypt(connection.access_token_encrypted) == token
    assert connection.access_token_expires_at > timezone.now() + timedelta(minutes=55)
    assert connection.last_refreshed_at is not None
    info = client.get_company_info(access_token=token, realm_id=CA_REALM)
    assert info.name == "Compagnie ABC"
    # valid now: no second call
    assert connection_get_access_token(connection_id=connection.pk) == token
    assert token_calls(qbo_emulator) == calls + 1


@pytest.mark.django_db
def test_token_expiring_within_five_minutes_is_refreshed(business, qbo_emulator):
    connection = _connected_from_emulator(
        qbo_emulator, business, access_token_expires_at=timezone.now() + timedelta(minutes=4)
    )
    old = crypto.decrypt(connection.access_token_encrypted)
    assert connection_get_access_token(connection_id=connection.pk) != old
    assert token_calls(qbo_emulator) == 1


@pytest.mark.django_db
def test_strict_rotation_saves_the_new_refresh_token_and_the_old_one_dies(business, qbo_emulator):
    qbo_emulator.set_settings(refresh_rotation_seconds=0, refresh_grace_seconds=0)
    connection = _connected_from_emulator(qbo_emulator, business)
    first_refresh = crypto.decrypt(connection.refresh_token_encrypted)
    _expire(connection, qbo_emulator)

    connection_get_access_token(connection_id=connection.pk)

    connection.refresh_from_db()
    second_refresh = crypto.decrypt(connection.refresh_token_encrypted)
    assert second_refresh != first_refresh
    from accounting.qbo import oauth

    with pytest.raises(errors.QboInvalidGrant):
        oauth.refresh(refresh_token=first_refresh)
    # and the stored (rotated) one keeps working
    _expire(connection, qbo_emulator)
    connection_get_access_token(connection_id=connection.pk)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CONNECTED
    assert crypto.decrypt(connection.refresh_token_encrypted) not in (first_refresh, second_refresh)


@pytest.mark.django_db
def test_invalid_grant_marks_needs_reconnect_and_stops_calling(
    owner_client, business, qbo_emulator, caplog
):
    from tests.factories.invoicing import TaxGroupFactory

    TaxGroupFactory(business=business)
    connection = _connected_from_emulator(qbo_emulator, business)
    qbo_emulator.revoke_tokens(CA_REALM)  # e.g. the user removed the app in QuickBooks
    _expire(connection, qbo_emulator)
    caplog.set_level(logging.WARNING)

    with pytest.raises(errors.QboReconnectRequired):
        connection_get_access_token(connection_id=connection.pk)
    calls = token_calls(qbo_emulator)
    with pytest.raises(errors.QboReconnectRequired):
        connection_get_access_token(connection_id=connection.pk)

    assert token_calls(qbo_emulator) == calls  # nothing hot-loops
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert connection.needs_reconnect_since is not None
    assert connection.refresh_token_encrypted != ""  # kept: a reconnect replaces it
    html = owner_client.get("/settings/accounting/").content.decode()
    assert "stopped accepting Plannit" in html and "Reconnect" in html
    assert f"invalid_grant) for connection {connection.pk}" in caplog.text


@pytest.mark.django_db
def test_invalid_grant_after_another_worker_rotated_uses_the_new_token(
    business, qbo_emulator, monkeypatch
):
    """The stored token changed while our refresh was refused: no needs_reconnect."""
    from accounting.qbo import oauth

    connection = _connected_from_emulator(qbo_emulator, business)
    _expire(connection, qbo_emulator)
    fresh = qbo_emulator.issue_tokens(realm_id=CA_REALM)
    real_refresh = oauth.refresh
    attempts = []

    def refresh_raced(*, refresh_token):
        attempts.append(refresh_token)
        if len(attempts) == 1:
            # another worker stored a newer pair meanwhile, then Intuit refuses ours
            QboConnection.objects.filter(pk=connection.pk).update(
                refresh_token_encrypted=crypto.encrypt(fresh["refresh_token"])
            )
            raise errors.QboInvalidGrant("invalid_grant")
        return real_refresh(refresh_token=refresh_token)

    monkeypatch.setattr(oauth, "refresh", refresh_raced)

    token = connection_get_access_token(connection_id=connection.pk)

    assert attempts[1] == fresh["refresh_token"]
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CONNECTED
    assert crypto.decrypt(connection.access_token_encrypted) == token


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_callers_during_expiry_make_exactly_one_token_call(
    business, qbo_emulator
):
    qbo_emulator.set_settings(refresh_rotation_seconds=0, refresh_grace_seconds=0)
    connection = _connected_from_emulator(qbo_emulator, business)
    _expire(connection, qbo_emulator)
    calls_before = token_calls(qbo_emulator)
    barrier = threading.Barrier(20)
    tokens, failures = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            tokens.append(connection_get_access_token(connection_id=connection.pk))
        except Exception as exc:  # collected and asserted below
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert len(tokens) == 20
    assert token_calls(qbo_emulator) == calls_before + 1
    assert len(set(tokens)) == 1
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CONNECTED
    assert crypto.decrypt(connection.access_token_encrypted) == tokens[0]


@pytest.mark.django_db
def test_periodic_renewal_renews_what_expires_soon_only(business, other_business, qbo_emulator):
    due = _connected_from_emulator(
        qbo_emulator, business, access_token_expires_at=timezone.now() + timedelta(minutes=10)
    )
    fresh = QboConnectionFactory(
        business=other_business, access_token_expires_at=timezone.now() + timedelta(minutes=50)
    )

    report = connections_renew_due()

    assert (report.renewed, report.failed, report.needs_reconnect) == (1, 0, 0)
    assert token_calls(qbo_emulator) == 1
    due.refresh_from_db()
    assert due.access_token_expires_at > timezone.now() + timedelta(minutes=55)
    assert QboConnection.objects.get(pk=fresh.pk).last_refreshed_at is None


@pytest.mark.django_db
def test_no_token_in_plain_text_in_database_logs_or_pages(
    owner_client, business, owner, qbo_emulator, caplog, admin_client
):
    from tests.factories.invoicing import TaxGroupFactory

    TaxGroupFactory(business=business)
    caplog.set_level(logging.DEBUG)
    connect(owner_client)
    connection = QboConnection.objects.get()
    _expire(connection, qbo_emulator)
    connection_get_access_token(connection_id=connection.pk)
    # every token the emulator ever issued in this test, the rotated ones included
    secrets = set(qbo_emulator.state.access_tokens) | set(qbo_emulator.state.refresh_tokens)
    qbo_emulator.revoke_tokens(CA_REALM)
    _expire(connection, qbo_emulator)
    with pytest.raises(errors.QboReconnectRequired):
        connection_get_access_token(connection_id=connection.pk)
    connection.refresh_from_db()
    assert len(secrets) >= 3 and all(len(secret) > 20 for secret in secrets)

    with db_connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounting_qboconnection")
        rows = " ".join(str(value) for row in cursor.fetchall() for value in row)
        cursor.execute("SELECT * FROM accounting_qboauthorizationstate")
        rows += " ".join(str(value) for row in cursor.fetchall() for value in row)
    pages = owner_client.get("/settings/accounting/").content.decode()
    pages += admin_client.get("/admin/accounting/qboconnection/").content.decode()
    pages += admin_client.get(
        f"/admin/accounting/qboconnection/{connection.pk}/change/"
    ).content.decode()
    for secret in secrets:
        assert secret not in rows
        assert secret not in caplog.text
        assert secret not in pages
        assert secret not in repr(connection) and secret not in str(connection)


@pytest.mark.django_db
def test_admin_actions_renew_now_and_disconnect(admin_client, business, qbo_emulator):
    connection = _connected_from_emulator(qbo_emulator, business)
    old = connection.access_token_encrypted
    url = "/admin/accounting/qboconnection/"

    response = admin_client.post(
        url, {"action": "renew_token_now", "_selected_action": [connection.pk]}, follow=True
    )

    assert "1 token(s) renewed." in response.content.decode()
    assert token_calls(qbo_emulator) == 1
    connection.refresh_from_db()
    assert connection.access_token_encrypted != old

    response = admin_client.post(
        url, {"action": "disconnect", "_selected_action": [connection.pk]}, follow=True
    )

    assert "1 connection(s) disconnected." in response.content.decode()
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DISCONNECTED
    assert connection.refresh_token_encrypted == ""
