"""What the journeys share: the words of the pages in the journey's language (taken from the
catalogs, so that a French journey reads the French the app shows), the checks made on every
page of the app, and the steps several journeys take (sign in, connect, configure)."""

import re
import time
from decimal import Decimal

import requests
from django.utils import translation
from playwright.sync_api import expect

from .conftest import axe_violations, other_language_strings

REALM = "9130357766900456"
DEMO_EMAIL, DEMO_PASSWORD = "demo@plannit.local", "demo-plannit-2026"


class Journey:
    """A person's walk through the app in one language. `check()` after each step records, for
    the page shown, its axe-core serious or critical violations and the sentences of the other
    language; `assert_clean()` at the end fails on any of them, on a console error or a failed
    request."""

    def __init__(self, page, language: str, base_url: str):
        self.page, self.language, self.base_url = page, language, base_url
        self.problems: dict[str, dict] = {}
        self.checked: list[str] = []
        page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])

    def t(self, msgid: str, context: str | None = None) -> str:
        """The app's words for `msgid` in the journey's language."""
        with translation.override(self.language):
            if context:
                return translation.pgettext(context, msgid)
            return translation.gettext(msgid)

    def use_language(self) -> None:
        """Switch the app to the journey's language when it shows the other one (the language
        of a new account is its business's until the owner switches)."""
        html = self.page.locator("html")
        if not (html.get_attribute("lang") or "").startswith(self.language[:2]):
            name = "English" if self.language == "en" else "Français"
            self.page.get_by_role("button", name=name, exact=True).click()
        expect(html).to_have_attribute("lang", re.compile(f"^{self.language[:2]}"))

    def check(self, step: str) -> None:
        page = self.page
        page.wait_for_load_state("networkidle")
        # Every step checked is a page of the app (the emulator's consent page is not ours).
        assert page.url.startswith(self.base_url), (step, page.url)
        found = {
            "axe": axe_violations(page),
            "other language": other_language_strings(page, "en" if self.language == "en" else "fr"),
        }
        self.checked.append(step)
        found = {kind: rows for kind, rows in found.items() if rows}
        if found:
            self.problems[f"{step} ({page.url})"] = found

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked"
        assert self.problems == {}
        assert self.page.js_errors == []
        assert self.page.failed_requests == []


def wait_for(predicate, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    return predicate()


def qbo_query(emulator_url: str, query: str) -> dict:
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


def qbo_invoice(emulator_url: str, number: str) -> dict | None:
    found = qbo_query(emulator_url, f"select * from Invoice where DocNumber = '{number}'")
    rows = found.get("Invoice") or []
    return rows[0] if len(rows) == 1 else None


def amount(value) -> Decimal:
    return Decimal(str(value))


def sign_in_demo(journey: Journey, *, check: bool = True) -> None:
    page, t = journey.page, journey.t
    page.goto("/login/")
    page.get_by_label(t("Email address")).fill(DEMO_EMAIL)
    page.get_by_label(t("Password"), exact=True).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=t("Sign in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Today"))
    if check:  # axe-core runs in the page: not without JavaScript
        journey.check("home")


def connect(journey: Journey, *, again: bool = False) -> None:
    """Connect (or reconnect) to Compagnie ABC through the emulator's consent page."""
    page, t = journey.page, journey.t
    page.goto("/settings/accounting/")
    journey.check("accounting settings")
    page.locator("main").get_by_role(
        "button", name=t("Reconnect") if again else t("Connect"), exact=True
    ).first.click()
    page.get_by_text("Compagnie ABC").click()
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".messages")).to_contain_text("Compagnie ABC")
    journey.check("connected")


def configure(journey: Journey) -> None:
    """The four mappings of the checklist, the default item chosen with the keyboard."""
    page, t = journey.page, journey.t
    page.get_by_label(t("Tax code for taxable lines")).select_option(label="TPS/TVQ QC - 9,975")
    page.get_by_label(t("Tax code for non-taxable lines")).select_option(label="Exonéré")
    default_item = page.get_by_role("combobox", name=t("Default item"))
    default_item.fill("Autres rev")
    expect(page.locator(".picker-list [role=option]").first).to_contain_text("Autres revenus")
    default_item.press("ArrowDown")
    default_item.press("Enter")
    expect(default_item).to_have_value("Autres revenus")
    page.get_by_label(t("Deposit account")).select_option(label="Chèques")
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_text(t("Everything is configured."))).to_be_visible()
    journey.check("configured")


def import_contacts(journey: Journey, *, expected_total: int) -> None:
    page, t = journey.page, journey.t
    page.goto("/settings/accounting/imports/contacts/")
    journey.check("contacts import")
    page.locator("main").get_by_role("button", name=t("Import contacts"), exact=True).click()
    see_progress_at_its_end(journey, total=expected_total, step="contacts imported")


def see_progress_at_its_end(journey: Journey, *, total: int, step: str) -> None:
    bar = journey.page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", str(total), timeout=15_000)
    expect(bar).to_have_attribute("aria-valuemax", str(total))
    expect(journey.page.locator("#run-status")).to_have_text(journey.t("Finished"))
    journey.check(step)


def pick(page, combobox, typed: str, expected: str | None = None) -> str:
    """Type in a searchable field, arrow down to the first option, Enter: the chosen label."""
    combobox.fill(typed)
    option = page.locator(f"#{combobox.get_attribute('aria-controls')} [role=option]").first
    expect(option).to_be_visible()
    if expected:
        expect(option).to_contain_text(expected)
    combobox.press("ArrowDown")
    combobox.press("Enter")
    return combobox.input_value()
