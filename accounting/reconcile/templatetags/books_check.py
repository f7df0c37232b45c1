"""The books check's headline, on the accounting page and the home page (which know nothing
of it: this tag adds it)."""

from django import template

from ..messages import counts_text, match_headline
from ..selectors import latest_finished_run, running_run

register = template.Library()


@register.inclusion_tag("accounting/reconcile/_headline.html", takes_context=True)
def books_check_headline(context, with_button=False):
    request = context["request"]
    business = getattr(request, "business", None)
    if business is None:
        return {"run": None}
    return {
        "run": latest_finished_run(business=business),
        "running": running_run(business=business),
        "with_button": with_button,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def books_match_headline(run) -> str:
    return match_headline(run)


@register.filter
def books_check_counts(run) -> str:
    return counts_text(run)
