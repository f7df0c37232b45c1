"""Forms of credit notes: what to credit, and using an open credit on an invoice."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedDateField, DateInput
from core.validators import validate_not_negative_zero

from .models import PaymentMethod
from .services.credits import credited_quantities

FULL, LINES, AMOUNT = "full", "lines", "amount"
NOT_TAXABLE = "none"


class CreditNoteForm(forms.Form):
    what = forms.ChoiceField(
        label=_("Credit"),
        choices=[
            (FULL, _("The whole invoice (what is left of it)")),
            (LINES, _("Some lines or quantities")),
            (AMOUNT, _("An amount")),
        ],
        initial=LINES,
        widget=forms.RadioSelect,
    )
    date = BoundedDateField(label=_("Date"), widget=DateInput())
    amount = forms.DecimalField(
        label=_("Amount before taxes"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )
    tax_group = forms.ChoiceField(label=_("Taxes on the amount"), required=False)
    description = forms.CharField(
        label=_("Description of the amount"), required=False, max_length=200
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    apply_to_invoice = forms.BooleanField(
        label=_("Apply it to the invoice's balance (else it stays as a credit of the contact)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        already = credited_quantities(invoice)
        self.line_fields = []
        groups = {}
        for line in invoice.lines.all():
            left = line.quantity - already.get(line.pk, Decimal("0"))
            name = f"line_{line.pk}"
            self.fields[name] = forms.DecimalField(
                label=line.description,
                required=False,
                min_value=Decimal("0"),
                max_value=left,
                validators=[validate_not_negative_zero],
                decimal_places=3,
                max_digits=12,
                help_text=_("At most %(left)s") % {"left": f"{left.normalize():f}"},
                widget=forms.NumberInput(attrs={"step": "any", "min": "0", "max": f"{left:f}"}),
            )
            self.line_fields.append((line, name, left))
            if line.tax_group_id:
                groups[line.tax_group_id] = line.tax_group.name
        self.fields["tax_group"].choices = [(str(pk), name) for pk, name in groups.items()] + [
            (NOT_TAXABLE, _("Not taxable"))
        ]

    def line_quantities(self):
        return [
            (line, self.cleaned_data.get(name))
            for line, name, _left in self.line_fields
            if self.cleaned_data.get(name)
        ]

    def clean(self):
        cleaned = super().clean()
        what = cleaned.get("what")
        if what == AMOUNT and not cleaned.get("amount"):
            self.add_error("amount", _("Enter the amount to credit."))
        if what == LINES and not self.line_quantities():
            self.add_error(None, _("Enter the quantity to credit on at least one line."))
        return cleaned


class RefundForm(CreditNoteForm):
    """What to refund out of a payment (lines, quantities or an amount, taxes reversed), and
    how the money goes back."""

    method = forms.ChoiceField(label=_("Refunded by"), choices=PaymentMethod.choices)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=21,
        required=False,
        help_text=_("Cheque or transfer number, for example."),
    )

    def __init__(self, *args, payment, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("method", payment.method)
        super().__init__(*args, **kwargs)
        del self.fields["apply_to_invoice"]
        self.payment = payment


class CreditApplyForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )


class DocumentNumberingForm(forms.Form):
    """The numbering of credit notes (and sales receipts), on the invoice settings page."""

    prefix = forms.CharField(
        label=_("Number prefix"),
        max_length=10,
        required=False,
        help_text=_("Printed before the number, e.g. “NC-” gives NC-1."),
    )
    next_number = forms.IntegerField(label=_("Next number"), min_value=1, max_value=10**10 - 1)
