"""The handlers of sales receipt jobs: a QBO SalesReceipt (the invoice and its payment at once)
deposited to the mapped account, looked up by its DocNumber after an ambiguous failure, voided
like a payment; QuickBooks' total and tax compared with ours like an invoice's."""

from accounting.qbo import errors
from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales_payloads import RemoteInvoice
from invoicing.models import Invoice, PaymentStatus

from ..models import SalesReceiptLink
from . import customers
from .context import Done, JobContext, JobFail, void_with_fresh_token
from .transactions import _upsert_link, invoice_data, invoice_outcome

ENTITY = "SalesReceipt"


def _receipt(context: JobContext) -> Invoice | None:
    return (
        Invoice.objects.select_related("contact", "business")
        .filter(pk=context.job.object_id, business_id=context.business_id, is_sales_receipt=True)
        .first()
    )


def _done(context: JobContext, receipt: Invoice, qbo: RemoteInvoice, *, voided=False) -> Done:
    outcome = invoice_outcome(receipt, qbo, voided=voided)

    def store():
        _upsert_link(
            SalesReceiptLink,
            context=context,
            lookup={"receipt_id": receipt.pk},
            qbo_id=outcome["qbo_id"],
            values=outcome["values"],
        )

    return Done(
        qbo_id=outcome["qbo_id"],
        qbo_number=outcome["number"],
        store=store,
        warning_key="receipt_total_mismatch" if outcome["warning_key"] else "",
        warning_params=outcome["warning_params"],
    )


def sales_receipt_body(context: JobContext, receipt: Invoice, customer_id: str) -> dict:
    """The invoice's body without a due date, paid: deposited to the mapped account, with the
    payment's method and reference."""
    mapping = context.mapping()
    if not mapping.deposit_account:
        raise payloads.MappingMissing("no_deposit_account")
    body = payloads.invoice_body(
        invoice_data(receipt, realm_id=context.realm_id), customer_id=customer_id, mapping=mapping
    )
    del body["DueDate"]
    body["PrivateNote"] = f"Plannit sales receipt #{receipt.pk}"
    body["DepositToAccountRef"] = {"value": mapping.deposit_account}
    payment = receipt.payments.filter(status=PaymentStatus.RECORDED).order_by("id").first()
    if payment is not None:
        method_id = customers.payment_method_ensure(context, payment.method)
        if method_id:
            body["PaymentMethodRef"] = {"value": method_id}
        if payment.reference:
            body["PaymentRefNum"] = payment.reference[:21]
    return body


def sales_receipt_create(context: JobContext) -> Done:
    receipt = _receipt(context)
    if receipt is None or receipt.is_draft:
        return Done()
    scope = {"business_id": context.business_id, "realm_id": context.realm_id}
    if SalesReceiptLink.objects.filter(**scope, receipt=receipt).exists():
        return Done()
    if context.was_tried_before:
        found = context.api.document_by_doc_number(ENTITY, receipt.number)
        if found is not None:
            return _done(context, receipt, found)
    customer_id = customers.customer_ensure(context, receipt.contact)
    body = sales_receipt_body(context, receipt, customer_id)
    try:
        qbo = context.api.document_create(ENTITY, body, request_id=context.rid())
    except errors.QboDuplicateNumber as error:
        found = context.api.document_by_doc_number(ENTITY, receipt.number)
        if found is None or found.customer_id != customer_id:
            raise JobFail(
                "doc_number_taken", code=error.code, technical=error.detail, number=receipt.number
            ) from None
        qbo = found
    return _done(context, receipt, qbo)


def sales_receipt_void(context: JobContext) -> Done:
    receipt = _receipt(context)
    if receipt is None:
        return Done()
    link = SalesReceiptLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, receipt=receipt
    ).first()
    if link is None:
        return Done()
    qbo = void_with_fresh_token(
        context,
        sync_token=link.sync_token,
        void=lambda token, rid: context.api.document_void(
            ENTITY, qbo_id=link.qbo_id, sync_token=token, request_id=rid
        ),
        get=lambda: context.api.document_get(ENTITY, link.qbo_id),
    )
    return _done(context, receipt, qbo, voided=True)
