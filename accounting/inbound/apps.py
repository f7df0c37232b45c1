from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# How often beat looks for events to apply again (lost messages, crashed workers, companies
# reconnected) and for companies whose catch-up pass is due.
SWEEP_EVERY_SECONDS = 30.0


class AccountingInboundConfig(AppConfig):
    """From QuickBooks back to Plannit: webhooks, the CDC catch-up and what needs a decision."""

    name = "accounting.inbound"
    label = "accounting_inbound"
    verbose_name = _("From QuickBooks")

    def ready(self) -> None:
        from django.conf import settings

        schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
        if isinstance(schedule, dict):
            schedule.setdefault(
                "accounting-inbound-sweep",
                {"task": "accounting_inbound.sweep", "schedule": SWEEP_EVERY_SECONDS},
            )
