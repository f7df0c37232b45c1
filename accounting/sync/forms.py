from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedDateField

from .models import SyncKind, SyncStatus


class SyncLogFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(SyncStatus.choices)
    )
    kind = forms.ChoiceField(
        label=_("Object"), required=False, choices=[("", _("All"))] + list(SyncKind.choices)
    )
    q = forms.CharField(label=_("Search (number or QuickBooks id)"), required=False, max_length=50)


class EarlierInvoicesForm(forms.Form):
    date_from = BoundedDateField(label=_("Issued from"))
    date_to = BoundedDateField(label=_("to"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned
