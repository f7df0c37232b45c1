from django import forms
from django.utils.translation import gettext_lazy as _

from core.pickers import SearchTextInput

from .models import AccountingSystem, QboConnection
from .selectors import (
    default_items_for_choice,
    deposit_accounts_for_choice,
    tax_codes_for_choice,
)


class ConnectForm(forms.Form):
    system = forms.ChoiceField(
        label=_("Accounting system"),
        choices=AccountingSystem.choices,
        initial=AccountingSystem.QUICKBOOKS_ONLINE,
    )


class MappingsForm(forms.Form):
    """Choices come from the cached lists of the connected company. The default item is a
    searchable text field (a company can have thousands of items): it takes the item's name
    (or QBO id) and resolves it here."""

    taxable_tax_code = forms.ChoiceField(
        label=_("Tax code for taxable lines"),
        help_text=_("The tax applied to taxable items, e.g. TPS/TVQ QC - 9,975."),
    )
    non_taxable_tax_code = forms.ChoiceField(
        label=_("Tax code for non-taxable lines"),
        help_text=_("The tax code used on lines that are not taxable, e.g. Exempt."),
    )
    transaction_tax_code = forms.ChoiceField(
        label=_("Sales tax rate for invoices"),
        required=False,
        help_text=_(
            "US companies: the tax rate QuickBooks applies to taxable lines of each "
            "invoice. Leave empty to use the company's default (or automated sales "
            "tax)."
        ),
    )
    default_item = forms.CharField(
        label=_("Default item"),
        max_length=255,
        help_text=_(
            "The item used when a Plannit item is not linked to a QuickBooks item "
            "(e.g. Revenus autres). Type to search."
        ),
        widget=SearchTextInput(url_name="accounting:qbo_item_search"),
    )
    deposit_account = forms.ChoiceField(
        label=_("Deposit account"),
        help_text=_(
            "The bank account where every deposit goes (or Undeposited Funds, to "
            "group deposits in QuickBooks)."
        ),
    )

    def __init__(self, *args, connection: QboConnection, tax_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.connection = connection
        self.tax_groups = list(tax_groups)
        codes = [(c.qbo_id, c.name) for c in tax_codes_for_choice(connection=connection)]
        empty = [("", _("Choose…"))]
        if connection.is_us:
            # TAX / NON are fixed for US companies (qbo-api-reference §3.4).
            del self.fields["taxable_tax_code"]
            del self.fields["non_taxable_tax_code"]
            self.fields["transaction_tax_code"].choices = [("", _("Company default"))] + codes
        else:
            del self.fields["transaction_tax_code"]
            self.fields["taxable_tax_code"].choices = empty + codes
            self.fields["non_taxable_tax_code"].choices = empty + codes
        self.fields["deposit_account"].choices = empty + [
            (a.qbo_id, a.fully_qualified_name or a.name)
            for a in deposit_accounts_for_choice(connection=connection)
        ]
        for group in self.tax_groups:
            self.fields[f"tax_group_{group.pk}"] = forms.ChoiceField(
                label=_("QuickBooks tax code for “%(group)s”") % {"group": group.name},
                required=False,
                choices=[
                    (
                        "",
                        _("Same as non-taxable lines")
                        if group.is_exempt
                        else _("Same as taxable lines"),
                    )
                ]
                + codes,
            )

    def clean_default_item(self) -> str:
        value = self.cleaned_data["default_item"].strip()
        items = default_items_for_choice(connection=self.connection)
        match = (
            items.filter(qbo_id=value).first()
            or items.filter(fully_qualified_name__iexact=value).first()
            or items.filter(name__iexact=value).first()
        )
        if match is None:
            raise forms.ValidationError(
                _("Choose a Service or Non-inventory item from the list (type to search).")
            )
        self.default_item_match = match
        return match.qbo_id

    def tax_group_fields(self):
        return [self[f"tax_group_{group.pk}"] for group in self.tax_groups]

    def main_fields(self):
        return [
            self[name]
            for name in (
                "taxable_tax_code",
                "non_taxable_tax_code",
                "transaction_tax_code",
                "default_item",
                "deposit_account",
            )
            if name in self.fields
        ]

    def tax_group_codes(self) -> dict[int, str]:
        return {
            group.pk: self.cleaned_data.get(f"tax_group_{group.pk}", "")
            for group in self.tax_groups
        }


class NotificationsForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=_("E-mail me when QuickBooks Online needs me"), required=False
    )
