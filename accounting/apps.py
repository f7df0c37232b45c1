from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

RENEW_TOKENS_EVERY = timedelta(minutes=15)
# Each cause is told at most once a day, so an hourly pass only shortens the wait.
NOTIFY_OWNERS_EVERY = timedelta(hours=1)


class AccountingConfig(AppConfig):
    name = "accounting"
    verbose_name = _("Accounting (QuickBooks Online)")

    def ready(self):
        from django.conf import settings

        # The app owns its periodic work; settings may still override the entry.
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "accounting-renew-qbo-tokens",
            {
                "task": "accounting.renew_qbo_tokens",
                "schedule": RENEW_TOKENS_EVERY.total_seconds(),
            },
        )
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "accounting-notify-owners",
            {
                "task": "accounting.notify_owners",
                "schedule": NOTIFY_OWNERS_EVERY.total_seconds(),
            },
        )
