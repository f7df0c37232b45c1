"""Roles, walked over every URL of the app: staff (e.g. a crew lead) manage contacts, products
and services, invoices and payments and see the tax groups; every settings, accounting and
team page or action answers 403 to them, for GET and POST alike."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.urlwalk import project_routes

from .builders import ROUTE_BUILDERS

# Reached without a business membership: sign-in, sign-up, password reset, the invitation link.
PUBLIC = {
    "set_language",
    "javascript-catalog",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "businesses:signup",
    "businesses:signup_confirm",
    "businesses:invitation_accept",
    "healthz",
    # Intuit's webhook deliveries: no session, signed instead (accounting/inbound/views.py)
    "accounting_inbound:webhook",
}
OWNER_ONLY_OUTSIDE_ACCOUNTING = {
    "businesses:settings",
    "businesses:team",
    "businesses:membership_role",
    "businesses:membership_remove",
    "businesses:invitation_revoke",
    "invoicing:invoice_settings",
    "invoicing:taxgroup_create",
    "invoicing:taxgroup_presets",
    "invoicing:taxgroup_update",
    "invoicing:taxgroup_set_default",
    "invoicing:taxgroup_archive",
    "invoicing:taxgroup_restore",
    "invoicing:taxgroup_delete",
}
# Accounting routes staff reach from their own pages: the QuickBooks item search of the item
# form, and the Retry button of a failed sync badge on an invoice or payment.
STAFF_IN_ACCOUNTING = {"accounting_imports:qbo_item_search", "accounting_sync:job_retry"}
ROUTES = [route for route in project_routes() if route.name not in PUBLIC]


def owner_only(name: str) -> bool:
    if name in STAFF_IN_ACCOUNTING:
        return False
    return name.startswith("accounting") or name in OWNER_ONLY_OUTSIDE_ACCOUNTING


def test_the_lists_name_existing_routes():
    names = {route.name for route in project_routes()}
    assert (PUBLIC | OWNER_ONLY_OUTSIDE_ACCOUNTING | STAFF_IN_ACCOUNTING) - names == set()


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_every_route_as_staff(route, client, staff_user, business):
    # given an object of the staff member's own business for a route that takes an id
    kwargs, objects = ROUTE_BUILDERS[route.name](business) if route.id_kwargs else ({}, [])
    url = reverse(route.name, kwargs=kwargs)
    before = [(type(obj), obj.pk, model_to_dict(obj)) for obj in objects]
    client.force_login(staff_user)
    # when
    get_status = client.get(url).status_code
    post_status = client.post(url, {}).status_code
    # then
    if owner_only(route.name):
        assert get_status in (403, 405)  # 405: a POST-only action, refused before any look-up
        assert post_status == 403
        after = [(cls, pk, model_to_dict(cls.objects.get(pk=pk))) for cls, pk, _ in before]
        assert after == before
    else:
        assert get_status != 403 and post_status != 403
        assert get_status < 500 and post_status < 500


@pytest.mark.django_db
def test_the_menu_shows_staff_only_what_they_may_open(client, staff_user, owner):
    client.force_login(staff_user)
    page = client.get(reverse("invoicing:invoice_list")).content.decode()
    assert reverse("invoicing:taxgroup_list") in page
    for name in ("businesses:settings", "businesses:team", "accounting:settings"):
        assert f'href="{reverse(name)}"' not in page
    refused = client.get(reverse("businesses:settings"))
    assert refused.status_code == 403
    assert "Your role does not give access to this page." in refused.content.decode()
    client.force_login(owner)
    page = client.get(reverse("invoicing:invoice_list")).content.decode()
    for name in ("businesses:settings", "businesses:team", "accounting:settings"):
        assert f'href="{reverse(name)}"' in page
