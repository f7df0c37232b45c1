"""The owner's pages of the inbound side: events from QuickBooks (the sync log's other half)
and the one-click answers to what needs a decision."""

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from core.exceptions import ApplicationError
from core.redirects import local_next

from .forms import InboundLogFilterForm
from .messages import event_text
from .models import Decision
from .selectors import inbound_events_for_log
from .services.decisions import decision_resolve

PAGE_SIZE = 50


@business_member_required(owner_only=True)
def inbound_log(request):
    form = InboundLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = inbound_events_for_log(
        business=request.business,
        status=filters.get("status", ""),
        entity=filters.get("entity", ""),
    )
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    for event in rows:
        event.text = event_text(event.result_key, event.result_params)
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return render(
        request,
        "accounting/inbound/inbound_log.html",
        {
            "form": form,
            "page_obj": page_obj,
            "events": rows,
            "querystring_without_page": f"{encoded}&" if encoded else "",
        },
    )


@require_POST
@business_member_required(owner_only=True)
def decision_answer(request, pk: int, action: str):
    decision = get_for_business(Decision, business=request.business, pk=pk)
    try:
        decision_resolve(business=request.business, decision_id=decision.pk, action=action)
    except ApplicationError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, _("Done."))
    return redirect(local_next(request, request.POST.get("next")) or "accounting:settings")
