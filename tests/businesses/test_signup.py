import re

import pytest
from django.urls import reverse

from businesses.models import Business, Membership, User

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "business_name": "  Paysagement ABC ",
    "province": "QC",
    "language": "fr-ca",
    "email": "Owner@Example.com",
    "password1": "un-mot-de-passe-solide",
    "password2": "un-mot-de-passe-solide",
}
CHECK_YOUR_EMAIL = "We sent a message to"


def _link(body: str) -> str:
    return re.search(r"http://testserver(/signup/confirm/\S+)", body).group(1)


def test_sign_up_creates_an_inactive_owner_and_mails_a_confirmation_link(client, mailoutbox):
    # when
    response = client.post(reverse("businesses:signup"), SIGN_UP)
    # then
    assert response.status_code == 200
    assert CHECK_YOUR_EMAIL in response.content.decode()
    business = Business.objects.get()
    assert (business.name, business.province, business.currency, business.language) == (
        "Paysagement ABC",
        "QC",
        "CAD",
        "fr-ca",
    )
    membership = Membership.objects.get()
    assert (membership.user.email, membership.role) == ("owner@example.com", "owner")
    assert membership.user.is_active is False
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["owner@example.com"]
    # in the business's language (French)
    assert mailoutbox[0].subject == "Confirmez votre compte Plannit"


def test_the_confirmation_link_activates_and_signs_in_once(client, mailoutbox):
    client.post(reverse("businesses:signup"), SIGN_UP)
    link = _link(mailoutbox[0].body)
    # when
    response = client.get(link)
    # then
    assert response.status_code == 302
    user = User.objects.get()
    assert user.is_active is True
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.cookies["django_language"].value == "fr-ca"
    # a second use is refused (signing in changed what the token covers)
    client.logout()
    again = client.get(link)
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_tampered_confirmation_link_is_refused(client, mailoutbox):
    client.post(reverse("businesses:signup"), SIGN_UP)
    link = _link(mailoutbox[0].body)
    response = client.get(link[:-3] + "abc/")
    assert response.status_code == 400
    assert User.objects.get().is_active is False
    assert client.get("/signup/confirm/bm90LWFuLWlk/x-y/").status_code == 400


def test_sign_up_with_a_taken_email_answers_the_same_and_tells_the_owner(client, owner, mailoutbox):
    # when
    response = client.post(
        reverse("businesses:signup"),
        dict(SIGN_UP, business_name="Autre", email=owner.email.upper(), language="en"),
    )
    # then: the same page as for a new address; nothing created; the owner is told by e-mail
    assert response.status_code == 200
    html = response.content.decode()
    assert CHECK_YOUR_EMAIL in html
    assert "already" not in html
    assert Business.objects.count() == 1
    assert User.objects.count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [owner.email]
    assert "/password-reset/" in mailoutbox[0].body
    assert "/signup/confirm/" not in mailoutbox[0].body


def test_signing_up_again_before_confirming_replaces_the_first_attempt(client, mailoutbox):
    client.post(reverse("businesses:signup"), SIGN_UP)
    first_link = _link(mailoutbox[0].body)
    # when
    client.post(
        reverse("businesses:signup"),
        dict(
            SIGN_UP,
            business_name="Déneigement",
            password1="autre-mot-de-passe-99",
            password2="autre-mot-de-passe-99",
        ),
    )
    # then
    assert len(mailoutbox) == 2
    assert Business.objects.get().name == "Déneigement"
    assert client.get(first_link).status_code == 400
    assert client.get(_link(mailoutbox[1].body)).status_code == 302
    assert User.objects.get().check_password("autre-mot-de-passe-99")


def test_sign_up_with_mismatched_passwords_is_refused(client, mailoutbox):
    response = client.post(
        reverse("businesses:signup"), dict(SIGN_UP, password2="autre-chose-encore")
    )
    assert response.status_code == 200
    assert "The two passwords do not match." in response.content.decode()
    assert Business.objects.count() == 0
    assert mailoutbox == []


def test_sign_in_with_email_and_password(client, owner):
    response = client.post(
        reverse("login"), {"username": owner.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_password_reset_page_sends_an_email(client, owner, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": owner.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [owner.email]
    assert "/reset/" in mailoutbox[0].body


def test_a_mail_server_that_refuses_leaves_no_account_and_says_so(client, monkeypatch):
    import smtplib

    from businesses import services

    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "busy")

    monkeypatch.setattr(services, "send_mail", refuse)
    response = client.post(reverse("businesses:signup"), SIGN_UP)
    assert response.status_code == 200
    assert "The e-mail could not be sent. Nothing was created" in response.content.decode()
    assert Business.objects.count() == 0
    assert User.objects.count() == 0
