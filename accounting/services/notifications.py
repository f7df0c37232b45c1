"""Owner notifications by e-mail: the connection needs reconnecting, a sync error needs the
owner, Intuit's hard expiry of the connection is 30 or 7 days away.

Read from the engine's states (QboConnection.status, failed SyncJob rows), never pushed by the
engine: a periodic task calls `notifications_send_due`. Each owner gets at most one e-mail per
cause per day (a unique row per cause and day), in the business's language, unless they opted
out; when several causes are due at once, one digest lists them all."""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from businesses.models import Business, Membership

from ..models import (
    ConnectionStatus,
    NotificationCause,
    NotificationPreference,
    OwnerNotification,
    QboConnection,
)

logger = logging.getLogger(__name__)

HARD_EXPIRY_WARNINGS = (
    (7, NotificationCause.HARD_EXPIRY_7),
    (30, NotificationCause.HARD_EXPIRY_30),
)


@dataclass(frozen=True)
class Due:
    cause: str
    subject_key: str = ""
    count: int = 0  # failed jobs, for a sync error
    deadline: date | None = None  # the hard expiry, for its warnings


@dataclass
class NotificationReport:
    emails: int = 0
    digests: int = 0
    causes: int = 0
    skipped_opted_out: int = 0
    sent_to: list[int] = field(default_factory=list)


def public_base_url() -> str:
    """The address owners reach Plannit at: the origin of the OAuth redirect URI, which is
    registered with Intuit and so always public."""
    parts = urlsplit(settings.QBO_REDIRECT_URI)
    return f"{parts.scheme}://{parts.netloc}"


def hard_expiry_stage(connection: QboConnection, *, now: datetime) -> tuple[str, date] | None:
    """The warning due for the connection's hard expiry (the nearest stage), if any."""
    hard = connection.refresh_token_hard_expires_at
    if hard is None or connection.status == ConnectionStatus.DISCONNECTED:
        return None
    for days, cause in HARD_EXPIRY_WARNINGS:
        if hard <= now + timedelta(days=days):
            return cause, timezone.localdate(hard)
    return None


def _failed_jobs_since(*, business: Business, since: datetime | None) -> int:
    from accounting.sync.models import SyncJob, SyncStatus

    failed = SyncJob.objects.filter(business=business, status=SyncStatus.FAILED)
    if since is not None:
        failed = failed.filter(updated_at__gt=since)
    return failed.count()


def causes_due(*, business: Business, user, now: datetime) -> list[Due]:
    """What this owner has not been told yet (today for reconnect; ever for a sync error
    already reported or a hard-expiry stage of the same date)."""
    today = timezone.localdate(now)
    told = OwnerNotification.objects.filter(business=business, user=user)
    due: list[Due] = []
    connection = QboConnection.objects.filter(business=business).first()
    if connection is None:
        return due
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        if not told.filter(cause=NotificationCause.RECONNECT, day=today).exists():
            due.append(Due(NotificationCause.RECONNECT))
    last_error_told = told.filter(cause=NotificationCause.SYNC_ERROR).order_by("-sent_at").first()
    failed = _failed_jobs_since(
        business=business, since=last_error_told.sent_at if last_error_told else None
    )
    if failed and not told.filter(cause=NotificationCause.SYNC_ERROR, day=today).exists():
        due.append(Due(NotificationCause.SYNC_ERROR, count=failed))
    stage = hard_expiry_stage(connection, now=now)
    if stage is not None:
        cause, deadline = stage
        key = deadline.isoformat()
        if not told.filter(cause=cause, subject_key=key).exists():
            due.append(Due(cause, subject_key=key, deadline=deadline))
    return due


def _owners(business: Business):
    return (
        Membership.objects.filter(
            business=business, role=Membership.Role.OWNER, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
    )


def notifications_enabled(*, business: Business, user) -> bool:
    preference = NotificationPreference.objects.filter(business=business, user=user).first()
    return preference is None or preference.email_enabled


@transaction.atomic
def notification_preference_set(*, business: Business, user, email_enabled: bool):
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        business=business, user=user, defaults={"email_enabled": email_enabled}
    )
    preference.email_enabled = email_enabled
    preference.full_clean()
    preference.save()
    return preference


def _render(business: Business, due: list[Due]) -> tuple[str, str]:
    base = public_base_url()
    context = {
        "business": business,
        "due": due,
        "is_digest": len(due) > 1,
        "settings_url": base + reverse("accounting:settings"),
        "reconnect_url": base + reverse("accounting:reconnect"),
        "sync_log_url": base + reverse("accounting_sync:sync_log") + "?status=failed",
    }
    with translation.override(business.language):
        subject = render_to_string("accounting/email/notification_subject.txt", context)
        body = render_to_string("accounting/email/notification.txt", context)
    return " ".join(subject.split()), body


def notify_owner(*, business: Business, user, now: datetime | None = None) -> int:
    """Tell one owner what is due; returns the number of causes told (0: nothing sent).
    The rows are written before the e-mail leaves, in one transaction: a second worker
    running at the same time hits the unique constraint and sends nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            due = causes_due(business=business, user=user, now=now)
            if not due:
                return 0
            for item in due:
                row = OwnerNotification(
                    business=business,
                    user=user,
                    cause=item.cause,
                    day=today,
                    subject_key=item.subject_key,
                    sent_at=now,
                    is_digest=len(due) > 1,
                )
                row.full_clean(validate_constraints=False)
                row.save()
            subject, body = _render(business, due)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except IntegrityError:
        return 0  # another worker told this owner the same thing at the same moment
    return len(due)


def notifications_send_due(*, now: datetime | None = None) -> NotificationReport:
    """The periodic pass over every business that has a connection."""
    now = now or timezone.now()
    report = NotificationReport()
    business_ids = QboConnection.objects.exclude(status=ConnectionStatus.DISCONNECTED).values_list(
        "business_id", flat=True
    )
    for business in Business.objects.filter(pk__in=list(business_ids)).order_by("pk"):
        for membership in _owners(business):
            if not notifications_enabled(business=business, user=membership.user):
                report.skipped_opted_out += 1
                continue
            try:
                told = notify_owner(business=business, user=membership.user, now=now)
            except OSError as exc:  # the mail server refused: the rows rolled back, retry later
                logger.warning(
                    "Owner notification for business %s not sent: %s",
                    business.pk,
                    type(exc).__name__,
                )
                continue
            if told:
                report.emails += 1
                report.causes += told
                report.digests += told > 1
                report.sent_to.append(membership.user_id)
    return report
