from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Business, Country, Language, Membership, Province
from .services import DETAIL_FIELDS
from .validators import LOGO_MAX_BYTES, normalize_registration_number


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
    """Settings › Business: the name, province and language, and the details printed on
    invoices (legal name, address, registration numbers, footer, logo)."""

    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("A PNG or JPEG image of at most 512 KB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Business
        fields = ["name", "province", "language", *DETAIL_FIELDS]
        widgets = {
            "invoice_footer": forms.Textarea(attrs={"rows": 3}),
            "payment_instructions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, has_logo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_logo:
            del self.fields["remove_logo"]
        if self.instance.country == Country.CA:
            # The model keeps two free letters (a US state fits too); a Canadian business
            # chooses from the list, its taxes depend on it.
            self.fields["province"] = forms.ChoiceField(
                label=self.fields["province"].label, choices=Province.choices
            )

    def clean_gst_hst_number(self):
        return normalize_registration_number(self.cleaned_data.get("gst_hst_number", ""))

    def clean_qst_number(self):
        return normalize_registration_number(self.cleaned_data.get("qst_number", ""))

    def clean_logo(self) -> bytes | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("The logo is too large (%(size)s KB). Use an image of at most %(max)s KB.")
                % {"size": (upload.size + 1023) // 1024, "max": LOGO_MAX_BYTES // 1024}
            )
        return upload.read()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.STAFF
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class AcceptInvitationForm(forms.Form):
    """A new account for the invitee: only a password (the address is the invitation's)."""

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
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned
