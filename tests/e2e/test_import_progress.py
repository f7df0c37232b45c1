"""The import's progress bar in a browser: while the run moves (its counters written as the
worker commits each step), the page shows it without a reload, then reloads itself at the end;
without JavaScript, the refresh link shows how far it is."""

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounting.imports.models import ImportKind, ImportRun, ImportStatus
from businesses.models import Business

from .journeys import Journey, sign_in_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def running_import(live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return ImportRun.objects.create(
        business=Business.objects.get(name="Paysagement ABC"),
        kind=ImportKind.CONTACTS,
        realm_id="9130357766900456",
        status=ImportStatus.RUNNING,
        total=40,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def _label(journey: Journey, done: int, total: int) -> str:
    with translation.override(journey.language):
        words = translation.ngettext(
            "%(done)s of %(total)s customers", "%(done)s of %(total)s customers", total
        )
    return words % {"done": done, "total": total}


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_bar_moves_while_the_import_runs(page, live_server, running_import, language):
    journey = Journey(page, language, live_server.url)
    sign_in_demo(journey)
    run = ImportRun.objects.filter(pk=running_import.pk)
    page.goto(f"/settings/accounting/imports/runs/{running_import.pk}/")
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#run-refresh")).to_be_hidden()  # the page refreshes itself
    journey.check("import started")

    # The worker commits a step: the bar and the counts follow, the page is not reloaded
    page.evaluate("window.notReloaded = true")
    run.update(done=20, created=18, to_review=2, heartbeat_at=timezone.now())
    expect(bar).to_have_attribute("aria-valuenow", "20")
    expect(page.locator("#run-label")).to_have_text(_label(journey, 20, 40))
    expect(page.locator('[data-count="to_review"]')).to_have_text("2")
    assert page.evaluate("window.notReloaded") is True
    journey.check("import half-way")

    # The end: the page reloads itself to show the result
    run.update(done=40, created=38, status=ImportStatus.SUCCEEDED, finished_at=timezone.now())
    expect(page.locator("#run-status")).to_have_text(journey.t("Finished"))
    expect(page.locator("#run")).to_have_attribute("data-active", "0")
    assert page.evaluate("window.notReloaded === undefined") is True
    expect(bar).to_have_attribute("aria-valuenow", "40")
    journey.check("import finished")
    journey.assert_clean()


def test_without_javascript_the_refresh_link_shows_how_far_it_is(
    _browser, live_server, running_import
):
    context = _browser.new_context(
        base_url=live_server.url, locale="fr-CA", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.js_errors, page.failed_requests = [], []
    page.on(
        "response",
        lambda response: (
            page.failed_requests.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    try:
        journey = Journey(page, "fr-ca", live_server.url)
        sign_in_demo(journey, check=False)
        page.goto(f"/settings/accounting/imports/runs/{running_import.pk}/")
        bar = page.get_by_role("progressbar")
        expect(bar).to_have_attribute("aria-valuenow", "0")

        ImportRun.objects.filter(pk=running_import.pk).update(done=30)
        page.get_by_role("link", name=journey.t("Refresh to see how far it is")).click()

        expect(bar).to_have_attribute("aria-valuenow", "30")
        expect(page.locator("#run-label")).to_have_text(_label(journey, 30, 40))
        assert page.failed_requests == []
    finally:
        context.close()
