"""The owner's one-click answers to what QuickBooks changed (the accounting page's "needs a
decision" list)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.models import ConnectionStatus, QboConnection
from accounting.qbo import errors as qbo_errors
from accounting.qbo.sales import SalesApi
from accounting.sync.models import CustomerLink, InvoiceLink, SyncKind, SyncOperation
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


# --- a customer to relink -------------------------------------------------------------------


def _relink_decision(business: Business, decision_id: int, *, lock: bool = False) -> Decision:
    decisions = Decision.objects.select_for_update() if lock else Decision.objects
    decision = decisions.filter(
        business=business, pk=decision_id, kind=DecisionKind.RELINK_CUSTOMER
    ).first()
    if decision is None or decision.status != DecisionStatus.OPEN or decision.contact is None:
        raise ApplicationError(_("This question was already answered."))
    return decision


def _quickbooks(business: Business, realm_id: str, call):
    """`call(SalesApi)` on the business's connection to `realm_id`, with a valid token."""
    from accounting.sync.services.push import call_with_token

    connection = QboConnection.objects.filter(
        business=business, realm_id=realm_id, status=ConnectionStatus.CONNECTED
    ).first()
    if connection is None:
        raise ApplicationError(_("Reconnect QuickBooks Online first."))
    try:
        return call_with_token(
            connection, lambda token: call(SalesApi(access_token=token, realm_id=realm_id))
        )
    except qbo_errors.QboNotFound:
        raise ApplicationError(_("This QuickBooks customer no longer exists.")) from None
    except (qbo_errors.QboReconnectRequired, qbo_errors.QboNotConnected):
        raise ApplicationError(_("Reconnect QuickBooks Online first.")) from None
    except qbo_errors.QboError:
        raise ApplicationError(
            _("QuickBooks Online did not answer. Try again in a moment.")
        ) from None


def relink_candidates(*, business: Business, decision_id: int, text: str) -> list:
    """QuickBooks' active customers whose name contains `text` (one metered query), for the
    owner to choose the one the contact is now."""
    decision = _relink_decision(business, decision_id)
    text = " ".join(text.split())[:100]
    if len(text) < 2:
        return []
    return _quickbooks(business, decision.realm_id, lambda api: api.customers_search(text))


def decision_relink_customer(*, business: Business, decision_id: int, qbo_id: str) -> Decision:
    """Link the decision's contact to the QuickBooks customer `qbo_id`: read first (it must
    exist and be active), then, with the decision locked, not another contact's already."""
    decision = _relink_decision(business, decision_id)
    qbo_id = str(qbo_id).strip()
    if not qbo_id.isdigit():
        raise ApplicationError(_("Choose a QuickBooks customer."))
    customer = _quickbooks(business, decision.realm_id, lambda api: api.customer_get(qbo_id))
    if not customer.is_active:
        raise ApplicationError(_("This QuickBooks customer is inactive: choose another one."))
    with transaction.atomic():
        decision = _relink_decision(business, decision_id, lock=True)
        scope = {"business": business, "realm_id": decision.realm_id}
        taken = (
            CustomerLink.objects.filter(**scope, qbo_id=customer.qbo_id)
            .exclude(contact=decision.contact)
            .select_related("contact")
            .first()
        )
        if taken is not None:
            raise ApplicationError(
                _("This QuickBooks customer is already linked to %(contact)s.")
                % {"contact": taken.contact}
            )
        CustomerLink.objects.update_or_create(
            **scope,
            contact=decision.contact,
            defaults={
                "qbo_id": customer.qbo_id,
                "sync_token": customer.sync_token,
                "display_name": customer.display_name,
            },
        )
        return _close(decision, resolution="relinked")
