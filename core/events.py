"""An explicit, in-process registry of domain events.

Domain apps (contacts, catalog, invoicing) announce what happened by calling
`<event>.send(...)` inside the service's transaction; other apps (accounting) register
handlers at startup in their AppConfig.ready(). Handlers run synchronously, in the caller's
transaction: if the transaction rolls back, whatever a handler wrote rolls back too (this is
what makes the sync outbox exact). Unlike Django signals, the call is visible in the service
and the list of events is closed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[..., Any]


@dataclass
class DomainEvent:
    name: str
    handlers: list[Handler] = field(default_factory=list)

    def subscribe(self, handler: Handler) -> Handler:
        if handler not in self.handlers:
            self.handlers.append(handler)
        return handler

    def unsubscribe(self, handler: Handler) -> None:
        if handler in self.handlers:
            self.handlers.remove(handler)

    def send(self, **payload: Any) -> None:
        for handler in list(self.handlers):
            handler(**payload)


invoice_issued = DomainEvent("invoice_issued")  # invoice=
invoice_changed = DomainEvent("invoice_changed")  # invoice=
invoice_voided = DomainEvent("invoice_voided")  # invoice=, origin=
payment_recorded = DomainEvent("payment_recorded")  # payment=, origin=
payment_changed = DomainEvent("payment_changed")  # payment=, origin= (its amount)
payment_voided = DomainEvent("payment_voided")  # payment=, origin=
credit_note_issued = DomainEvent("credit_note_issued")  # credit_note=
credit_note_voided = DomainEvent("credit_note_voided")  # credit_note=
credit_applied = DomainEvent("credit_applied")  # application=
credit_application_voided = DomainEvent("credit_application_voided")  # application=
contact_changed = DomainEvent("contact_changed")  # contact=
item_changed = DomainEvent("item_changed")  # item=
business_created = DomainEvent("business_created")  # business= (sets up per-business defaults)

ALL_EVENTS = {
    event.name: event
    for event in (
        invoice_issued,
        invoice_changed,
        invoice_voided,
        payment_recorded,
        payment_changed,
        payment_voided,
        credit_note_issued,
        credit_note_voided,
        credit_applied,
        credit_application_voided,
        contact_changed,
        item_changed,
        business_created,
    )
}
