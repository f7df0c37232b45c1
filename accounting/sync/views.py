"""The sync log (every job, filters, Retry, Dismiss) and "Send earlier invoices"."""

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounting.selectors import active_connection_for_business
from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from core.exceptions import ApplicationError
from core.redirects import local_next

from . import messages
from .forms import EarlierInvoicesForm, SyncLogFilterForm
from .models import SyncJob
from .selectors import describe_jobs, sync_jobs_for_log
from .selectors import earlier_invoices as earlier_invoices_selector
from .services import jobs as job_services
from .services.backfill import earlier_invoices_send

PAGE_SIZE = 50
PREVIEW_LIMIT = 500


@business_member_required(owner_only=True)
def sync_log(request):
    form = SyncLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = sync_jobs_for_log(
        business=request.business,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        search=filters.get("q", ""),
    )
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    labels = describe_jobs(rows)
    for job in rows:
        job.label = labels.get(job.pk, "")
        job.error = messages.render(job.last_error_key, job.last_error_params)
        job.warning = messages.render(job.warning_key, job.warning_params)
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return render(
        request,
        "accounting/sync/sync_log.html",
        {
            "form": form,
            "page_obj": page_obj,
            "jobs": rows,
            "querystring_without_page": f"{encoded}&" if encoded else "",
            "connection": active_connection_for_business(business=request.business),
        },
    )


def _back(request):
    return redirect(local_next(request, request.POST.get("next")) or "accounting_sync:sync_log")


@require_POST
@business_member_required
def job_retry(request, pk: int):
    job = get_for_business(SyncJob, business=request.business, pk=pk)
    try:
        job_services.job_retry(business=request.business, job=job)
        flash.success(request, _("Sent again to QuickBooks."))
    except ApplicationError as error:
        flash.error(request, error.message)
    return _back(request)


@require_POST
@business_member_required(owner_only=True)
def job_dismiss(request, pk: int):
    job = get_for_business(SyncJob, business=request.business, pk=pk)
    try:
        job_services.job_dismiss(business=request.business, job=job)
        flash.success(request, _("Dismissed: this change will not be sent."))
    except ApplicationError as error:
        flash.error(request, error.message)
    return _back(request)


@require_http_methods(["GET", "POST"])
@business_member_required(owner_only=True)
def earlier_invoices(request):
    connection = active_connection_for_business(business=request.business)
    if connection is None or connection.connected_at is None:
        flash.error(request, _("Connect QuickBooks Online first."))
        return redirect("accounting:settings")
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = EarlierInvoicesForm(data)
    preview = None
    if form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        if request.method == "POST" and request.POST.get("confirm") == "1":
            try:
                count = earlier_invoices_send(
                    business=request.business, date_from=date_from, date_to=date_to
                )
            except ApplicationError as error:
                flash.error(request, error.message)
                return redirect("accounting_sync:earlier_invoices")
            flash.success(
                request,
                _(
                    "%(count)s invoice(s) queued: each is looked up in "
                    "QuickBooks by its number first."
                )
                % {"count": count},
            )
            return redirect("accounting_sync:sync_log")
        queryset = earlier_invoices_selector(
            business=request.business, connection=connection, date_from=date_from, date_to=date_to
        )
        preview = list(queryset[:PREVIEW_LIMIT])
    return render(
        request,
        "accounting/sync/earlier_invoices.html",
        {
            "form": form,
            "preview": preview,
            "connection": connection,
            "preview_limit": PREVIEW_LIMIT,
        },
    )
