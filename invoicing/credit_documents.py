"""The credit note as the client receives it: one HTML document in the client's language,
laid out like the invoice (same stylesheet)."""

from django.template.loader import render_to_string
from django.utils import translation

from businesses.selectors import business_logo_get

from .models import CreditNote


def credit_note_document_html(credit_note: CreditNote, *, language: str | None = None) -> str:
    business = credit_note.business
    language = language or credit_note.contact.language or business.language
    logo = business_logo_get(business=business)
    context = {
        "credit_note": credit_note,
        "invoice": credit_note.invoice,
        "business": business,
        "logo_data_uri": logo.data_uri if logo else "",
        "contact": credit_note.contact,
        "lines": list(credit_note.lines.select_related("item").all()),
        "taxes": list(credit_note.taxes.all()),
        "applications": list(
            credit_note.applications.filter(status="applied").select_related("invoice")
        ),
        "currency": business.currency,
    }
    with translation.override(language):
        return render_to_string("invoicing/_credit_document.html", context)
