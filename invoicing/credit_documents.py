"""The credit note as the client receives it: one HTML document in the client's language,
laid out like the invoice (same stylesheet)."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from businesses.selectors import business_logo_get

from .models import CreditNote


def credit_note_language(credit_note: CreditNote) -> str:
    return credit_note.contact.language or credit_note.business.language


def credit_note_document_html(credit_note: CreditNote, *, language: str | None = None) -> str:
    business = credit_note.business
    language = language or credit_note_language(credit_note)
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


def credit_note_pdf_filename(credit_note: CreditNote, *, language: str | None = None) -> str:
    with translation.override(language or credit_note_language(credit_note)):
        return _("Credit-note-%(number)s") % {"number": credit_note.number} + ".pdf"


def credit_note_pdf(credit_note: CreditNote, *, language: str | None = None) -> bytes:
    """The credit note as a PDF, laid out as the invoice's (the same shell and style sheet)."""
    from .documents import RenderedDocument, document_pdf

    language = language or credit_note_language(credit_note)
    document = RenderedDocument(
        html=credit_note_document_html(credit_note, language=language), language=language
    )
    with translation.override(language):
        title = _("Credit note %(number)s") % {"number": credit_note.number}
    return document_pdf(document, title=title, business=credit_note.business)
