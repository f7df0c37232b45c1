from django import forms

from .validators import DATE_MAX, DATE_MIN, validate_date_in_range, validate_not_negative_zero


class DateInput(forms.DateInput):
    """The browser's date picker, kept within the bounds every form accepts."""

    input_type = "date"

    def __init__(self, attrs=None, **kwargs):
        attrs = {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat(), **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m-%d", **kwargs)


class BoundedDateField(forms.DateField):
    """A date between core.validators.DATE_MIN and DATE_MAX."""

    widget = DateInput
    default_validators = [validate_date_in_range]


class NonNegativeDecimalField(forms.DecimalField):
    """A decimal of zero or more, `-0` included in the refusal."""

    default_validators = [validate_not_negative_zero]
