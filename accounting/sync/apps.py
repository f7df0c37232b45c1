from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingSyncConfig(AppConfig):
    """Links between Plannit objects and QuickBooks objects, and the sync outbox."""

    name = "accounting.sync"
    label = "accounting_sync"
    verbose_name = _("QuickBooks sync")

    def ready(self) -> None:
        from django.conf import settings

        from accounting.qbo import client

        from . import limiter
        from .handlers import register
        from .services.mapping import connect_signals
        from .services.usage import count_one_read

        register()
        connect_signals()
        client.on_metered_call(count_one_read)
        client.set_default_admit(limiter.admit_others)
        client.on_throttled(limiter.pause_after_throttle)
        schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
        if isinstance(schedule, dict):
            schedule.setdefault(
                "accounting-sync-sweep",
                {
                    "task": "accounting_sync.sweep",
                    "schedule": float(getattr(settings, "QBO_SYNC_SWEEP_SECONDS", 10.0)),
                },
            )
