"""A new owner, in French, does what the product promises on the first day: sign up, create
tax groups, a contact, an item, their registration numbers, issue an invoice, record a payment, switch to English; no
error page and no JavaScript error on the way."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from invoicing.models import Invoice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_first_day_of_a_new_owner(page):
    failures: list[str] = []
    page.on(
        "response",
        lambda response: (
            failures.append(f"{response.status} {response.url}")
            if response.request.resource_type == "document" and response.status >= 400
            else None
        ),
    )

    # Sign up, in French
    page.goto("/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Créez le compte de votre entreprise")
    page.get_by_label("Nom de l'entreprise").fill("Déneigement Tremblay")
    page.get_by_label("Province").select_option("QC")
    page.get_by_label("Adresse courriel").fill("marc@tremblay.ca")
    page.get_by_label("Mot de passe", exact=True).fill("un-mot-de-passe-solide")
    page.get_by_label("Mot de passe (confirmation)").fill("un-mot-de-passe-solide")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez vos courriels")
    # The link of the confirmation e-mail (the live server runs in this process)
    (message,) = mail.outbox
    assert message.subject == "Confirmez votre compte Plannit"
    link = re.search(r"https?://\S+/signup/confirm/\S+", message.body).group(0)
    page.goto(link)
    expect(page.locator(".messages")).to_contain_text("Bienvenue dans Plannit")

    # Tax groups: the ready-made ones for Québec
    page.get_by_text("Paramètres", exact=True).click()
    page.get_by_role("link", name="Groupes de taxes").click()
    page.get_by_role("button", name="Ajouter les groupes prêts à l'emploi de ma province").click()
    expect(page.locator("table")).to_contain_text("TPS + TVQ")
    expect(page.locator("table")).to_contain_text("Exonéré")

    # A contact
    page.get_by_role("link", name="Contacts", exact=True).click()
    page.get_by_role("link", name="Nouveau contact").first.click()
    page.get_by_label("Prénom").fill("Julie")
    page.get_by_label("Nom", exact=True).fill("Côté")
    page.get_by_label("Courriel", exact=True).fill("julie.cote@exemple.ca")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Julie Côté")

    # An item
    page.get_by_role("link", name="Produits et services").click()
    page.get_by_role("link", name="Nouvel article").first.click()
    page.get_by_label("Nom", exact=True).fill("Déneigement d'entrée")
    page.get_by_label("Prix unitaire").fill("45,00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("table")).to_contain_text("Déneigement d'entrée")

    # An invoice, issued
    page.get_by_role("link", name="Factures", exact=True).click()
    page.get_by_role("link", name="Nouvelle facture").first.click()
    # The pickers, with the keyboard: type, arrow down to the option, Enter.
    contact = page.get_by_role("combobox", name="Contact")
    contact.fill("Julie")
    expect(page.locator(".picker-list [role=option]").first).to_contain_text("Julie Côté")
    contact.press("ArrowDown")
    contact.press("Enter")
    expect(contact).to_have_value("Julie Côté")
    line = page.locator("[data-line]").first
    item = line.get_by_role("combobox", name="Produit ou service")
    item.fill("déneig")
    expect(line.locator(".picker-list [role=option]").first).to_contain_text("Déneigement d'entrée")
    item.press("ArrowDown")
    item.press("Enter")
    # The line takes the item's price, and the amount shows the currency.
    expect(line.locator("input[name$='-unit_price']")).to_have_value("45.00")
    line.locator("input[name$='-quantity']").fill("2")
    expect(line.locator("[data-line-amount]")).to_have_text("90,00\u00a0$")
    page.get_by_role("button", name="Enregistrer").click()
    invoice_url = page.url
    page.get_by_role("button", name="Émettre").click()
    # Québec, taxes, $30 or more: not without the registration numbers
    expect(page.locator(".messages")).to_contain_text("numéros d'inscription")
    assert Invoice.objects.get().number == ""

    # The business details, then the invoice issues
    page.get_by_text("Paramètres", exact=True).click()
    page.get_by_role("link", name="Entreprise").click()
    page.get_by_label("Numéro d'inscription à la TPS/TVH").fill("123456789 RT0001")
    page.get_by_label("Numéro d'inscription à la TVQ").fill("1234567890 TQ0001")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("Paramètres de l'entreprise enregistrés")
    page.goto(invoice_url)
    page.get_by_role("button", name="Émettre").click()
    invoice = Invoice.objects.get()
    assert (invoice.number, invoice.status, str(invoice.total)) == ("1001", "issued", "103.48")
    expect(page.locator("body")).to_contain_text("103,48")

    # A payment for the whole balance
    page.get_by_role("link", name="Enregistrer un paiement").click()
    page.get_by_label("Montant").fill("103.48")
    page.get_by_role("button", name="Enregistrer").click()
    invoice.refresh_from_db()
    assert (invoice.status, str(invoice.balance)) == ("paid", "0.00")
    expect(page.locator(".badge").first).to_contain_text("Payée")

    # Switch to English
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Invoices", exact=True)).to_be_visible()
    expect(page.locator(".badge").first).to_contain_text("Paid")
    expect(page.locator("body")).to_contain_text(re.compile(r"\$103\.48"))

    assert failures == []
    assert page.js_errors == []
