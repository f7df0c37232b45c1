"""Seed the demo business "Paysagement ABC" (Québec, CAD, French) through the app's own
services, so that the demo data obeys every rule real data does. Running it again changes
nothing; `--reset` deletes the demo business first."""

import datetime
import os
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from businesses.models import Business, Membership
from businesses.services import business_sign_up, business_update
from catalog import services as catalog_services
from catalog.models import Category, Item
from contacts import services as contact_services
from contacts.models import Contact
from invoicing import services as invoicing_services
from invoicing.models import (
    CreditApplication,
    CreditNote,
    CreditNoteLine,
    Invoice,
    Payment,
    PaymentMethod,
    TaxGroup,
)

DEMO_BUSINESS = "Paysagement ABC"
DEMO_EMAIL = "demo@plannit.local"
DEMO_PASSWORD = "demo-plannit-2026"
ADMIN_EMAIL = "admin@plannit.local"
ADMIN_PASSWORD = "admin-plannit-2026"

FIRST_NAMES = [
    "Marie",
    "Jean",
    "Sophie",
    "Luc",
    "Isabelle",
    "Marc",
    "Julie",
    "François",
    "Nathalie",
    "Pierre",
    "Catherine",
    "Mathieu",
    "Geneviève",
    "Alexandre",
    "Chantal",
    "Éric",
    "Valérie",
    "Sébastien",
    "Mélanie",
    "Patrick",
]
LAST_NAMES = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
]
COMPANIES = [
    "Condos du Parc inc.",
    "Clinique dentaire Saint-Jean",
    "Restaurant Chez Lise",
    "Garage Bélanger et fils",
    "Résidence Les Érables",
]
CITIES = [
    ("Québec", "G1R 2J6"),
    ("Lévis", "G6V 4Z2"),
    ("Montréal", "H2X 1Y4"),
    ("Sherbrooke", "J1H 1A1"),
    ("Trois-Rivières", "G9A 5H3"),
]
STREETS = [
    "rue Saint-Jean",
    "boulevard Laurier",
    "avenue Cartier",
    "rue des Érables",
    "chemin Sainte-Foy",
    "rue Principale",
]

CATALOG = {
    "Entretien paysager": [
        (
            "Tonte de pelouse",
            "service",
            "visit",
            "45.00",
            "Tonte, taille des bordures et ramassage",
        ),
        ("Taille de haies", "service", "hour", "65.00", ""),
        ("Fertilisation", "service", "visit", "89.95", "Engrais à libération lente"),
        ("Aération du sol", "service", "m2", "0.35", ""),
        ("Nettoyage printanier", "service", "visit", "175.00", ""),
    ],
    "Déneigement": [
        ("Déneigement résidentiel saisonnier", "service", "unit", "450.00", "Contrat nov. à avril"),
        ("Déneigement commercial", "service", "hour", "120.00", ""),
        ("Épandage d'abrasif", "service", "visit", "35.00", ""),
        ("Déglaçage de toiture", "service", "hour", "95.00", ""),
        ("Sel de déglaçage (sac 20 kg)", "product", "unit", "14.99", ""),
    ],
    "Aménagement": [
        ("Pose de tourbe", "service", "m2", "8.50", ""),
        ("Paillis de cèdre", "product", "m3", "62.00", ""),
        ("Terre à jardin", "product", "m3", "48.00", ""),
        ("Plantation d'arbustes", "service", "unit", "39.00", ""),
        ("Conception de plan paysager", "service", "unit", "350.00", ""),
    ],
}


class Command(BaseCommand):
    help = "Seed the demo business Paysagement ABC with its owner login (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete the demo business first.")

    def handle(self, *args, reset: bool = False, **options):
        User = get_user_model()
        if reset:
            self._delete_demo()
        if Membership.objects.filter(user__email=DEMO_EMAIL).exists():
            self._print_login("The demo business is already there.")
            return
        with transaction.atomic():
            business = self._seed()
        if not User.objects.filter(email=ADMIN_EMAIL).exists():
            User.objects.create_superuser(email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
        self._print_login(f"Seeded {business.name}.")

    @transaction.atomic
    def _delete_demo(self) -> None:
        """Documents protect what they name (an invoice its contact, items and tax groups; a
        payment its invoice; a refund the payment it came out of): delete from the documents
        up, then the business itself."""
        for business in Business.objects.filter(memberships__user__email=DEMO_EMAIL):
            CreditApplication.objects.filter(business=business).delete()
            CreditNoteLine.objects.filter(credit_note__business=business).delete()
            CreditNote.objects.filter(business=business).delete()
            Payment.objects.filter(business=business).delete()
            Invoice.objects.filter(business=business).delete()
            Item.objects.filter(business=business).delete()
            for category in Category.objects.filter(business=business).order_by("-depth"):
                category.delete()
            Contact.objects.filter(business=business).delete()
            TaxGroup.objects.filter(business=business).delete()
            business.delete()
        get_user_model().objects.filter(email=DEMO_EMAIL).delete()

    def _print_login(self, headline: str) -> None:
        # The address `make run` serves (WEB_HOST / WEB_PORT), not a fixed port.
        base = f"http://{os.environ.get('WEB_HOST') or '127.0.0.1'}:{os.environ.get('WEB_PORT') or '8000'}"
        self.stdout.write(self.style.SUCCESS(headline))
        self.stdout.write(f"  Sign in at {base}/  with  {DEMO_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(
            f"  Admin (support staff): {base}/admin/  with  {ADMIN_EMAIL} / {ADMIN_PASSWORD}"
        )

    def _seed(self) -> Business:
        rng = random.Random(2026)
        membership = business_sign_up(
            business_name=DEMO_BUSINESS,
            email=DEMO_EMAIL,
            password=DEMO_PASSWORD,
            province="QC",
            language="fr-ca",
        )
        business = business_update(
            business=membership.business,
            name=DEMO_BUSINESS,
            province="QC",
            language="fr-ca",
            legal_name="Paysagement ABC inc.",
            address_line1="1200, boulevard Charest Ouest",
            city="Québec",
            postal_code="G1N 2E2",
            phone="418-555-0199",
            email="facturation@paysagement-abc.exemple.ca",
            website="https://paysagement-abc.exemple.ca",
            # The format of real numbers, the numbers of no real business.
            gst_hst_number="123456789RT0001",
            qst_number="1234567890TQ0001",
            invoice_footer="Merci de votre confiance !",
            payment_instructions="Virement Interac : facturation@paysagement-abc.exemple.ca",
        )
        membership.user.first_name, membership.user.last_name = "Annie", "Beaulieu"
        membership.user.save(update_fields=["first_name", "last_name"])

        gst_qst = invoicing_services.taxgroup_create(
            business=business,
            name="TPS + TVQ",
            components=[
                invoicing_services.ComponentInput(name="TPS", rate=Decimal("5")),
                invoicing_services.ComponentInput(name="TVQ", rate=Decimal("9.975")),
            ],
        )
        invoicing_services.taxgroup_set_default(tax_group=gst_qst)
        invoicing_services.taxgroup_create(business=business, name="Exonéré", components=[])

        contacts = self._seed_contacts(business, rng)
        items = self._seed_catalog(business, gst_qst)
        self._seed_invoices(business, contacts, items, rng)
        return business

    def _seed_contacts(self, business, rng):
        residential = contact_services.tag_get_or_create(business=business, name="Résidentiel")
        commercial = contact_services.tag_get_or_create(business=business, name="Commercial")
        snow = contact_services.tag_get_or_create(business=business, name="Déneigement saisonnier")
        contacts = []
        for index in range(25):
            city, postal_code = CITIES[index % len(CITIES)]
            values = {
                "email": "",
                "phone": f"418-555-{1000 + index:04d}",
                "address_line1": f"{rng.randint(10, 9999)} {rng.choice(STREETS)}",
                "city": city,
                "province": "QC",
                "postal_code": postal_code,
                "country": "Canada",
            }
            if index < len(COMPANIES):
                values["company_name"] = COMPANIES[index]
                values["email"] = f"comptes{index}@exemple.ca"
                tags = [commercial]
            else:
                first, last = FIRST_NAMES[index % 20], LAST_NAMES[(index * 7) % 20]
                values.update(
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}.{last.lower()}{index}@exemple.ca".replace("é", "e")
                    .replace("è", "e")
                    .replace("ô", "o")
                    .replace("ç", "c")
                    .replace("ë", "e"),
                )
                tags = [residential] + ([snow] if index % 3 == 0 else [])
            if index == 24:
                tags = []  # one contact without any tag, as in real lists
            contacts.append(contact_services.contact_create(business=business, tags=tags, **values))
        return contacts

    def _seed_catalog(self, business, tax_group):
        items = []
        for category_name, entries in CATALOG.items():
            category = catalog_services.category_create(business=business, name=category_name)
            for name, item_type, unit, price, description in entries:
                items.append(
                    catalog_services.item_create(
                        business=business,
                        name=name,
                        description=description,
                        item_type=item_type,
                        unit=unit,
                        unit_price=Decimal(price),
                        is_taxable=True,
                        default_tax_group=tax_group,
                        category=category,
                    )
                )
        return items

    def _seed_invoices(self, business, contacts, items, rng):
        today = timezone.localdate()
        # Two invoices in each status: draft, issued, partially paid, paid, void.
        plan = [
            "draft",
            "draft",
            "issued",
            "issued",
            "partial",
            "partial",
            "paid",
            "paid",
            "void",
            "void",
        ]
        for index, target in enumerate(plan):
            issue_date = today - datetime.timedelta(days=55 - index * 5)
            lines = []
            for item in rng.sample(items, k=rng.randint(1, 3)):
                quantity = Decimal(rng.choice(["1", "2", "3", "1.5", "4"]))
                lines.append(
                    invoicing_services.LineInput(
                        item=item,
                        description=item.name,
                        quantity=quantity,
                        unit_price=item.unit_price,
                        is_taxable=item.is_taxable,
                        tax_group=item.default_tax_group,
                    )
                )
            invoice = invoicing_services.invoice_create(
                business=business,
                contact=contacts[index * 2],
                issue_date=issue_date,
                lines=lines,
                terms="net_30",
                notes="Merci de votre confiance!",
            )
            if target == "draft":
                continue
            invoice = invoicing_services.invoice_issue(invoice=invoice)
            if target == "partial":
                invoicing_services.payment_record(
                    invoice=invoice,
                    amount=(invoice.total / 2).quantize(Decimal("0.01")),
                    date=issue_date + datetime.timedelta(days=3),
                    method=PaymentMethod.CHEQUE,
                    reference=f"CHQ {400 + index}",
                )
            elif target == "paid":
                invoicing_services.payment_record(
                    invoice=invoice,
                    amount=invoice.total,
                    date=issue_date + datetime.timedelta(days=7),
                    method=PaymentMethod.E_TRANSFER,
                    reference=f"VIR-{9000 + index}",
                )
                if index == 7:  # a rained-out visit: an open credit for the client's next invoice
                    invoicing_services.credit_note_create(
                        invoice=invoice,
                        date=issue_date + datetime.timedelta(days=8),
                        amount=invoicing_services.CreditAmountInput(
                            amount=Decimal("25.00"),
                            tax_group=None,
                            description="Visite annulée (pluie)",
                        ),
                    )
            elif target == "void":
                invoicing_services.invoice_void(invoice=invoice)
