import pytest
from django.urls import reverse

from businesses.models import Business, Membership, User

pytestmark = pytest.mark.django_db


def test_sign_up_creates_the_business_and_its_owner_and_signs_in(client):
    # when
    response = client.post(
        reverse("businesses:signup"),
        {
            "business_name": "  Paysagement ABC ",
            "province": "QC",
            "language": "fr-ca",
            "email": "Owner@Example.com",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    # then
    assert response.status_code == 302
    business = Business.objects.get()
    assert (business.name, business.province, business.currency, business.language) == (
        "Paysagement ABC",
        "QC",
        "CAD",
        "fr-ca",
    )
    membership = Membership.objects.get()
    assert membership.user.email == "owner@example.com"
    assert membership.role == "owner"
    assert client.session["_auth_user_id"] == str(membership.user.pk)


def test_sign_up_with_a_taken_email_shows_a_field_error_and_creates_nothing(client, owner):
    response = client.post(
        reverse("businesses:signup"),
        {
            "business_name": "Autre",
            "province": "QC",
            "language": "en",
            "email": owner.email.upper(),
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 200
    assert "An account already uses this email address." in response.content.decode()
    assert Business.objects.count() == 1
    assert User.objects.count() == 1


def test_sign_up_with_mismatched_passwords_is_refused(client):
    response = client.post(
        reverse("businesses:signup"),
        {
            "business_name": "X",
            "province": "QC",
            "language": "en",
            "email": "a@b.ca",
            "password1": "un-mot-de-passe-solide",
            "password2": "autre-chose-encore",
        },
    )
    assert response.status_code == 200
    assert "The two passwords do not match." in response.content.decode()
    assert Business.objects.count() == 0


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
