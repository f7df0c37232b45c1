"""The home page: what needs the owner today, then how the month goes."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from businesses.mixins import business_member_required

from .. import selectors


@business_member_required
@require_GET
def home(request):
    today = timezone.localdate()
    return render(
        request,
        "invoicing/home.html",
        {
            "figures": selectors.invoice_dashboard(business=request.business, today=today),
            "overdue": selectors.invoice_overdue_list(business=request.business, today=today),
            "today": today,
        },
    )
