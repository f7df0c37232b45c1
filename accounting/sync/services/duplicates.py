"""The handler of "void the duplicate" jobs (the books check's repair, after the owner's
confirmation): a QuickBooks invoice that repeats the number of one of ours and was not made by
Plannit is voided, read fresh first. Never one linked to Plannit, never one with a payment
applied (that would leave the payment hanging): those fail with what to check instead."""

from accounting.qbo import errors
from accounting.qbo.sales_payloads import invoice_from_qbo
from invoicing.models import Invoice

from ..models import InvoiceLink
from .context import Done, JobContext, JobFail, void_with_fresh_token


def duplicate_void(context: JobContext) -> Done:
    target = context.job.qbo_id
    invoice = Invoice.objects.filter(
        pk=context.job.object_id, business_id=context.business_id
    ).first()
    if invoice is None or not target.isdigit():
        return Done()
    scope = {"business_id": context.business_id, "realm_id": context.realm_id}
    if InvoiceLink.objects.filter(**scope, qbo_id=target).exists():
        raise JobFail("duplicate_is_ours", number=invoice.number)
    try:
        row = context.api.invoice_record(target)
    except errors.QboNotFound:
        return Done(qbo_id=target)  # deleted meanwhile: nothing left to void
    remote = invoice_from_qbo(row)
    if remote.is_voided:
        return Done(qbo_id=target, qbo_number=remote.doc_number)
    if remote.doc_number != invoice.number:
        raise JobFail("duplicate_renumbered", number=invoice.number)
    if any(link.get("TxnType") == "Payment" for link in row.get("LinkedTxn") or []):
        raise JobFail("duplicate_paid", number=invoice.number)
    voided = void_with_fresh_token(
        context,
        sync_token=remote.sync_token,
        void=lambda token, rid: context.api.invoice_void(
            qbo_id=target, sync_token=token, request_id=rid
        ),
        get=lambda: context.api.invoice_get(target),
    )
    return Done(qbo_id=voided.qbo_id, qbo_number=voided.doc_number)
