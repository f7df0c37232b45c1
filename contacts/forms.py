from django import forms
from django.utils.translation import gettext_lazy as _

from core.collation import natural

from .models import Contact, Tag
from .services import contact_default_language

MAX_ID = 2**63 - 1


def _is_id(value) -> bool:
    try:
        return 0 < int(str(value).strip()) <= MAX_ID
    except (TypeError, ValueError):
        return False


class TagsField(forms.ModelMultipleChoiceField):
    """Rejects malformed or out-of-range ids before they reach the database (SQLite cannot
    even bind an integer past 64 bits)."""

    def _check_values(self, value):
        for pk in value:
            if not _is_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class BusinessTagsMixin:
    """Limits tag choices to the business's own, so a foreign tag id is an invalid choice."""

    def _scope_tags(self, business, field_name: str = "tags") -> None:
        self.fields[field_name].queryset = Tag.objects.filter(business=business).order_by(
            natural("name")
        )


class FieldGroup:
    """Some of a form's fields, shaped like a form for includes/form_fields.html."""

    def __init__(self, title, fields):
        self.title = title
        self.fields = fields

    def visible_fields(self):
        return self.fields

    def hidden_fields(self):
        return []

    def non_field_errors(self):
        return []


class ContactForm(BusinessTagsMixin, forms.ModelForm):
    GROUPS = (
        (_("Name"), ("display_name", "first_name", "last_name", "company_name")),
        (_("Email and phone"), ("email", "phone", "language")),
        (
            _("Billing address"),
            ("address_line1", "address_line2", "city", "province", "postal_code", "country"),
        ),
        (_("Other"), ("notes", "tags")),
    )

    class Meta:
        model = Contact
        fields = [
            "display_name",
            "first_name",
            "last_name",
            "company_name",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "city",
            "province",
            "postal_code",
            "country",
            "notes",
            "language",
            "tags",
        ]
        field_classes = {"tags": TagsField}
        widgets = {
            "tags": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "display_name": _("Left blank, it is the company, else the first and last name."),
        }

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = False
        # Left out (an older form, an API client), the language keeps its value or default.
        self.fields["language"].required = False
        if self.instance.pk is None:
            self.fields["language"].initial = contact_default_language(business=business)
        self._scope_tags(business)

    def groups(self) -> list[FieldGroup]:
        return [FieldGroup(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def clean(self):
        cleaned = super().clean()
        names = ("display_name", "company_name", "first_name", "last_name")
        if "display_name" not in self.errors and not any(
            (cleaned.get(name) or "").strip() for name in names
        ):
            self.add_error(
                "display_name", _("Enter a display name, a company or a first or last name.")
            )
        return cleaned

    def _post_clean(self):
        # The service builds and validates the contact; the model's own validation would
        # reject the blank display name before the service can fill it in.
        pass


class ContactTagsForm(BusinessTagsMixin, forms.Form):
    tags = TagsField(
        label=_("Tags"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_tags(business)


class TagForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)


class ContactFilterForm(forms.Form):
    """The list's filters, also posted back by the "tag all matching" action."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, email or phone"),
            }
        ),
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.none(), required=False, empty_label=_("All tags")
    )
    archived = forms.BooleanField(label=_("Show archived"), required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.filter(business=business).order_by(
            natural("name")
        )

    def selector_filters(self) -> dict:
        """The keyword arguments of selectors.contact_list; call after is_valid()."""
        tag = self.cleaned_data.get("tag")
        return {
            "search": self.cleaned_data.get("q") or None,
            "tag_id": tag.pk if tag else None,
            "include_archived": bool(self.cleaned_data.get("archived")),
        }

    def querystring(self) -> dict:
        """The filters as GET parameters, to return to the same list after an action."""
        params = {}
        if self.cleaned_data.get("q"):
            params["q"] = self.cleaned_data["q"]
        if self.cleaned_data.get("tag"):
            params["tag"] = self.cleaned_data["tag"].pk
        if self.cleaned_data.get("archived"):
            params["archived"] = "1"
        return params


class ContactIdsField(forms.Field):
    """A list of contact ids from checkboxes. Only their shape is checked here; the service
    checks that every one is the business's."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Some of the selected contacts do not exist.")}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        ids = []
        for item in value:
            try:
                number = int(str(item).strip())
            except (TypeError, ValueError):
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            # beyond a bigint the database itself would fail, not just find nothing
            if not 0 < number <= MAX_ID:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(number)
        return ids


class BulkTagForm(forms.Form):
    """Add a tag to (or remove it from) the selected contacts, or to all matching ones."""

    ADD = "add"
    REMOVE = "remove"
    ADD_ALL_MATCHING = "add_all_matching"

    action = forms.ChoiceField(
        choices=[
            (ADD, _("Add tag to selected")),
            (REMOVE, _("Remove tag from selected")),
            (ADD_ALL_MATCHING, _("Tag all matching contacts")),
        ]
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.none(), required=False, empty_label=_("Choose a tag")
    )
    new_tag_name = forms.CharField(label=_("or a new tag"), max_length=80, required=False)
    contact_ids = ContactIdsField(required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.filter(business=business).order_by(
            natural("name")
        )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        new_name = (cleaned.get("new_tag_name") or "").strip()
        if action == self.REMOVE and not cleaned.get("tag") and "tag" not in self.errors:
            self.add_error("tag", _("Choose the tag to remove."))
        elif (
            action in (self.ADD, self.ADD_ALL_MATCHING)
            and not cleaned.get("tag")
            and not new_name
            and "tag" not in self.errors
        ):
            self.add_error("tag", _("Choose a tag or type a new one."))
        if (
            action in (self.ADD, self.REMOVE)
            and not cleaned.get("contact_ids")
            and "contact_ids" not in self.errors
        ):
            self.add_error("contact_ids", _("Select at least one contact."))
        return cleaned
