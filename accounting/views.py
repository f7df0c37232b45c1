import logging

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from businesses.mixins import business_member_required
from businesses.scoping import get_for_business
from core.collation import natural
from core.exceptions import ApplicationError
from invoicing.models import TaxGroup

from . import selectors
from .forms import ConnectForm, MappingsForm, NotificationsForm
from .models import ConnectionStatus, OAuthStateStatus, QboAuthorizationState
from .services import connection as connection_services
from .services import notifications
from .services.mappings import accounting_settings_update
from .services.references import references_refresh
from .sync.services.usage import usage_reads_this_month

logger = logging.getLogger(__name__)


def _session_key(request) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def _mappings_form(request, connection, data=None):
    groups = TaxGroup.objects.filter(business=request.business, is_active=True).order_by(
        natural("name")
    )
    settings_row = selectors.accounting_settings_for_business(business=request.business)
    initial = {
        "taxable_tax_code": settings_row.taxable_tax_code_id,
        "non_taxable_tax_code": settings_row.non_taxable_tax_code_id,
        "transaction_tax_code": settings_row.transaction_tax_code_id,
        "default_item": settings_row.default_item_name or settings_row.default_item_id,
        "deposit_account": settings_row.deposit_account_id,
    }
    mappings = selectors.tax_group_mappings(business=request.business)
    for group in groups:
        if group.pk in mappings:
            initial[f"tax_group_{group.pk}"] = mappings[group.pk].qbo_tax_code_id
    return MappingsForm(data, connection=connection, tax_groups=groups, initial=initial)


@business_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def settings_page(request):
    business = request.business
    connection = selectors.connection_for_business(business=business)
    is_connected = connection is not None and connection.status == ConnectionStatus.CONNECTED
    form = None
    if is_connected:
        form = _mappings_form(
            request, connection, request.POST if request.method == "POST" else None
        )
        if request.method == "POST" and form.is_valid():
            try:
                accounting_settings_update(
                    business=business,
                    taxable_tax_code_id=form.cleaned_data.get("taxable_tax_code", ""),
                    non_taxable_tax_code_id=form.cleaned_data.get("non_taxable_tax_code", ""),
                    transaction_tax_code_id=form.cleaned_data.get("transaction_tax_code", ""),
                    default_item_id=form.cleaned_data["default_item"],
                    deposit_account_id=form.cleaned_data["deposit_account"],
                    tax_group_codes=form.tax_group_codes(),
                )
            except ApplicationError as error:
                problems = error.extra.get("errors") or {None: error.message}
                for field, message in problems.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Accounting settings saved."))
                return redirect("accounting:settings")
    elif request.method == "POST":
        messages.error(request, _("Connect QuickBooks Online before saving these settings."))
        return redirect("accounting:settings")
    checklist = selectors.accounting_checklist(business=business)
    return render(
        request,
        "accounting/settings.html",
        {
            "connection": connection,
            "is_connected": is_connected,
            "has_tax_group": selectors.business_has_tax_group(business=business),
            "connect_form": ConnectForm(),
            "form": form,
            "checklist": checklist,
            "is_configured": all(row.is_done for row in checklist),
            "refresh_token_warning": bool(is_connected and connection.refresh_token_warned_at),
            "reads_this_month": (
                usage_reads_this_month(realm_id=connection.realm_id) if is_connected else None
            ),
            "hard_expiry_warning": bool(
                is_connected and notifications.hard_expiry_stage(connection, now=timezone.now())
            ),
            "notifications_enabled": notifications.notifications_enabled(
                business=business, user=request.user
            ),
        },
    )


@business_member_required(owner_only=True)
@require_GET
def reconnect(request):
    """The Reconnect URL registered with Intuit (required from 2026, qbo-api-reference §15):
    a lapsed connection goes straight to Intuit's consent page; once it is back, the callback
    resumes the jobs that waited for it. A healthy connection just shows the page."""
    connection = selectors.connection_for_business(business=request.business)
    is_due = connection is None or (
        connection.status != ConnectionStatus.CONNECTED
        or notifications.hard_expiry_stage(connection, now=timezone.now()) is not None
    )
    if not is_due:
        messages.info(request, _("QuickBooks Online is connected: nothing to reconnect."))
        return redirect("accounting:settings")
    try:
        url = connection_services.connection_start_authorization(
            business=request.business, user=request.user, session_key=_session_key(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("accounting:settings")
    except connection_services.errors.QboError as error:
        logger.warning("QBO authorization could not start: %s", error.message)
        messages.error(request, error.user_message())
        return redirect("accounting:settings")
    return HttpResponseRedirect(url)


@business_member_required(owner_only=True)
@require_POST
def notification_settings(request):
    form = NotificationsForm(request.POST)
    enabled = form.is_valid() and form.cleaned_data["email_enabled"]
    notifications.notification_preference_set(
        business=request.business, user=request.user, email_enabled=enabled
    )
    if enabled:
        messages.success(request, _("You will get an e-mail when QuickBooks Online needs you."))
    else:
        messages.success(request, _("You will no longer get e-mails about QuickBooks Online."))
    return redirect("accounting:settings")


@business_member_required(owner_only=True)
@require_POST
def connect(request):
    form = ConnectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an accounting system."))
        return redirect("accounting:settings")
    try:
        url = connection_services.connection_start_authorization(
            business=request.business, user=request.user, session_key=_session_key(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("accounting:settings")
    except connection_services.errors.QboError as error:
        logger.warning("QBO authorization could not start: %s", error.message)
        messages.error(request, error.user_message())
        return redirect("accounting:settings")
    return HttpResponseRedirect(url)


@business_member_required(owner_only=True)
@require_GET
def callback(request):
    params = request.GET
    try:
        outcome = connection_services.connection_complete_authorization(
            business=request.business,
            user=request.user,
            session_key=_session_key(request),
            state=params.get("state", ""),
            code=params.get("code", ""),
            realm_id=params.get("realmId", ""),
            error=params.get("error", ""),
        )
    except ApplicationError as error:
        if error.extra.get("cancelled"):
            messages.warning(request, error.message)
        else:
            messages.error(request, error.message)
        return redirect("accounting:settings")
    if outcome.kind == "confirm_switch":
        return redirect("accounting:confirm_switch", pk=outcome.pending_id)
    _connected_messages(request, outcome)
    return redirect("accounting:settings")


def _connected_messages(request, outcome):
    messages.success(
        request, _("Connected to %(company)s.") % {"company": outcome.connection.company_name}
    )
    if not outcome.lists_refreshed:
        messages.warning(
            request,
            _("The company's lists could not be read yet. Click “Refresh lists” in a moment."),
        )


@business_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def confirm_switch(request, pk):
    pending = get_for_business(
        QboAuthorizationState.objects.filter(user=request.user), business=request.business, pk=pk
    )
    if pending.status != OAuthStateStatus.AWAITING_CONFIRMATION:
        messages.error(request, _("This confirmation has expired. Click Connect to try again."))
        return redirect("accounting:settings")
    if request.method == "POST":
        kwargs = {
            "business": request.business,
            "user": request.user,
            "session_key": _session_key(request),
            "pending_id": pk,
        }
        try:
            if request.POST.get("action") == "confirm":
                outcome = connection_services.connection_confirm_switch(**kwargs)
                _connected_messages(request, outcome)
            else:
                connection_services.connection_cancel_switch(**kwargs)
                messages.info(
                    request,
                    _("Nothing changed: you are still connected to %(company)s.")
                    % {
                        "company": selectors.connection_for_business(
                            business=request.business
                        ).company_name
                    },
                )
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("accounting:settings")
    return render(
        request,
        "accounting/confirm_switch.html",
        {
            "pending": pending,
            "connection": selectors.connection_for_business(business=request.business),
        },
    )


@business_member_required(owner_only=True)
@require_POST
def disconnect(request):
    try:
        revoked = connection_services.connection_disconnect(business=request.business)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("accounting:settings")
    if revoked:
        messages.success(
            request,
            _(
                "QuickBooks Online is disconnected. Your settings are kept "
                "for a later reconnection."
            ),
        )
    else:
        messages.warning(
            request,
            _(
                "QuickBooks Online is disconnected here, but Intuit did not "
                "confirm it. You can also remove Plannit from the Apps "
                "page of QuickBooks."
            ),
        )
    return redirect("accounting:settings")


@business_member_required(owner_only=True)
@require_POST
def refresh_lists(request):
    try:
        counts = references_refresh(business=request.business)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Lists refreshed: %(tax_codes)s tax codes, %(items)s items, %(accounts)s accounts.")
            % counts,
        )
    return redirect("accounting:settings")


@business_member_required(owner_only=True)
@require_GET
def qbo_item_search(request):
    connection = selectors.active_connection_for_business(business=request.business)
    if connection is None:
        return JsonResponse({"results": []})
    results = selectors.qbo_item_search(connection=connection, query=request.GET.get("q", ""))
    return JsonResponse({"results": results})
