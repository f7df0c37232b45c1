"""The "void the duplicate" repair: two QuickBooks invoices carry one number, one is ours
(linked), the other was made by hand or by another app. The owner sees both, confirms, and the
one NOT linked to Plannit is voided through the sync engine (a job, exactly once). Refused when
that one has a payment applied in QuickBooks."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounting.sync.models import CustomerLink, InvoiceLink, SyncKind, SyncOperation
from accounting.sync.services.jobs import job_create
from businesses.models import Business
from core.exceptions import ApplicationError

from ..models import Difference, Repair, SnapshotDoc
from .repair import difference_for_repair, mark_repaired


@dataclass(frozen=True)
class Side:
    qbo_id: str
    number: str
    date: object
    customer: str
    total: Decimal
    balance: Decimal


@dataclass(frozen=True)
class DuplicatePair:
    difference: Difference
    ours: Side
    theirs: Side
    refused: str  # why it cannot be voided here ("": it can)


def _side(doc: SnapshotDoc, names: dict[str, str]) -> Side:
    customer = names.get(doc.customer_id) or _("QuickBooks customer %(id)s") % {
        "id": doc.customer_id
    }
    return Side(doc.qbo_id, doc.doc_number, doc.txn_date, customer, doc.total, doc.balance)


def _paid(business_id: int, realm_id: str, doc: SnapshotDoc) -> bool:
    if doc.balance != doc.total:
        return True
    payments = SnapshotDoc.objects.filter(
        business_id=business_id, realm_id=realm_id, entity="Payment", is_voided=False
    ).only("applied", "credits")
    return any(
        doc.qbo_id in {row[0] for row in p.applied} | {row[1] for row in p.credits}
        for p in payments
    )


def duplicate_pair(*, business: Business, difference: Difference) -> DuplicatePair:
    """Both QuickBooks invoices as the check read them (a 404 for another business's)."""
    if difference.business_id != business.pk or difference.repair != Repair.VOID_DUPLICATE:
        raise Difference.DoesNotExist
    realm_id = difference.run.realm_id
    others = list(difference.params.get("others") or [])
    docs = {
        doc.qbo_id: doc
        for doc in SnapshotDoc.objects.filter(
            business=business,
            realm_id=realm_id,
            entity="Invoice",
            qbo_id__in=[difference.qbo_id, *others],
        )
    }
    if len(others) != 1 or difference.qbo_id not in docs or others[0] not in docs:
        raise Difference.DoesNotExist
    theirs = docs[others[0]]
    names = {
        qbo_id: name
        for qbo_id, name in CustomerLink.objects.filter(business=business, realm_id=realm_id)
        .filter(qbo_id__in={d.customer_id for d in docs.values()})
        .values_list("qbo_id", "contact__display_name")
    }
    refused = ""
    if InvoiceLink.objects.filter(
        business=business, realm_id=realm_id, qbo_id=theirs.qbo_id
    ).exists():
        refused = _("Both invoices are linked to Plannit: check them by hand.")
    elif _paid(business.pk, realm_id, theirs):
        refused = _(
            "QuickBooks invoice %(id)s has a payment applied: it cannot be voided from here. "
            "Check in QuickBooks which invoice the customer paid, move or delete that payment "
            "there, then run the check again."
        ) % {"id": theirs.qbo_id}
    return DuplicatePair(
        difference, _side(docs[difference.qbo_id], names), _side(theirs, names), refused
    )


@transaction.atomic
def duplicate_void_confirm(*, business: Business, difference_id: int) -> Difference:
    """The owner's confirmation: a job voids the other invoice (once; a second click changes
    nothing)."""
    difference, _connection = difference_for_repair(business=business, difference_id=difference_id)
    pair = duplicate_pair(business=business, difference=difference)
    if pair.refused:
        raise ApplicationError(pair.refused)
    job = job_create(
        business_id=business.pk,
        realm_id=difference.run.realm_id,
        kind=SyncKind.DUPLICATE,
        operation=SyncOperation.VOID,
        object_id=difference.invoice_id,
    )
    # What the job voids: read by the worker once this transaction commits.
    job.qbo_id = pair.theirs.qbo_id
    job.save(update_fields=["qbo_id"])
    return mark_repaired(difference, job)
