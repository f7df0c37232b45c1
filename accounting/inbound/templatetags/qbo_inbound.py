from django import template

from ..messages import decision_actions, decision_text, event_text
from ..selectors import inbound_events_for_log, open_decisions

register = template.Library()

RECENT = 10


def _described(decisions) -> list:
    rows = list(decisions)
    for decision in rows:
        decision.text = decision_text(decision)
        decision.actions = decision_actions(decision)
    return rows


@register.inclusion_tag("accounting/inbound/_decisions.html", takes_context=True)
def qbo_decisions(context):
    """The accounting page's "needs a decision" list, with its one-click answers."""
    request = context["request"]
    return {
        "decisions": _described(open_decisions(business=request.business)),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }


@register.inclusion_tag("accounting/inbound/_decisions.html", takes_context=True)
def qbo_invoice_decisions(context, invoice):
    """On an invoice: what QuickBooks did to it ("voided in QuickBooks on …") and the answers."""
    request = context["request"]
    decisions = open_decisions(business=request.business).filter(invoice=invoice)
    return {
        "decisions": _described(decisions),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
        "compact": True,
    }


@register.inclusion_tag("accounting/inbound/_recent.html", takes_context=True)
def qbo_inbound_recent(context):
    """The sync log's other half: the latest events from QuickBooks."""
    request = context["request"]
    events = list(inbound_events_for_log(business=request.business)[:RECENT])
    for event in events:
        event.text = event_text(event.result_key, event.result_params)
    return {"events": events}
