from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Business, Country, Language, Province


class SignUpForm(forms.Form):
    business_name = forms.CharField(label=_("Business name"), max_length=200)
    province = forms.ChoiceField(label=_("Province"), choices=Province.choices, initial="QC")
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.FRENCH
    )
    email = forms.EmailField(label=_("Email address"))
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput, strip=False
    )

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )


class BusinessForm(forms.ModelForm):
    class Meta:
        model = Business
        fields = ["name", "province", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.country == Country.CA:
            # The model keeps two free letters (a US state fits too); a Canadian business
            # chooses from the list, its taxes depend on it.
            self.fields["province"] = forms.ChoiceField(
                label=self.fields["province"].label, choices=Province.choices
            )
