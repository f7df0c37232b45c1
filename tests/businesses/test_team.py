"""The team: an owner invites by e-mail (a single-use link that expires), the invitee joins with
a new password or the account of the invited address, roles change, members are removed (their
sessions end), and the business always keeps an owner."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from businesses import team
from businesses.models import Invitation, Membership, User
from businesses.tasks import invitation_send
from core.exceptions import ApplicationError
from tests.factories.businesses import BusinessFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/invitations/([\w-]+)/")


@pytest.fixture
def enqueued(monkeypatch):
    sent = []
    monkeypatch.setattr(invitation_send, "delay", lambda *args: sent.append(args))
    return sent


def invite(business, owner, email="julie@example.com", role="staff") -> tuple[Invitation, str]:
    """An invitation, delivered: returns it and the token of its e-mailed link."""
    invitation = team.invitation_create(
        business=business, email=email, role=role, invited_by=owner, base_url="http://testserver/"
    )
    assert team.invitation_deliver(invitation_id=invitation.pk, base_url="http://testserver/")
    token = LINK.search(mail.outbox[-1].body).group(1)
    invitation.refresh_from_db()
    return invitation, token


def test_the_owner_invites_and_the_worker_mails_a_single_use_link(
    owner_client, owner, business, enqueued, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("businesses:team"), {"email": " Julie@Example.com ", "role": "staff"}
        )
    # then
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "julie@example.com",
        "staff",
        owner,
    )
    assert enqueued == [(invitation.pk, "http://testserver/")]
    assert mail.outbox == []  # the request sends nothing
    invitation_send.apply(args=[invitation.pk, "http://testserver/"])
    [email] = mail.outbox
    assert email.to == ["julie@example.com"]
    assert email.subject == f"Rejoignez {business.name} dans Plannit"
    token = LINK.search(email.body).group(1)
    invitation.refresh_from_db()
    assert len(token) >= 40 and token not in invitation.token_hash
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    assert "7 jours" in email.body


def test_a_new_member_sets_a_password_and_is_signed_in_then_the_link_is_spent(
    client, owner, business
):
    invitation, token = invite(business, owner)
    url = reverse("businesses:invitation_accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="password1"' in page.content.decode()
    # when
    response = client.post(
        url, {"password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide"}
    )
    # then
    assert response.status_code == 302
    user = User.objects.get(email="julie@example.com")
    assert user.check_password("un-mot-de-passe-solide")
    assert Membership.objects.get(user=user).role == "staff"
    assert client.session["_auth_user_id"] == str(user.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # the link works once
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "This invitation has already been used. Sign in instead." in again.content.decode()
    assert client.post(url, {"password1": "x", "password2": "x"}).status_code == 410
    assert Membership.objects.filter(user=user).count() == 1


def test_an_expired_link_is_refused(client, owner, business):
    invitation, token = invite(business, owner)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = client.post(
        reverse("businesses:invitation_accept", args=[token]),
        {"password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide"},
    )
    assert response.status_code == 410
    assert f"This invitation has expired. Ask {business.name} for a new one." in (
        response.content.decode()
    )
    assert not User.objects.filter(email="julie@example.com").exists()


def test_a_used_invitation_cannot_make_a_second_account(owner, business):
    _invitation, token = invite(business, owner)
    team.invitation_accept(token=token, password="un-mot-de-passe-solide")
    with pytest.raises(ApplicationError, match="already been used"):
        team.invitation_accept(token=token, password="un-autre-mot-de-passe")
    assert User.objects.filter(email="julie@example.com").count() == 1
    assert Membership.objects.filter(business=business).count() == 2


def test_a_new_invitation_replaces_the_pending_one(owner, business):
    _first, old_token = invite(business, owner)
    _second, new_token = invite(business, owner, role="owner")
    with pytest.raises(ApplicationError, match="not valid"):
        team.invitation_for_token(token=old_token)
    assert team.invitation_for_token(token=new_token).role == "owner"


def test_a_cancelled_invitation_no_longer_works(owner_client, owner, business):
    invitation, token = invite(business, owner)
    owner_client.post(reverse("businesses:invitation_revoke", args=[invitation.pk]))
    with pytest.raises(ApplicationError, match="not valid"):
        team.invitation_for_token(token=token)


def test_signed_in_with_another_account_the_invitation_is_refused(client, owner, business):
    _invitation, token = invite(business, owner)
    other = UserFactory(email="marc@example.com")
    client.force_login(other)
    url = reverse("businesses:invitation_accept", args=[token])
    page = client.get(url).content.decode()
    assert (
        "This invitation is for julie@example.com, but you are signed in as marc@example.com."
        in page
    )
    client.post(url)
    assert Membership.objects.filter(business=business).count() == 1
    with pytest.raises(ApplicationError, match="signed in as marc@example.com"):
        team.invitation_accept(token=token, user=other)


def test_an_existing_account_of_the_invited_address_joins_once_signed_in(client, owner, business):
    existing = UserFactory(email="julie@example.com")
    _invitation, token = invite(business, owner)
    url = reverse("businesses:invitation_accept", args=[token])
    # not signed in: asked to sign in, and a password does not create a second account
    page = client.get(url).content.decode()
    assert "An account already uses julie@example.com: sign in with it to accept." in page
    client.post(url, {"password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide"})
    assert not Membership.objects.filter(user=existing).exists()
    # signed in: one click
    client.force_login(existing)
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.get(user=existing).business == business


def test_an_account_of_another_business_cannot_join_a_second_one(owner, business):
    elsewhere = MembershipFactory(business=BusinessFactory(), user=UserFactory(email="j@x.ca"))
    _invitation, token = invite(business, owner, email="j@x.ca")
    with pytest.raises(ApplicationError, match="already belongs to a business"):
        team.invitation_accept(token=token, user=elsewhere.user)
    assert Membership.objects.filter(user=elsewhere.user).count() == 1


def test_a_member_cannot_be_invited_again(owner, business, staff_user):
    with pytest.raises(ApplicationError) as caught:
        team.invitation_create(
            business=business, email=staff_user.email, role="staff", invited_by=owner, base_url="/"
        )
    assert caught.value.message == f"{staff_user.email} is already a member of the team."
    assert Invitation.objects.count() == 0


def test_the_owner_changes_a_role(owner_client, business, staff_user):
    membership = Membership.objects.get(user=staff_user)
    owner_client.post(
        reverse("businesses:membership_role", args=[membership.pk]), {"role": "owner"}
    )
    assert Membership.objects.get(pk=membership.pk).role == "owner"


def test_the_last_owner_cannot_become_staff_or_be_removed(owner_client, owner, business):
    membership = Membership.objects.get(user=owner)
    response = owner_client.post(
        reverse("businesses:membership_role", args=[membership.pk]), {"role": "staff"}, follow=True
    )
    assert "The business needs at least one owner" in response.content.decode()
    owner_client.post(reverse("businesses:membership_remove", args=[membership.pk]))
    assert Membership.objects.get(pk=membership.pk).role == "owner"
    with pytest.raises(ApplicationError, match="The last owner cannot be removed"):
        team.membership_remove(membership=membership)


def test_a_removed_member_is_signed_out_everywhere(owner_client, business, staff_user):
    client = Client()
    client.force_login(staff_user)
    assert client.get(reverse("invoicing:invoice_list")).status_code == 200
    membership = Membership.objects.get(user=staff_user)
    # when
    owner_client.post(reverse("businesses:membership_remove", args=[membership.pk]))
    # then
    assert not Membership.objects.filter(pk=membership.pk).exists()
    response = client.get(reverse("invoicing:invoice_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert owner_client.get(reverse("businesses:team")).status_code == 200  # the owner stays


def test_the_team_page_lists_members_and_pending_invitations(owner_client, owner, business):
    invite(business, owner, email="julie@example.com")
    page = owner_client.get(reverse("businesses:team")).content.decode()
    assert owner.email in page and "julie@example.com" in page
    assert "Staff manage contacts, products and services, invoices" in page
