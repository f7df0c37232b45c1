from django import forms
from django.utils.translation import gettext_lazy as _

from accounting.qbo.inbound import FOLLOWED_ENTITIES

STATUS_CHOICES = [
    ("", _("All")),
    ("received", _("Received")),
    ("applied", _("Applied")),
    ("echo", _("Ignored (echo or not ours)")),
    ("attention", _("Needs attention")),
]
ENTITY_LABELS = {
    "Payment": _("Payment"),
    "Invoice": _("Invoice"),
    "Customer": _("Customer"),
    "Item": _("Item"),
}


class InboundLogFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    entity = forms.ChoiceField(
        label=_("Object"),
        required=False,
        choices=[("", _("All"))] + [(name, ENTITY_LABELS[name]) for name in FOLLOWED_ENTITIES],
    )
