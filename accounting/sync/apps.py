from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingSyncConfig(AppConfig):
    """Links between Plannit objects and QuickBooks objects, and the sync outbox."""

    name = "accounting.sync"
    label = "accounting_sync"
    verbose_name = _("QuickBooks sync")
