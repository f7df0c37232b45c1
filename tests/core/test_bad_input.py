"""Garbage sent to every page and form of the app never gives a 500: fields are read off the
page itself, then filled with values no form expects."""

import itertools
import re

import pytest
from django.urls import reverse

from tests.urlwalk import project_routes

from .builders import ROUTE_BUILDERS

GARBAGE = [
    "",
    " ",
    "x" * 10_000,
    "-1",
    "0",
    "1e309",
    "NaN",
    "-Infinity",
    "9" * 40,
    "1,5",
    "<script>alert(1)</script>",
    "\x00",
    "2026-02-30",
    "not-a-date",
    "🙂" * 50,
    "Robert'); DROP TABLE contacts_contact;--",
    "%",
    "../../etc/passwd",
    "true",
    "[]",
    "{}",
]
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.IGNORECASE)
SKIP_FIELDS = {"csrfmiddlewaretoken"}
# Routes whose POST ends the session: sent last would hide nothing, but they need no garbage.
NO_POST = {"logout"}

ROUTES = project_routes()


ANY_KWARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _url_for(route, business):
    kwargs = {
        name: "garbage"
        for converter, name in ANY_KWARG.findall(route.route)
        if converter in ("", "str", "slug", "path")
    }
    if route.id_kwargs:
        kwargs.update(ROUTE_BUILDERS[route.name](business)[0])
    return reverse(route.name, kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_garbage_never_gives_a_server_error(route, owner_client, business, owner):
    url = _url_for(route, business)
    page = owner_client.get(
        url,
        {
            "q": "\x00<b>",
            "page": "-3",
            "status": "nope",
            "tag": "abc",
            "category": "9" * 30,
            "sort": "'; --",
        },
    )
    assert page.status_code < 500, f"GET {url} gave {page.status_code}"
    if route.name in NO_POST:
        return
    fields = set()
    if page.status_code == 200 and "html" in page.get("Content-Type", ""):
        fields = set(FIELD_NAME.findall(page.content.decode())) - SKIP_FIELDS
    fields |= {
        "form-TOTAL_FORMS",
        "form-INITIAL_FORMS",
        "lines-TOTAL_FORMS",
        "components-TOTAL_FORMS",
        "ids",
        "contact_ids",
        "tag",
        "action",
    }
    cycle = itertools.cycle(GARBAGE)
    for round_number in range(3):
        data = {name: next(cycle) for name in sorted(fields)}
        if round_number == 2:
            data = {name: [next(cycle), next(cycle)] for name in sorted(fields)}
        response = owner_client.post(url, data)
        assert response.status_code < 500, (
            f"POST {url} round {round_number} gave {response.status_code}"
        )
    assert owner_client.post(url, {}).status_code < 500
    assert (
        owner_client.post(url, b"\xff\xfe garbage", content_type="application/json").status_code
        < 500
    )
