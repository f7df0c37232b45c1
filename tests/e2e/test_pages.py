"""The owner's pages as a person sees them, in French and in English: the home page, the
searchable pickers with the keyboard and without JavaScript, the item form naming its taxes;
on every page (the inbound log, sales receipts and the credit note form included) no console
error, no failed request, no sentence of the other language, and no serious or critical
axe-core violation."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from invoicing.models import Invoice

from .conftest import axe_violations, other_language_strings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr-ca": {
        "login": ("Adresse courriel", "Mot de passe", "Se connecter"),
        "home": "Aujourd’hui",
        "needs": "Ce qui vous attend",
        "item": "Produit ou service",
        "save": "Enregistrer",
        "taxes": "Celles de l’entreprise par défaut : TPS + TVQ",
    },
    "en": {
        "login": ("Email address", "Password", "Sign in"),
        "home": "Today",
        "needs": "What needs you",
        "item": "Product or service",
        "save": "Save",
        "taxes": "The business default: TPS + TVQ",
    },
}
PAGES = [
    "/",
    "/contacts/",
    "/invoices/",
    "/invoices/new/",
    "/catalog/",
    "/catalog/items/new/",
    "/settings/tax-groups/",
    "/settings/accounting/",
    "/settings/accounting/inbound/",
    "/sales-receipts/new/",
    "/invoices/?kind=sales_receipt",
]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return live_server.url


def _sign_in(page, language, base_url):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    email, password, button = WORDS[language]["login"]
    page.goto("/login/")
    page.get_by_label(email).fill("demo@plannit.local")
    page.get_by_label(password, exact=True).fill("demo-plannit-2026")
    page.locator("main").get_by_role("button", name=button).click()


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_main_pages_are_clean_in_each_language(page, demo, language):
    _sign_in(page, language, demo)
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS[language]["home"])
    expect(page.get_by_role("heading", name=WORDS[language]["needs"])).to_be_visible()

    issued = Invoice.objects.filter(status="issued", is_sales_receipt=False).order_by("pk").first()
    problems = {}
    for path in [*PAGES, f"/invoices/{issued.pk}/credit-notes/new/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found = {
            "axe": axe_violations(page),
            "other language": other_language_strings(page, "en" if language == "en" else "fr"),
        }
        found = {kind: rows for kind, rows in found.items() if rows}
        if found:
            problems[path] = found

    assert problems == {}
    assert page.failed_requests == []
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_an_invoice_with_the_pickers_and_the_keyboard(page, demo, language):
    _sign_in(page, language, demo)
    page.goto("/invoices/new/")

    contact = page.get_by_role("combobox", name="Contact")
    contact.fill("Valérie Bél")
    expect(page.locator(".picker-list [role=option]").first).to_contain_text("Valérie Bélanger")
    contact.press("ArrowDown")
    contact.press("Enter")
    expect(contact).to_have_value("Valérie Bélanger")
    expect(contact).to_have_attribute("aria-expanded", "false")
    line = page.locator("[data-line]").first
    item = line.get_by_role("combobox", name=WORDS[language]["item"])
    item.fill("tonte")
    expect(line.locator(".picker-list [role=option]").first).to_be_visible()
    item.press("ArrowDown")
    item.press("Enter")
    chosen = item.input_value()
    page.get_by_role("button", name=WORDS[language]["save"], exact=True).click()

    invoice = Invoice.objects.order_by("-pk").first()
    assert invoice.contact.display_name == "Valérie Bélanger"
    assert [line.item.name for line in invoice.lines.all()] == [chosen]
    assert page.failed_requests == [] and page.js_errors == []


def test_without_javascript_the_pickers_are_a_plain_search(_browser, live_server, demo):
    context = _browser.new_context(
        base_url=live_server.url, locale="fr-CA", java_script_enabled=False
    )
    page = context.new_page()
    page.failed_requests = []
    try:
        _sign_in(page, "fr-ca", demo)
        page.goto("/invoices/new/")
        page.get_by_label("Contact").fill("Bélanger")
        page.get_by_label("Produit ou service").fill("Tonte")
        page.get_by_label("Quantité").fill("1")
        page.get_by_label("Prix unitaire").fill("40")
        page.get_by_role("button", name="Enregistrer", exact=True).click()

        # Several contacts match: they are offered as choices, nothing is saved yet.
        expect(page.get_by_text("Plusieurs correspondent à «\u00a0Bélanger\u00a0»")).to_be_visible()
        before = Invoice.objects.count()
        choices = page.get_by_role("group", name="Choisissez-en un").get_by_role("radio")
        expect(choices.first).to_be_visible()
        choices.first.check()
        page.get_by_role("button", name="Enregistrer", exact=True).click()

        assert Invoice.objects.count() == before + 1
        # The first choice, in alphabetical order: "Garage Bélanger et fils".
        assert Invoice.objects.order_by("-pk").first().contact.display_name == (
            "Garage Bélanger et fils"
        )
    finally:
        context.close()


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_a_taxable_item_names_its_taxes(page, demo, language):
    _sign_in(page, language, demo)
    page.goto("/catalog/items/new/")

    expect(page.locator("select[name=default_tax_group] option").first).to_contain_text(
        WORDS[language]["taxes"]
    )


def test_the_page_checks_find_what_they_look_for(page, live_server):
    # An image without text (axe: critical) and a French sentence of the catalogs on a page
    # said to be English: both checks must report them, or their silence above means nothing.
    page.set_content(
        '<html lang="en"><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "<p>Les taxes et le total sont calculés à l'enregistrement.</p></main></body></html>"
    )

    assert any(row.startswith("image-alt: ") for row in axe_violations(page))
    assert other_language_strings(page, "en") == [
        "Les taxes et le total sont calculés à l'enregistrement."
    ]
    assert other_language_strings(page, "fr") == []
