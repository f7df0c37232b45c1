"""The home page's QuickBooks panel. The home page belongs to invoicing, which knows nothing
of QuickBooks; accounting adds its part through this tag, as it adds the sync badges."""

from django import template

from ..selectors import accounting_attention

register = template.Library()


@register.inclusion_tag("accounting/_home_panel.html", takes_context=True)
def accounting_home_panel(context):
    request = context["request"]
    return {
        "request": request,
        "attention": accounting_attention(business=request.business),
        "is_owner": bool(getattr(context.get("current_membership"), "is_owner", False)),
    }
