from django import template

from ..selectors import sync_badge_for

register = template.Library()


@register.inclusion_tag("accounting/sync/_badge.html", takes_context=True)
def qbo_sync_badge(context, obj):
    """`{% load qbo_sync %}{% qbo_sync_badge invoice %}`: the QuickBooks sync state of an invoice
    or payment (not sent and why, pending, synced with the QBO number, error with Retry)."""
    request = context.get("request")
    return {"badge": sync_badge_for(obj) if obj is not None else None,
            "csrf_token": context.get("csrf_token"),
            "next": request.get_full_path() if request is not None else ""}
