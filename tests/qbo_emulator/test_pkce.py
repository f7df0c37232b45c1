"""PKCE (RFC 7636, S256) on the OAuth server, behind the `pkce` setting."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from .conftest import CA_REALM, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI

DISCOVERY = "/.well-known/openid_sandbox_configuration/"


def _challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def _authorize_query(**extra) -> dict:
    return {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "scope": "com.intuit.quickbooks.accounting",
        "redirect_uri": REDIRECT_URI,
        "state": "st-1",
        **extra,
    }


def _code(emulator, base_url, **extra) -> str:
    """Open the consent page like a browser, post its form (hidden fields included)."""
    query = _authorize_query(**extra)
    page = requests.get(f"{base_url}/connect/oauth2?{urlencode(query)}", timeout=5)
    assert page.status_code == 200, page.text
    hidden = f'name="code_challenge" value="{extra.get("code_challenge")}"'
    assert (hidden in page.text) == ("code_challenge" in extra and emulator.settings.pkce != "off")
    form = {k: v for k, v in query.items() if k != "response_type"}
    form.update(realm_id=CA_REALM, action="next")
    redirect = requests.post(
        f"{base_url}/connect/oauth2", data=form, allow_redirects=False, timeout=5
    )
    assert redirect.status_code == 302, redirect.text
    return parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]


def _exchange(base_url, code, **extra):
    return requests.post(
        f"{base_url}/oauth2/v1/tokens/bearer",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            **extra,
        },
        timeout=5,
    )


def _no_tokens(emulator) -> bool:
    return not emulator.state.grants and not emulator.state.access_tokens


def test_off_by_default_not_advertised_and_ignored(qbo_emulator, base_url):
    assert qbo_emulator.settings.pkce == "off"
    doc = requests.get(base_url + DISCOVERY, timeout=5).json()
    assert "code_challenge_methods_supported" not in doc
    # as before: a challenge is not kept, no verifier is asked for
    code = _code(
        qbo_emulator, base_url, code_challenge=_challenge("v" * 50), code_challenge_method="S256"
    )
    assert _exchange(base_url, code).status_code == 200


@pytest.mark.parametrize("mode", ["optional", "required"])
def test_advertised_when_on(qbo_emulator, base_url, mode):
    qbo_emulator.set_settings(pkce=mode)
    doc = requests.get(base_url + DISCOVERY, timeout=5).json()
    assert doc["code_challenge_methods_supported"] == ["S256"]


def test_settable_through_the_control_api(qbo_emulator, base_url):
    ok = requests.put(f"{base_url}/_emulator/settings", json={"pkce": "required"}, timeout=5)
    bad = requests.put(f"{base_url}/_emulator/settings", json={"pkce": "maybe"}, timeout=5)

    assert ok.status_code == 200 and ok.json()["pkce"] == "required"
    assert bad.status_code == 400
    assert qbo_emulator.settings.pkce == "required"


@pytest.mark.parametrize("mode", ["optional", "required"])
def test_right_verifier_gives_tokens(qbo_emulator, base_url, mode):
    qbo_emulator.set_settings(pkce=mode)
    verifier = secrets.token_urlsafe(64)
    code = _code(
        qbo_emulator, base_url, code_challenge=_challenge(verifier), code_challenge_method="S256"
    )
    assert qbo_emulator.state.codes[code]["code_challenge"] == _challenge(verifier)

    response = _exchange(base_url, code, code_verifier=verifier)

    assert response.status_code == 200, response.text
    assert response.json()["access_token"] and response.json()["refresh_token"]


# Fixed ids: a random value in the id would differ between pytest-xdist workers.
@pytest.mark.parametrize(
    "verifier", [secrets.token_urlsafe(64), "", "short"], ids=["other", "missing", "short"]
)
def test_wrong_or_missing_verifier_is_invalid_grant(qbo_emulator, base_url, verifier):
    qbo_emulator.set_settings(pkce="optional")
    right = secrets.token_urlsafe(64)
    code = _code(
        qbo_emulator, base_url, code_challenge=_challenge(right), code_challenge_method="S256"
    )
    extra = {"code_verifier": verifier} if verifier else {}

    response = _exchange(base_url, code, **extra)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert _no_tokens(qbo_emulator)
    # the code is used up: the right verifier no longer helps
    assert _exchange(base_url, code, code_verifier=right).json()["error"] == "invalid_grant"
    assert _no_tokens(qbo_emulator)


def test_optional_without_challenge_works_as_before(qbo_emulator, base_url):
    qbo_emulator.set_settings(pkce="optional")
    code = _code(qbo_emulator, base_url)
    assert _exchange(base_url, code).status_code == 200


def test_verifier_for_a_code_without_challenge_is_refused(qbo_emulator, base_url):
    qbo_emulator.set_settings(pkce="optional")
    code = _code(qbo_emulator, base_url)

    response = _exchange(base_url, code, code_verifier=secrets.token_urlsafe(64))

    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert _no_tokens(qbo_emulator)


def _refused_on_the_page(response, text):
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Something went wrong" in response.text and text in response.text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_required_without_challenge_is_refused_on_the_page(qbo_emulator, base_url, method):
    qbo_emulator.set_settings(pkce="required")
    if method == "GET":
        response = requests.get(
            f"{base_url}/connect/oauth2?{urlencode(_authorize_query())}",
            allow_redirects=False,
            timeout=5,
        )
    else:  # the consent form posted without the challenge
        form = {**_authorize_query(), "realm_id": CA_REALM, "action": "next"}
        response = requests.post(
            f"{base_url}/connect/oauth2", data=form, allow_redirects=False, timeout=5
        )

    _refused_on_the_page(response, "PKCE")
    assert qbo_emulator.state.codes == {}


@pytest.mark.parametrize("mode", ["optional", "required"])
@pytest.mark.parametrize(
    "extra",
    [
        {"code_challenge": _challenge("v" * 50), "code_challenge_method": "plain"},
        {"code_challenge": _challenge("v" * 50)},  # no method means "plain" (RFC 7636 §4.3)
        {"code_challenge_method": "S256"},
        {"code_challenge": "too-short", "code_challenge_method": "S256"},
    ],
)
def test_other_methods_or_bad_challenges_are_refused_on_the_page(
    qbo_emulator, base_url, mode, extra
):
    qbo_emulator.set_settings(pkce=mode)
    response = requests.get(
        f"{base_url}/connect/oauth2?{urlencode(_authorize_query(**extra))}",
        allow_redirects=False,
        timeout=5,
    )

    _refused_on_the_page(response, "code_challenge")
