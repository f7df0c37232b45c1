"""Forms of the invoicing pages. Choices are always scoped to the business, so the id of
another business's contact, item or tax group is an ordinary "invalid choice" error."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import Item
from catalog.selectors import item_matching, item_pickable
from contacts.models import Contact
from contacts.selectors import contact_matching, contact_pickable
from core.forms import BoundedDateField, DateInput, NonNegativeDecimalField
from core.pickers import SearchChoiceField

from .models import DiscountKind, InvoiceStatus, PaymentMethod, PaymentTerms, TaxGroup
from .selectors import taxgroup_choices, taxgroup_default, taxgroup_label
from .services import ComponentInput, LineInput
from .services.invoices import MAX_LINES, MAX_QUANTITY, MAX_UNIT_PRICE
from .services.numbering import MAX_NEXT_NUMBER
from .services.taxes import MAX_COMPONENTS

# --- Tax groups ---------------------------------------------------------------------------


class TaxGroupChoiceField(forms.ModelChoiceField):
    """A tax group chosen by what it charges: each choice names its taxes, and so does the
    empty choice when it stands for the business's default group."""

    def __init__(self, *args, default_label=None, **kwargs):
        self.default_label = default_label
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset.prefetch_related("components"))

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj) -> str:
        return taxgroup_label(obj)

    def name_default_of(self, business) -> None:
        """Spells out the business's default group in the empty choice ("None (use the
        business default: TPS + TVQ (TPS 5 %, TVQ 9,975 %))")."""
        default = taxgroup_default(business=business)
        if default is not None and self.default_label is not None:
            self.empty_label = self.default_label % {"group": taxgroup_label(default)}


class TaxGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)


class TaxComponentForm(forms.Form):
    name = forms.CharField(label=_("Tax"), max_length=50)
    rate = NonNegativeDecimalField(
        label=_("Rate (%)"),
        max_digits=6,
        decimal_places=3,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
    )


TaxComponentFormSet = forms.formset_factory(
    TaxComponentForm,
    extra=1,
    can_delete=True,
    max_num=MAX_COMPONENTS,
    absolute_max=MAX_COMPONENTS,
    validate_max=True,
)


def components_from(formset) -> list[ComponentInput]:
    return [
        ComponentInput(name=form.cleaned_data["name"], rate=form.cleaned_data["rate"])
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


# --- Invoice settings ---------------------------------------------------------------------


class InvoiceSettingsForm(forms.Form):
    prefix = forms.CharField(
        label=_("Number prefix"),
        max_length=10,
        required=False,
        help_text=_(
            "Printed before the number, e.g. “F-” gives F-1001. Leave empty for numbers only."
        ),
    )
    next_number = forms.IntegerField(
        label=_("Next number"),
        min_value=1,
        max_value=MAX_NEXT_NUMBER,
        help_text=_(
            "The number the next issued invoice will get. It can only move past the "
            "numbers already issued: each invoice number is used once, so that no two "
            "invoices (here or in your accounting) share a number."
        ),
    )
    default_terms = forms.ChoiceField(label=_("Default terms"), choices=PaymentTerms.choices)


# --- Invoices -----------------------------------------------------------------------------


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number or contact")}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("invoice status filter", "All"))] + InvoiceStatus.choices,
    )
    kind = forms.ChoiceField(
        label=_("Documents"),
        required=False,
        choices=[
            ("", _("Invoices and sales receipts")),
            ("invoice", _("Invoices")),
            ("sales_receipt", _("Sales receipts")),
        ],
    )


class InvoiceForm(forms.Form):
    contact = SearchChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        search=contact_matching,
        label_of=lambda contact: contact.display_name,
        url_name="contacts:contact_search",
        placeholder=_("Name, email or phone"),
    )
    issue_date = BoundedDateField(label=_("Issue date"), widget=DateInput())
    terms = forms.ChoiceField(label=_("Terms"), choices=PaymentTerms.choices)
    due_date = BoundedDateField(
        label=_("Due date"),
        required=False,
        widget=DateInput(),
        help_text=_("Computed from the issue date and the terms when left empty."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    discount_kind = forms.ChoiceField(
        label=_("Discount on the whole invoice"),
        required=False,
        choices=[("", _("No discount"))] + DiscountKind.choices,
        help_text=_("Taken off the subtotal before taxes, as QuickBooks does."),
    )
    discount_value = forms.DecimalField(
        label=_("Discount (% or amount)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )

    def __init__(self, *args, business, current_contact=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contact_pickable(
            business=business, keep_id=current_contact.pk if current_contact else None
        )

    def clean(self):
        cleaned = super().clean()
        issue, due = cleaned.get("issue_date"), cleaned.get("due_date")
        if issue and due and due < issue:
            self.add_error("due_date", _("The due date cannot be before the issue date."))
        if not cleaned.get("discount_kind"):
            cleaned["discount_value"] = Decimal("0")
        elif cleaned.get("discount_value") is None:
            self.add_error("discount_value", _("Enter the discount."))
        return cleaned


class SalesReceiptForm(InvoiceForm):
    """A sale paid on the spot: no terms, no due date; how it was paid."""

    method = forms.ChoiceField(
        label=_("Paid by"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=21,
        required=False,
        help_text=_("Cheque or transfer number, for example."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["terms"]
        del self.fields["due_date"]


class InvoiceLineForm(forms.Form):
    item = SearchChoiceField(
        label=_("Product or service"),
        queryset=Item.objects.none(),
        required=False,
        search=item_matching,
        label_of=lambda item: item.name,
        url_name="catalog:item_search",
        placeholder=_("Type to search"),
    )
    description = forms.CharField(label=_("Description"), max_length=1000, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=3,
        initial=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(MAX_QUANTITY)],
        widget=forms.NumberInput(attrs={"step": "0.001", "min": "0.001"}),
    )
    unit_price = NonNegativeDecimalField(
        label=_("Unit price"),
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=MAX_UNIT_PRICE,
        widget=forms.NumberInput(attrs={"step": "0.0001", "min": "0"}),
    )
    is_taxable = forms.BooleanField(label=_("Taxable"), required=False, initial=True)
    tax_group = TaxGroupChoiceField(
        label=_("Tax group"),
        queryset=TaxGroup.objects.none(),
        required=False,
        empty_label=_("Default"),
    )
    discount_kind = forms.ChoiceField(
        label=_("Discount on the line"),
        required=False,
        choices=[("", _("No discount"))] + DiscountKind.choices,
    )
    discount_value = forms.DecimalField(
        label=_("Line discount (% or amount)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )

    def __init__(self, *args, business, keep_item_ids=(), keep_tax_group_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = item_pickable(business=business, keep_ids=keep_item_ids)
        self.fields["tax_group"].queryset = taxgroup_choices(
            business=business, keep_ids=keep_tax_group_ids
        )

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and not cleaned.get("item")
            and not (cleaned.get("description") or "").strip()
        ):
            self.add_error("description", _("Choose a product or service, or enter a description."))
        if cleaned.get("discount_kind") and cleaned.get("discount_value") is None:
            self.add_error("discount_value", _("Enter the discount."))
        return cleaned


class BaseInvoiceLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, business, keep_item_ids=(), keep_tax_group_ids=(), **kwargs):
        self.business = business
        self.keep_item_ids = keep_item_ids
        self.keep_tax_group_ids = keep_tax_group_ids
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            "business": self.business,
            "keep_item_ids": self.keep_item_ids,
            "keep_tax_group_ids": self.keep_tax_group_ids,
        }

    def kept_forms(self):
        return [
            form
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.kept_forms():
            raise forms.ValidationError(_("Add at least one line to the invoice."))

    def lines(self) -> list[LineInput]:
        return [
            LineInput(
                item=form.cleaned_data.get("item"),
                description=form.cleaned_data.get("description") or "",
                quantity=form.cleaned_data["quantity"],
                unit_price=form.cleaned_data["unit_price"],
                is_taxable=form.cleaned_data.get("is_taxable", False),
                tax_group=form.cleaned_data.get("tax_group"),
                discount_kind=form.cleaned_data.get("discount_kind") or "",
                discount_value=(
                    form.cleaned_data.get("discount_value") or Decimal("0")
                    if form.cleaned_data.get("discount_kind")
                    else Decimal("0")
                ),
            )
            for form in self.kept_forms()
        ]


InvoiceLineFormSet = forms.formset_factory(
    InvoiceLineForm,
    formset=BaseInvoiceLineFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_LINES,
    absolute_max=MAX_LINES,
    validate_max=True,
)


def plain_decimal(value: Decimal, *, min_places: int = 0) -> str:
    """45.0000 → "45.00" (min_places=2), 2.500 → "2.5": what a person would type."""
    text = format(value.normalize(), "f")
    places = len(text.partition(".")[2])
    return (
        format(value.quantize(Decimal(1).scaleb(-min_places)), "f") if places < min_places else text
    )


def line_initial(invoice) -> list[dict]:
    return [
        {
            "item": line.item_id,
            "description": line.description,
            "quantity": plain_decimal(line.quantity),
            "unit_price": plain_decimal(line.unit_price, min_places=2),
            "is_taxable": line.is_taxable,
            "tax_group": line.tax_group_id,
            "discount_kind": line.discount_kind,
            "discount_value": line.discount_value if line.discount_kind else None,
        }
        for line in invoice.lines.all()
    ]


# --- Payments -----------------------------------------------------------------------------


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )
    date = BoundedDateField(label=_("Date"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.E_TRANSFER
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=21,
        required=False,
        help_text=_("Cheque or transfer number, for example."),
    )


class InvoiceSendForm(forms.Form):
    recipients = forms.CharField(
        label=_("To"),
        max_length=2000,
        help_text=_("One or more e-mail addresses, separated by commas."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean_recipients(self) -> list[str]:
        raw = self.cleaned_data["recipients"]
        return [
            part for part in raw.replace(";", ",").replace("\n", ",").split(",") if part.strip()
        ]
