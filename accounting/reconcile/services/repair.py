"""The one-click repairs of a difference. Each goes through the sync engine like any push
(a job, run by the workers, exactly once) or, for a payment only in QuickBooks, through the
inbound app's rules (one Plannit payment per QuickBooks payment line, whatever arrives
twice). A difference is repaired once: a second click changes nothing."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.inbound.services.apply import state_apply
from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import inbound as inbound_wire
from accounting.sync.document_links import (
    CreditApplicationLink,
    CreditNoteLink,
    SalesReceiptLink,
)
from accounting.sync.models import InvoiceLink, PaymentLink, SyncKind, SyncOperation
from accounting.sync.services.jobs import job_create
from accounting.sync.services.push import call_with_token
from businesses.models import Business
from core.exceptions import ApplicationError

from ..models import Difference, Repair, RunStatus

# What "send again" sends, per entity: the link that points at a document QuickBooks no
# longer has (removed first, so the job sends it as new), the job's kind, and the object.
_SEND_AGAIN = {
    "Invoice": (InvoiceLink, "invoice_id", SyncKind.INVOICE, "invoice_id"),
    "Payment": (PaymentLink, "payment_id", SyncKind.PAYMENT, "payment_id"),
    "CreditMemo": (CreditNoteLink, "credit_note_id", SyncKind.CREDIT_NOTE, "credit_note_id"),
    "RefundReceipt": (CreditNoteLink, "credit_note_id", SyncKind.CREDIT_NOTE, "credit_note_id"),
    "SalesReceipt": (SalesReceiptLink, "receipt_id", SyncKind.SALES_RECEIPT, "invoice_id"),
    "CreditApplication": (
        CreditApplicationLink,
        "application_id",
        SyncKind.CREDIT_APPLICATION,
        "application_id",
    ),
}


def _send_again(difference: Difference, *, business: Business, realm_id: str):
    link_model, link_field, kind, field = _SEND_AGAIN[difference.entity]
    object_id = getattr(difference, field)
    link_model.objects.filter(
        business=business, realm_id=realm_id, **{link_field: object_id}
    ).delete()
    return job_create(
        business_id=business.pk,
        realm_id=realm_id,
        kind=kind,
        operation=SyncOperation.CREATE,
        object_id=object_id,
        # A document is looked up by its number first (an earlier attempt may have sent it).
        lookup_first=kind != SyncKind.PAYMENT,
    )


def latest_run_id(difference: Difference) -> int | None:
    from ..models import ReconcileRun

    return (
        ReconcileRun.objects.filter(
            business_id=difference.business_id,
            realm_id=difference.run.realm_id,
            status=RunStatus.DONE,
        )
        .values_list("pk", flat=True)
        .first()
    )


def difference_for_repair(*, business: Business, difference_id: int):
    """The difference, locked, and the company's connection: refused when it was repaired
    already, when a newer check exists, or when QuickBooks is not connected."""
    difference = (
        Difference.objects.select_for_update()
        .select_related("run")
        .get(pk=difference_id, business=business)
    )
    if difference.repaired_at is not None:
        raise ApplicationError(_("This difference was already repaired."))
    if latest_run_id(difference) != difference.run_id:
        raise ApplicationError(_("A newer check exists: repair from its list."))
    connection = QboConnection.objects.filter(
        business=business, realm_id=difference.run.realm_id, status=ConnectionStatus.CONNECTED
    ).first()
    if connection is None:
        raise ApplicationError(_("Reconnect QuickBooks Online first."))
    return difference, connection


def mark_repaired(difference: Difference, job) -> Difference:
    difference.repair_job = job
    difference.repaired_at = timezone.now()
    difference.save(update_fields=["repair_job", "repaired_at"])
    return difference


@transaction.atomic
def difference_repair(*, business: Business, difference_id: int) -> Difference:
    difference, connection = difference_for_repair(business=business, difference_id=difference_id)
    if not difference.repair:
        raise ApplicationError(_("This difference has no automatic repair: check it by hand."))
    realm_id = difference.run.realm_id
    job = None
    if difference.repair == Repair.VOID_DUPLICATE:
        raise ApplicationError(_("Confirm which QuickBooks invoice to void first."))
    if difference.repair == Repair.SEND_AGAIN:
        job = _send_again(difference, business=business, realm_id=realm_id)
    if difference.repair == Repair.SEND_PLANNIT:
        job = job_create(
            business_id=business.pk,
            realm_id=realm_id,
            kind=SyncKind.INVOICE,
            operation=SyncOperation.UPDATE,
            object_id=difference.invoice_id,
            coalesce=True,
        )
    elif difference.repair == Repair.RECORD_PAYMENT:
        state = call_with_token(
            connection,
            lambda token: inbound_wire.InboundApi(access_token=token, realm_id=realm_id).fetch(
                "Payment", difference.qbo_id
            ),
        )
        result = state_apply(
            business_id=business.pk, realm_id=realm_id, entity="Payment", state=state
        )
        if result.status != "applied":
            raise ApplicationError(
                _("QuickBooks' payment could not be recorded: see “Needs a decision”.")
            )
    return mark_repaired(difference, job)
