"""The article's situation B, in a browser, in English, against the emulator running as its own
process: connect through the consent page, configure the four mappings, import the contacts,
then an issued invoice and its payment reach QuickBooks with the same totals, and a voided
payment gives the balance back on both sides."""

import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from playwright.sync_api import expect

from invoicing.models import Invoice
from plannit.settings.base import content_security_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REALM = "9130357766900456"


@pytest.fixture
def emulator_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "qbo_emulator", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert "QuickBooks Online emulator on" in process.stdout.readline()
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def app_on_emulator(settings, live_server, emulator_url):
    callback = f"{live_server.url}/settings/accounting/callback/"
    settings.QBO_EMULATOR_URL = emulator_url
    settings.QBO_REDIRECT_URI = callback
    # What the settings compute from QBO_EMULATOR_URL at start-up: Connect may leave for it.
    settings.CONTENT_SECURITY_POLICY = content_security_policy(authorize_origin=emulator_url)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = requests.post(
        f"{emulator_url}/_emulator/apps",
        timeout=5,
        json={
            "client_id": settings.QBO_CLIENT_ID,
            "client_secret": settings.QBO_CLIENT_SECRET,
            "redirect_uris": [callback],
            "name": "Plannit (test)",
        },
    )
    assert response.status_code == 201
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return emulator_url


def _qbo(emulator_url, query):
    token = requests.post(
        f"{emulator_url}/_emulator/tokens",
        timeout=5,
        json={"client_id": "plannit-dev-client", "realm_id": REALM},
    ).json()["access_token"]
    response = requests.post(
        f"{emulator_url}/v3/company/{REALM}/query?minorversion=75",
        data=query,
        timeout=5,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "Content-Type": "application/text",
        },
    )
    return response.json()["QueryResponse"]


def _wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    return predicate()


def test_connect_configure_import_and_sync(page, app_on_emulator):
    emulator = app_on_emulator
    failures: list[str] = []
    page.on(
        "response",
        lambda response: (
            failures.append(f"{response.status} {response.url}")
            if response.request.resource_type == "document" and response.status >= 400
            else None
        ),
    )

    # Sign in, in English
    page.goto("/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Email address").fill("demo@plannit.local")
    page.get_by_label("Password").fill("demo-plannit-2026")
    page.get_by_role("button", name="Sign in").click()

    # Connect through the emulator's consent page
    page.goto("/settings/accounting/")
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page.get_by_text("Compagnie ABC")).to_be_visible()
    page.get_by_text("Compagnie ABC").click()
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".messages")).to_contain_text("Compagnie ABC")

    # Configure the four mappings
    taxable = page.get_by_label("Tax code for taxable lines")
    taxable.select_option(label="TPS/TVQ QC - 9,975")
    page.get_by_label("Tax code for non-taxable lines").select_option(label="Exonéré")
    # The default item is searched among the company's cached items as the owner types.
    default_item = page.get_by_role("combobox", name="Default item")
    default_item.fill("Autres rev")
    expect(page.locator(".picker-list [role=option]").first).to_contain_text("Autres revenus")
    default_item.press("ArrowDown")
    default_item.press("Enter")
    expect(default_item).to_have_value("Autres revenus")
    page.get_by_label("Deposit account").select_option(label="Chèques")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Everything is configured.")).to_be_visible()

    # Import the contacts (the existing ones are matched, not duplicated)
    page.get_by_role("link", name="Import contacts").first.click()
    page.get_by_role("button", name="Import contacts").click()
    expect(page.get_by_text("30 of 30")).to_be_visible(timeout=15_000)
    page.get_by_role("link", name="Contacts", exact=True).click()
    expect(page.locator("body")).to_contain_text("Contacts")

    # Issue a draft invoice: it reaches QuickBooks with the same total
    draft = Invoice.objects.filter(status="draft").order_by("pk").first()
    page.goto(f"/invoices/{draft.pk}/")
    page.get_by_role("button", name="Issue").click()
    draft.refresh_from_db()
    found = _wait_for(
        lambda: _qbo(emulator, f"select * from Invoice where DocNumber = '{draft.number}'").get(
            "Invoice"
        )
    )
    assert found and len(found) == 1
    assert Decimal(str(found[0]["TotalAmt"])) == draft.total
    page.reload()
    expect(page.locator(".qbo-sync-synced")).to_contain_text(f"QuickBooks: {draft.number}")

    # Record a payment for the whole balance: deposited to Chèques, the QBO balance is 0
    page.get_by_role("link", name="Record payment").click()
    page.get_by_role("button", name="Save").click()
    payments = _wait_for(lambda: _qbo(emulator, "select * from Payment").get("Payment"))
    assert [Decimal(str(p["TotalAmt"])) for p in payments] == [draft.total]
    assert payments[0]["DepositToAccountRef"]["name"] == "Chèques"
    assert (
        Decimal(
            str(
                _qbo(emulator, f"select * from Invoice where DocNumber = '{draft.number}'")[
                    "Invoice"
                ][0]["Balance"]
            )
        )
        == 0
    )

    # Void the payment: the balance comes back on both sides
    page.get_by_role("button", name="Void payment").click()
    draft.refresh_from_db()
    assert draft.balance == draft.total
    balance = _wait_for(
        lambda: (
            Decimal(
                str(
                    _qbo(emulator, f"select * from Invoice where DocNumber = '{draft.number}'")[
                        "Invoice"
                    ][0]["Balance"]
                )
            )
            == draft.total
        )
    )
    assert balance is True

    assert failures == []
    assert page.js_errors == [], page.failed_requests
