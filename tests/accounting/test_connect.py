"""Connect, cancel, bad states, reused code, realm bound elsewhere, reconnect, disconnect:
against the in-process QBO emulator."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from accounting import crypto
from accounting.models import (
    AccountingSettings,
    ConnectionStatus,
    OAuthStateStatus,
    QboAccount,
    QboAuthorizationState,
    QboConnection,
    QboItem,
    QboTaxCode,
    TaxGroupMapping,
)
from tests.accounting.conftest import (
    CA_REALM,
    US_REALM,
    connect,
    consent,
    start_connect,
    token_calls,
)
from tests.factories.accounting import QboConnectionFactory
from tests.factories.invoicing import TaxGroupFactory

pytestmark = pytest.mark.django_db
PAGE = "/settings/accounting/"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_authorize_url_asks_only_the_accounting_scope_with_a_long_state(
    owner_client, ready_business, qbo_emulator
):
    params = start_connect(owner_client)
    assert params["scope"] == "com.intuit.quickbooks.accounting"
    assert params["client_id"] == "plannit-dev-client"
    assert params["redirect_uri"] == "http://testserver/settings/accounting/callback/"
    assert params["response_type"] == "code"
    assert len(params["state"]) >= 43  # token_urlsafe(32)
    assert "code_challenge" not in params  # the emulator does not advertise PKCE
    row = QboAuthorizationState.objects.get()
    assert row.state_hash != params["state"]  # only a hash is stored
    assert row.expires_at == row.created_at + timedelta(minutes=10)


def test_connect_stores_the_company_and_fills_the_lists(
    owner_client, ready_business, owner, qbo_emulator
):
    response = connect(owner_client)

    assert response.status_code == 302 and response["Location"] == PAGE
    assert _messages(response) == ["Connected to Compagnie ABC."]
    connection = QboConnection.objects.get(business=ready_business)
    assert (
        connection.realm_id,
        connection.company_name,
        connection.company_country,
        connection.company_currency,
        connection.status,
    ) == (CA_REALM, "Compagnie ABC", "CA", "CAD", ConnectionStatus.CONNECTED)
    assert connection.connected_by == owner
    assert connection.access_token_expires_at > timezone.now() + timedelta(minutes=55)
    assert connection.refresh_token_expires_at > timezone.now() + timedelta(days=99)
    assert token_calls(qbo_emulator) == 1
    assert QboTaxCode.objects.filter(business=ready_business, realm_id=CA_REALM).exists()
    assert QboAccount.objects.filter(business=ready_business, name="Chèques").exists()
    assert QboItem.objects.filter(business=ready_business, item_type="Service").exists()
    assert connection.lists_refreshed_at is not None
    html = owner_client.get(PAGE).content.decode()
    assert "Compagnie ABC" in html and CA_REALM in html
    assert "Fonds non déposés" in html and "Chèques" in html


def test_cancel_on_the_consent_page_says_cancelled_and_stores_nothing(
    owner_client, ready_business, qbo_emulator
):
    callback = consent(start_connect(owner_client), action="cancel")
    assert "error=access_denied" in callback

    response = owner_client.get(callback)

    assert response["Location"] == PAGE
    assert _messages(response) == ["Connection cancelled: QuickBooks Online was not connected."]
    assert QboConnection.objects.count() == 0
    assert token_calls(qbo_emulator) == 0


def test_other_oauth_error_is_a_failure(owner_client, ready_business, qbo_emulator):
    params = start_connect(owner_client)
    response = owner_client.get(
        PAGE + "callback/", {"error": "invalid_scope", "state": params["state"]}
    )
    assert _messages(response) == [
        "QuickBooks Online could not connect (invalid_scope). Please try again."
    ]
    assert QboConnection.objects.count() == 0


BAD_STATE = (
    "This connection link is not valid (it expired, was already used or was started "
    "elsewhere). Nothing was changed; click Connect to try again."
)


def _assert_refused(response, emulator):
    assert response.status_code == 302 and response["Location"] == PAGE
    assert _messages(response) == [BAD_STATE]
    assert QboConnection.objects.count() == 0
    assert token_calls(emulator) == 0


def test_missing_state_is_refused_without_token_exchange(
    owner_client, ready_business, qbo_emulator
):
    callback = consent(start_connect(owner_client))
    query = parse_qs(urlsplit(callback).query)
    response = owner_client.get(PAGE + "callback/", {"code": query["code"][0], "realmId": CA_REALM})
    _assert_refused(response, qbo_emulator)


def test_unknown_state_is_refused(owner_client, ready_business, qbo_emulator):
    callback = consent(start_connect(owner_client))
    query = parse_qs(urlsplit(callback).query)
    response = owner_client.get(
        PAGE + "callback/",
        {"code": query["code"][0], "realmId": CA_REALM, "state": "forged-" + "x" * 40},
    )
    _assert_refused(response, qbo_emulator)


def test_expired_state_is_refused(owner_client, ready_business, qbo_emulator):
    callback = consent(start_connect(owner_client))
    QboAuthorizationState.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    _assert_refused(owner_client.get(callback), qbo_emulator)


def test_reused_state_is_refused(owner_client, ready_business, qbo_emulator):
    callback = consent(start_connect(owner_client))
    assert owner_client.get(callback, follow=True).status_code == 200  # shows the message
    QboConnection.objects.all().delete()
    calls_before = token_calls(qbo_emulator)

    response = owner_client.get(callback)

    assert _messages(response) == [BAD_STATE]
    assert QboConnection.objects.count() == 0
    assert token_calls(qbo_emulator) == calls_before


def test_state_of_another_session_is_refused(
    owner_client, ready_business, owner, client, qbo_emulator
):
    callback = consent(start_connect(owner_client))
    from django.test import Client

    other_browser = Client()
    other_browser.force_login(owner)  # same user, another session
    _assert_refused(other_browser.get(callback), qbo_emulator)
    assert QboAuthorizationState.objects.get().status == OAuthStateStatus.PENDING


def test_state_of_another_business_is_refused(
    owner_client, ready_business, other_business, qbo_emulator
):
    from django.test import Client

    TaxGroupFactory(business=other_business)
    other_owner = other_business.memberships.get().user
    other_client = Client()
    other_client.force_login(other_owner)
    callback = consent(start_connect(other_client))
    # the first business's owner opens the other's callback
    _assert_refused(owner_client.get(callback), qbo_emulator)


def test_reused_authorization_code_is_refused_by_intuit(owner_client, ready_business, qbo_emulator):
    callback = consent(start_connect(owner_client))
    code = parse_qs(urlsplit(callback).query)["code"][0]
    owner_client.get(callback, follow=True)
    connection = QboConnection.objects.get()
    before = (connection.access_token_encrypted, connection.refresh_token_encrypted)
    # a fresh, valid state, but the already used code
    state = start_connect(owner_client)["state"]

    response = owner_client.get(
        PAGE + "callback/", {"code": code, "state": state, "realmId": CA_REALM}
    )

    assert _messages(response) == [
        "This authorization has expired or was already used. Click Connect to try again."
    ]
    assert token_calls(qbo_emulator) == 2  # the first exchange and the refused one
    connection.refresh_from_db()
    assert (connection.access_token_encrypted, connection.refresh_token_encrypted) == before


def test_realm_connected_to_another_business_is_refused(
    owner_client, ready_business, other_business, qbo_emulator
):
    QboConnectionFactory(business=other_business, realm_id=CA_REALM)

    response = connect(owner_client)

    assert _messages(response) == [
        "This QuickBooks Online company is already connected to another Plannit business. "
        "Disconnect it there first, or choose another company."
    ]
    assert QboConnection.objects.filter(business=ready_business).count() == 0
    assert token_calls(qbo_emulator) == 0


def test_realm_of_a_disconnected_business_can_be_connected(
    owner_client, ready_business, other_business, qbo_emulator
):
    QboConnectionFactory(
        business=other_business, realm_id=CA_REALM, status=ConnectionStatus.DISCONNECTED
    )
    assert _messages(connect(owner_client)) == ["Connected to Compagnie ABC."]


def _configured(business):
    settings_row = AccountingSettings.objects.get(business=business)
    settings_row.taxable_tax_code_id, settings_row.taxable_tax_code_name = "7", "TPS/TVQ"
    settings_row.default_item_id, settings_row.default_item_name = "3", "Autres revenus"
    settings_row.save()
    group = TaxGroupFactory(business=business, name="Exempt")
    TaxGroupMapping.objects.create(
        business=business, tax_group=group, qbo_tax_code_id="9", qbo_tax_code_name="Exonéré"
    )
    return settings_row


def test_reconnect_to_the_same_realm_keeps_the_mappings(owner_client, ready_business, qbo_emulator):
    connect(owner_client)
    owner_client.get(PAGE)  # the page shows (and consumes) the message
    _configured(ready_business)
    owner_client.post(PAGE + "disconnect/", follow=True)
    assert QboConnection.objects.get().status == ConnectionStatus.DISCONNECTED

    response = connect(owner_client)

    assert _messages(response) == ["Connected to Compagnie ABC."]
    connection = QboConnection.objects.get()
    assert connection.status == ConnectionStatus.CONNECTED
    settings_row = AccountingSettings.objects.get(business=ready_business)
    assert (settings_row.taxable_tax_code_id, settings_row.default_item_id) == ("7", "3")
    assert TaxGroupMapping.objects.filter(business=ready_business).count() == 1


def test_reconnect_to_another_realm_asks_then_starts_clean(
    owner_client, ready_business, qbo_emulator
):
    connect(owner_client)
    owner_client.get(PAGE)  # the page shows (and consumes) the message
    _configured(ready_business)
    old_refresh = crypto.decrypt(QboConnection.objects.get().refresh_token_encrypted)

    response = connect(owner_client, realm_id=US_REALM)

    pending = QboAuthorizationState.objects.get(status=OAuthStateStatus.AWAITING_CONFIRMATION)
    assert response["Location"] == f"/settings/accounting/switch/{pending.pk}/"
    assert QboConnection.objects.get().realm_id == CA_REALM  # nothing switched yet
    page = owner_client.get(response["Location"]).content.decode()
    assert "Compagnie ABC" in page and "Sandbox Company US" in page

    response = owner_client.post(
        f"/settings/accounting/switch/{pending.pk}/", {"action": "confirm"}
    )

    assert _messages(response) == ["Connected to Sandbox Company US."]
    connection = QboConnection.objects.get()
    assert (connection.realm_id, connection.company_country) == (US_REALM, "US")
    settings_row = AccountingSettings.objects.get(business=ready_business)
    assert (settings_row.taxable_tax_code_id, settings_row.default_item_id) == ("", "")
    assert TaxGroupMapping.objects.filter(business=ready_business).count() == 0
    assert not QboTaxCode.objects.filter(business=ready_business, realm_id=CA_REALM).exists()
    assert QboTaxCode.objects.filter(business=ready_business, realm_id=US_REALM).exists()
    pending.refresh_from_db()
    assert pending.pending_refresh_token_encrypted == ""
    revokes = [e for e in qbo_emulator.requests_log if e["path"] == "/v2/oauth2/tokens/revoke"]
    assert len(revokes) == 1  # the old company's token
    from accounting.qbo import errors, oauth

    with pytest.raises(errors.QboInvalidGrant):
        oauth.refresh(refresh_token=old_refresh)


def test_reconnect_to_another_realm_cancelled_keeps_everything(
    owner_client, ready_business, qbo_emulator
):
    connect(owner_client)
    owner_client.get(PAGE)  # the page shows (and consumes) the message
    _configured(ready_business)
    before = QboConnection.objects.get().refresh_token_encrypted
    response = connect(owner_client, realm_id=US_REALM)

    response = owner_client.post(response["Location"], {"action": "cancel"})

    assert _messages(response) == ["Nothing changed: you are still connected to Compagnie ABC."]
    connection = QboConnection.objects.get()
    assert (connection.realm_id, connection.refresh_token_encrypted) == (CA_REALM, before)
    assert AccountingSettings.objects.get(business=ready_business).taxable_tax_code_id == "7"
    assert (
        QboAuthorizationState.objects.filter(status=OAuthStateStatus.AWAITING_CONFIRMATION).count()
        == 0
    )


def test_disconnect_revokes_deletes_tokens_and_keeps_mappings(
    owner_client, ready_business, qbo_emulator
):
    connect(owner_client)
    owner_client.get(PAGE)  # the page shows (and consumes) the message
    _configured(ready_business)
    refresh_token = crypto.decrypt(QboConnection.objects.get().refresh_token_encrypted)

    response = owner_client.post(PAGE + "disconnect/")

    assert _messages(response) == [
        "QuickBooks Online is disconnected. Your settings are kept for a later reconnection."
    ]
    connection = QboConnection.objects.get()
    assert connection.status == ConnectionStatus.DISCONNECTED
    assert (connection.access_token_encrypted, connection.refresh_token_encrypted) == ("", "")
    assert AccountingSettings.objects.get(business=ready_business).taxable_tax_code_id == "7"
    from accounting.qbo import errors, oauth

    with pytest.raises(errors.QboInvalidGrant):  # revoked at Intuit
        oauth.refresh(refresh_token=refresh_token)
    html = owner_client.get(PAGE).content.decode()
    assert "Previously connected to Compagnie ABC" in html


def test_staff_cannot_connect_or_disconnect(client, ready_business, staff_user, qbo_emulator):
    QboConnectionFactory(business=ready_business)
    client.force_login(staff_user)
    assert client.post(PAGE + "connect/", {"system": "qbo"}).status_code == 403
    assert client.post(PAGE + "disconnect/").status_code == 403
    assert QboConnection.objects.get().status == ConnectionStatus.CONNECTED
    assert QboAuthorizationState.objects.count() == 0
