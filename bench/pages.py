"""Benchmark of the owner's pages on PostgreSQL at scale: 10,000 contacts, 2,000 catalog items,
50,000 invoices and a connected QuickBooks company with 5,000 cached items. Each page is
requested 20 times in-process (Django's test client: server time, no network); prints one
JSON object with each page's p95 and weight, the slowest page and the largest page.

    .venv/bin/python bench/pages.py [--contacts 10000] [--items 2000] [--invoices 50000]
                                    [--qbo-items 5000] [--requests 20] [--only invoice_new ...]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
plannit_bench_pages), dropped and created again on each run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/plannit_bench_pages"
FIRST = (
    "Éric Émilie Valérie Denis Zoé Julie Marc André Ève Hélène Léa Noémie Jean Luc Olivier".split()
)
LAST = "Gauthier Bélanger Côté Tremblay Roy Ouellet Lévesque Bouchard Gagnon Émond Pâquet".split()
ITEMS = "Tonte Épandage Taille Déneigement Aération Nettoyage Plantation Entretien Élagage".split()


def _recreate_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or "",
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _seed(*, contacts: int, items: int, invoices: int, qbo_items: int) -> dict:
    """The business, bulk-written (the services' speed is not what is measured here)."""
    from django.utils import timezone

    from accounting import crypto
    from accounting.models import (
        AccountingSettings,
        QboAccount,
        QboConnection,
        QboItem,
        QboTaxCode,
    )
    from businesses.models import Business, Membership, User
    from catalog.models import Item
    from catalog.models import name_key as item_name_key
    from contacts.models import Contact
    from invoicing.models import Invoice, InvoiceLine, Payment, TaxComponent, TaxGroup

    rng = random.Random(13)
    business = Business.objects.create(
        name="Paysagement Bench", country="CA", province="QC", currency="CAD", language="fr-ca"
    )
    user = User.objects.create_user(email="bench-pages@example.com", password="bench-password")
    Membership.objects.create(business=business, user=user, role="owner")
    group = TaxGroup.objects.create(business=business, name="TPS + TVQ", is_default=True)
    TaxComponent.objects.create(tax_group=group, name="TPS", rate=Decimal("5"), position=0)
    TaxComponent.objects.create(tax_group=group, name="TVQ", rate=Decimal("9.975"), position=1)

    Contact.objects.bulk_create(
        [
            Contact(
                business=business,
                first_name=(first := rng.choice(FIRST)),
                last_name=(last := rng.choice(LAST)),
                display_name=f"{first} {last} {n}",
                email=f"client{n}@example.com",
                phone=f"514-555-{n % 10000:04d}",
            )
            for n in range(contacts)
        ],
        batch_size=2000,
    )
    Item.objects.bulk_create(
        [
            Item(
                business=business,
                name=(name := f"{rng.choice(ITEMS)} {n}"),
                name_key=item_name_key(name),
                unit_price=Decimal(rng.randint(20, 500)),
                description=f"{name}, travail soigné",
            )
            for n in range(items)
        ],
        batch_size=2000,
    )
    contact_ids = list(Contact.objects.filter(business=business).values_list("pk", flat=True))
    item_ids = list(Item.objects.filter(business=business).values_list("pk", flat=True))
    today = timezone.localdate()
    rows = []
    for n in range(invoices):
        issue = today - datetime.timedelta(days=rng.randint(0, 720))
        total = Decimal(rng.randint(50, 2000)) + Decimal("0.99")
        status = rng.choice(["issued", "paid", "paid", "partially_paid", "draft"])
        balance = {"paid": Decimal("0.00"), "partially_paid": total / 2}.get(status, total)
        rows.append(
            Invoice(
                business=business,
                contact_id=rng.choice(contact_ids),
                number="" if status == "draft" else str(1000 + n),
                status=status,
                issue_date=issue,
                due_date=issue + datetime.timedelta(days=30),
                subtotal=total,
                total=total,
                balance=balance.quantize(Decimal("0.01")),
                amount_paid=(total - balance).quantize(Decimal("0.01")),
            )
        )
    Invoice.objects.bulk_create(rows, batch_size=2000)
    invoice_rows = list(
        Invoice.objects.filter(business=business).values_list("pk", "total", "status", "issue_date")
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice_id=pk,
                item_id=rng.choice(item_ids),
                description="Travaux",
                quantity=Decimal("1"),
                unit_price=total,
                amount=total,
                tax_group=group,
            )
            for pk, total, _status, _date in invoice_rows
        ],
        batch_size=2000,
    )
    Payment.objects.bulk_create(
        [
            Payment(business=business, invoice_id=pk, amount=total, date=issue)
            for pk, total, status, issue in invoice_rows
            if status == "paid"
        ],
        batch_size=2000,
    )
    now = timezone.now()
    realm = "9130357766900456"
    QboConnection.objects.create(
        business=business,
        realm_id=realm,
        company_name="Compagnie ABC",
        company_country="CA",
        company_currency="CAD",
        access_token_encrypted=crypto.encrypt("bench-access"),
        refresh_token_encrypted=crypto.encrypt("bench-refresh"),
        access_token_expires_at=now + datetime.timedelta(hours=1),
        refresh_token_expires_at=now + datetime.timedelta(days=100),
        connected_at=now,
        connected_by=user,
        lists_refreshed_at=now,
    )
    QboItem.objects.bulk_create(
        [
            QboItem(
                business=business,
                realm_id=realm,
                qbo_id=str(n + 1),
                name=f"{rng.choice(ITEMS)} QBO {n}",
                item_type="Service",
            )
            for n in range(qbo_items)
        ],
        batch_size=2000,
    )
    QboTaxCode.objects.bulk_create(
        [
            QboTaxCode(business=business, realm_id=realm, qbo_id="2", name="TPS/TVQ QC - 9,975"),
            QboTaxCode(business=business, realm_id=realm, qbo_id="7", name="Exonéré"),
        ]
    )
    QboAccount.objects.bulk_create(
        [
            QboAccount(
                business=business, realm_id=realm, qbo_id="35", name="Chèques", account_type="Bank"
            )
        ]
    )
    AccountingSettings.objects.create(
        business=business,
        taxable_tax_code_id="2",
        taxable_tax_code_name="TPS/TVQ QC - 9,975",
        non_taxable_tax_code_id="7",
        non_taxable_tax_code_name="Exonéré",
        default_item_id="1",
        default_item_name="Autres revenus",
        deposit_account_id="35",
        deposit_account_name="Chèques",
    )
    draft = Invoice.objects.filter(business=business, status="draft").order_by("pk").first()
    issued = Invoice.objects.filter(business=business, status="issued").order_by("pk").first()
    return {
        "user": user,
        "contact": contact_ids[len(contact_ids) // 2],
        "item": item_ids[len(item_ids) // 2],
        "draft": draft.pk,
        "issued": issued.pk,
    }


def _pages(ids: dict) -> dict[str, str]:
    return {
        "home": "/",
        "contacts": "/contacts/",
        "contacts_search": "/contacts/?q=tremblay",
        "contact_detail": f"/contacts/{ids['contact']}/",
        "contact_edit": f"/contacts/{ids['contact']}/edit/",
        "contact_picker": "/contacts/search/?q=gau",
        "tags": "/contacts/tags/",
        "items": "/catalog/",
        "item_new": "/catalog/items/new/",
        "item_edit": f"/catalog/items/{ids['item']}/edit/",
        "item_picker": "/catalog/items/search/?q=ton",
        "categories": "/catalog/categories/",
        "invoices": "/invoices/",
        "invoices_search": "/invoices/?q=tremblay",
        "invoice_new": "/invoices/new/",
        "invoice_edit": f"/invoices/{ids['draft']}/edit/",
        "invoice_detail": f"/invoices/{ids['issued']}/",
        "payment_new": f"/invoices/{ids['issued']}/payments/new/",
        "tax_groups": "/settings/tax-groups/",
        "invoice_settings": "/settings/invoices/",
        "accounting": "/settings/accounting/",
        "qbo_item_picker": "/settings/accounting/items/search/?q=ton",
        "sync_log": "/settings/accounting/sync/",
        "earlier_invoices": "/settings/accounting/sync/earlier-invoices/",
        "imports": "/settings/accounting/imports/",
        "import_contacts": "/settings/accounting/imports/contacts/",
        "import_items": "/settings/accounting/imports/items/",
        "item_links": "/settings/accounting/imports/items/links/",
        "reviews": "/settings/accounting/imports/contacts/review/",
    }


def _measure(client, path: str, requests: int) -> dict:
    response = client.get(path)  # warm-up: template and code caches
    if response.status_code != 200:
        return {"status": response.status_code}
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return {
        "p95_ms": round(p95, 1),
        "median_ms": round(statistics.median(timings), 1),
        "kb": round(len(response.content) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--qbo-items", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "plannit.settings.dev",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
        }
    )
    _recreate_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ids = _seed(
        contacts=args.contacts, items=args.items, invoices=args.invoices, qbo_items=args.qbo_items
    )
    seed_seconds = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have, after bulk writes
    client = Client()
    client.force_login(ids["user"])
    client.cookies["django_language"] = "fr-ca"
    pages = {
        name: _measure(client, path, args.requests)
        for name, path in _pages(ids).items()
        if not args.only or name in args.only
    }
    measured = {name: row for name, row in pages.items() if "p95_ms" in row}
    slowest = max(measured, key=lambda name: measured[name]["p95_ms"])
    largest = max(measured, key=lambda name: measured[name]["kb"])
    print(
        json.dumps(
            {
                "contacts": args.contacts,
                "items": args.items,
                "invoices": args.invoices,
                "qbo_items": args.qbo_items,
                "requests_per_page": args.requests,
                "seed_seconds": round(seed_seconds, 1),
                "p95_ms": measured[slowest]["p95_ms"],
                "slowest_page": slowest,
                "largest_page_kb": measured[largest]["kb"],
                "largest_page": largest,
                "pages": pages,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
