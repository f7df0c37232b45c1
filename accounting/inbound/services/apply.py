"""Applying what QuickBooks says an object is now, to the one business that owns the realm.
Every function here takes the latest state (fetched by Id or read from /cdc), so events that
arrive twice or out of order give the same result; each runs in one transaction with a lock
on the business row (a webhook and a catch-up pass never apply the same payment twice).

Our own writes coming back are recognised by their link (PaymentLink, InvoiceLink,
CustomerLink) and SyncToken, and change nothing."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounting.qbo import inbound as wire
from accounting.sync.document_links import CreditApplicationLink
from accounting.sync.models import (
    CustomerLink,
    InvoiceLink,
    ItemLink,
    PaymentLink,
    SyncJob,
    SyncKind,
)
from businesses.models import Business
from core.exceptions import ApplicationError
from invoicing import services as invoicing
from invoicing.models import Payment, PaymentSource

from ..models import Decision, DecisionKind, DecisionStatus, EventStatus, InboundPaymentLine

ZERO = Decimal("0.00")
QUICKBOOKS = PaymentSource.QUICKBOOKS


@dataclass
class Result:
    status: str
    key: str = ""
    params: dict = field(default_factory=dict)


def _lock_business(business_id: int) -> None:
    Business.objects.select_for_update().filter(pk=business_id).values_list("pk").first()


def decision_open(
    *, business_id: int, realm_id: str, kind: str, qbo_id: str, params: dict, **objects
) -> Decision:
    """The open decision of this kind for this object, created or brought up to date."""
    decision = Decision.objects.filter(
        business_id=business_id,
        realm_id=realm_id,
        kind=kind,
        qbo_id=qbo_id,
        status=DecisionStatus.OPEN,
    ).first()
    if decision is None:
        decision = Decision(
            business_id=business_id, realm_id=realm_id, kind=kind, qbo_id=qbo_id, **objects
        )
    decision.params = params
    decision.save()
    return decision


def _decisions_resolve(*, business_id: int, realm_id: str, kinds, qbo_id: str) -> int:
    return Decision.objects.filter(
        business_id=business_id,
        realm_id=realm_id,
        kind__in=kinds,
        qbo_id=qbo_id,
        status=DecisionStatus.OPEN,
    ).update(status=DecisionStatus.RESOLVED, resolved_at=timezone.now(), resolution="quickbooks")


# --- payments ----------------------------------------------------------------------------


def _pushed_by_us(business_id: int, realm_id: str, reference: tuple[int, str]) -> bool:
    """Whether the reference in a QBO payment's note is the one a push of ours wrote (the
    payment's job, by its request id: a note typed by hand does not match)."""
    payment_id, request_id = reference
    return SyncJob.objects.filter(
        business_id=business_id,
        realm_id=realm_id,
        kind=SyncKind.PAYMENT,
        object_id=payment_id,
        request_id=request_id,
    ).exists()


@transaction.atomic
def payment_apply(*, business_id: int, realm_id: str, state: wire.PaymentState) -> Result:
    _lock_business(business_id)
    ours = (
        PaymentLink.objects.filter(business_id=business_id, realm_id=realm_id, qbo_id=state.qbo_id)
        .select_related("payment")
        .first()
    )
    if ours is not None:
        return _our_payment(ours, state)
    if CreditApplicationLink.objects.filter(
        business_id=business_id, realm_id=realm_id, qbo_id=state.qbo_id
    ).exists():
        # The Payment that applies one of our credit notes to its invoice: our own write.
        return Result(EventStatus.ECHO)
    if state.plannit_reference and _pushed_by_us(business_id, realm_id, state.plannit_reference):
        # Our own payment, not linked yet: its push reached QuickBooks but the answer was lost
        # (a 500 after the commit, a dropped connection); the job links it when it looks it up.
        return Result(EventStatus.ECHO)
    lines = {
        line.qbo_invoice_id: line
        for line in InboundPaymentLine.objects.filter(
            business_id=business_id, realm_id=realm_id, qbo_payment_id=state.qbo_id
        ).select_related("payment")
    }
    changed, unknown, refused = [], [], []
    for invoice_qbo_id in sorted(set(dict(state.applied)) | set(lines)):
        amount = state.amount_for(invoice_qbo_id)
        line = lines.get(invoice_qbo_id)
        try:
            if line is not None:
                if _follow(line, amount, state):
                    changed.append(invoice_qbo_id)
            elif amount > 0:
                if _record(business_id, realm_id, invoice_qbo_id, amount, state):
                    changed.append(invoice_qbo_id)
                else:
                    unknown.append(invoice_qbo_id)
        except ApplicationError as refusal:
            refused.append({"invoice": invoice_qbo_id, "reason": refusal.message})
    params = {
        "payment": state.qbo_id,
        "amount": str(state.total),
        "date": state.txn_date.isoformat() if state.txn_date else "",
        "reference": state.reference,
    }
    if unknown:
        decision_open(
            business_id=business_id,
            realm_id=realm_id,
            kind=DecisionKind.UNKNOWN_PAYMENT,
            qbo_id=state.qbo_id,
            params={**params, "invoices": unknown},
        )
    if refused:
        decision_open(
            business_id=business_id,
            realm_id=realm_id,
            kind=DecisionKind.PAYMENT_REFUSED,
            qbo_id=state.qbo_id,
            params={**params, "refused": refused},
        )
    if unknown or refused:
        return Result(
            EventStatus.ATTENTION,
            "payment_partly_applied" if changed else "payment_not_applied",
            params,
        )
    if changed:
        return Result(EventStatus.APPLIED, "payment_applied", {**params, "invoices": changed})
    return Result(EventStatus.UNCHANGED)


def _follow(line: InboundPaymentLine, amount: Decimal, state: wire.PaymentState) -> bool:
    """Make the Plannit payment of one line what QuickBooks says it is now."""
    payment = line.payment
    changed = False
    if amount <= 0:
        if not payment.is_void:
            invoicing.payment_void(payment=payment, origin=QUICKBOOKS)
            changed = True
    elif payment.is_void:
        # Paid again on this invoice after a void (QBO keeps a voided payment's Id only if it
        # is re-applied by an edit): a new Plannit payment, the line follows it.
        line.payment = _new_payment(payment.invoice, amount, state)
        changed = True
    elif amount != payment.amount:
        invoicing.payment_amount_change(payment=payment, amount=amount, origin=QUICKBOOKS)
        changed = True
    if line.sync_token != state.sync_token or changed:
        line.sync_token = state.sync_token
        line.save(update_fields=["payment", "sync_token", "updated_at"])
    return changed


def _new_payment(invoice, amount: Decimal, state: wire.PaymentState) -> Payment:
    return invoicing.payment_record(
        invoice=invoice,
        amount=amount,
        date=state.txn_date or timezone.localdate(),
        method=wire.plannit_method_for(state.method_name),
        reference=state.reference,
        source=QUICKBOOKS,
        source_reference=state.qbo_id,
    )


def _record(business_id: int, realm_id: str, invoice_qbo_id: str, amount: Decimal, state) -> bool:
    link = (
        InvoiceLink.objects.filter(
            business_id=business_id, realm_id=realm_id, qbo_id=invoice_qbo_id
        )
        .select_related("invoice")
        .first()
    )
    if link is None:
        return False  # an invoice Plannit does not know: listed, never guessed
    payment = _new_payment(link.invoice, amount, state)
    InboundPaymentLine.objects.create(
        business_id=business_id,
        realm_id=realm_id,
        qbo_payment_id=state.qbo_id,
        qbo_invoice_id=invoice_qbo_id,
        payment=payment,
        sync_token=state.sync_token,
    )
    return True


def _our_payment(link: PaymentLink, state: wire.PaymentState) -> Result:
    """A payment Plannit sent: its echo changes nothing; a void, delete or new amount made in
    QuickBooks is followed (and not sent back)."""
    payment = link.payment
    invoice_link = InvoiceLink.objects.filter(
        business_id=link.business_id, realm_id=link.realm_id, invoice_id=payment.invoice_id
    ).first()
    amount = state.amount_for(invoice_link.qbo_id) if invoice_link else state.total
    if state.is_deleted or state.is_voided or amount <= 0:
        if payment.is_void:
            return Result(EventStatus.ECHO)
        invoicing.payment_void(payment=payment, origin=QUICKBOOKS)
        return Result(EventStatus.APPLIED, "payment_voided", {"payment": state.qbo_id})
    if amount != payment.amount and not payment.is_void:
        try:
            invoicing.payment_amount_change(payment=payment, amount=amount, origin=QUICKBOOKS)
        except ApplicationError as refusal:
            params = {"payment": state.qbo_id, "amount": str(amount), "reason": refusal.message}
            decision_open(
                business_id=link.business_id,
                realm_id=link.realm_id,
                kind=DecisionKind.PAYMENT_REFUSED,
                qbo_id=state.qbo_id,
                params=params,
            )
            return Result(EventStatus.ATTENTION, "payment_not_applied", params)
        link.sync_token = state.sync_token
        link.save(update_fields=["sync_token", "updated_at"])
        return Result(
            EventStatus.APPLIED,
            "payment_amount_changed",
            {"payment": state.qbo_id, "amount": str(amount)},
        )
    if link.sync_token == state.sync_token:
        return Result(EventStatus.ECHO)
    link.sync_token = state.sync_token
    link.save(update_fields=["sync_token", "updated_at"])
    return Result(EventStatus.UNCHANGED)


# --- invoices ----------------------------------------------------------------------------


@transaction.atomic
def invoice_apply(*, business_id: int, realm_id: str, state: wire.InvoiceState) -> Result:
    _lock_business(business_id)
    link = (
        InvoiceLink.objects.filter(business_id=business_id, realm_id=realm_id, qbo_id=state.qbo_id)
        .select_related("invoice")
        .first()
    )
    if link is None:
        return Result(EventStatus.IGNORED, "invoice_not_synced")
    invoice = link.invoice
    when = (state.changed_at or timezone.now()).isoformat()
    base = {"invoice": invoice.number, "qbo_id": state.qbo_id, "date": when}
    if state.is_deleted or state.is_voided:
        if invoice.is_void:
            return Result(EventStatus.ECHO)  # our own void, or already decided
        kind = DecisionKind.INVOICE_DELETED if state.is_deleted else DecisionKind.INVOICE_VOIDED
        decision_open(
            business_id=business_id,
            realm_id=realm_id,
            kind=kind,
            qbo_id=state.qbo_id,
            params=base,
            invoice=invoice,
        )
        return Result(EventStatus.ATTENTION, kind, base)
    echo = link.sync_token == state.sync_token
    link.sync_token = state.sync_token
    if state.total is not None and state.total != invoice.total and not invoice.is_void:
        link.qbo_total = state.total
        link.save(update_fields=["sync_token", "qbo_total", "updated_at"])
        params = {**base, "qbo_total": str(state.total), "plannit_total": str(invoice.total)}
        decision_open(
            business_id=business_id,
            realm_id=realm_id,
            kind=DecisionKind.INVOICE_AMOUNT,
            qbo_id=state.qbo_id,
            params=params,
            invoice=invoice,
        )
        return Result(EventStatus.ATTENTION, DecisionKind.INVOICE_AMOUNT, params)
    link.save(update_fields=["sync_token", "updated_at"])
    _decisions_resolve(
        business_id=business_id,
        realm_id=realm_id,
        kinds=[DecisionKind.INVOICE_AMOUNT],
        qbo_id=state.qbo_id,
    )
    return Result(EventStatus.ECHO if echo else EventStatus.UNCHANGED)


# --- customers and items -----------------------------------------------------------------


@transaction.atomic
def name_apply(
    *, business_id: int, realm_id: str, state: wire.NameState, merged_from: str = ""
) -> Result:
    """A customer or item merged, deleted or made inactive: its links move to the surviving
    record when QuickBooks says which; otherwise the dead link is removed at once (so no later
    push refers to it: the next invoice finds or creates the customer, or uses the default
    item) and the owner is asked to check it ("relink needed")."""
    _lock_business(business_id)
    is_customer = state.entity == "Customer"
    model = CustomerLink if is_customer else ItemLink
    kind = DecisionKind.RELINK_CUSTOMER if is_customer else DecisionKind.RELINK_ITEM
    scope = {"business_id": business_id, "realm_id": realm_id}
    if merged_from and state.is_active and not state.is_deleted:
        moved = _relink(model, scope, merged_from, state)
        if moved is not None:
            _decisions_resolve(**scope, kinds=[kind], qbo_id=merged_from)
            return Result(
                EventStatus.APPLIED,
                "relinked",
                {"from": merged_from, "to": state.qbo_id, "count": moved},
            )
    dead_id = merged_from or state.qbo_id
    if merged_from or state.is_deleted or not state.is_active:
        links = list(model.objects.filter(**scope, qbo_id=dead_id))
        if not links:
            return Result(EventStatus.IGNORED, "not_linked")
        reason = "merged" if merged_from else ("deleted" if state.is_deleted else "inactive")
        for link in links:
            params = {"reason": reason, "qbo_id": dead_id, "name": _link_name(link)}
            target = {"contact_id": link.contact_id} if is_customer else {"item_id": link.item_id}
            decision_open(**scope, kind=kind, qbo_id=dead_id, params=params, **target)
            link.delete()
        return Result(EventStatus.ATTENTION, "relink_needed", {"reason": reason, "qbo_id": dead_id})
    _decisions_resolve(**scope, kinds=[kind], qbo_id=state.qbo_id)
    links = list(model.objects.filter(**scope, qbo_id=state.qbo_id))
    if not links:
        return Result(EventStatus.IGNORED, "not_linked")
    if all(link.sync_token == state.sync_token for link in links):
        return Result(EventStatus.ECHO)
    model.objects.filter(pk__in=[link.pk for link in links]).update(
        sync_token=state.sync_token, updated_at=timezone.now()
    )
    return Result(EventStatus.UNCHANGED)


def _link_name(link) -> str:
    return getattr(link, "display_name", "") or getattr(link, "qbo_name", "")


def _relink(model, scope: dict, old_id: str, state: wire.NameState) -> int | None:
    """Move the links of `old_id` to the surviving record; None when that would give a
    Plannit contact a second customer (then it needs a person)."""
    links = list(model.objects.filter(**scope, qbo_id=old_id))
    if not links:
        return 0
    if model is CustomerLink and model.objects.filter(**scope, qbo_id=state.qbo_id).exists():
        return None
    name_field = "display_name" if model is CustomerLink else "qbo_name"
    model.objects.filter(pk__in=[link.pk for link in links]).update(
        qbo_id=state.qbo_id,
        sync_token=state.sync_token,
        updated_at=timezone.now(),
        **{name_field: state.name[:255]},
    )
    return len(links)


def state_apply(
    *, business_id: int, realm_id: str, entity: str, state, deleted_id: str = ""
) -> Result:
    if entity == "Payment":
        return payment_apply(business_id=business_id, realm_id=realm_id, state=state)
    if entity == "Invoice":
        return invoice_apply(business_id=business_id, realm_id=realm_id, state=state)
    return name_apply(
        business_id=business_id, realm_id=realm_id, state=state, merged_from=deleted_id
    )
