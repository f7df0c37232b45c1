"""The extremes posted to every form: each answers with an error on the field at fault, never a
500 and never a saved row. A guard keeps every date, decimal and integer field of every form
bounded, so that a new form cannot escape."""

import importlib
import inspect

import pytest
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse

from businesses.models import Business
from catalog.models import Item
from core.validators import validate_date_in_range, validate_not_negative_zero
from invoicing.models import Invoice, Payment, TaxGroup

from . import builders

pytestmark = pytest.mark.django_db

DATE_EXTREMES = ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"]
DATE_ERROR = "Enter a date between 01/01/2000 and 12/31/2099."


def _field_errors(response, message: str) -> int:
    assert response.status_code == 200, response.status_code  # re-rendered, not saved
    return response.content.decode().count(message)


def _line(**overrides):
    line = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-description": "Tonte",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "10",
        "lines-0-is_taxable": "on",
    }
    line.update(overrides)
    return line


@pytest.mark.parametrize("field", ["issue_date", "due_date"])
@pytest.mark.parametrize("value", DATE_EXTREMES)
def test_invoice_dates_out_of_range(owner_client, business, field, value):
    contact = builders.contact(business)
    data = {"contact": contact.pk, "issue_date": "2026-03-02", "terms": "net_30", "due_date": ""}
    data[field] = value
    response = owner_client.post(reverse("invoicing:invoice_create"), {**data, **_line()})
    assert _field_errors(response, DATE_ERROR) == 1
    assert Invoice.objects.count() == 0


def test_an_issue_date_whose_terms_pass_the_bound_is_a_due_date_error(owner_client, business):
    contact = builders.contact(business)
    data = {"contact": contact.pk, "issue_date": "2099-12-15", "terms": "net_30", "due_date": ""}
    response = owner_client.post(reverse("invoicing:invoice_create"), {**data, **_line()})
    assert _field_errors(response, DATE_ERROR) == 1
    assert Invoice.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lines-0-unit_price", "-0", "Enter a number of zero or more."),
        ("lines-0-unit_price", "-0.00", "Enter a number of zero or more."),
        ("lines-0-unit_price", "1e20", "Ensure that there are no more than"),
        ("lines-0-quantity", "-0", "Ensure this value is greater than or equal to 0.001."),
        ("lines-0-quantity", "1e20", "Ensure that there are no more than"),
    ],
)
def test_invoice_line_extremes(owner_client, business, field, value, message):
    contact = builders.contact(business)
    data = {"contact": contact.pk, "issue_date": "2026-03-02", "terms": "net_30", "due_date": ""}
    response = owner_client.post(
        reverse("invoicing:invoice_create"), {**data, **_line(**{field: value})}
    )
    assert _field_errors(response, message) >= 1
    assert Invoice.objects.count() == 0


@pytest.mark.parametrize("value", DATE_EXTREMES)
def test_payment_dates_out_of_range(owner_client, business, value):
    invoice = builders.issued_invoice(business)
    response = owner_client.post(
        reverse("invoicing:payment_create", args=[invoice.pk]),
        {"amount": "1.00", "date": value, "method": "cash", "reference": ""},
    )
    assert _field_errors(response, DATE_ERROR) == 1
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "-0", "Ensure this value is greater than or equal to 0.01."),
        ("amount", "1e20", "Ensure that there are no more than"),
        ("method", "ZZ", "Select a valid choice. ZZ is not one of the available choices."),
    ],
)
def test_payment_amount_and_method_extremes(owner_client, business, field, value, message):
    invoice = builders.issued_invoice(business)
    data = {"amount": "1.00", "date": "2026-11-03", "method": "cash", "reference": ""}
    data[field] = value
    response = owner_client.post(reverse("invoicing:payment_create", args=[invoice.pk]), data)
    assert _field_errors(response, message) == 1
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-0", "Enter a number of zero or more."),
        ("-0.0000", "Enter a number of zero or more."),
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("1e20", "Ensure that there are no more than"),
    ],
)
def test_item_unit_price_extremes(owner_client, business, value, message):
    response = owner_client.post(
        reverse("catalog:item_create"),
        {
            "name": "Déneigement",
            "item_type": "service",
            "unit_choice": "unit",
            "unit_price": value,
            "is_taxable": "on",
        },
    )
    assert _field_errors(response, message) == 1
    assert Item.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-0", "Enter a number of zero or more."),
        ("100.001", "Ensure this value is less than or equal to 100."),
        ("-1", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_tax_rate_extremes(owner_client, business, value, message):
    response = owner_client.post(
        reverse("invoicing:taxgroup_create"),
        {
            "name": "Taxe",
            "components-TOTAL_FORMS": "1",
            "components-INITIAL_FORMS": "0",
            "components-MIN_NUM_FORMS": "0",
            "components-MAX_NUM_FORMS": "10",
            "components-0-name": "TPS",
            "components-0-rate": value,
        },
    )
    assert _field_errors(response, message) == 1
    assert TaxGroup.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("next_number", "0", "Ensure this value is greater than or equal to 1."),
        ("next_number", "9" * 30, "Ensure this value is less than or equal to"),
        ("default_terms", "ZZ", "Select a valid choice. ZZ is not one of the available choices."),
    ],
)
def test_invoice_settings_extremes(owner_client, business, field, value, message):
    data = {"prefix": "", "next_number": "1001", "default_terms": "net_30"}
    data[field] = value
    response = owner_client.post(reverse("invoicing:invoice_settings"), data)
    assert _field_errors(response, message) == 1


def test_business_settings_refuse_an_unknown_province(owner_client, business):
    response = owner_client.post(
        reverse("businesses:settings"), {"name": "ABC", "province": "ZZ", "language": "fr-ca"}
    )
    assert _field_errors(response, "Select a valid choice. ZZ is not one of the available") == 1
    business.refresh_from_db()
    assert business.province == "QC"


def test_sign_up_refuses_an_unknown_province_and_language(client, mailoutbox):
    response = client.post(
        reverse("businesses:signup"),
        {
            "business_name": "ABC",
            "province": "ZZ",
            "language": "xx",
            "email": "new@example.com",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert _field_errors(response, "Select a valid choice.") == 2
    assert Business.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("value", DATE_EXTREMES)
def test_earlier_invoices_range_out_of_bounds(owner_client, business, value):
    from accounting.sync.forms import EarlierInvoicesForm

    form = EarlierInvoicesForm({"date_from": value, "date_to": "2026-01-01"})
    assert form.is_valid() is False
    assert form.errors["date_from"] == [DATE_ERROR]


def test_the_service_refuses_what_a_form_would_have_refused(business):
    import datetime

    from core.exceptions import ApplicationError
    from invoicing import services

    contact = builders.contact(business)
    with pytest.raises(ApplicationError) as refused:
        services.invoice_create(
            business=business,
            contact=contact,
            issue_date=datetime.date(9999, 12, 31),
            terms="net_30",
            lines=[],
        )
    assert (refused.value.field, refused.value.message) == ("issue_date", DATE_ERROR)
    assert Invoice.objects.count() == 0


# --- The guard ------------------------------------------------------------------------------

FORM_MODULES = [
    "businesses.forms",
    "contacts.forms",
    "catalog.forms",
    "invoicing.forms",
    "accounting.forms",
    "accounting.imports.forms",
    "accounting.sync.forms",
    "invoicing.credit_forms",
]


def _declared_fields():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module_name:
                for field_name, field in form_class.base_fields.items():
                    yield f"{module_name}.{name}.{field_name}", field


def _has(field, kind) -> bool:
    return any(isinstance(validator, kind) for validator in field.validators)


def test_every_date_decimal_and_integer_field_of_every_form_is_bounded():
    unbounded = []
    for name, field in _declared_fields():
        if isinstance(field, forms.DateField):
            if validate_date_in_range not in field.validators:
                unbounded.append(name)
        elif isinstance(field, forms.DecimalField | forms.IntegerField):
            if not (_has(field, MinValueValidator) and _has(field, MaxValueValidator)):
                if not (isinstance(field, forms.DecimalField) and field.max_digits):
                    unbounded.append(name)
            if isinstance(field, forms.DecimalField) and not _has(field, MinValueValidator):
                unbounded.append(name)
            minimum = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
            if (
                isinstance(field, forms.DecimalField)
                and minimum
                and min(minimum) == 0
                and validate_not_negative_zero not in field.validators
            ):
                unbounded.append(name)
    assert unbounded == []


def test_the_guard_sees_the_forms():
    names = {name for name, _field in _declared_fields()}
    assert {
        "invoicing.forms.InvoiceForm.issue_date",
        "invoicing.forms.PaymentForm.date",
        "catalog.forms.ItemForm.unit_price",
        "accounting.sync.forms.EarlierInvoicesForm.date_from",
    } <= names
