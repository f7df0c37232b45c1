"""Benchmark of the QuickBooks imports, end to end: the emulator runs as its own process (so
the memory figure is the importer's alone), Plannit imports into PostgreSQL. Prints one JSON
object.

    .venv/bin/python bench/imports.py [--customers 10000] [--items 2000]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
plannit_bench_imports), dropped and created again on each run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/plannit_bench_imports"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_emulator(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "qbo_emulator", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the emulator did not start")


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


def _company(base: str, *, customers: int, items: int) -> tuple[str, dict]:
    import requests

    created = requests.post(
        f"{base}/_emulator/companies",
        timeout=600,
        json={"name": f"Bench {customers}", "customers": customers, "items": items},
    )
    created.raise_for_status()
    realm = created.json()["realm_id"]
    tokens = requests.post(f"{base}/_emulator/tokens", json={"realm_id": realm}, timeout=30)
    tokens.raise_for_status()
    return realm, tokens.json()


def _business(realm: str, tokens: dict, n: int):
    from datetime import timedelta

    from django.utils import timezone

    from accounting import crypto
    from accounting.models import AccountingSettings, QboConnection
    from businesses.models import Business, Membership, User
    from invoicing.models import TaxGroup

    business = Business.objects.create(
        name=f"Bench {n}", country="CA", province="QC", currency="CAD", language="fr-ca"
    )
    user = User.objects.create_user(email=f"bench{n}@example.com", password="bench-password")
    Membership.objects.create(business=business, user=user, role="owner")
    TaxGroup.objects.create(business=business, name="TPS + TVQ")
    now = timezone.now()
    QboConnection.objects.create(
        business=business,
        realm_id=realm,
        company_name=f"Bench {n}",
        company_country="CA",
        company_currency="CAD",
        access_token_encrypted=crypto.encrypt(tokens["access_token"]),
        refresh_token_encrypted=crypto.encrypt(tokens["refresh_token"]),
        access_token_expires_at=now + timedelta(seconds=int(tokens.get("expires_in", 3600))),
        refresh_token_expires_at=now + timedelta(days=100),
        connected_at=now,
        connected_by=user,
    )
    AccountingSettings.objects.create(
        business=business,
        taxable_tax_code_id="2",
        non_taxable_tax_code_id="7",
        default_item_id="1",
        deposit_account_id="2",
    )
    return business, user


def _timed_import(business, user, kind: str) -> tuple[float, object]:
    from django.db import transaction

    from accounting.imports.services import import_run_execute, import_run_start

    started = time.perf_counter()
    with transaction.atomic():
        run = import_run_start(business=business, user=user, kind=kind, unit="unit")
    run = import_run_execute(run_id=run.pk)
    return time.perf_counter() - started, run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=2_000)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "plannit.settings.dev",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database_url,
            "QBO_ENVIRONMENT": "emulator",
            "QBO_EMULATOR_URL": base,
            "LOG_LEVEL": "WARNING",
        }
    )
    _recreate_database(database_url)
    emulator = _start_emulator(port)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from accounting.imports import tasks

        # The bench runs the import itself; nothing goes to the broker.
        tasks.import_run_execute_task.delay = lambda run_id: None
        call_command("migrate", verbosity=0)

        realm, tokens = _company(base, customers=args.customers, items=args.items)
        business, user = _business(realm, tokens, args.customers)
        seconds, run = _timed_import(business, user, "contacts")
        assert (run.status, run.created) == ("succeeded", args.customers), run.error_message
        items_seconds, items_run = _timed_import(business, user, "items")
        assert items_run.status == "succeeded", items_run.error_message
        from catalog.models import Item

        items = Item.objects.filter(business=business).count()

        double = args.customers * 2
        realm2, tokens2 = _company(base, customers=double, items=0)
        business2, user2 = _business(realm2, tokens2, double)
        seconds_double, run2 = _timed_import(business2, user2, "contacts")
        assert (run2.status, run2.created) == ("succeeded", double), run2.error_message
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "customers": args.customers,
                "items": items,
                "seconds": round(seconds, 3),
                "customers_per_s": round(args.customers / seconds, 1),
                "items_seconds": round(items_seconds, 3),
                "seconds_20k": round(seconds_double, 3),
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "scaling_20k_over_10k": round(seconds_double / seconds, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
