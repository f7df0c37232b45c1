from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# How often beat looks for companies whose nightly check is due (and prunes old runs).
SWEEP_EVERY_SECONDS = 300.0


class AccountingReconcileConfig(AppConfig):
    """The books check: Plannit and QuickBooks agree, to the cent, or the differences."""

    name = "accounting.reconcile"
    label = "accounting_reconcile"
    verbose_name = _("Books check")

    def ready(self) -> None:
        from django.conf import settings

        schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
        if isinstance(schedule, dict):
            schedule.setdefault(
                "accounting-reconcile-sweep",
                {"task": "accounting_reconcile.sweep", "schedule": SWEEP_EVERY_SECONDS},
            )
