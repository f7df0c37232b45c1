"""When QuickBooks says no, in a browser, against the emulator as its own process (one per
module): the owner cancels on the consent page; QuickBooks refuses an invoice, the page says why
in plain words, and Retry sends it once the cause is fixed; the connection is revoked, the
invoice waits, and Reconnect sends it within seconds. Every page of the app is checked as in the
situations (axe, other language, console errors, failed requests)."""

import pytest
import requests
from django.core.management import call_command
from playwright.sync_api import expect

from accounting.models import ConnectionStatus, QboConnection
from invoicing.models import Invoice

from .journeys import (
    REALM,
    Journey,
    amount,
    configure,
    connect,
    pick,
    qbo_invoice,
    sign_in_demo,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(emulator):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return emulator


def _new_invoice_issued(journey: Journey) -> Invoice:
    page, t = journey.page, journey.t
    page.goto("/invoices/new/")
    pick(page, page.get_by_role("combobox", name="Contact"), "Valérie Bél", "Valérie Bélanger")
    line = page.locator("[data-line]").first
    pick(page, line.get_by_role("combobox", name=t("Product or service")), "Tonte de", "Tonte")
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.locator(".messages")).to_be_visible()
    page.locator("main").get_by_role("button", name=t("Issue"), exact=True).click()
    expect(page.locator(".qbo-sync")).to_be_visible()
    return Invoice.objects.exclude(number="").order_by("-pk").first()


def _set_item_active(emulator: str, name: str, active: bool) -> None:
    items = requests.get(f"{emulator}/_emulator/companies/{REALM}/entities/Item", timeout=5).json()[
        "Item"
    ]
    (item,) = [row for row in items if row["Name"] == name]
    response = requests.post(
        f"{emulator}/_emulator/companies/{REALM}/entities/Item",
        timeout=5,
        json={**item, "Active": active},
    )
    assert response.status_code == 200, response.text


def test_cancel_on_the_consent_page(page, live_server, demo):
    journey = Journey(page, "fr-ca", live_server.url)
    t = journey.t
    sign_in_demo(journey)
    page.goto("/settings/accounting/")
    page.locator("main").get_by_role("button", name=t("Connect"), exact=True).click()
    page.get_by_role("button", name="Cancel").click()

    expect(page.locator(".messages")).to_be_visible()
    expect(
        page.locator("main").get_by_role("button", name=t("Connect"), exact=True)
    ).to_be_visible()
    journey.check("consent cancelled")
    assert QboConnection.objects.count() == 0
    journey.assert_clean()


def test_a_quickbooks_error_in_plain_words_then_retry(page, live_server, demo):
    journey = Journey(page, "en", live_server.url)
    t = journey.t
    sign_in_demo(journey)
    connect(journey)
    configure(journey)
    # Someone makes the default item inactive in QuickBooks: QuickBooks refuses the invoice.
    _set_item_active(demo, "Autres revenus", False)

    invoice = _new_invoice_issued(journey)

    error = page.locator(".qbo-sync-error")
    expect(error).to_contain_text(t("QuickBooks: error"))
    refused = t(
        "QuickBooks refused a reference (an item, tax code, account or "
        "customer that was deleted or made inactive): %(detail)s. Check "
        "the choices in Settings > Accounting and the linked items, "
        "then click Retry."
    )
    words_before, words_after = refused.split("%(detail)s")
    message = error.locator(".sync-message")
    expect(message).to_contain_text(words_before)
    expect(message).to_contain_text(words_after)
    journey.check("sync error")
    assert qbo_invoice(demo, invoice.number) is None

    # Fixed in QuickBooks, then Retry: the invoice is sent
    _set_item_active(demo, "Autres revenus", True)
    error.get_by_role("button", name=t("Retry")).click()
    in_qbo = wait_for(lambda: qbo_invoice(demo, invoice.number))
    assert in_qbo is not None and amount(in_qbo["TotalAmt"]) == invoice.total
    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator(".qbo-sync-synced")).to_contain_text(invoice.number)
    journey.check("sent after retry")
    journey.assert_clean()


def test_revoked_then_reconnect_sends_the_waiting_invoice(page, live_server, demo):
    journey = Journey(page, "fr-ca", live_server.url)
    t = journey.t
    sign_in_demo(journey)
    connect(journey)
    configure(journey)
    # The owner (or Intuit) revokes the app's access: the tokens stop working.
    response = requests.post(f"{demo}/_emulator/tokens/revoke", timeout=5, json={"realm_id": REALM})
    assert response.status_code == 200

    invoice = _new_invoice_issued(journey)

    assert wait_for(lambda: QboConnection.objects.get().status == ConnectionStatus.NEEDS_RECONNECT)
    assert qbo_invoice(demo, invoice.number) is None
    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator(".qbo-sync-pending")).to_contain_text(t("QuickBooks: pending"))
    journey.check("waiting for reconnection")

    connect(journey, again=True)
    in_qbo = wait_for(lambda: qbo_invoice(demo, invoice.number), seconds=5)
    assert in_qbo is not None and amount(in_qbo["TotalAmt"]) == invoice.total
    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator(".qbo-sync-synced")).to_contain_text(invoice.number)
    journey.check("sent after reconnecting")
    journey.assert_clean()
