"""Searchable choice fields that scale: the contact of an invoice among 10,000, the item of a
line among thousands, a QuickBooks item among 5,000.

The page never lists every choice. The field renders a text box (the chosen record's name)
and a hidden input (its id). With JavaScript (static/js/picker.js) the text box becomes an
ARIA combobox that asks a JSON endpoint for at most one page of matches as the person types.
Without JavaScript it is a plain search: the typed text is looked up on submit; one match is
chosen, several are offered as radio buttons under the field, none is an error.
"""

from typing import NamedTuple

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .collation import sort_key

PAGE_SIZE = 20


class PickerValue(NamedTuple):
    pk: str
    text: str | None  # None: the form did not post the text box (an API-like client)


class SearchSelect(forms.Widget):
    template_name = "includes/picker.html"

    def __init__(self, *, url_name: str = "", placeholder="", attrs=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.placeholder = placeholder
        self.candidates: list = []
        self.label_of = str
        self.queryset = None

    def value_from_datadict(self, data, files, name):
        text = data.get(f"{name}_search")
        return PickerValue(str(data.get(name) or ""), None if text is None else str(text))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_search" not in data

    def _chosen(self, value):
        """(id, text) to show for a bound or initial value."""
        if isinstance(value, PickerValue):
            if value.text is not None:
                return value.pk, value.text
            value = value.pk
        if hasattr(value, "_meta"):
            return str(value.pk), self.label_of(value)
        if value in (None, "") or self.queryset is None:
            return "", ""
        found = self.queryset.filter(pk=value).first() if str(value).isdigit() else None
        return (str(found.pk), self.label_of(found)) if found is not None else ("", "")

    def _render(self, template_name, context, renderer=None):
        # The project's templates, not only the form renderer's built-in widget folder.
        return render_to_string(template_name, context)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        pk, text = self._chosen(value)
        widget = context["widget"]
        widget.update(
            pk=pk,
            text=text,
            search_name=f"{name}_search",
            url=reverse(self.url_name) if self.url_name else "",
            placeholder=self.placeholder,
            candidates=[(str(obj.pk), self.label_of(obj)) for obj in self.candidates],
        )
        return context


class SearchTextInput(forms.TextInput):
    """A text field whose value is the chosen name itself (the form resolves it), with the
    same type-ahead as SearchSelect: picker.js fills the text box, no hidden id."""

    def __init__(self, *, url_name: str, attrs=None):
        super().__init__({"autocomplete": "off", "data-picker-input": "", **(attrs or {})})
        self.url_name = url_name

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<div class="picker" data-picker data-picker-text-only data-picker-url="{}" '
            'data-picker-none="{}" data-picker-count="{}" data-picker-more="{}">{}</div>',
            reverse(self.url_name),
            _("No match."),
            _("{count} matches."),
            _("First {count} matches: type more to narrow them."),
            super().render(name, value, attrs, renderer),
        )


class SearchChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose choices are searched, never all listed.

    `search(queryset, text)` narrows the queryset to the records matching the text, in the
    order they are offered. Posting the id alone (without the text box) chooses by id, as a
    select would."""

    widget = SearchSelect
    default_error_messages = {
        "no_match": _("Nothing matches “%(text)s”: check the spelling or type less of it."),
        "several": _("Several match “%(text)s”: choose one below, or type more of the name."),
    }

    def __init__(self, queryset, *, search, label_of=str, url_name="", placeholder="", **kwargs):
        self.search = search
        kwargs.setdefault("widget", SearchSelect(url_name=url_name, placeholder=placeholder))
        super().__init__(queryset, **kwargs)
        self.widget.label_of = label_of
        self.label_of = label_of

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self._queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value):
        if not isinstance(value, PickerValue):
            return super().to_python(value)
        pk, text = value.pk.strip(), value.text
        if text is None:
            return super().to_python(pk)
        text = " ".join(text.split())
        if not text:
            return None
        chosen = super().to_python(pk) if pk else None
        if chosen is not None and sort_key(self.label_of(chosen)) == sort_key(text):
            return chosen
        return self._find(text, chosen)

    def _find(self, text: str, chosen):
        """The record the text names; `chosen` (an id posted with it, e.g. one of the radio
        buttons offered after an ambiguous search) wins when the text matches it."""
        matches = list(self.search(self.queryset, text)[: PAGE_SIZE + 1])
        if chosen is not None and chosen in matches:
            return chosen
        exact = [obj for obj in matches if sort_key(self.label_of(obj)) == sort_key(text)]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise forms.ValidationError(
                self.error_messages["no_match"], code="no_match", params={"text": text}
            )
        self.widget.candidates = matches[:PAGE_SIZE]
        raise forms.ValidationError(
            self.error_messages["several"], code="several", params={"text": text}
        )

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        initial_pk = str(getattr(initial, "pk", initial) or "")
        if isinstance(data, PickerValue):
            if data.text is not None and data.text.strip() and not data.pk:
                return True
            return initial_pk != data.pk.strip()
        return initial_pk != str(data or "")


def picker_results(queryset, *, search, text: str, label_of=str, detail_of=None, data_of=None):
    """The JSON body of a picker endpoint: at most one page of matches, and whether there
    are more (the person then types more). A NUL character, which no name holds and which
    PostgreSQL refuses in a query, is dropped from the text."""
    words = " ".join((text or "").replace("\x00", "").split())
    rows = list(search(queryset, words)[: PAGE_SIZE + 1])
    return {
        "results": [
            {
                "id": str(obj.pk),
                "label": label_of(obj),
                "detail": detail_of(obj) if detail_of else "",
                **({"data": data_of(obj)} if data_of else {}),
            }
            for obj in rows[:PAGE_SIZE]
        ],
        "more": len(rows) > PAGE_SIZE,
    }
