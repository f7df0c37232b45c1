"""The article's two situations in a browser, each in French and in English, against the
QuickBooks emulator running as its own process (one per module). A: a new business signs up,
creates its tax groups, connects, configures, imports its contacts then its products and
services, issues an invoice that reaches QuickBooks with the same total and taxes, and records
a payment deposited in the chosen account. B: the demo business tags its contacts, connects,
imports the customers and settles the review list, links items on the bulk page and on the item
form, sees its older invoices marked not sent, and a new invoice syncs. On every page of the
app: no console error, no failed request, no sentence of the other language, no serious or
critical axe-core violation."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounting.imports.models import ContactReview, ImportKind, ImportRun, ReviewStatus
from accounting.sync.models import ItemLink
from catalog.models import Item
from contacts.models import Contact, Tag
from invoicing.models import Invoice

from .journeys import (
    Journey,
    amount,
    configure,
    connect,
    import_contacts,
    pick,
    qbo_invoice,
    qbo_query,
    see_progress_at_its_end,
    sign_in_demo,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LANGUAGES = ["fr-ca", "en"]


def _issue_and_see_it_synced(journey: Journey, emulator: str, invoice_url: str) -> Invoice:
    page, t = journey.page, journey.t
    page.goto(invoice_url)
    page.locator("main").get_by_role("button", name=t("Issue"), exact=True).click()
    invoice = wait_for(lambda: Invoice.objects.exclude(number="").order_by("-pk").first())
    in_qbo = wait_for(lambda: qbo_invoice(emulator, invoice.number))
    assert in_qbo is not None
    assert amount(in_qbo["TotalAmt"]) == invoice.total
    assert amount(in_qbo["TxnTaxDetail"]["TotalTax"]) == invoice.total - invoice.subtotal
    page.reload()
    expect(page.locator(".qbo-sync-synced")).to_contain_text(invoice.number)
    journey.check("invoice synced")
    return invoice


@pytest.mark.parametrize("language", LANGUAGES)
def test_situation_a_a_new_business(page, live_server, emulator, language):
    journey = Journey(page, language, live_server.url)
    t = journey.t

    # Sign up, confirm the e-mail
    page.goto("/signup/")
    journey.check("sign-up")
    page.get_by_label(t("Business name")).fill("Déneigement Tremblay")
    page.get_by_label("Province").select_option("QC")
    page.get_by_label(t("Email address")).fill("marc@tremblay.ca")
    page.get_by_label(t("Password"), exact=True).fill("un-mot-de-passe-solide")
    page.get_by_label(t("Password (again)")).fill("un-mot-de-passe-solide")
    page.get_by_role("button", name=t("Create my account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your email"))
    journey.check("check your email")
    (message,) = mail.outbox
    page.goto(re.search(r"https?://\S+/signup/confirm/\S+", message.body).group(0))
    journey.use_language()
    journey.check("welcome")

    # Tax groups, then the registration numbers an invoice of Québec needs
    page.goto("/settings/tax-groups/")
    page.get_by_role("button", name=t("Add the ready-made groups for my province")).click()
    expect(page.locator("table")).to_contain_text("TPS + TVQ")
    journey.check("tax groups")
    page.goto("/settings/business/")
    page.locator("input[name=gst_hst_number]").fill("123456789 RT0001")
    page.locator("input[name=qst_number]").fill("1234567890 TQ0001")
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    journey.check("business settings")

    # Connect and configure
    connect(journey)
    configure(journey)

    # Import the contacts, then the products and services, watching the progress bar
    import_contacts(journey, expected_total=30)
    assert Contact.objects.count() == 30
    page.goto("/settings/accounting/imports/items/")
    journey.check("items import")
    page.locator("main").get_by_role(
        "button", name=t("Import products and services"), exact=True
    ).click()
    run = wait_for(lambda: ImportRun.objects.filter(kind=ImportKind.ITEMS).first())
    run.refresh_from_db()
    see_progress_at_its_end(journey, total=run.total, step="items imported")
    assert run.total > 0 and Item.objects.filter(name="Déplacement").count() == 1

    # An invoice with an imported contact and an imported item, issued: it reaches QuickBooks
    contact = Contact.objects.order_by("display_name").first()
    page.goto("/invoices/new/")
    journey.check("new invoice")
    pick(page, page.get_by_role("combobox", name="Contact"), contact.display_name[:6])
    line = page.locator("[data-line]").first
    pick(page, line.get_by_role("combobox", name=t("Product or service")), "Déplac", "Déplacement")
    line.locator("input[name$='-quantity']").fill("2")
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.locator(".messages")).to_be_visible()
    invoice = _issue_and_see_it_synced(journey, emulator, page.url)
    assert invoice.total > 0

    # A payment of the whole balance: deposited in Chèques, nothing left to pay in QuickBooks
    page.get_by_role("link", name=t("Record payment")).click()
    journey.check("payment form")
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    payments = wait_for(lambda: qbo_query(emulator, "select * from Payment").get("Payment"))
    assert [amount(p["TotalAmt"]) for p in payments] == [invoice.total]
    assert payments[0]["DepositToAccountRef"]["name"] == "Chèques"
    assert amount(qbo_invoice(emulator, invoice.number)["Balance"]) == 0
    journey.check("paid")

    journey.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_situation_b_the_demo_business(page, live_server, emulator, language):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    journey = Journey(page, language, live_server.url)
    t = journey.t
    older = Invoice.objects.exclude(number="").order_by("pk").first()
    contacts_before = Contact.objects.count()

    sign_in_demo(journey)
    connect(journey)
    configure(journey)

    # Tag every existing contact, as QuickBooks' guide suggests, then import the customers
    page.goto("/settings/accounting/imports/contacts/")
    expect(page.get_by_label(t("Tag"))).to_have_value(t("Before QuickBooks import"))
    page.get_by_role("button", name=t("Tag every existing contact")).click()
    expect(page.locator(".messages")).to_contain_text(t("Before QuickBooks import"))
    tag = Tag.objects.get(name=t("Before QuickBooks import"))
    assert tag.contacts.count() == contacts_before
    journey.check("contacts tagged")
    import_contacts(journey, expected_total=30)

    # Settle the review list: link the first to its candidate, create the next, skip the rest
    pending = ContactReview.objects.filter(status=ReviewStatus.PENDING)
    assert pending.count() >= 1
    page.goto("/settings/accounting/imports/contacts/review/")
    journey.check("review list")
    decisions = [t("Link"), t("Create a new contact"), t("Skip")]
    for number in range(pending.count()):
        row = page.locator("main tbody tr").first
        row.get_by_role("button", name=decisions[min(number, 2)], exact=True).first.click()
        expect(page.locator(".messages")).to_be_visible()
    expect(page.get_by_text(t("Nothing to review."))).to_be_visible()
    assert pending.count() == 0
    journey.check("review list settled")

    # Link an item on the bulk page, another on the item form
    page.goto("/settings/accounting/imports/items/links/")
    journey.check("bulk links")
    row = page.locator("main tbody tr", has_text="Tonte de pelouse")
    row.locator("input[name=qbo_item_name]").fill("Déplacement")
    row.get_by_role("button", name=t("Link"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Déplacement")
    assert ItemLink.objects.get(item__name="Tonte de pelouse").qbo_name == "Déplacement"
    journey.check("item linked in bulk")
    hedges = Item.objects.get(name="Taille de haies")
    page.goto(f"/catalog/items/{hedges.pk}/edit/")
    journey.check("item form")
    page.locator("input[name='qbo-qbo_item_name']").fill("Contrat d'entretien annuel")
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.locator(".messages")).to_be_visible()
    assert ItemLink.objects.get(item=hedges).qbo_name == "Contrat d'entretien annuel"

    # The invoices issued before connecting are marked not sent, and were not sent
    page.goto("/invoices/")
    expect(page.locator("main")).to_contain_text(t("QuickBooks: not sent"))
    journey.check("older invoices not sent")
    assert qbo_invoice(emulator, older.number) is None

    # A new invoice syncs
    page.goto("/invoices/new/")
    pick(page, page.get_by_role("combobox", name="Contact"), "Valérie Bél", "Valérie Bélanger")
    line = page.locator("[data-line]").first
    pick(page, line.get_by_role("combobox", name=t("Product or service")), "Tonte de", "Tonte")
    page.locator("main").get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.locator(".messages")).to_be_visible()
    invoice = _issue_and_see_it_synced(journey, emulator, page.url)
    assert invoice.contact.display_name == "Valérie Bélanger"

    journey.assert_clean()
