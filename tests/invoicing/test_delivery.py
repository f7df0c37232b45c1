"""Sending an invoice to the client: queued by the request, delivered by the worker with the
PDF attached, in the client's language, retried on a transient failure, refused for good on a
5xx answer; recorded and shown on the invoice."""

import io
import smtplib
from decimal import Decimal

import pypdf
import pytest
from django.core import mail
from django.urls import reverse

from accounting.sync.services.transactions import invoice_data
from core.exceptions import ApplicationError
from invoicing import services
from invoicing.models import Invoice, InvoiceDelivery
from invoicing.services import delivery as delivery_services
from invoicing.tasks import RETRY_DELAYS, invoice_delivery_send

from .mail_backends import ScriptedBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scripted_mail(settings):
    settings.EMAIL_BACKEND = "tests.invoicing.mail_backends.ScriptedBackend"
    settings.DEFAULT_FROM_EMAIL = "Plannit <factures@plannit.example>"
    ScriptedBackend.script = []
    ScriptedBackend.calls = 0
    yield ScriptedBackend
    ScriptedBackend.script = []


@pytest.fixture
def enqueued(monkeypatch):
    sent = []
    monkeypatch.setattr(
        invoice_delivery_send, "delay", lambda delivery_id: sent.append(delivery_id)
    )
    return sent


@pytest.fixture
def invoice(business, make_invoice):
    business.legal_name = "Paysagement ABC inc."
    business.email = "facturation@abc.ca"
    business.phone = "418-555-0199"
    business.save()
    return make_invoice(lines=(("2", "45.00"),), issue=True)


def queue(invoice, recipients=None, **kwargs):
    draft = delivery_services.delivery_draft(invoice=invoice)
    return delivery_services.invoice_send(
        invoice=invoice,
        recipients=recipients if recipients is not None else draft["recipients"],
        subject=kwargs.get("subject", draft["subject"]),
        message=kwargs.get("message", draft["message"]),
    )


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def test_the_draft_is_in_the_client_language(invoice, contact):
    draft = delivery_services.delivery_draft(invoice=invoice)
    assert draft["recipients"] == [contact.email]
    assert draft["language"] == "fr-ca"
    assert draft["subject"] == "Facture 1001 de Paysagement ABC inc."
    assert draft["message"] == (
        "Bonjour Marie Tremblay,\n\n"
        "Vous trouverez ci-joint la facture 1001 de 103,48\xa0$, payable au 1er avril 2026.\n\n"
        "Merci\xa0!\nPaysagement ABC inc."
    )
    contact.language = "en"
    contact.save()
    invoice = Invoice.objects.get(pk=invoice.pk)
    draft = delivery_services.delivery_draft(invoice=invoice)
    assert draft["subject"] == "Invoice 1001 from Paysagement ABC inc."
    assert draft["message"].startswith("Hello Marie Tremblay,\n\nPlease find attached invoice 1001")


def test_sending_queues_for_the_worker_and_sends_nothing_in_the_request(
    invoice, enqueued, django_capture_on_commit_callbacks, recorded_events
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = queue(invoice, recipients=["  Marie@Example.com", "compta@example.com"])
    assert enqueued == [delivery.pk]
    assert mail.outbox == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.recipients) == (
        "queued",
        0,
        ["marie@example.com", "compta@example.com"],
    )
    assert recorded_events == []  # sending is not a change of the invoice


def test_the_worker_sends_the_pdf_in_french(invoice, contact, business):
    delivery = queue(invoice, recipients=["marie@example.com", "compta@example.com"])
    # when
    invoice_delivery_send.apply(args=[delivery.pk])
    # then
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["marie@example.com", "compta@example.com"]
    assert email.from_email == '"Paysagement ABC inc." <factures@plannit.example>'
    assert email.reply_to == ["facturation@abc.ca"]
    assert email.subject == "Facture 1001 de Paysagement ABC inc."
    assert email.body.startswith("Bonjour Marie Tremblay,")
    assert email.body.endswith(
        "--\nPaysagement ABC inc.\n418-555-0199\nfacturation@abc.ca\n"
        "Nº de TPS/TVH 123456789 RT0001\nNº de TVQ 1234567890 TQ0001\n"
    )
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == ("Facture-1001.pdf", "application/pdf")
    text = pdf_text(content)
    assert "Facture 1001" in text and "Total 103,48 $" in text
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 1, "")
    assert delivery.sent_at is not None
    assert Invoice.objects.get(pk=invoice.pk).bill_email == "marie@example.com"


def test_an_english_client_gets_the_english_pdf(invoice, contact):
    contact.language = "en"
    contact.save()
    invoice = Invoice.objects.get(pk=invoice.pk)
    invoice_delivery_send.apply(args=[queue(invoice).pk])
    [email] = mail.outbox
    assert email.subject == "Invoice 1001 from Paysagement ABC inc."
    assert "GST/HST no. 123456789 RT0001" in email.body
    [(filename, content, _mimetype)] = email.attachments
    assert filename == "Invoice-1001.pdf"
    assert "Total $103.48" in pdf_text(content)


def test_a_delivery_is_sent_once_even_if_its_task_runs_twice(invoice):
    delivery = queue(invoice)
    invoice_delivery_send.apply(args=[delivery.pk])
    invoice_delivery_send.apply(args=[delivery.pk])
    assert len(mail.outbox) == 1
    assert InvoiceDelivery.objects.get(pk=delivery.pk).attempts == 1


def test_a_transient_failure_is_retried_until_the_server_takes_it(invoice, scripted_mail):
    scripted_mail.script = [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPResponseException(421, b"4.7.0 Try again later"),
        None,
    ]
    delivery = queue(invoice)
    invoice_delivery_send.apply(args=[delivery.pk])
    assert scripted_mail.calls == 3
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 3, "")


def test_after_the_last_retry_the_delivery_is_shown_as_not_delivered(invoice, scripted_mail):
    scripted_mail.script = [ConnectionRefusedError("refused")] * (len(RETRY_DELAYS) + 1)
    delivery = queue(invoice)
    invoice_delivery_send.apply(args=[delivery.pk])
    assert scripted_mail.calls == len(RETRY_DELAYS) + 1
    assert mail.outbox == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 6)
    assert delivery.error == (
        "Le serveur de courriel est resté injoignable après 6 tentatives. "
        "Renvoyez la facture plus tard."
    )
    assert Invoice.objects.get(pk=invoice.pk).bill_email == ""


def test_a_refused_recipient_fails_at_once_and_is_shown(
    invoice, scripted_mail, owner_client, contact
):
    contact.language = "en"
    contact.save()
    invoice = Invoice.objects.get(pk=invoice.pk)
    scripted_mail.script = [
        smtplib.SMTPRecipientsRefused({"nobody@example.com": (550, b"5.1.1 User unknown")})
    ]
    delivery = queue(invoice, recipients=["nobody@example.com"])
    invoice_delivery_send.apply(args=[delivery.pk])
    assert scripted_mail.calls == 1
    assert mail.outbox == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.error == (
        "The mail server refused these addresses: nobody@example.com (550 5.1.1 User unknown). "
        "Check them and send again."
    )
    assert Invoice.objects.get(pk=invoice.pk).bill_email == ""
    page = owner_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content
    assert "nobody@example.com (550 5.1.1 User unknown)" in page.decode()
    assert "Not delivered" in page.decode()


def test_a_5xx_answer_is_final(invoice, scripted_mail):
    scripted_mail.script = [smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam")]
    delivery = queue(invoice)
    invoice_delivery_send.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, scripted_mail.calls) == ("failed", 1, 1)
    assert delivery.error == (
        "Le serveur de courriel a refusé le message (554 5.7.1 Message rejected as spam)."
    )


@pytest.mark.parametrize(
    ("recipients", "message"),
    [
        (["pas-une-adresse"], "“pas-une-adresse” is not a valid e-mail address."),
        ([" ", ""], "Enter the client's e-mail address."),
        ([f"c{n}@example.com" for n in range(11)], "Send to at most 10 addresses at once."),
    ],
)
def test_bad_recipients_are_refused_and_nothing_is_queued(
    invoice, enqueued, django_capture_on_commit_callbacks, recipients, message
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ApplicationError) as caught,
    ):
        queue(invoice, recipients=recipients)
    assert (caught.value.field, caught.value.message) == ("recipients", message)
    assert InvoiceDelivery.objects.count() == 0
    assert enqueued == []


def test_a_draft_or_a_void_invoice_cannot_be_sent(make_invoice, enqueued):
    draft = make_invoice()
    with pytest.raises(ApplicationError, match="Issue the invoice before sending it."):
        queue(draft, recipients=["a@example.com"])
    void = services.invoice_void(invoice=make_invoice(issue=True))
    with pytest.raises(ApplicationError, match="A void invoice cannot be sent."):
        queue(void, recipients=["a@example.com"])
    assert InvoiceDelivery.objects.count() == 0


def test_the_send_page_is_prefilled_in_the_client_language_and_queues(
    owner_client, invoice, contact, enqueued, django_capture_on_commit_callbacks
):
    url = reverse("invoicing:invoice_send", args=[invoice.pk])
    page = owner_client.get(url).content.decode()
    assert f'value="{contact.email}"' in page
    assert 'value="Facture 1001 de Paysagement ABC inc."' in page
    assert "Language of the e-mail and the PDF: French (preferred by Marie Tremblay)." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            url,
            {
                "recipients": "marie@example.com; compta@example.com",
                "subject": "Votre facture",
                "message": "Bonjour",
            },
        )
    assert response.status_code == 302
    delivery = InvoiceDelivery.objects.get()
    assert enqueued == [delivery.pk]
    assert (delivery.recipients, delivery.subject, delivery.message, delivery.language) == (
        ["marie@example.com", "compta@example.com"],
        "Votre facture",
        "Bonjour",
        "fr-ca",
    )
    invoice_delivery_send.apply(args=[delivery.pk])
    detail = owner_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content
    assert "marie@example.com, compta@example.com" in detail.decode()
    assert "Send again" in detail.decode()


def test_the_send_page_of_a_draft_sends_back_to_the_invoice(owner_client, make_invoice):
    draft = make_invoice()
    response = owner_client.post(
        reverse("invoicing:invoice_send", args=[draft.pk]),
        {"recipients": "a@example.com", "subject": "x"},
    )
    assert response.status_code == 302
    assert InvoiceDelivery.objects.count() == 0


def test_quickbooks_bill_email_is_the_address_the_invoice_was_sent_to(invoice, contact):
    assert invoice_data(invoice, realm_id="1").email == contact.email
    invoice_delivery_send.apply(args=[queue(invoice, recipients=["compta@example.com"]).pk])
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice_data(invoice, realm_id="1").email == "compta@example.com"
    assert invoice.total == Decimal("103.48")


def test_a_delivery_another_worker_is_sending_is_left_alone_until_its_claim_expires(invoice):
    from datetime import timedelta

    from django.utils import timezone

    delivery = queue(invoice)
    InvoiceDelivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(minutes=9), attempts=1
    )
    invoice_delivery_send.apply(args=[delivery.pk])
    assert mail.outbox == []
    assert InvoiceDelivery.objects.get(pk=delivery.pk).status == "sending"
    # its worker was killed: ten minutes on, the message that comes back sends it
    InvoiceDelivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=11)
    )
    invoice_delivery_send.apply(args=[delivery.pk])
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
