"""The invoice as the client receives it: one HTML document, shown by the printable page and
rendered to PDF by WeasyPrint, always in the client's language (the contact's preferred one).

WeasyPrint because it lays out the very HTML and CSS of the printable page (no second layout
to keep in step), is maintained (BSD licence, releases every few months), runs in-process with
no browser or server, and embeds fonts so the PDF reads the same everywhere. It needs Debian's
pango: scripts/ensure-pdf-libraries and the Dockerfile install it."""

import functools
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from businesses.selectors import business_logo_get

from .models import Invoice, PaymentStatus


@dataclass(frozen=True)
class RenderedDocument:
    html: str
    language: str


def invoice_document_language(invoice: Invoice) -> str:
    return invoice.contact.language or invoice.business.language


def invoice_document_context(invoice: Invoice) -> dict:
    business = invoice.business
    logo = business_logo_get(business=business)
    return {
        "invoice": invoice,
        "business": business,
        "logo_data_uri": logo.data_uri if logo else "",
        "contact": invoice.contact,
        "lines": list(invoice.lines.select_related("item").all()),
        "taxes": list(invoice.taxes.all()),
        "payments": list(
            invoice.payments.filter(status=PaymentStatus.RECORDED).order_by("date", "id")
        ),
        "currency": business.currency,
    }


def invoice_document_html(invoice: Invoice, *, language: str | None = None) -> RenderedDocument:
    """The document's body (its <article>), in `language` or the client's."""
    language = language or invoice_document_language(invoice)
    with translation.override(language):
        html = render_to_string("invoicing/_document.html", invoice_document_context(invoice))
    return RenderedDocument(html=html, language=language)


def invoice_pdf_filename(invoice: Invoice, *, language: str | None = None) -> str:
    language = language or invoice_document_language(invoice)
    with translation.override(language):
        if invoice.number:
            name = _("Invoice-%(number)s") % {"number": invoice.number}
        else:
            name = _("Draft-invoice-%(id)s") % {"id": invoice.pk}
    return f"{name}.pdf"


def invoice_pdf(invoice: Invoice, *, language: str | None = None) -> bytes:
    """The invoice as a PDF, on Letter paper (what Canadian clients print on)."""
    document = invoice_document_html(invoice, language=language)
    with translation.override(document.language):
        if invoice.number:
            title = _("Invoice %(number)s") % {"number": invoice.number}
        else:
            title = _("Draft invoice")
    return document_pdf(document, title=title, business=invoice.business)


def document_pdf(document: RenderedDocument, *, title: str, business) -> bytes:
    """A client document (invoice, credit note) as a PDF: its HTML body in the shell of
    invoicing/document_pdf.html, with the document's style sheet inlined."""
    import weasyprint

    with translation.override(document.language):
        html = render_to_string(
            "invoicing/document_pdf.html",
            {
                "document": document.html,
                "document_css": document_css(),
                "title": title,
                "business": business,
            },
        )
    return weasyprint.HTML(string=html, url_fetcher=document_url_fetcher()).write_pdf()


@functools.cache
def document_css() -> str:
    """The document's style sheet, the one the printable page links (static/), inlined in the
    PDF: WeasyPrint fetches nothing (document_url_fetcher)."""
    return Path(finders.find("css/invoice-document.css")).read_text(encoding="utf-8")


def document_url_fetcher():
    """Every resource (the logo) is inlined as a data: URI; nothing else may be fetched, so no
    text of a document can make the worker reach a server or read a file."""
    import weasyprint

    return weasyprint.URLFetcher(allowed_protocols={"data"})
