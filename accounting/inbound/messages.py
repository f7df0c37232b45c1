"""What the owner reads about an inbound event or an open decision, translated when shown
(stored as a key plus parameters, like the sync engine's messages)."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from .models import Decision, DecisionKind


def _date(value: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    return formats.date_format(moment, "DATE_FORMAT")


def decision_text(decision: Decision) -> str:
    p = decision.params or {}
    kind = decision.kind
    if kind == DecisionKind.INVOICE_VOIDED:
        return _("Invoice %(number)s was voided in QuickBooks on %(date)s.") % {
            "number": p.get("invoice", ""),
            "date": _date(p.get("date", "")),
        }
    if kind == DecisionKind.INVOICE_DELETED:
        return _("Invoice %(number)s was deleted in QuickBooks on %(date)s.") % {
            "number": p.get("invoice", ""),
            "date": _date(p.get("date", "")),
        }
    if kind == DecisionKind.INVOICE_AMOUNT:
        return _(
            "The total of invoice %(number)s was changed in QuickBooks: %(qbo)s there, "
            "%(plannit)s in Plannit."
        ) % {
            "number": p.get("invoice", ""),
            "qbo": p.get("qbo_total", ""),
            "plannit": p.get("plannit_total", ""),
        }
    if kind == DecisionKind.UNKNOWN_PAYMENT:
        return _(
            "A payment of %(amount)s (%(date)s, reference “%(reference)s”) was recorded in "
            "QuickBooks for an invoice Plannit does not know (QuickBooks invoice %(invoices)s). "
            "Record it here by hand if it belongs to one of your invoices."
        ) % {
            "amount": p.get("amount", ""),
            "date": p.get("date", ""),
            "reference": p.get("reference", ""),
            "invoices": ", ".join(p.get("invoices", [])),
        }
    if kind == DecisionKind.PAYMENT_REFUSED:
        reasons = "; ".join(r.get("reason", "") for r in p.get("refused", [])) or p.get(
            "reason", ""
        )
        return _("A payment recorded in QuickBooks could not be applied here: %(reason)s") % {
            "reason": reasons
        }
    reason = {
        "merged": _("merged into another record"),
        "deleted": _("deleted"),
        "inactive": _("made inactive"),
    }.get(p.get("reason", ""), p.get("reason", ""))
    if kind == DecisionKind.RELINK_CUSTOMER:
        return _(
            "The QuickBooks customer “%(name)s” linked to %(contact)s was %(reason)s. The link "
            "was removed: the next invoice finds or creates the customer again."
        ) % {"name": p.get("name", ""), "contact": decision.contact or "", "reason": reason}
    return _(
        "The QuickBooks item “%(name)s” linked to %(item)s was %(reason)s. The link was "
        "removed: invoices use the default item until you link another one."
    ) % {"name": p.get("name", ""), "item": decision.item or "", "reason": reason}


def decision_actions(decision: Decision) -> list[tuple[str, str]]:
    """(action, button label) of the one-click answers to this decision."""
    kind = decision.kind
    if kind in (DecisionKind.INVOICE_VOIDED, DecisionKind.INVOICE_DELETED):
        return [("void_in_plannit", _("Void in Plannit too")), ("send_again", _("Send it again"))]
    if kind == DecisionKind.INVOICE_AMOUNT:
        return [
            ("send_again", _("Send Plannit's version again")),
            ("keep_quickbooks", _("Keep both as they are")),
        ]
    return [("acknowledge", _("OK"))]


def event_text(key: str, params: dict) -> str:
    texts = {
        "payment_applied": _("Payment recorded on the invoice"),
        "payment_voided": _("Payment voided"),
        "payment_amount_changed": _("Payment amount changed"),
        "payment_partly_applied": _("Payment partly applied: see what needs a decision"),
        "payment_not_applied": _("Payment not applied: see what needs a decision"),
        "invoice_not_synced": _("Not an invoice sent by Plannit"),
        "payment_side_effect": _("Balance moved by a payment received with it"),
        "relinked": _("Link moved to the surviving record"),
        "relink_needed": _("Link removed: relink needed"),
        "not_linked": _("Not linked to Plannit"),
        "not_followed": _("Not followed by Plannit"),
        "unknown_realm": _("Unknown company"),
        "fetch_failed": _("Could not be read from QuickBooks"),
        "reconnect": _("Waiting for the connection"),
        DecisionKind.INVOICE_VOIDED: _("Invoice voided in QuickBooks"),
        DecisionKind.INVOICE_DELETED: _("Invoice deleted in QuickBooks"),
        DecisionKind.INVOICE_AMOUNT: _("Invoice amount changed in QuickBooks"),
    }
    return texts.get(key, "")
