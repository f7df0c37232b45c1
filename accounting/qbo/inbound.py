"""QuickBooks → Plannit, the wire side: webhook signatures and payloads (both of Intuit's
formats, qbo-api-reference §7), the reads that fetch what changed (by Id, or /cdc, §6) and the
small dataclasses the inbound app applies. No ORM here.
"""

import base64
import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from decimal import Decimal

from . import client, errors
from .client import Recorder
from .sales_payloads import PAYMENT_METHOD_NAMES, money, parse_date, payment_reference_read

# Entities the inbound app follows; anything else in a delivery is stored and ignored.
FOLLOWED_ENTITIES = ("Payment", "Invoice", "Customer", "Item")
CDC_ENTITIES = ",".join(FOLLOWED_ENTITIES)

# CloudEvents `type` verbs → the legacy `operation` names (qbo-api-reference §7.1, §7.2).
_VERBS = {
    "created": "Create",
    "updated": "Update",
    "deleted": "Delete",
    "voided": "Void",
    "merged": "Merge",
    "emailed": "Emailed",
    "enabled": "Enable",
    "disabled": "Disable",
}
_ENTITY_NAMES = {name.lower(): name for name in (*FOLLOWED_ENTITIES, "CreditMemo", "Estimate")}


class WebhookPayloadInvalid(ValueError):
    """The body is signed but is not one of Intuit's two payload shapes."""


def signature_is_valid(*, body: bytes, signature: str, verifier_token: str) -> bool:
    """`intuit-signature` is base64(HMAC-SHA256(verifier token, raw body)) (§7.3)."""
    if not signature or not verifier_token:
        return False
    expected = hmac.new(verifier_token.encode("utf-8"), body, hashlib.sha256).digest()
    try:
        given = base64.b64decode(signature.strip(), validate=True)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(expected, given)


@dataclass(frozen=True)
class Notification:
    """One change announced by a webhook: ids only, the receiver fetches the object."""

    key: str  # unique per event: the CloudEvent id, or realm+entity+id+operation+time
    realm_id: str
    entity: str
    entity_id: str
    operation: str  # Create, Update, Delete, Void, Merge, Emailed, …
    occurred_at: datetime.datetime | None
    deleted_id: str = ""
    payload: dict = field(default_factory=dict, compare=False)


def parse_instant(value) -> datetime.datetime | None:
    """Intuit's times vary: `…-0700`, `…Z`, `….000Z` (§7.1); None when unreadable."""
    text = str(value or "").strip()
    if not text:
        return None
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _legacy_key(realm: str, entity: str, entity_id: str, operation: str, when) -> str:
    stamp = when.astimezone(datetime.UTC).isoformat(timespec="milliseconds") if when else ""
    return f"legacy:{realm}:{entity}:{entity_id}:{operation}:{stamp}"[:200]


def _from_cloud_event(event: dict) -> Notification:
    if not isinstance(event, dict):
        raise WebhookPayloadInvalid("event is not an object")
    parts = str(event.get("type") or "").split(".")
    if len(parts) < 3 or parts[0] != "qbo" or not event.get("id"):
        raise WebhookPayloadInvalid("not a QuickBooks CloudEvent")
    entity = _ENTITY_NAMES.get(parts[1].lower(), parts[1][:1].upper() + parts[1][1:])
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    return Notification(
        key=f"ce:{event['id']}"[:200],
        realm_id=str(event.get("intuitaccountid") or ""),
        entity=entity[:30],
        entity_id=str(event.get("intuitentityid") or "")[:32],
        operation=_VERBS.get(parts[2].lower(), parts[2][:1].upper() + parts[2][1:])[:20],
        occurred_at=parse_instant(event.get("time")),
        deleted_id=str(data.get("deletedid") or data.get("deletedId") or "")[:32],
        payload=event,
    )


def _from_legacy(document: dict) -> list[Notification]:
    found = []
    for notification in document.get("eventNotifications") or []:
        if not isinstance(notification, dict):
            raise WebhookPayloadInvalid("notification is not an object")
        realm = str(notification.get("realmId") or "")
        entities = (notification.get("dataChangeEvent") or {}).get("entities") or []
        for row in entities:
            if not isinstance(row, dict):
                raise WebhookPayloadInvalid("entity is not an object")
            entity = str(row.get("name") or "")[:30]
            entity_id = str(row.get("id") or "")[:32]
            operation = str(row.get("operation") or "")[:20]
            when = parse_instant(row.get("lastUpdated"))
            found.append(
                Notification(
                    key=_legacy_key(realm, entity, entity_id, operation, when),
                    realm_id=realm,
                    entity=entity,
                    entity_id=entity_id,
                    operation=operation,
                    occurred_at=when,
                    deleted_id=str(row.get("deletedId") or "")[:32],
                    payload={"realmId": realm, **row},
                )
            )
    return found


def parse_notifications(body: bytes) -> tuple[str, list[Notification]]:
    """(format, notifications) of a delivery: a top-level array is CloudEvents, an object with
    `eventNotifications` the legacy form (§7.2's rule). Raises WebhookPayloadInvalid."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WebhookPayloadInvalid("not JSON") from None
    if isinstance(document, list):
        return "cloudevents", [_from_cloud_event(event) for event in document]
    if isinstance(document, dict) and isinstance(document.get("eventNotifications"), list):
        return "legacy", _from_legacy(document)
    raise WebhookPayloadInvalid("neither a CloudEvents array nor eventNotifications")


# --- What the inbound app applies -----------------------------------------------------------


@dataclass(frozen=True)
class PaymentState:
    """A QuickBooks payment as it is now (deleted: only its Id is left)."""

    qbo_id: str
    sync_token: str = ""
    is_deleted: bool = False
    is_voided: bool = False
    txn_date: datetime.date | None = None
    total: Decimal = Decimal("0.00")
    reference: str = ""
    method_name: str = ""
    customer_id: str = ""
    # (invoice Id, money applied to it), summed per invoice; a credit memo's part is not money
    applied: tuple[tuple[str, Decimal], ...] = ()
    # the credit memos the payment applies (its lines linking a CreditMemo)
    credit_memo_ids: tuple[str, ...] = ()
    # (Plannit payment id, request id) when its PrivateNote carries our push's reference
    plannit_reference: tuple[int, str] | None = None

    def amount_for(self, invoice_qbo_id: str) -> Decimal:
        if self.is_deleted or self.is_voided:
            return Decimal("0.00")
        return dict(self.applied).get(invoice_qbo_id, Decimal("0.00"))


@dataclass(frozen=True)
class InvoiceState:
    qbo_id: str
    sync_token: str = ""
    is_deleted: bool = False
    is_voided: bool = False
    doc_number: str = ""
    total: Decimal | None = None
    changed_at: datetime.datetime | None = None


@dataclass(frozen=True)
class NameState:
    """A Customer or an Item: is it still there and active?"""

    entity: str
    qbo_id: str
    sync_token: str = ""
    is_deleted: bool = False
    is_active: bool = True
    name: str = ""


State = PaymentState | InvoiceState | NameState


def plannit_method_for(name: str) -> str:
    """Plannit's payment method for a QuickBooks payment method's name ("other" if none)."""
    key = " ".join(str(name or "").split()).casefold()
    for method, names in PAYMENT_METHOD_NAMES.items():
        if key in {n.casefold() for n in names}:
            return method
    return "other"


def _is_voided(row: dict) -> bool:
    # A voided transaction keeps its record, amounts 0, PrivateNote "Voided…" (§3.6).
    return str(row.get("PrivateNote") or "").startswith("Voided")


def _deleted(row: dict) -> bool:
    return str(row.get("status") or "") == "Deleted"


def payment_applications(row: dict) -> tuple[tuple[tuple[str, Decimal], ...], tuple[str, ...]]:
    """A QBO Payment's money per invoice Id, and the credit memos it applies.

    A line linking a credit memo pays the invoices with that credit, not with money (TotalAmt
    is the money: the invoices' lines minus the credit memos'): the credit is taken off the
    invoices in Id order, and an invoice paid by credit alone is left out."""
    applied: dict[str, Decimal] = {}
    credit_memos: set[str] = set()
    credit = Decimal("0.00")
    for line in row.get("Line") or []:
        amount = money(line.get("Amount")) or Decimal("0.00")
        for link in line.get("LinkedTxn") or []:
            if link.get("TxnType") == "Invoice" and link.get("TxnId"):
                key = str(link["TxnId"])
                applied[key] = applied.get(key, Decimal("0.00")) + amount
            elif link.get("TxnType") == "CreditMemo" and link.get("TxnId"):
                credit_memos.add(str(link["TxnId"]))
                credit += amount
    for key in sorted(applied):
        taken = min(credit, applied[key])
        applied[key] -= taken
        credit -= taken
    money_by_invoice = tuple(sorted((k, v) for k, v in applied.items() if v > 0))
    return money_by_invoice, tuple(sorted(credit_memos))


def payment_state_from_qbo(row: dict) -> PaymentState:
    qbo_id = str(row.get("Id") or "")
    if _deleted(row):
        return PaymentState(qbo_id=qbo_id, is_deleted=True)
    applied, credit_memos = payment_applications(row)
    return PaymentState(
        qbo_id=qbo_id,
        sync_token=str(row.get("SyncToken") or ""),
        is_voided=_is_voided(row),
        txn_date=parse_date(row.get("TxnDate") or ""),
        total=money(row.get("TotalAmt")) or Decimal("0.00"),
        reference=str(row.get("PaymentRefNum") or "")[:21],
        method_name=str((row.get("PaymentMethodRef") or {}).get("name") or ""),
        customer_id=str((row.get("CustomerRef") or {}).get("value") or ""),
        applied=applied,
        credit_memo_ids=credit_memos,
        plannit_reference=payment_reference_read(row.get("PrivateNote") or ""),
    )


def invoice_state_from_qbo(row: dict) -> InvoiceState:
    qbo_id = str(row.get("Id") or "")
    changed_at = parse_instant((row.get("MetaData") or {}).get("LastUpdatedTime"))
    if _deleted(row):
        return InvoiceState(qbo_id=qbo_id, is_deleted=True, changed_at=changed_at)
    return InvoiceState(
        qbo_id=qbo_id,
        sync_token=str(row.get("SyncToken") or ""),
        is_voided=_is_voided(row),
        doc_number=str(row.get("DocNumber") or "")[:21],
        total=money(row.get("TotalAmt")),
        changed_at=changed_at,
    )


def name_state_from_qbo(entity: str, row: dict) -> NameState:
    qbo_id = str(row.get("Id") or "")
    if _deleted(row):
        return NameState(entity=entity, qbo_id=qbo_id, is_deleted=True, is_active=False)
    return NameState(
        entity=entity,
        qbo_id=qbo_id,
        sync_token=str(row.get("SyncToken") or ""),
        is_active=row.get("Active") not in (False, "false"),
        name=str(row.get("DisplayName") or row.get("Name") or "")[:255],
    )


def state_from_qbo(entity: str, row: dict) -> State:
    if entity == "Payment":
        return payment_state_from_qbo(row)
    if entity == "Invoice":
        return invoice_state_from_qbo(row)
    return name_state_from_qbo(entity, row)


def gone(entity: str, qbo_id: str) -> State:
    """What a read answering 610 (object not found) means: the object was deleted."""
    return state_from_qbo(entity, {"Id": qbo_id, "status": "Deleted"})


@dataclass(frozen=True)
class ChangeSet:
    states: list[tuple[str, State]]
    server_time: datetime.datetime | None


class InboundApi:
    """The reads of the inbound app, for one company and one access token (metered: each
    is counted by client.py's observer)."""

    def __init__(self, *, access_token: str, realm_id: str, recorder: Recorder | None = None):
        self.qb = client.api(access_token=access_token, realm_id=realm_id, recorder=recorder)
        self.realm_id = realm_id

    def _get(self, path: str, *, label: str, params: dict | None = None) -> dict:
        self.qb.operation_label = label
        return self.qb.make_request(
            "GET", f"{self.qb.api_url}/company/{self.realm_id}/{path}", params=params or {}
        )

    def fetch(self, entity: str, qbo_id: str) -> State:
        """The object as it is now; a deleted one (610) comes back as such."""
        if entity not in FOLLOWED_ENTITIES:
            raise ValueError(f"not followed: {entity}")
        try:
            answer = self._get(f"{entity.lower()}/{qbo_id}", label=f"read {entity}")
        except errors.QboNotFound:
            return gone(entity, qbo_id)
        return state_from_qbo(entity, answer.get(entity) or {"Id": qbo_id})

    def changes_since(self, since: datetime.datetime) -> ChangeSet:
        """One /cdc call for the followed entities (at most 30 days back, §6)."""
        stamp = since.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        answer = self._get(
            "cdc", label="cdc", params={"entities": CDC_ENTITIES, "changedSince": stamp}
        )
        states: list[tuple[str, State]] = []
        for block in answer.get("CDCResponse") or []:
            for group in block.get("QueryResponse") or []:
                for entity in FOLLOWED_ENTITIES:
                    for row in group.get(entity) or []:
                        states.append((entity, state_from_qbo(entity, row)))
        return ChangeSet(states=states, server_time=parse_instant(answer.get("time")))
