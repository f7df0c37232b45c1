from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingImportsConfig(AppConfig):
    """Imports of QuickBooks customers and items into Plannit, and item linking."""

    name = "accounting.imports"
    label = "accounting_imports"
    verbose_name = _("QuickBooks imports")
