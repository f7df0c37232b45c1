"""The owner's pages of the inbound side: events from QuickBooks (the sync log's other half)
and the one-click answers to what needs a decision."""

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from core.exceptions import ApplicationError
from core.redirects import local_next

from .forms import InboundLogFilterForm
from .messages import event_text
from .models import Decision, DecisionKind, DecisionStatus
from .selectors import inbound_events_for_log
from .services.decisions import decision_relink_customer, decision_resolve, relink_candidates

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


@business_member_required(owner_only=True)
def decision_relink(request, pk: int):
    """Choose the QuickBooks customer a contact is now (its linked one was deleted or made
    inactive there): search by name (one QuickBooks query), then link with one click."""
    decision = get_for_business(Decision, business=request.business, pk=pk)
    if decision.kind != DecisionKind.RELINK_CUSTOMER or decision.contact_id is None:
        raise Http404
    if request.method == "POST":
        try:
            decision_relink_customer(
                business=request.business,
                decision_id=decision.pk,
                qbo_id=request.POST.get("qbo_id", ""),
            )
        except ApplicationError as error:
            flash.error(request, error.message)
            return redirect("accounting_inbound_owner:decision_relink", pk=decision.pk)
        flash.success(
            request,
            _("%(contact)s is linked to its QuickBooks customer again.")
            % {"contact": decision.contact},
        )
        return redirect("accounting:settings")
    text = request.GET.get("q", "")
    candidates, error = [], ""
    if decision.status == DecisionStatus.OPEN and text:
        try:
            candidates = relink_candidates(
                business=request.business, decision_id=decision.pk, text=text
            )
        except ApplicationError as problem:
            error = problem.message
    return render(
        request,
        "accounting/inbound/relink.html",
        {
            "decision": decision,
            "text": text[:100],
            "searched": len(" ".join(text.split())) >= 2,
            "candidates": candidates,
            "error": error,
        },
    )
