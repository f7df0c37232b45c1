"""The owner's pages of the books check: start one, see a run's differences (with their
one-click repairs), the history of runs, and a run's differences as CSV."""

import csv

from django.contrib import messages as flash
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounting.models import ConnectionStatus, QboConnection
from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from core.exceptions import ApplicationError

from .messages import difference_hint, difference_text
from .models import Difference, ReconcileRun, RunTrigger
from .selectors import differences_of, runs_for
from .services.duplicates import duplicate_pair, duplicate_void_confirm
from .services.repair import difference_repair
from .services.runs import run_start
from .tasks import run_enqueue_on_commit

HISTORY = 30


@require_POST
@business_member_required(owner_only=True)
def check_now(request):
    connection = QboConnection.objects.filter(
        business=request.business, status=ConnectionStatus.CONNECTED
    ).first()
    if connection is None:
        flash.error(request, _("Connect QuickBooks Online first."))
        return redirect("accounting:settings")
    run = run_start(
        business_id=request.business.pk, realm_id=connection.realm_id, trigger=RunTrigger.OWNER
    )
    run_enqueue_on_commit(run.pk)
    flash.success(request, _("Checking your books: this page shows the result once it is done."))
    return redirect("accounting_reconcile:run_detail", pk=run.pk)


@business_member_required(owner_only=True)
def run_detail(request, pk: int):
    run = get_for_business(ReconcileRun, business=request.business, pk=pk)
    rows = list(differences_of(run=run))
    for difference in rows:
        difference.text = difference_text(difference)
        difference.hint = "" if difference.repair else difference_hint(difference)
    return render(
        request,
        "accounting/reconcile/run_detail.html",
        {
            "run": run,
            "differences": rows,
            "history": runs_for(business=request.business)[:HISTORY],
        },
    )


@require_POST
@business_member_required(owner_only=True)
def repair(request, pk: int):
    difference = get_for_business(Difference, business=request.business, pk=pk)
    try:
        difference_repair(business=request.business, difference_id=difference.pk)
    except ApplicationError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, _("Repair started: the next check will confirm it."))
    return redirect("accounting_reconcile:run_detail", pk=difference.run_id)


@business_member_required(owner_only=True)
def void_duplicate(request, pk: int):
    """GET: both QuickBooks invoices side by side; POST: the owner confirms, the one not
    linked to Plannit is voided through the engine."""
    difference = get_for_business(
        Difference.objects.select_related("run", "invoice"), business=request.business, pk=pk
    )
    try:
        pair = duplicate_pair(business=request.business, difference=difference)
    except Difference.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            duplicate_void_confirm(business=request.business, difference_id=difference.pk)
        except ApplicationError as error:
            flash.error(request, error.message)
        else:
            flash.success(
                request,
                _("QuickBooks invoice %(id)s is being voided: the next check will confirm it.")
                % {"id": pair.theirs.qbo_id},
            )
        return redirect("accounting_reconcile:run_detail", pk=difference.run_id)
    return render(
        request,
        "accounting/reconcile/void_duplicate.html",
        {
            "difference": difference,
            "pair": pair,
            "text": difference_text(difference),
            "sides": [(_("Plannit's (linked)"), pair.ours), (_("The other"), pair.theirs)],
        },
    )


@business_member_required(owner_only=True)
def export_csv(request, pk: int):
    run = get_for_business(ReconcileRun, business=request.business, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="books-check-{run.pk}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer = csv.writer(response)
    writer.writerow(
        [_("Object"), _("Number"), _("QuickBooks id"), _("Difference"), _("Repair"), _("Repaired")]
    )
    for difference in differences_of(run=run):
        writer.writerow(
            [
                difference.entity,
                difference.params.get("number", ""),
                difference.qbo_id,
                difference_text(difference),
                difference.get_repair_display()
                if difference.repair
                else difference_hint(difference),
                difference.repaired_at.isoformat() if difference.repaired_at else "",
            ]
        )
    return response
