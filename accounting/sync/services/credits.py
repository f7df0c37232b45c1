"""The handlers of credit note jobs (a QBO CreditMemo) and of credit application jobs (a QBO
Payment of 0 linking the CreditMemo and the Invoice): what each sends, how an earlier attempt
is found again (the credit memo by its DocNumber, the payment by the reference in its
PrivateNote), and what is stored when QBO answers."""

from decimal import Decimal

from accounting.qbo import credit_payloads, errors
from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales_payloads import RemoteInvoice, RemotePayment
from invoicing.models import CreditApplication, CreditNote

from ..models import (
    OPEN_STATUSES,
    CreditApplicationLink,
    CreditNoteLink,
    InvoiceLink,
    ItemLink,
    SyncJob,
    SyncKind,
)
from . import customers
from .context import (
    STALE_ROUNDS,
    WAIT_RECHECK,
    Done,
    JobContext,
    JobFail,
    JobWait,
    void_with_fresh_token,
)
from .transactions import _upsert_link, discount_note, invoice_outcome

# --- Credit notes ---------------------------------------------------------------------------


def _credit_note(context: JobContext) -> CreditNote | None:
    return (
        CreditNote.objects.select_related("contact", "business", "invoice")
        .filter(pk=context.job.object_id, business_id=context.business_id)
        .first()
    )


def credit_memo_data(credit_note: CreditNote, *, realm_id: str) -> credit_payloads.CreditMemoData:
    lines = list(credit_note.lines.select_related("item").order_by("position", "id"))
    linked = dict(
        ItemLink.objects.filter(
            business_id=credit_note.business_id,
            realm_id=realm_id,
            item_id__in=[line.item_id for line in lines if line.item_id],
        ).values_list("item_id", "qbo_id")
    )
    return credit_payloads.CreditMemoData(
        discount_percent=credit_note.discount_percent,
        discount_amount=(
            credit_note.discount if credit_note.discount_percent is None else Decimal("0")
        ),
        credit_note_id=credit_note.pk,
        number=credit_note.number,
        date=credit_note.date,
        email=credit_note.invoice.billing_email,
        reason=credit_note.reason or "",
        lines=tuple(
            payloads.LineData(
                description=line.description or (line.item.name if line.item_id else ""),
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                is_taxable=line.is_taxable,
                tax_group_id=line.tax_group_id,
                qbo_item_id=linked.get(line.item_id, "") if line.item_id else "",
                discount=line.discount,
                discount_note=discount_note(line, credit_note),
                label=(line.description or str(position + 1))[:80],
            )
            for position, line in enumerate(lines)
        ),
    )


def _credit_note_done(
    context: JobContext, credit_note: CreditNote, qbo: RemoteInvoice, *, deleted: bool = False
) -> Done:
    # The tax check of invoices, on the credit memo: QBO's TotalAmt and TotalTax against ours.
    outcome = invoice_outcome(credit_note, qbo, voided=deleted)
    values = dict(outcome["values"], deleted_in_qbo=deleted)

    def store():
        _upsert_link(
            CreditNoteLink,
            context=context,
            lookup={"credit_note_id": credit_note.pk},
            qbo_id=outcome["qbo_id"],
            values=values,
        )

    return Done(
        qbo_id=outcome["qbo_id"],
        qbo_number=outcome["number"],
        store=store,
        warning_key="credit_total_mismatch" if outcome["warning_key"] and not deleted else "",
        warning_params={} if deleted else outcome["warning_params"],
    )


def _entity(credit_note: CreditNote) -> str:
    # A credit paid back in money is QBO's RefundReceipt; a credit kept or applied, a CreditMemo.
    return "RefundReceipt" if credit_note.is_refund else "CreditMemo"


def _body(context: JobContext, credit_note: CreditNote, customer_id: str) -> dict:
    data = credit_memo_data(credit_note, realm_id=context.realm_id)
    mapping = context.mapping()
    if not credit_note.is_refund:
        return credit_payloads.credit_memo_body(data, customer_id=customer_id, mapping=mapping)
    return credit_payloads.refund_receipt_body(
        data,
        customer_id=customer_id,
        mapping=mapping,
        payment_method_id=customers.payment_method_ensure(context, credit_note.refund_method),
        reference=credit_note.refund_reference,
    )


def credit_note_create(context: JobContext) -> Done:
    credit_note = _credit_note(context)
    if credit_note is None:
        return Done()
    entity = _entity(credit_note)
    scope = {"business_id": context.business_id, "realm_id": context.realm_id}
    if CreditNoteLink.objects.filter(**scope, credit_note=credit_note).exists():
        return Done()
    if context.was_tried_before:
        found = context.api.document_by_doc_number(entity, credit_note.number)
        if found is not None:
            return _credit_note_done(context, credit_note, found)
    customer_id = customers.customer_ensure(context, credit_note.contact)
    body = _body(context, credit_note, customer_id)
    try:
        qbo = context.api.document_create(entity, body, request_id=context.rid())
    except errors.QboDuplicateNumber as error:
        found = context.api.document_by_doc_number(entity, credit_note.number)
        if found is None or found.customer_id != customer_id:
            raise JobFail(
                "doc_number_taken",
                code=error.code,
                technical=error.detail,
                number=credit_note.number,
            ) from None
        qbo = found
    return _credit_note_done(context, credit_note, qbo)


def credit_note_void(context: JobContext) -> Done:
    """Delete the CreditMemo (its applications were voided first: blockers.py)."""
    credit_note = _credit_note(context)
    if credit_note is None:
        return Done()
    link = CreditNoteLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, credit_note=credit_note
    ).first()
    if link is None or link.deleted_in_qbo:
        return Done()
    sync_token = link.sync_token
    for round_number in range(STALE_ROUNDS):
        try:
            context.api.document_delete(
                _entity(credit_note),
                qbo_id=link.qbo_id,
                sync_token=sync_token,
                request_id=context.rid(f"d{round_number}" if round_number else ""),
            )
            break
        except errors.QboNotFound:
            break  # deleted by an attempt whose answer we lost (or by hand)
        except errors.QboStaleObject:
            # Applying or unapplying it moved its SyncToken: reread and delete again.
            if round_number == STALE_ROUNDS - 1:
                raise
            sync_token = context.api.document_get(_entity(credit_note), link.qbo_id).sync_token
    gone = RemoteInvoice(
        qbo_id=link.qbo_id,
        sync_token=link.sync_token,
        doc_number=link.doc_number,
        customer_id="",
        total=payloads.money(0),
        tax_total=payloads.money(0),
        is_voided=True,
    )
    return _credit_note_done(context, credit_note, gone, deleted=True)


# --- Credit applications --------------------------------------------------------------------


def _application(context: JobContext) -> CreditApplication | None:
    return (
        CreditApplication.objects.select_related("credit_note__contact", "invoice")
        .filter(pk=context.job.object_id, business_id=context.business_id)
        .first()
    )


def _application_done(
    context: JobContext, application: CreditApplication, qbo: RemotePayment
) -> Done:
    def store():
        _upsert_link(
            CreditApplicationLink,
            context=context,
            lookup={"application_id": application.pk},
            qbo_id=qbo.qbo_id,
            values={"sync_token": qbo.sync_token},
        )

    return Done(qbo_id=qbo.qbo_id, store=store)


def _open_job(context: JobContext, kind: str, object_id: int) -> bool:
    return SyncJob.objects.filter(
        business_id=context.business_id,
        realm_id=context.realm_id,
        kind=kind,
        object_id=object_id,
        status__in=OPEN_STATUSES,
    ).exists()


def credit_application_create(context: JobContext) -> Done:
    application = _application(context)
    if application is None:
        return Done()
    scope = {"business_id": context.business_id, "realm_id": context.realm_id}
    if CreditApplicationLink.objects.filter(**scope, application=application).exists():
        return Done()
    invoice_link = InvoiceLink.objects.filter(**scope, invoice_id=application.invoice_id).first()
    note_link = CreditNoteLink.objects.filter(
        **scope, credit_note_id=application.credit_note_id
    ).first()
    if invoice_link is None or note_link is None:
        if (
            invoice_link is None and _open_job(context, SyncKind.INVOICE, application.invoice_id)
        ) or (
            note_link is None
            and _open_job(context, SyncKind.CREDIT_NOTE, application.credit_note_id)
        ):
            raise JobWait("waiting_documents", delay=WAIT_RECHECK.total_seconds())
        raise JobFail("documents_not_sent")
    reference = credit_payloads.credit_application_reference(application.pk, context.job.request_id)
    if context.was_tried_before:
        found = context.api.payment_find_by_reference(
            txn_date=application.date.isoformat(), reference=reference
        )
        if found is not None:
            return _application_done(context, application, found)
    customer_id = customers.customer_ensure(context, application.credit_note.contact)
    body = credit_payloads.credit_application_body(
        credit_payloads.CreditApplicationData(
            application_id=application.pk,
            request_id=context.job.request_id,
            amount=application.amount,
            date=application.date,
        ),
        customer_id=customer_id,
        invoice_qbo_id=invoice_link.qbo_id,
        credit_memo_qbo_id=note_link.qbo_id,
    )
    qbo = context.api.payment_create(body, request_id=context.rid())
    return _application_done(context, application, qbo)


def credit_application_void(context: JobContext) -> Done:
    application = _application(context)
    if application is None:
        return Done()
    link = CreditApplicationLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, application=application
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
    return _application_done(context, application, qbo)
