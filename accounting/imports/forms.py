from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import UnitOfMeasure


class ContactsImportForm(forms.Form):
    include_inactive = forms.BooleanField(
        label=_("Also import inactive customers (they arrive archived)"), required=False
    )


class ItemsImportForm(forms.Form):
    unit = forms.ChoiceField(
        label=_("Unit of measure of the imported items"),
        choices=UnitOfMeasure.choices,
        initial=UnitOfMeasure.UNIT,
        help_text=_(
            "QuickBooks has no unit of measure: every imported item gets this one. "
            "You can change it on each item afterwards."
        ),
    )
    include_inactive = forms.BooleanField(
        label=_("Also import inactive products and services (they arrive archived)"), required=False
    )
    confirm_existing_catalog = forms.BooleanField(
        label=_(
            "My catalog already has items: import anyway (items with the same name are "
            "linked, not duplicated)"
        ),
        required=False,
    )

    def __init__(self, *args, catalog_has_items: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not catalog_has_items:
            del self.fields["confirm_existing_catalog"]


class TagExistingForm(forms.Form):
    name = forms.CharField(label=_("Tag"), max_length=80, initial=_("Before QuickBooks import"))


class ReviewDecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("link", _("Link")),
            ("create", pgettext_lazy("review decision", "Create")),
            ("skip", _("Skip")),
        ]
    )
    contact = forms.CharField(required=False, max_length=20)


class ItemLinkForm(forms.Form):
    """The "Linked QuickBooks item" of one catalog item: the QBO id (hidden, filled by the
    search box) and the name shown."""

    qbo_item = forms.CharField(
        label=_("Linked QuickBooks item"), required=False, max_length=32, widget=forms.HiddenInput
    )
    qbo_item_name = forms.CharField(
        label=_("Linked QuickBooks item"),
        required=False,
        max_length=255,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("Type to search QuickBooks items"),
                "data-qbo-item-search": "1",
            }
        ),
        help_text=_(
            "Invoice lines of this item go to QuickBooks as this item. Leave empty to "
            "use the default item."
        ),
    )
