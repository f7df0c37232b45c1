"""Owner notifications: sent once per cause per day, in the business's language, to owners who
did not opt out; several causes at once make one digest."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounting.models import ConnectionStatus, NotificationCause, OwnerNotification
from accounting.services.notifications import notifications_send_due
from accounting.sync.models import SyncStatus
from tests.factories.accounting import QboConnectionFactory
from tests.factories.accounting_sync import SyncJobFactory
from tests.factories.businesses import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_business(business):
    business.language = "fr-ca"
    business.name = "Paysagement ABC"
    business.save()
    return business


def _needs_reconnect(business):
    return QboConnectionFactory(
        business=business,
        status=ConnectionStatus.NEEDS_RECONNECT,
        needs_reconnect_since=timezone.now(),
    )


def test_reconnect_needed_is_told_once_a_day_in_the_business_language(
    french_business, owner, mailoutbox
):
    _needs_reconnect(french_business)
    now = timezone.now()
    # when: the hourly pass runs three times the same day
    first = notifications_send_due(now=now)
    notifications_send_due(now=now + timedelta(hours=1))
    notifications_send_due(now=now + timedelta(hours=2))
    # then
    assert (first.emails, first.causes, first.digests) == (1, 1, 0)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [owner.email]
    assert message.subject == "Paysagement ABC : reconnectez QuickBooks Online"
    assert "/settings/accounting/reconnect/" in message.body
    assert "QuickBooks Online n'accepte plus l'accès de Plannit" in message.body
    # and again the next day, while it lasts
    notifications_send_due(now=now + timedelta(days=1, hours=1))
    assert len(mailoutbox) == 2
    assert OwnerNotification.objects.filter(cause=NotificationCause.RECONNECT).count() == 2


def test_english_business_gets_english(business, owner, mailoutbox):
    business.language = "en"
    business.save()
    _needs_reconnect(business)
    notifications_send_due()
    assert mailoutbox[0].subject == f"{business.name}: reconnect QuickBooks Online"


def test_a_failed_sync_is_told_once_and_again_only_for_a_new_failure(business, owner, mailoutbox):
    business.language = "en"
    business.save()
    QboConnectionFactory(business=business, realm_id="9130357766900456")
    SyncJobFactory(business=business, status=SyncStatus.FAILED)
    now = timezone.now()
    notifications_send_due(now=now)
    assert len(mailoutbox) == 1
    assert "1 invoice or payment could not be sent to QuickBooks Online" in mailoutbox[0].body
    assert "/settings/accounting/sync/?status=failed" in mailoutbox[0].body
    # the next day, nothing new failed: nothing sent
    notifications_send_due(now=now + timedelta(days=1))
    assert len(mailoutbox) == 1
    # a new failure, the day after: told
    later = now + timedelta(days=2)
    job = SyncJobFactory(business=business, status=SyncStatus.FAILED)
    type(job).objects.filter(pk=job.pk).update(updated_at=later - timedelta(minutes=1))
    notifications_send_due(now=later)
    assert len(mailoutbox) == 2


def test_hard_expiry_is_told_at_30_then_at_7_days_once_each(business, owner, mailoutbox):
    business.language = "en"
    business.save()
    hard = timezone.now() + timedelta(days=40)
    QboConnectionFactory(business=business, refresh_token_hard_expires_at=hard)
    start = timezone.now()
    for day in range(0, 40):
        notifications_send_due(now=start + timedelta(days=day))
    causes = list(OwnerNotification.objects.order_by("sent_at").values_list("cause", flat=True))
    assert causes == [NotificationCause.HARD_EXPIRY_30, NotificationCause.HARD_EXPIRY_7]
    assert len(mailoutbox) == 2
    assert all("before it stops" in message.subject for message in mailoutbox)
    assert "/settings/accounting/reconnect/" in mailoutbox[1].body


def test_several_causes_make_one_digest(business, owner, mailoutbox):
    business.language = "en"
    business.save()
    QboConnectionFactory(
        business=business,
        status=ConnectionStatus.NEEDS_RECONNECT,
        refresh_token_hard_expires_at=timezone.now() + timedelta(days=5),
    )
    SyncJobFactory(business=business, status=SyncStatus.FAILED)
    SyncJobFactory(business=business, status=SyncStatus.FAILED)
    report = notifications_send_due()
    assert (report.emails, report.causes, report.digests) == (1, 3, 1)
    (message,) = mailoutbox
    assert message.subject == f"{business.name}: QuickBooks Online needs you"
    assert "2 invoices or payments could not be sent" in message.body
    assert "stopped accepting Plannit's access" in message.body
    assert "five years" in message.body
    assert set(OwnerNotification.objects.values_list("is_digest", flat=True)) == {True}


def test_an_owner_who_opted_out_gets_nothing_and_the_others_still_do(
    owner_client, business, owner, mailoutbox
):
    other_owner = MembershipFactory(business=business, role="owner").user
    MembershipFactory(business=business, role="staff")
    _needs_reconnect(business)
    # when: the first owner unticks the box
    response = owner_client.post(reverse("accounting:notification_settings"), {})
    assert response.status_code == 302
    report = notifications_send_due()
    # then
    assert report.skipped_opted_out == 1
    assert [message.to for message in mailoutbox] == [[other_owner.email]]
    assert not OwnerNotification.objects.filter(user=owner).exists()
    # ticking it again brings the e-mails back
    owner_client.post(reverse("accounting:notification_settings"), {"email_enabled": "on"})
    notifications_send_due()
    assert [message.to for message in mailoutbox][-1] == [owner.email]


def test_nothing_to_tell_sends_nothing(business, owner, mailoutbox):
    QboConnectionFactory(
        business=business, refresh_token_hard_expires_at=timezone.now() + timedelta(days=400)
    )
    report = notifications_send_due()
    assert (report.emails, report.causes) == (0, 0)
    assert mailoutbox == []
    assert OwnerNotification.objects.count() == 0


def test_a_refused_mail_leaves_no_row_so_the_next_pass_tries_again(
    business, owner, mailoutbox, monkeypatch
):
    import smtplib

    from accounting.services import notifications

    _needs_reconnect(business)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    report = notifications_send_due()
    assert report.emails == 0
    assert OwnerNotification.objects.count() == 0
    monkeypatch.undo()
    assert notifications_send_due().emails == 1
    assert len(mailoutbox) == 1


def test_the_beat_schedule_runs_the_pass_hourly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["accounting-notify-owners"]
    assert entry == {"task": "accounting.notify_owners", "schedule": 3600.0}
