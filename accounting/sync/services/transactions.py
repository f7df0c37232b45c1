"""The handlers of invoice and payment jobs: what each operation sends to QBO, how an
earlier attempt is found again, and what is stored when QBO answers."""

from decimal import Decimal

from django.db import IntegrityError, transaction

from accounting.qbo import errors
from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales_payloads import RemoteInvoice, RemotePayment
from invoicing.models import Invoice, Payment

from ..models import (
    OPEN_STATUSES,
    InvoiceLink,
    ItemLink,
    PaymentLink,
    SyncJob,
    SyncKind,
)
from . import customers, reads
from .context import (
    STALE_ROUNDS,
    WAIT_RECHECK,
    Done,
    JobContext,
    JobFail,
    JobWait,
    void_with_fresh_token,
)

# --- Links ----------------------------------------------------------------------------------


def _upsert_link(model, *, context: JobContext, lookup: dict, qbo_id: str, values: dict):
    scope = {"business_id": context.business_id, "realm_id": context.realm_id}
    link = model.objects.filter(**scope, **lookup).first()
    if link is None:
        link = model(**scope, **lookup, qbo_id=qbo_id)
    link.qbo_id = qbo_id
    for name, value in values.items():
        setattr(link, name, value)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        message = f"{model.__name__} {qbo_id} is already linked to another Plannit record"
        raise JobFail("refused", technical=message, detail=message) from None
    return link


# --- Invoices -------------------------------------------------------------------------------


def _invoice(context: JobContext, *, with_links: bool = False) -> Invoice | None:
    """With `with_links` (the create's hot path, one prepared query: reads.py), the invoice
    also says whether it is linked already (`sync_linked`) and gives its contact's QBO
    customer id if linked (`sync_customer_id`)."""
    if with_links:
        return reads.invoice_with_links(
            invoice_id=context.job.object_id,
            business_id=context.business_id,
            realm_id=context.realm_id,
        )
    return (
        Invoice.objects.select_related("contact", "business")
        .filter(pk=context.job.object_id, business_id=context.business_id)
        .first()
    )


def item_name(line) -> str:
    """The name of the line's item ("" without one), from the prepared read's annotation
    when there is one, else from the item."""
    if not line.item_id:
        return ""
    if hasattr(line, "sync_item_name"):
        return line.sync_item_name or ""
    return line.item.name


def discount_note(line, document) -> str:
    """The description of a line's discount in QBO, in the business's language (read only
    when the line has a discount)."""
    if not line.discount:
        return ""
    from django.utils import translation
    from django.utils.translation import gettext

    from core.formatting import percent

    label = line.description or item_name(line)
    with translation.override(document.business.language):
        if line.discount_kind == "percent":
            return gettext("Discount %(rate)s: %(line)s") % {
                "rate": percent(line.discount_value),
                "line": label,
            }
        return gettext("Discount: %(line)s") % {"line": label}


def invoice_data(
    invoice: Invoice, *, realm_id: str, lines: list | None = None, linked: dict | None = None
) -> payloads.InvoiceData:
    """`lines` and `linked` (item id -> QBO item id) may be given when read in bulk."""
    if lines is None:
        lines = reads.invoice_lines(
            invoice_id=invoice.pk, business_id=invoice.business_id, realm_id=realm_id
        )
        linked = {line.item_id: line.sync_qbo_item_id or "" for line in lines if line.item_id}
    if linked is None:
        item_ids = [line.item_id for line in lines if line.item_id]
        linked = dict(
            ItemLink.objects.filter(
                business_id=invoice.business_id, realm_id=realm_id, item_id__in=item_ids
            ).values_list("item_id", "qbo_id")
        )
    return payloads.InvoiceData(
        discount_percent=(invoice.discount_value if invoice.discount_kind == "percent" else None),
        discount_amount=invoice.discount if invoice.discount_kind == "amount" else Decimal("0"),
        invoice_id=invoice.pk,
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        email=reads.billing_email(invoice),
        notes=invoice.notes or "",
        lines=tuple(
            payloads.LineData(
                description=line.description or item_name(line),
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                is_taxable=line.is_taxable,
                tax_group_id=line.tax_group_id,
                qbo_item_id=linked.get(line.item_id, "") if line.item_id else "",
                discount=line.discount,
                discount_note=discount_note(line, invoice),
                label=(line.description or item_name(line) or str(position + 1))[:80],
            )
            for position, line in enumerate(lines)
        ),
    )


def invoice_outcome(invoice: Invoice, qbo: RemoteInvoice, *, voided: bool = False) -> dict:
    """What a QBO answer means for the invoice's link, and the tax check: QBO computes the
    tax itself (non-US, §10), so its TotalAmt and TotalTax are compared to ours to the cent."""
    qbo_total, qbo_tax = qbo.total, qbo.tax_total
    expected_total = payloads.money(0) if voided else invoice.total
    expected_tax = payloads.money(0) if voided else invoice.tax_total
    warning_key, warning_params = "", {}
    if qbo_total is not None and (qbo_total != expected_total or qbo_tax != expected_tax):
        from core.formatting import money

        currency = invoice.business.currency
        warning_key = "total_mismatch"
        warning_params = {
            "qbo_total": money(qbo_total, currency),
            "qbo_tax": money(qbo_tax, currency),
            "total": money(expected_total, currency),
            "tax": money(expected_tax, currency),
        }
    return {
        "qbo_id": qbo.qbo_id,
        "number": qbo.doc_number,
        "values": {
            "sync_token": qbo.sync_token,
            "doc_number": qbo.doc_number,
            "qbo_total": qbo_total,
            "qbo_tax_total": qbo_tax,
            "expected_total": expected_total,
            "expected_tax_total": expected_tax,
        },
        "warning_key": warning_key,
        "warning_params": warning_params,
    }


def invoice_done(
    context: JobContext, invoice: Invoice, qbo: RemoteInvoice, *, voided: bool = False
) -> Done:
    outcome = invoice_outcome(invoice, qbo, voided=voided)

    def store():
        _upsert_link(
            InvoiceLink,
            context=context,
            lookup={"invoice_id": invoice.pk},
            qbo_id=outcome["qbo_id"],
            values=outcome["values"],
        )

    return Done(
        qbo_id=outcome["qbo_id"],
        qbo_number=outcome["number"],
        store=store,
        warning_key=outcome["warning_key"],
        warning_params=outcome["warning_params"],
    )


def _find_invoice(context: JobContext, number: str) -> RemoteInvoice | None:
    rows = context.api.invoices_by_doc_number([number])
    return rows[0] if rows else None


def invoice_create(context: JobContext) -> Done:
    invoice = _invoice(context, with_links=True)
    if invoice is None or invoice.is_draft:
        return Done()
    if invoice.sync_linked:
        return invoice_update(context)
    if context.was_tried_before:
        found = _find_invoice(context, invoice.number)
        if found is not None:
            return _found_brought_up_to_date(context, invoice, found)
    # Linked: no need of the contact (nor its read).
    customer_id = invoice.sync_customer_id or customers.customer_ensure(context, invoice.contact)
    body = payloads.invoice_body(
        invoice_data(invoice, realm_id=context.realm_id),
        customer_id=customer_id,
        mapping=context.mapping(),
    )
    try:
        qbo = context.api.invoice_create(body, request_id=context.rid())
    except errors.QboDuplicateNumber as error:
        # The number is taken: by this very invoice (created by an attempt we lost track of,
        # or by hand) when the customer matches; else by another one.
        found = _find_invoice(context, invoice.number)
        if found is None or found.customer_id != customer_id:
            raise JobFail(
                "doc_number_taken", code=error.code, technical=error.detail, number=invoice.number
            ) from None
        return _found_brought_up_to_date(context, invoice, found)
    return invoice_done(context, invoice, qbo)


def _found_brought_up_to_date(context: JobContext, invoice: Invoice, found: RemoteInvoice) -> Done:
    """Our invoice, created by an attempt whose answer we never heard: QBO holds what that
    attempt sent, and the invoice may have been edited since (an edit rides along with a job
    still open), so ours is sent over it (under a request id of its own: the create's would
    replay the create's answer)."""
    return _update_remote(
        context, invoice, qbo_id=found.qbo_id, sync_token=found.sync_token, rid_prefix="f"
    )


def invoice_update(context: JobContext) -> Done:
    invoice = _invoice(context)
    if invoice is None or invoice.is_draft:
        return Done()
    link = InvoiceLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, invoice=invoice
    ).first()
    if link is None:
        return invoice_create(context)
    return _update_remote(context, invoice, qbo_id=link.qbo_id, sync_token=link.sync_token)


def _update_remote(
    context: JobContext, invoice: Invoice, *, qbo_id: str, sync_token: str, rid_prefix: str = ""
) -> Done:
    customer_id = customers.customer_ensure(context, invoice.contact)
    data = invoice_data(invoice, realm_id=context.realm_id)
    for round_number in range(STALE_ROUNDS):
        body = payloads.invoice_update_body(
            data,
            qbo_id=qbo_id,
            sync_token=sync_token,
            customer_id=customer_id,
            mapping=context.mapping(),
        )
        suffix = f"{rid_prefix}u{round_number}" if round_number or rid_prefix else ""
        try:
            qbo = context.api.invoice_update(body, request_id=context.rid(suffix))
            return invoice_done(context, invoice, qbo)
        except errors.QboStaleObject:
            if round_number == STALE_ROUNDS - 1:
                raise
            # Someone (a payment, a person in QBO) changed it since: reread and reapply ours.
            sync_token = context.api.invoice_get(qbo_id).sync_token
    raise AssertionError("unreachable")


def invoice_void(context: JobContext) -> Done:
    invoice = _invoice(context)
    if invoice is None:
        return Done()
    link = InvoiceLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, invoice=invoice
    ).first()
    if link is None:
        return Done()  # it never reached QBO: nothing to void there
    qbo = void_with_fresh_token(
        context,
        sync_token=link.sync_token,
        void=lambda token, rid: context.api.invoice_void(
            qbo_id=link.qbo_id, sync_token=token, request_id=rid
        ),
        get=lambda: context.api.invoice_get(link.qbo_id),
    )
    return invoice_done(context, invoice, qbo, voided=True)


# --- Payments -------------------------------------------------------------------------------


def _payment(context: JobContext) -> Payment | None:
    return (
        Payment.objects.select_related("invoice__contact", "business")
        .filter(pk=context.job.object_id, business_id=context.business_id)
        .first()
    )


def _payment_done(context: JobContext, payment: Payment, qbo: RemotePayment) -> Done:
    qbo_id = qbo.qbo_id

    def store():
        _upsert_link(
            PaymentLink,
            context=context,
            lookup={"payment_id": payment.pk},
            qbo_id=qbo_id,
            values={"sync_token": qbo.sync_token},
        )

    return Done(qbo_id=qbo_id, store=store)


def payment_create(context: JobContext) -> Done:
    payment = _payment(context)
    if payment is None:
        return Done()
    if PaymentLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, payment=payment
    ).exists():
        return Done()
    invoice_link = InvoiceLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, invoice_id=payment.invoice_id
    ).first()
    if invoice_link is None:
        if SyncJob.objects.filter(
            business_id=context.business_id,
            kind=SyncKind.INVOICE,
            object_id=payment.invoice_id,
            status__in=OPEN_STATUSES,
        ).exists():
            raise JobWait("waiting_invoice", delay=WAIT_RECHECK.total_seconds())
        raise JobFail("invoice_not_sent")
    data = payloads.PaymentData(
        payment_id=payment.pk,
        request_id=context.job.request_id,
        amount=payment.amount,
        date=payment.date,
        reference=payment.reference,
    )
    reference = payloads.payment_reference(payment.pk, context.job.request_id)
    if context.was_tried_before:
        found = context.api.payment_find_by_reference(
            txn_date=payment.date.isoformat(), reference=reference
        )
        if found is not None:
            return _payment_done(context, payment, found)
    customer_id = customers.customer_ensure(context, payment.invoice.contact)
    method_id = customers.payment_method_ensure(context, payment.method)
    body = payloads.payment_body(
        data,
        customer_id=customer_id,
        invoice_qbo_id=invoice_link.qbo_id,
        deposit_account=context.mapping().deposit_account,
        payment_method_id=method_id,
    )
    qbo = context.api.payment_create(body, request_id=context.rid())
    return _payment_done(context, payment, qbo)


def payment_void(context: JobContext) -> Done:
    payment = _payment(context)
    if payment is None:
        return Done()
    link = PaymentLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, payment=payment
    ).first()
    if link is None:
        return Done()
    qbo = void_with_fresh_token(
        context,
        sync_token=link.sync_token,
        void=lambda token, rid: context.api.payment_void(
            qbo_id=link.qbo_id, sync_token=token, request_id=rid
        ),
        get=lambda: context.api.payment_get(link.qbo_id),
    )
    return _payment_done(context, payment, qbo)
