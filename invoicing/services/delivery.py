"""Sending an invoice to the client by e-mail, with its PDF.

The request writes an InvoiceDelivery and the worker delivers it (invoicing.tasks), through
Django's e-mail API (EMAIL_BACKEND, DEFAULT_FROM_EMAIL), so a slow mail server never holds a
page. A transient failure (the server unreachable, a 4xx answer) is retried by the task with
backoff; a refusal (a 5xx answer, a recipient refused) is final and shown on the invoice.
Delivery is at least once: a worker killed between the server's "250 OK" and the row's update
sends the e-mail again when the delivery is claimed again."""

import smtplib
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError, full_clean_or_raise
from core.formatting import money

from .. import documents
from ..models import DeliveryStatus, Invoice, InvoiceDelivery

MAX_RECIPIENTS = 10
# A delivery claimed this long ago whose worker never reported back (killed) may be claimed
# again when its message comes back.
CLAIM_EXPIRES_AFTER = timedelta(minutes=10)


class TransientDeliveryError(Exception):
    """The mail server could not take the message now; trying again later may work."""


def delivery_draft(*, invoice: Invoice) -> dict:
    """What the Send form proposes: the client's address, a subject and a message in the
    client's language."""
    business = invoice.business
    language = documents.invoice_document_language(invoice)
    with translation.override(language):
        subject = _("Invoice %(number)s from %(business)s") % {
            "number": invoice.number,
            "business": business.invoice_name,
        }
        message = render_to_string(
            "invoicing/email/invoice_message.txt",
            {
                "invoice": invoice,
                "business": business,
                "contact": invoice.contact,
                "total": money(invoice.total, business.currency),
                "balance": money(invoice.balance, business.currency),
            },
        ).strip()
    recipients = [invoice.billing_email] if invoice.billing_email else []
    return {"recipients": recipients, "subject": subject, "message": message, "language": language}


def _clean_recipients(recipients: list[str]) -> list[str]:
    cleaned: list[str] = []
    for address in recipients:
        address = address.strip().lower()
        if not address or address in cleaned:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ApplicationError(
                _("“%(address)s” is not a valid e-mail address.") % {"address": address},
                field="recipients",
            ) from None
        cleaned.append(address)
    if not cleaned:
        raise ApplicationError(_("Enter the client's e-mail address."), field="recipients")
    if len(cleaned) > MAX_RECIPIENTS:
        raise ApplicationError(
            _("Send to at most %(count)d addresses at once.") % {"count": MAX_RECIPIENTS},
            field="recipients",
        )
    return cleaned


@transaction.atomic
def invoice_send(
    *, invoice: Invoice, recipients: list[str], subject: str, message: str, requested_by=None
) -> InvoiceDelivery:
    """Queue the e-mail of an issued invoice with its PDF; the worker sends it once this
    transaction commits. Sending again writes a new delivery."""
    if invoice.is_draft:
        raise ApplicationError(_("Issue the invoice before sending it."))
    if invoice.is_void:
        raise ApplicationError(_("A void invoice cannot be sent."))
    subject = " ".join(subject.split())
    if not subject:
        raise ApplicationError(_("Enter a subject."), field="subject")
    delivery = InvoiceDelivery(
        business=invoice.business,
        invoice=invoice,
        recipients=_clean_recipients(recipients),
        subject=subject,
        message=message.strip(),
        language=documents.invoice_document_language(invoice),
        requested_by=requested_by,
    )
    full_clean_or_raise(delivery)
    delivery.save()
    delivery_id = delivery.pk
    transaction.on_commit(lambda: _enqueue(delivery_id))
    return delivery


def _enqueue(delivery_id: int) -> None:
    from ..tasks import invoice_delivery_send

    invoice_delivery_send.delay(delivery_id)


@transaction.atomic
def _claim(delivery_id: int) -> InvoiceDelivery | None:
    delivery = (
        InvoiceDelivery.objects.select_for_update(of=("self",))
        .select_related("invoice__business", "invoice__contact")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        return None
    now = timezone.now()
    if (
        delivery.status == DeliveryStatus.SENDING
        and delivery.claimed_at > now - CLAIM_EXPIRES_AFTER
    ):
        return None  # another worker has it
    delivery.status = DeliveryStatus.SENDING
    delivery.claimed_at = now
    delivery.attempts += 1
    delivery.save(update_fields=["status", "claimed_at", "attempts"])
    return delivery


def delivery_email(delivery: InvoiceDelivery) -> EmailMessage:
    """The e-mail itself: the message as typed, the business's details under it, the PDF."""
    invoice = delivery.invoice
    business = invoice.business
    with translation.override(delivery.language):
        body = (
            render_to_string(
                "invoicing/email/invoice_body.txt",
                {"message": delivery.message, "business": business},
            ).strip()
            + "\n"
        )
    sender = formataddr((business.invoice_name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    email = EmailMessage(
        subject=delivery.subject,
        body=body,
        from_email=sender,
        to=list(delivery.recipients),
        reply_to=[business.email] if business.email else None,
    )
    email.attach(
        documents.invoice_pdf_filename(invoice, language=delivery.language),
        documents.invoice_pdf(invoice, language=delivery.language),
        "application/pdf",
    )
    return email


def _refusal_message(error: Exception) -> str | None:
    """A readable message when the server refused the e-mail for good, None when the failure is
    worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code} {answer.decode(errors='replace') if isinstance(answer, bytes) else answer})"
            for address, (code, answer) in sorted(error.recipients.items())
        )
        return _(
            "The mail server refused these addresses: %(refused)s. Check them and send again."
        ) % {"refused": refused}
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        answer = error.smtp_error
        if isinstance(answer, bytes):
            answer = answer.decode(errors="replace")
        return _("The mail server refused the e-mail (%(code)s %(answer)s).") % {
            "code": error.smtp_code,
            "answer": answer,
        }
    return None


def invoice_delivery_deliver(*, delivery_id: int) -> InvoiceDelivery | None:
    """Send one delivery (the worker's side). Idempotent: a delivery already sent or refused,
    or being sent by another worker, is left alone. Raises TransientDeliveryError when the
    task should try again."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    try:
        delivery_email(delivery).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        with translation.override(delivery.language):
            refusal = _refusal_message(error)
        if refusal is not None:
            _finish(delivery, status=DeliveryStatus.FAILED, error=refusal)
            return delivery
        with translation.override(delivery.language):
            message = _("The mail server could not be reached; trying again.")
        _finish(delivery, status=DeliveryStatus.QUEUED, error=message)
        raise TransientDeliveryError(str(error)) from error
    _finish(delivery, status=DeliveryStatus.SENT, error="")
    return delivery


@transaction.atomic
def _finish(delivery: InvoiceDelivery, *, status: str, error: str) -> None:
    delivery.status = status
    delivery.error = error
    fields = ["status", "error"]
    if status == DeliveryStatus.SENT:
        delivery.sent_at = timezone.now()
        fields.append("sent_at")
        # QuickBooks' BillEmail follows the address the invoice was sent to; this is not a
        # change of the invoice, so nothing is announced (the next push carries it).
        Invoice.objects.filter(pk=delivery.invoice_id).update(bill_email=delivery.recipients[0])
    delivery.save(update_fields=fields)


@transaction.atomic
def invoice_delivery_give_up(*, delivery_id: int) -> None:
    """The task's last retry failed: the delivery is shown as not delivered."""
    delivery = InvoiceDelivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None or delivery.status == DeliveryStatus.SENT:
        return
    with translation.override(delivery.language):
        delivery.error = _(
            "The mail server could not be reached after %(count)d attempts. Send again later."
        ) % {"count": delivery.attempts}
    delivery.status = DeliveryStatus.FAILED
    delivery.save(update_fields=["status", "error"])
