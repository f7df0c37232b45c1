"""Connect with PKCE (S256), when the emulator advertises it: the challenge goes to the
consent page, the verifier to the token endpoint, and a wrong verifier stores nothing."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs

import pytest
import responses
from django.contrib.messages import get_messages

from accounting import crypto
from accounting.models import ConnectionStatus, QboAuthorizationState, QboConnection
from tests.accounting.conftest import CA_REALM, consent, start_connect, token_calls

pytestmark = pytest.mark.django_db
PAGE = "/settings/accounting/"


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _token_requests() -> list[dict]:
    """The bodies of the token requests the app sent (recorded by `responses`)."""
    bodies = []
    for call in responses.calls:
        if call.request.url.split("?")[0].rstrip("/").endswith("/oauth2/v1/tokens/bearer"):
            body = call.request.body
            body = body.decode() if isinstance(body, bytes) else body
            bodies.append({k: v[0] for k, v in parse_qs(body).items()})
    return bodies


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def pkce_emulator(qbo_emulator):
    qbo_emulator.set_settings(pkce="required")
    return qbo_emulator


def test_connect_sends_an_s256_challenge_and_its_verifier(
    owner_client, ready_business, pkce_emulator
):
    params = start_connect(owner_client)

    assert params["code_challenge_method"] == "S256"
    challenge = params["code_challenge"]
    assert len(challenge) == 43 and "=" not in challenge
    row = QboAuthorizationState.objects.get()
    verifier = crypto.decrypt(row.code_verifier_encrypted)
    assert verifier and verifier not in row.code_verifier_encrypted  # stored encrypted
    assert _s256(verifier) == challenge

    response = owner_client.get(consent(params))

    assert _messages(response) == ["Connected to Compagnie ABC."]
    connection = QboConnection.objects.get(business=ready_business)
    assert (connection.realm_id, connection.status) == (CA_REALM, ConnectionStatus.CONNECTED)
    [token_request] = _token_requests()
    assert token_request["grant_type"] == "authorization_code"
    assert token_request["code_verifier"] == verifier
    assert _s256(token_request["code_verifier"]) == challenge


def test_a_tampered_verifier_is_refused_and_nothing_is_stored(
    owner_client, ready_business, pkce_emulator
):
    params = start_connect(owner_client)
    row = QboAuthorizationState.objects.get()
    tampered = secrets.token_urlsafe(64)
    row.code_verifier_encrypted = crypto.encrypt(tampered)
    row.save(update_fields=["code_verifier_encrypted"])

    response = owner_client.get(consent(params))

    assert response.status_code == 302 and response["Location"] == PAGE
    assert _messages(response) == [
        "This authorization has expired or was already used. Click Connect to try again."
    ]
    assert QboConnection.objects.count() == 0
    assert token_calls(pkce_emulator) == 1
    [token_request] = _token_requests()
    assert token_request["code_verifier"] == tampered
    assert _s256(tampered) != params["code_challenge"]
    # Intuit issued nothing, and the app kept no tokens
    assert not pkce_emulator.state.grants and not pkce_emulator.state.access_tokens
    row.refresh_from_db()
    assert not row.pending_access_token_encrypted and not row.pending_refresh_token_encrypted


def test_optional_pkce_is_used_too(owner_client, ready_business, qbo_emulator):
    qbo_emulator.set_settings(pkce="optional")
    params = start_connect(owner_client)
    assert params["code_challenge_method"] == "S256"

    response = owner_client.get(consent(params))

    assert _messages(response) == ["Connected to Compagnie ABC."]
    assert _token_requests()[0]["code_verifier"]
