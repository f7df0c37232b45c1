"""The connection guardian: Intuit's hard expiry of the refresh token is asked for, stored and
shown; the Reconnect URL; the emulator's side of the hard expiry."""

from datetime import timedelta

import pytest
import requests
import responses
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import oauth
from accounting.services.connection import connection_get_access_token
from tests.accounting.conftest import CA_REALM, EMULATOR, connect, consent, token_calls
from tests.factories.accounting import QboConnectionFactory

pytestmark = pytest.mark.django_db

FIVE_YEARS = 157_680_000


def _close(moment, expected, *, seconds=120) -> bool:
    return abs((moment - expected).total_seconds()) <= seconds


def test_connect_stores_the_emulator_s_hard_expiry(owner_client, ready_business, qbo_emulator):
    # given: the emulator's grants end 40 days after they are made
    qbo_emulator.set_settings(refresh_token_hard_ttl=40 * 86_400)
    # when
    before = timezone.now()
    connect(owner_client)
    # then
    connection = QboConnection.objects.get(business=ready_business)
    assert connection.status == ConnectionStatus.CONNECTED
    assert _close(connection.refresh_token_hard_expires_at, before + timedelta(days=40))
    assert connection.reconnection_required_by == connection.refresh_token_hard_expires_at
    page = owner_client.get(reverse("accounting:settings")).content.decode()
    expected = date_format(
        timezone.localtime(connection.refresh_token_hard_expires_at), "DATE_FORMAT"
    )
    assert f'id="reconnection-date">{expected}<' in page


def test_every_token_call_asks_for_the_hard_expiry(qbo_emulator):
    body = qbo_emulator.issue_tokens(realm_id=CA_REALM)
    tokens = oauth.refresh(refresh_token=body["refresh_token"])
    assert tokens.refresh_token_hard_expires_in == pytest.approx(FIVE_YEARS, abs=5)
    (call,) = [call for call in responses.calls if "/tokens/bearer" in call.request.url]
    assert call.request.headers["x-include-refresh-token-hard-expires-in"] == "true"


def test_the_emulator_adds_the_field_only_when_asked(qbo_emulator):
    body = qbo_emulator.issue_tokens(realm_id=CA_REALM)
    auth = ("plannit-dev-client", "plannit-dev-secret")
    plain = requests.post(
        f"{EMULATOR}/oauth2/v1/tokens/bearer",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        auth=auth,
        timeout=5,
    )
    assert plain.status_code == 200
    assert "x_refresh_token_hard_expires_in" not in plain.json()
    asked = requests.post(
        f"{EMULATOR}/oauth2/v1/tokens/bearer",
        data={"grant_type": "refresh_token", "refresh_token": plain.json()["refresh_token"]},
        headers={"x-include-refresh-token-hard-expires-in": "true"},
        auth=auth,
        timeout=5,
    )
    assert asked.status_code == 200
    assert asked.json()["x_refresh_token_hard_expires_in"] == pytest.approx(FIVE_YEARS, abs=5)


def test_past_the_hard_expiry_refresh_is_invalid_grant_and_the_owner_must_reconnect(
    business, qbo_emulator
):
    # given: a grant that ends in 10 days, renewed once (the hard expiry is stored)
    qbo_emulator.set_settings(refresh_token_hard_ttl=10 * 86_400)
    body = qbo_emulator.issue_tokens(realm_id=CA_REALM)
    connection = QboConnectionFactory(
        business=business,
        realm_id=CA_REALM,
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        access_token_expires_at=timezone.now() - timedelta(seconds=1),
    )
    connection_get_access_token(connection_id=connection.pk)
    connection.refresh_from_db()
    assert _close(connection.refresh_token_hard_expires_at, timezone.now() + timedelta(days=10))
    hard = connection.refresh_token_hard_expires_at
    # when: 11 days later (for the emulator), the next renewal
    qbo_emulator.clock.advance(11 * 86_400)
    QboConnection.objects.filter(pk=connection.pk).update(
        access_token_expires_at=timezone.now() - timedelta(seconds=1)
    )
    calls_before = token_calls(qbo_emulator)
    with pytest.raises(Exception) as refused:
        connection_get_access_token(connection_id=connection.pk)
    # then
    assert type(refused.value).__name__ == "QboReconnectRequired"
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert connection.refresh_token_hard_expires_at == hard  # kept: it says why
    assert token_calls(qbo_emulator) == calls_before + 1


def test_a_renewal_without_the_field_keeps_the_stored_hard_expiry(business, qbo_emulator):
    hard = timezone.now() + timedelta(days=900)
    body = qbo_emulator.issue_tokens(realm_id=CA_REALM)
    connection = QboConnectionFactory(
        business=business,
        realm_id=CA_REALM,
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        access_token_expires_at=timezone.now() - timedelta(seconds=1),
        refresh_token_hard_expires_at=hard,
    )
    original = oauth.PlannitAuthClient.token_set

    def without_hard_expiry(self):
        self.x_refresh_token_hard_expires_in = None
        return original(self)

    oauth.PlannitAuthClient.token_set = without_hard_expiry
    try:
        connection_get_access_token(connection_id=connection.pk)
    finally:
        oauth.PlannitAuthClient.token_set = original
    connection.refresh_from_db()
    assert connection.refresh_token_hard_expires_at == hard
    assert connection.last_refreshed_at is not None


def test_the_page_warns_30_days_before_the_hard_expiry(owner_client, business):
    QboConnectionFactory(
        business=business,
        realm_id=CA_REALM,
        refresh_token_hard_expires_at=timezone.now() + timedelta(days=29),
    )
    page = owner_client.get(reverse("accounting:settings")).content.decode()
    assert "Intuit ends every connection after five years" in page
    assert reverse("accounting:reconnect") in page


def test_no_warning_further_ahead(owner_client, business):
    QboConnectionFactory(
        business=business,
        realm_id=CA_REALM,
        refresh_token_hard_expires_at=timezone.now() + timedelta(days=31),
    )
    page = owner_client.get(reverse("accounting:settings")).content.decode()
    assert "Intuit ends every connection after five years" not in page


# --- The Reconnect URL ------------------------------------------------------------------------


def test_reconnect_url_sends_a_lapsed_connection_to_the_consent_page_and_back(
    owner_client, ready_business, qbo_emulator
):
    # given: a connection Intuit stopped accepting
    connect(owner_client)
    QboConnection.objects.filter(business=ready_business).update(
        status=ConnectionStatus.NEEDS_RECONNECT, needs_reconnect_since=timezone.now()
    )
    # when: the owner follows Intuit's Reconnect link
    response = owner_client.get("/settings/accounting/reconnect/")
    # then: straight to the consent page, and back connected
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{EMULATOR}/connect/oauth2?")
    from urllib.parse import parse_qs, urlsplit

    params = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
    callback = owner_client.get(consent(params))
    assert callback.status_code == 302
    connection = QboConnection.objects.get(business=ready_business)
    assert connection.status == ConnectionStatus.CONNECTED
    assert connection.needs_reconnect_since is None


def test_reconnect_url_with_a_healthy_connection_only_shows_the_page(
    owner_client, business, qbo_emulator
):
    QboConnectionFactory(
        business=business,
        realm_id=CA_REALM,
        refresh_token_hard_expires_at=timezone.now() + timedelta(days=1000),
    )
    response = owner_client.get("/settings/accounting/reconnect/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounting:settings")
    assert token_calls(qbo_emulator) == 0


def test_reconnect_url_asks_a_visitor_to_sign_in_first(client):
    response = client.get("/settings/accounting/reconnect/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/settings/accounting/reconnect/"


def test_reconnect_url_is_for_owners_only(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/settings/accounting/reconnect/").status_code == 403
