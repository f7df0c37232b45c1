"""Token rules that need no QBO answer: nothing is sent at all."""

import logging
from datetime import timedelta

import pytest
import responses
from django.conf import settings
from django.utils import timezone

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors
from accounting.services.connection import (
    connection_get_access_token,
    connections_warn_refresh_token_expiry,
)
from tests.factories.accounting import QboConnectionFactory

pytestmark = pytest.mark.django_db


def test_valid_token_is_returned_without_any_http_call():
    connection = QboConnectionFactory(
        access_token="still-valid-access-token",
        access_token_expires_at=timezone.now() + timedelta(minutes=30),
    )
    with responses.RequestsMock() as mock:
        assert (
            connection_get_access_token(connection_id=connection.pk) == "still-valid-access-token"
        )
        assert len(mock.calls) == 0


def test_row_just_read_gives_its_valid_token_without_a_query(django_assert_num_queries):
    connection = QboConnectionFactory(
        access_token="still-valid-access-token",
        access_token_expires_at=timezone.now() + timedelta(minutes=30),
    )
    row = QboConnection.objects.get(pk=connection.pk)
    with responses.RequestsMock() as mock, django_assert_num_queries(0):
        assert (
            connection_get_access_token(connection_id=connection.pk, connection=row)
            == "still-valid-access-token"
        )
        assert len(mock.calls) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"access_token_expires_at": timezone.now() + timedelta(minutes=2)},  # renewal due
        {"status": ConnectionStatus.NEEDS_RECONNECT},
        {"status": ConnectionStatus.DISCONNECTED},
    ],
    # Fixed ids: a timestamp in the id would differ between pytest-xdist workers.
    ids=["renewal-due", "needs-reconnect", "disconnected"],
)
def test_row_just_read_is_not_trusted_for_a_renewal_or_a_lost_connection(change):
    """Only a still-valid token skips the lock; anything else reads the row locked (here the
    stored row says the connection needs reconnecting: nothing is sent to Intuit)."""
    connection = QboConnectionFactory(
        access_token_expires_at=timezone.now() + timedelta(minutes=30)
    )
    row = QboConnection.objects.get(pk=connection.pk)
    for name, value in change.items():
        setattr(row, name, value)
    QboConnection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.NEEDS_RECONNECT)
    with responses.RequestsMock() as mock:
        with pytest.raises(errors.QboReconnectRequired):
            connection_get_access_token(connection_id=connection.pk, connection=row)
        assert len(mock.calls) == 0


def test_needs_reconnect_raises_at_once_and_never_calls_intuit():
    connection = QboConnectionFactory(
        status=ConnectionStatus.NEEDS_RECONNECT,
        access_token_expires_at=timezone.now() - timedelta(hours=1),
    )
    with responses.RequestsMock() as mock:
        for _ in range(3):  # a worker retrying must not hot-loop on Intuit
            with pytest.raises(errors.QboReconnectRequired) as info:
                connection_get_access_token(connection_id=connection.pk)
            assert info.value.pauses_sync is True
        assert len(mock.calls) == 0


def test_disconnected_connection_has_no_token():
    connection = QboConnectionFactory(status=ConnectionStatus.DISCONNECTED)
    with responses.RequestsMock() as mock:
        with pytest.raises(errors.QboNotConnected):
            connection_get_access_token(connection_id=connection.pk)
        assert len(mock.calls) == 0


def test_refresh_token_expiry_is_warned_once_30_days_ahead(caplog):
    now = timezone.now()
    soon = QboConnectionFactory(
        refresh_token="AB11soon-refresh-token", refresh_token_expires_at=now + timedelta(days=29)
    )
    later = QboConnectionFactory(refresh_token_expires_at=now + timedelta(days=31))
    caplog.set_level(logging.WARNING, logger="accounting")

    assert connections_warn_refresh_token_expiry(now=now) == 1
    assert connections_warn_refresh_token_expiry(now=now) == 0  # once

    assert QboConnection.objects.get(pk=soon.pk).refresh_token_warned_at == now
    assert QboConnection.objects.get(pk=later.pk).refresh_token_warned_at is None
    assert len(caplog.records) == 1
    assert f"connection {soon.pk}" in caplog.text
    assert "AB11soon-refresh-token" not in caplog.text


def test_warning_is_shown_on_the_page(owner_client, business):
    from tests.factories.invoicing import TaxGroupFactory

    TaxGroupFactory(business=business)
    QboConnectionFactory(
        business=business,
        refresh_token_warned_at=timezone.now(),
        refresh_token_expires_at=timezone.now() + timedelta(days=20),
    )
    html = owner_client.get("/settings/accounting/").content.decode()
    assert "QuickBooks Online will ask you to reconnect by" in html
    assert "Reconnect" in html


def test_renewal_is_scheduled_in_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["accounting-renew-qbo-tokens"]
    assert entry == {"task": "accounting.renew_qbo_tokens", "schedule": 900.0}
    from plannit.celery import app

    app.loader.import_default_modules()
    assert "accounting.renew_qbo_tokens" in app.tasks
