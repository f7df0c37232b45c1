"""The team: invitations by e-mail, roles, removing a member (HackSoft-style services; split
from services.py, which keeps sign-up and the business settings).

Roles. An owner can do everything. Staff (e.g. a crew lead) manage contacts, products and
services, invoices (issuing, sending) and payments, and see the tax groups; they cannot open
the settings (tax groups' changes, invoice settings, business details), the QuickBooks
accounting pages or the team. The last owner cannot leave or be made staff."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model, password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

from .models import Business, Invitation, Membership

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=7)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _owners_locked(business: Business):
    return Membership.objects.select_for_update().filter(
        business=business, role=Membership.Role.OWNER
    )


@transaction.atomic
def invitation_create(
    *, business: Business, email: str, role: str, invited_by, base_url: str
) -> Invitation:
    """Invite someone by e-mail; the worker sends the link once this transaction commits. A
    pending invitation to the same address is replaced (its link stops working)."""
    email = get_user_model().objects.normalize_email(email).strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(_("Enter a valid e-mail address."), field="email") from None
    if role not in Membership.Role.values:
        raise ApplicationError(_("Choose a role."), field="role")
    if Membership.objects.filter(business=business, user__email__iexact=email).exists():
        raise ApplicationError(
            _("%(email)s is already a member of the team.") % {"email": email}, field="email"
        )
    now = timezone.now()
    Invitation.objects.filter(
        business=business, email=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        business=business, email=email, role=role, invited_by=invited_by
    )
    invitation_id = invitation.pk
    transaction.on_commit(lambda: _enqueue(invitation_id, base_url))
    return invitation


def _enqueue(invitation_id: int, base_url: str) -> None:
    from .tasks import invitation_send

    invitation_send.delay(invitation_id, base_url)


def invitation_deliver(*, invitation_id: int, base_url: str) -> bool:
    """The worker's side: a fresh single-use token (only its hash is kept, so the link never
    travels through the broker), valid INVITATION_LIFETIME, e-mailed to the invitee in the
    business's language. False when the invitation is no longer pending."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("business", "invited_by")
            .filter(pk=invitation_id, accepted_at=None, revoked_at=None)
            .first()
        )
        if invitation is None:
            return False
        now = timezone.now()
        invitation.token_hash = _token_hash(token)
        invitation.sent_at = now
        invitation.expires_at = now + INVITATION_LIFETIME
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    business = invitation.business
    link = f"{base_url.rstrip('/')}/invitations/{token}/"
    with translation.override(business.language):
        subject = _("Join %(business)s on Plannit") % {"business": business.invoice_name}
        body = render_to_string(
            "businesses/email/invitation.txt",
            {
                "invitation": invitation,
                "business": business,
                "link": link,
                "role": invitation.get_role_display(),
                "days": INVITATION_LIFETIME.days,
            },
        ).strip()
    send_mail(subject, body, None, [invitation.email], fail_silently=False)
    return True


def invitation_for_token(*, token: str) -> Invitation:
    """The pending, unexpired invitation of this link, or ApplicationError saying why not."""
    invitation = (
        Invitation.objects.select_related("business").filter(token_hash=_token_hash(token)).first()
        if token
        else None
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ApplicationError(
            _("This invitation link is not valid (it may have been replaced by a newer one).")
        )
    if invitation.accepted_at is not None:
        raise ApplicationError(_("This invitation has already been used. Sign in instead."))
    if invitation.expires_at is None or invitation.expires_at <= timezone.now():
        raise ApplicationError(
            _("This invitation has expired. Ask %(business)s for a new one.")
            % {"business": invitation.business.name}
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user=None, password: str | None = None) -> Membership:
    """Join the business: as `user` (signed in with the invited address), or as a new account
    with `password`. The link then stops working."""
    invitation = invitation_for_token(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ApplicationError(_("This invitation has already been used. Sign in instead."))
    User = get_user_model()
    if user is not None:
        if user.email.lower() != invitation.email:
            raise ApplicationError(
                _(
                    "This invitation is for %(invited)s, but you are signed in as %(current)s. "
                    "Sign out, then open the link again."
                )
                % {"invited": invitation.email, "current": user.email}
            )
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ApplicationError(
                _("An account already uses %(email)s: sign in with it to accept.")
                % {"email": invitation.email}
            )
        try:
            password_validation.validate_password(password or "", User(email=invitation.email))
        except ValidationError as error:
            raise ApplicationError(" ".join(error.messages), field="password1") from None
        user = User.objects.create_user(email=invitation.email, password=password)
    if Membership.objects.filter(user=user).exists():
        raise ApplicationError(
            _(
                "This account already belongs to a business. Plannit does not let one account "
                "belong to two businesses yet: ask for an invitation to another address."
            )
        )
    membership = Membership.objects.create(
        business=invitation.business, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    if not invitation.is_pending:
        raise ApplicationError(_("This invitation is no longer pending."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ApplicationError(_("Choose a role."), field="role")
    owners = list(_owners_locked(membership.business))
    if role != Membership.Role.OWNER and [m.pk for m in owners] == [membership.pk]:
        raise ApplicationError(
            _("The business needs at least one owner: make someone else owner first.")
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member from the team; every session of theirs ends at once."""
    owners = list(_owners_locked(membership.business))
    if [m.pk for m in owners] == [membership.pk]:
        raise ApplicationError(
            _("The last owner cannot be removed: make someone else owner first.")
        )
    user = membership.user
    membership.delete()
    user_sessions_end(user=user)


def user_sessions_end(*, user) -> int:
    """Delete the user's sessions (database sessions, Django's default engine). Sessions carry
    no user column, so each live one is decoded; a business's team is small, this runs when
    a member is removed, not on every request."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended
