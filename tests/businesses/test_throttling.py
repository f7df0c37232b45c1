"""Logins (django-axes) and password resets (businesses/throttle.py) are throttled per account
and per client address."""

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, owner):
    answers = [_login(client, owner.email, f"wrong-{n}").status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    # the right password from another address is refused too: the account is locked
    locked = _login(client, owner.email, RIGHT, ip="198.51.100.9")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_locked_out(client, owner, user_factory):
    for n in range(5):
        _login(client, f"nobody{n}@example.com", "guess")
    # the owner's right password, from that same address
    response = _login(client, owner.email, RIGHT)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # from another address the owner signs in
    assert _login(client, owner.email, RIGHT, ip="198.51.100.9").status_code == 302


def test_a_success_before_the_limit_clears_the_account_count(client, owner):
    for n in range(4):
        _login(client, owner.email, f"wrong-{n}")
    assert _login(client, owner.email, RIGHT).status_code == 302
    client.logout()
    for n in range(4):
        assert _login(client, owner.email, f"wrong-again-{n}", ip="198.51.100.9").status_code == 200


def test_password_reset_is_limited_per_email(client, owner, mailoutbox):
    answers = [
        client.post(
            reverse("password_reset"), {"email": owner.email}, REMOTE_ADDR=f"203.0.113.{n}"
        ).status_code
        for n in range(4)
    ]
    assert answers == [302, 302, 302, 429]
    assert len(mailoutbox) == 3


def test_password_reset_is_limited_per_address_whatever_the_email(client, owner, mailoutbox):
    for n in range(10):
        client.post(reverse("password_reset"), {"email": f"someone{n}@example.com"})
    response = client.post(reverse("password_reset"), {"email": owner.email})
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert mailoutbox == []


def test_behind_a_proxy_the_forwarded_address_counts(client, owner, settings):
    settings.PROXY_COUNT = 1
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": f"x{n}@example.com", "password": "guess"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.50",
        )
    # another client behind the same proxy is not locked out
    response = client.post(
        reverse("login"),
        {"username": owner.email, "password": RIGHT},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert response.status_code == 302
