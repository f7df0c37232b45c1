"""The owner's one-click answers to what QuickBooks changed (the accounting page's "needs a
decision" list)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.sync.models import InvoiceLink, SyncKind, SyncOperation
from accounting.sync.services.jobs import job_create
from businesses.models import Business
from core.exceptions import ApplicationError
from invoicing import services as invoicing
from invoicing.models import PaymentSource

from ..models import Decision, DecisionKind, DecisionStatus

INVOICE_KINDS = (DecisionKind.INVOICE_VOIDED, DecisionKind.INVOICE_DELETED)

# action → the decision kinds it answers
ACTIONS = {
    "void_in_plannit": INVOICE_KINDS,
    "send_again": (*INVOICE_KINDS, DecisionKind.INVOICE_AMOUNT),
    "keep_quickbooks": (DecisionKind.INVOICE_AMOUNT,),
    "acknowledge": (
        DecisionKind.RELINK_CUSTOMER,
        DecisionKind.RELINK_ITEM,
        DecisionKind.UNKNOWN_PAYMENT,
        DecisionKind.PAYMENT_REFUSED,
    ),
}


def _close(decision: Decision, *, resolution: str, status=DecisionStatus.RESOLVED) -> Decision:
    decision.status = status
    decision.resolution = resolution
    decision.resolved_at = timezone.now()
    decision.save(update_fields=["status", "resolution", "resolved_at"])
    return decision


@transaction.atomic
def decision_resolve(*, business: Business, decision_id: int, action: str) -> Decision:
    """Apply the owner's answer. Raises ApplicationError when it no longer applies."""
    decision = (
        Decision.objects.select_for_update()
        .filter(business=business, pk=decision_id, status=DecisionStatus.OPEN)
        .first()
    )
    if decision is None:
        raise ApplicationError(_("This question was already answered."))
    if decision.kind not in ACTIONS.get(action, ()):
        raise ApplicationError(_("This answer does not fit this question."))
    if action == "void_in_plannit":
        if not decision.invoice.is_void:
            invoicing.invoice_void(invoice=decision.invoice, origin=PaymentSource.QUICKBOOKS)
    elif action == "send_again":
        _send_again(decision)
    return _close(decision, resolution=action)


def _send_again(decision: Decision) -> None:
    """Plannit's invoice goes to QuickBooks again: a new invoice there when it was voided or
    deleted (the old link is dropped), Plannit's version over the edited one otherwise."""
    invoice = decision.invoice
    if invoice is None or invoice.is_void:
        raise ApplicationError(_("This invoice is void in Plannit: there is nothing to send."))
    if decision.kind == DecisionKind.INVOICE_AMOUNT:
        operation = SyncOperation.UPDATE
    else:
        InvoiceLink.objects.filter(
            business_id=decision.business_id, realm_id=decision.realm_id, invoice=invoice
        ).delete()
        operation = SyncOperation.CREATE
    job_create(
        business_id=decision.business_id,
        realm_id=decision.realm_id,
        kind=SyncKind.INVOICE,
        operation=operation,
        object_id=invoice.pk,
    )
