"""A request for another business's object by id answers 404 and changes nothing, for every
URL pattern of the app that takes an id."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.urlwalk import project_routes

from .builders import ROUTE_BUILDERS

ID_ROUTES = [route for route in project_routes() if route.id_kwargs]

# Values a form would accept if the lookup were not scoped: a leak would change the object.
TEMPTING_POST = {
    "display_name": "Piraté",
    "name": "Piraté",
    "email": "pirate@example.com",
    "unit_price": "1.00",
    "amount": "1.00",
    "date": "2026-11-20",
    "method": "cash",
    "issue_date": "2026-11-20",
    "terms": "net_30",
    "notes": "piraté",
    "confirm": "1",
}


def test_every_route_with_an_id_is_covered():
    missing = sorted(route.name for route in ID_ROUTES if route.name not in ROUTE_BUILDERS)
    assert missing == [], "add a builder in tests/core/builders.py for these routes"


def _snapshot(objects):
    return [(type(obj), obj.pk, model_to_dict(obj)) for obj in objects]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ID_ROUTES, ids=lambda route: route.name)
def test_another_business_object_answers_404_and_is_unchanged(route, owner_client, other_business):
    # given an object of another business
    kwargs, objects = ROUTE_BUILDERS[route.name](other_business)
    url = reverse(route.name, kwargs=kwargs)
    before = _snapshot(objects)
    # when the signed-in owner of the first business asks for it by id
    get_response = owner_client.get(url)
    post_response = owner_client.post(url, TEMPTING_POST)
    # then
    assert get_response.status_code in (404, 405)
    assert post_response.status_code in (404, 405)  # 405: a GET-only page, nothing looked up
    after = [(cls, pk, model_to_dict(cls.objects.get(pk=pk))) for cls, pk, _ in before]
    assert after == before
