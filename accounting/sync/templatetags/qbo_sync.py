from django import template

from ..selectors import sync_badges_for

register = template.Library()


def _page_badge(context, obj):
    """The badge of `obj`. On a page listing objects (`page_obj` in the context), the badges of
    the whole page are read at once and kept on the request, so a list of 50 invoices costs a
    fixed number of queries instead of three per row."""
    request = context.get("request")
    cache = getattr(request, "_qbo_sync_badges", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._qbo_sync_badges = cache
    key = (type(obj), obj.pk)
    if key not in cache:
        page = context.get("page_obj")
        batch = [
            item
            for item in (page.object_list if page is not None else [])
            if type(item) is type(obj)
        ]
        if key not in {(type(item), item.pk) for item in batch}:
            batch = [obj]
        for item, badge in zip(batch, sync_badges_for(batch), strict=True):
            cache[(type(item), item.pk)] = badge
    return cache[key]


@register.inclusion_tag("accounting/sync/_badge.html", takes_context=True)
def qbo_sync_badge(context, obj):
    """`{% load qbo_sync %}{% qbo_sync_badge invoice %}`: the QuickBooks sync state of an invoice
    or payment (not sent and why, pending, synced with the QBO number, error with Retry)."""
    request = context.get("request")
    return {
        "badge": _page_badge(context, obj) if obj is not None else None,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }
