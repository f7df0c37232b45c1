"""The invoice PDF: rendered from the printable page's HTML, in the client's language, with the
business's details, the lines, each tax, the totals, the payments and the balance. The text is
read back from the PDF and compared line by line."""

import datetime
import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from businesses import services as business_services
from invoicing import services
from invoicing.documents import document_url_fetcher, invoice_pdf, invoice_pdf_filename
from invoicing.services import LineInput
from tests.businesses.test_business_details import image_bytes

pytestmark = pytest.mark.django_db


def pdf_lines(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Money and numbers are typeset with (narrow) no-break spaces in French.
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.fixture
def detailed_business(business):
    return business_services.business_update(
        business=business,
        name="Paysagement ABC",
        province="QC",
        language="fr-ca",
        legal_name="Paysagement ABC inc.",
        address_line1="1200, boul. Charest Ouest",
        city="Québec",
        postal_code="G1N 2E2",
        phone="418-555-0199",
        email="facturation@abc.ca",
        website="https://abc.ca",
        gst_hst_number="123456789RT0001",
        qst_number="1234567890TQ0001",
        invoice_footer="Merci de votre confiance",
        payment_instructions="Virement Interac à facturation@abc.ca",
        logo=image_bytes(),
    )


@pytest.fixture
def paid_in_part(detailed_business, contact, qc_group):
    invoice = services.invoice_create(
        business=detailed_business,
        contact=contact,
        issue_date=datetime.date(2026, 3, 2),
        terms="net_30",
        lines=[
            LineInput(
                description="Tonte de pelouse", quantity=Decimal("2"), unit_price=Decimal("45")
            ),
            LineInput(description="Permis", unit_price=Decimal("10"), is_taxable=False),
        ],
    )
    invoice = services.invoice_issue(invoice=invoice)
    services.payment_record(
        invoice=invoice,
        amount=Decimal("50.00"),
        date=datetime.date(2026, 3, 5),
        method="e_transfer",
    )
    invoice.refresh_from_db()
    return invoice


HEADER = [
    "Paysagement ABC inc.",
    "Paysagement ABC",
    "1200, boul. Charest Ouest",
    "Québec QC G1N 2E2",
    "418-555-0199",
    "facturation@abc.ca",
    "https://abc.ca",
]


CLIENT_ADDRESS = ["Marie Tremblay", "123 rue Principale", "Montréal QC H2X 1Y4", "Canada"]


def test_the_pdf_in_french(paid_in_part, contact):
    # given a French-speaking client (the default in Québec)
    assert contact.language == "fr-ca"
    # when
    lines = pdf_lines(invoice_pdf(paid_in_part))
    # then
    assert lines == [
        *HEADER,
        "Nº de TPS/TVH 123456789 RT0001",
        "Nº de TVQ 1234567890 TQ0001",
        "Facture 1001",
        "Date d'émission 2 mars 2026",
        "Date d'échéance 1er avril 2026",
        "Modalités Net 30 jours",
        "Facturer à",
        *CLIENT_ADDRESS,
        contact.email,
        "Description Quantité Prix unitaire Montant",
        "Tonte de pelouse 2 45 90,00 $",
        "Permis (non taxable) 1 10 10,00 $",
        "Sous-total 100,00 $",
        "TPS (5 %) sur 90,00 $ 4,50 $",
        "TVQ (9,975 %) sur 90,00 $ 8,98 $",
        "Total 113,48 $",
        "Paiements reçus 50,00 $",
        "Solde dû 63,48 $",
        "Paiements reçus",
        "5 mars 2026 Virement Interac 50,00 $",
        "Comment payer",
        "Virement Interac à facturation@abc.ca",
        "Merci de votre confiance",
    ]
    assert invoice_pdf_filename(paid_in_part) == "Facture-1001.pdf"


def test_the_pdf_in_english_for_an_english_speaking_client(paid_in_part, contact):
    contact.language = "en"
    contact.save()
    paid_in_part.refresh_from_db()
    lines = pdf_lines(invoice_pdf(paid_in_part))
    assert lines == [
        *HEADER,
        "GST/HST no. 123456789 RT0001",
        "QST no. 1234567890 TQ0001",
        "Invoice 1001",
        "Issue date March 2, 2026",
        "Due date April 1, 2026",
        "Terms Net 30",
        "Bill to",
        *CLIENT_ADDRESS,
        contact.email,
        "Description Quantity Unit price Amount",
        "Tonte de pelouse 2 45 $90.00",
        "Permis (not taxable) 1 10 $10.00",
        "Subtotal $100.00",
        "TPS (5%) on $90.00 $4.50",
        "TVQ (9.975%) on $90.00 $8.98",
        "Total $113.48",
        "Payments received $50.00",
        "Balance due $63.48",
        "Payments received",
        "March 5, 2026 E-transfer $50.00",
        "How to pay",
        "Virement Interac à facturation@abc.ca",
        "Merci de votre confiance",
    ]
    assert invoice_pdf_filename(paid_in_part) == "Invoice-1001.pdf"


def test_the_pdf_embeds_the_logo_and_fetches_nothing(paid_in_part):
    reader = pypdf.PdfReader(io.BytesIO(invoice_pdf(paid_in_part)))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    assert images[0].image.size == (120, 40)


def test_markup_in_a_contact_field_is_printed_as_text(paid_in_part, contact):
    contact.display_name = '<img src="http://example.com/x.png">'
    contact.save()
    paid_in_part.refresh_from_db()
    assert '<img src="http://example.com/x.png">' in pdf_lines(invoice_pdf(paid_in_part))


@pytest.mark.parametrize(
    "url", ["http://example.com/x.png", "https://example.com/x.css", "file:///etc/passwd"]
)
def test_the_renderer_fetches_no_url_but_data(url):
    fetcher = document_url_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,b2s=").read() == b"ok"


def test_the_pdf_page_answers_a_pdf_in_the_client_language(owner_client, paid_in_part):
    response = owner_client.get(reverse("invoicing:invoice_pdf", args=[paid_in_part.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Facture-1001.pdf"'
    assert "Facture 1001" in pdf_lines(response.content)


def test_the_printable_page_shows_the_same_document(owner_client, paid_in_part):
    page = owner_client.get(reverse("invoicing:invoice_print", args=[paid_in_part.pk]))
    html = page.content.decode()
    for text in ("Nº de TPS/TVH", "123456789 RT0001", "1234567890 TQ0001", "Solde dû"):
        assert text in html
    assert 'src="data:image/png;base64,' in html
    # the page's own buttons stay in the user's language (English here)
    assert "Download the PDF" in html


def test_the_pdf_carries_the_printable_pages_style_sheet_unchanged():
    # The printable page links static/css/invoice-document.css; the PDF inlines the same file
    # (WeasyPrint fetches nothing), so escaping must leave it as it is.
    from django.template.loader import render_to_string

    from invoicing.documents import document_css

    css = document_css()
    assert ".invoice-document .lines" in css
    html = render_to_string(
        "invoicing/document_pdf.html", {"document": "", "document_css": document_css()}
    )
    assert f"<style>{css}</style>" in html


@pytest.fixture
def credit_on_paid_in_part(paid_in_part):
    mowing = paid_in_part.lines.get(description="Tonte de pelouse")
    return services.credit_note_create(
        invoice=paid_in_part,
        date=datetime.date(2026, 3, 9),
        lines=[services.CreditLineInput(invoice_line=mowing, quantity=Decimal("1"))],
        reason="Visite annulée (pluie)",
    )


def test_the_credit_note_pdf_in_french_then_english(credit_on_paid_in_part, contact, client):
    from invoicing.credit_documents import credit_note_pdf, credit_note_pdf_filename

    number = credit_on_paid_in_part.number
    lines = pdf_lines(credit_note_pdf(credit_on_paid_in_part))
    assert lines[: len(HEADER)] == HEADER
    assert lines[len(HEADER) :] == [
        "Nº de TPS/TVH 123456789 RT0001",
        "Nº de TVQ 1234567890 TQ0001",
        f"Note de crédit {number}",
        "Date 9 mars 2026",
        "Facture 1001 (2 mars 2026)",
        "Crédité à",
        *CLIENT_ADDRESS,
        contact.email,
        "Description Quantité Prix unitaire Montant",
        "Tonte de pelouse 1 45 45,00 $",
        "Sous-total 45,00 $",
        "TPS (5 %) sur 45,00 $ 2,25 $",
        "TVQ (9,975 %) sur 45,00 $ 4,49 $",
        "Total crédité 51,74 $",
        "Appliqué à la facture 1001 51,74 $",
        "Crédit restant 0,00 $",
        "Motif",
        "Visite annulée (pluie)",
        "Merci de votre confiance",
    ]
    assert credit_note_pdf_filename(credit_on_paid_in_part) == f"Note-de-credit-{number}.pdf"
    # and in English for an English-speaking client
    contact.language = "en"
    contact.save()
    credit_on_paid_in_part.refresh_from_db()
    english = pdf_lines(credit_note_pdf(credit_on_paid_in_part))
    assert f"Credit note {number}" in english
    assert "Tonte de pelouse 1 45 $45.00" in english
    assert "Total credited $51.74" in english
    assert "Applied to invoice 1001 $51.74" in english
    assert credit_note_pdf_filename(credit_on_paid_in_part) == f"Credit-note-{number}.pdf"


def test_the_credit_note_pdf_page_answers_a_pdf_to_its_business_only(
    credit_on_paid_in_part, owner_client
):
    url = reverse("invoicing:credit_note_pdf", args=[credit_on_paid_in_part.pk])
    response = owner_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="Note-de-credit-{credit_on_paid_in_part.number}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    detail = owner_client.get(
        reverse("invoicing:credit_note_detail", args=[credit_on_paid_in_part.pk])
    ).content.decode()
    assert f'href="{url}"' in detail
