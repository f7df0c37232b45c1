"""`next=` to another site, on every view that takes one (sign-in, sign-out, the language
switch, the one-click answers of the accounting pages, the QuickBooks connect flow): never
followed, the redirect goes to the view's own local default, and no page renders the value as
a link or a form target. The OAuth `state` and code attacks are in
tests/accounting/test_connect.py (missing, unknown, expired, reused, another session's or
business's state; the same code twice)."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from accounting.inbound.models import Decision
from accounting.sync.models import SyncJob
from tests.core import builders

pytestmark = pytest.mark.django_db

HOSTILE = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "\\\\evil.example",
    "\\/evil.example",
    "http:evil.example",
    "http:/evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https:///evil.example",
    "https:\\\\evil.example",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example@testserver",
    "http://testserver@evil.example",
    "///evil.example",
    "/ /evil.example",
]
PASSWORD = "correct-horse-battery"


def _assert_local(response, expected: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == expected


def _links(html: str) -> list[str]:
    """Every URL the page would follow or post to: href, src, action, formaction, and the
    value of each hidden `next` field."""

    class Collector(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            for name in ("href", "src", "action", "formaction"):
                if values.get(name) is not None:
                    self.found.append(values[name])
            if values.get("name") == "next" and values.get("value") is not None:
                self.found.append(values["value"])

    collector = Collector()
    collector.found = []
    collector.feed(html)
    return collector.found


def _assert_no_hostile_link(response) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    for link in _links(html):
        if link.startswith("#") or link == "":
            continue
        # as a browser reads it: tabs and newlines dropped, backslashes taken for slashes
        cleaned = link.replace("\t", "").replace("\n", "").replace("\\", "/").strip()
        target = urlsplit(urljoin("http://testserver/some/page/", cleaned))
        if target.scheme in ("mailto", "tel"):
            continue
        assert (target.scheme, target.hostname) == ("http", "testserver"), link


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sign_in_does_not_follow_next(client, owner, hostile):
    # the form shown for the hostile link carries no next
    _assert_no_hostile_link(client.get("/login/", {"next": hostile}))
    response = client.post(
        "/login/", {"username": owner.email, "password": PASSWORD, "next": hostile}
    )
    _assert_local(response, "/")
    # signed in already: the login page sends home, not to the value
    _assert_local(client.get("/login/", {"next": hostile}), "/")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sign_out_does_not_follow_next(owner_client, hostile):
    _assert_local(owner_client.post("/logout/", {"next": hostile}), "/login/")
    _assert_local(owner_client.post(f"/logout/?next={hostile}"), "/login/")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_language_switch_does_not_follow_next_nor_the_referer(owner_client, hostile):
    response = owner_client.post(
        "/i18n/setlang/", {"language": "fr-ca", "next": hostile}, HTTP_REFERER=hostile
    )
    _assert_local(response, "/")
    assert response.cookies["django_language"].value == "fr-ca"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_decision_answer_does_not_follow_next(owner_client, business, hostile):
    decision = builders.open_decision(business)
    response = owner_client.post(
        f"/settings/accounting/inbound/decisions/{decision.pk}/void_in_plannit/",
        {"next": hostile},
    )
    _assert_local(response, "/settings/accounting/")
    assert Decision.objects.get(pk=decision.pk).status == "resolved"


@pytest.mark.parametrize("action", ["retry", "dismiss"])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_sync_job_answer_does_not_follow_next(owner_client, business, hostile, action):
    job = builders.failed_sync_job(business)
    response = owner_client.post(
        f"/settings/accounting/sync/jobs/{job.pk}/{action}/", {"next": hostile}
    )
    _assert_local(response, "/settings/accounting/sync/")
    assert SyncJob.objects.get(pk=job.pk).status == (
        "pending" if action == "retry" else "dismissed"
    )


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_connect_flow_ignores_next(owner_client, hostile):
    # no state: refused, back to the accounting page whatever next says
    _assert_local(
        owner_client.get("/settings/accounting/callback/", {"code": "c", "next": hostile}),
        "/settings/accounting/",
    )
    _assert_local(
        owner_client.post("/settings/accounting/connect/?next=x", {"next": hostile}),
        "/settings/accounting/",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/settings/accounting/",
        "/settings/accounting/sync/",
        "/settings/accounting/inbound/",
        "/contacts/",
    ],
)
@pytest.mark.parametrize("hostile", HOSTILE[:4])
def test_pages_carry_next_only_as_their_own_path(owner_client, business, path, hostile):
    """The pages put their own path in the hidden `next` of their one-click forms (language
    switch, Retry, decisions): a hostile query string stays inside that local path."""
    builders.open_decision(business)
    builders.failed_sync_job(business)
    _assert_no_hostile_link(owner_client.get(path, {"next": hostile, "return": hostile}))


def test_a_page_of_ours_is_still_followed(client, owner, business):
    # given the same views with a next that is one of our pages
    page = "/contacts/?q=Lavoie&page=2"
    response = client.post("/login/", {"username": owner.email, "password": PASSWORD, "next": page})
    _assert_local(response, page)
    _assert_local(client.post("/i18n/setlang/", {"language": "fr-ca", "next": page}), page)
    _assert_local(
        client.post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER=f"http://testserver{page}"),
        page,
    )
    decision = builders.open_decision(business)
    answer = f"/settings/accounting/inbound/decisions/{decision.pk}/void_in_plannit/"
    _assert_local(client.post(answer, {"next": page}), page)
    job = builders.failed_sync_job(business)
    _assert_local(
        client.post(f"/settings/accounting/sync/jobs/{job.pk}/dismiss/", {"next": page}), page
    )
    # a path that is not one of ours is not followed either
    _assert_local(client.post("/logout/", {"next": "/no-such-page/"}), "/login/")
