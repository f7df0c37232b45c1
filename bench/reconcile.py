"""Books check bench, in-process: one company with INVOICES synced invoices, PAYMENTS synced
payments, CREDITS credit notes (the first APPLIED of them applied to their invoice by a
Payment of 0) and RECEIPTS sales receipts (Plannit's rows and links, and the same documents
in the emulator), then 25 differences injected on QuickBooks' side: 4 each of invoice
deleted, amount changed by one cent, payment moved to another invoice, duplicate number,
payment only in QuickBooks; 2 credit memos deleted, 2 sales receipts voided, 1 credit removed
from its invoice.

    .venv/bin/python bench/reconcile.py

The first run reads everything (paged queries, 1,000 per page); after the CDC overlap has
passed, a second run with nothing new reads one /cdc call. Prints one JSON object:
differences_found, false_differences (found but not injected), missed (injected, not found),
first_run_reads, first_run_seconds, quiet_day_reads, seed_seconds.

Environment: BENCH_RECONCILE_INVOICES (10000), BENCH_RECONCILE_PAYMENTS (5000),
BENCH_RECONCILE_CREDITS (300), BENCH_RECONCILE_APPLIED (100), BENCH_RECONCILE_RECEIPTS (300).
SQLite in a
temporary file, the emulator over the ``responses`` transport (no network).
"""

import datetime
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DJANGO_SETTINGS_MODULE"] = "plannit.settings.test"
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
import responses  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench._reconcile_credits import credit_key, inject_credits, sales_line, seed_credits  # noqa: E402

INVOICES = int(os.environ.get("BENCH_RECONCILE_INVOICES", "10000"))
PAYMENTS = int(os.environ.get("BENCH_RECONCILE_PAYMENTS", "5000"))
CREDITS = int(os.environ.get("BENCH_RECONCILE_CREDITS", "300"))
APPLIED = int(os.environ.get("BENCH_RECONCILE_APPLIED", "100"))
RECEIPTS = int(os.environ.get("BENCH_RECONCILE_RECEIPTS", "300"))
CUSTOMERS = 50
PER_KIND = 4
BASE = "http://qbo-emulator.test"
DATE = datetime.date(2026, 11, 20)


def _id_of(company, entity: str, name: str) -> str:
    return next(row["Id"] for row in company.all(entity) if row.get("Name") == name)


def seed(emulator, realm_id: str):
    from accounting.models import AccountingSettings
    from accounting.sync.models import CustomerLink, InvoiceLink, PaymentLink
    from contacts.models import Contact
    from invoicing.models import Invoice, InvoiceTax, Payment
    from tests.accounting.sync.conftest import connect_business
    from tests.factories.businesses import BusinessFactory

    business = BusinessFactory()
    conn = connect_business(emulator, business, realm_id=realm_id)
    company = emulator.company(realm_id)
    AccountingSettings.objects.create(
        business=business,
        taxable_tax_code_id=_id_of(company, "TaxCode", "TPS/TVQ QC - 9,975"),
        non_taxable_tax_code_id=_id_of(company, "TaxCode", "Exonéré"),
        default_item_id=_id_of(company, "Item", "Services"),
        deposit_account_id=_id_of(company, "Account", "Chèques"),
    )
    tax_code = _id_of(company, "TaxCode", "TPS/TVQ QC - 9,975")
    item = _id_of(company, "Item", "Services")
    contacts, customer_ids = [], []
    for n in range(CUSTOMERS):
        contact = Contact.objects.create(business=business, display_name=f"Client {n}")
        customer = company.save("Customer", {"DisplayName": f"Client {n}"})
        contacts.append(contact)
        customer_ids.append(customer["Id"])
        CustomerLink.objects.create(
            business=business, realm_id=realm_id, contact=contact, qbo_id=customer["Id"]
        )
    invoices, links, taxes = [], [], []
    for n in range(INVOICES):
        price = Decimal(100 + n % 97) + Decimal("0.25")
        record = company.save(
            "Invoice",
            {
                "CustomerRef": {"value": customer_ids[n % CUSTOMERS]},
                "DocNumber": str(10000 + n),
                "TxnDate": DATE.isoformat(),
                "Line": [sales_line(price, item, tax_code)],
            },
        )
        total = Decimal(str(record["TotalAmt"])).quantize(Decimal("0.01"))
        tax = Decimal(str(record["TxnTaxDetail"]["TotalTax"])).quantize(Decimal("0.01"))
        invoices.append(
            Invoice(
                business=business,
                contact=contacts[n % CUSTOMERS],
                number=str(10000 + n),
                status="issued",
                issue_date=DATE,
                terms="net_30",
                due_date=DATE + datetime.timedelta(days=30),
                subtotal=price,
                tax_total=tax,
                total=total,
                balance=total,
            )
        )
        links.append(record["Id"])
        taxes.append(
            [
                (
                    Decimal(str(line["TaxLineDetail"]["TaxPercent"])),
                    Decimal(str(line["TaxLineDetail"]["NetAmountTaxable"])),
                    Decimal(str(line["Amount"])).quantize(Decimal("0.01")),
                )
                for line in record["TxnTaxDetail"].get("TaxLine", [])
            ]
        )
    Invoice.objects.bulk_create(invoices, batch_size=1000)
    InvoiceTax.objects.bulk_create(
        [
            InvoiceTax(
                invoice=invoice,
                name=f"{rate} %",
                rate=rate,
                taxable_amount=base,
                amount=amount,
                position=position,
            )
            for invoice, rows in zip(invoices, taxes, strict=True)
            for position, (rate, base, amount) in enumerate(rows)
        ],
        batch_size=1000,
    )
    InvoiceLink.objects.bulk_create(
        [
            InvoiceLink(business=business, realm_id=realm_id, invoice=invoice, qbo_id=qbo_id)
            for invoice, qbo_id in zip(invoices, links, strict=True)
        ],
        batch_size=1000,
    )
    payments, payment_ids = [], []
    for n in range(PAYMENTS):
        invoice, qbo_id = invoices[n], links[n]
        amount = Decimal("50.00")
        record = company.record_payment([(qbo_id, amount)], TxnDate=DATE.isoformat())
        payments.append(
            Payment(business=business, invoice=invoice, amount=amount, date=DATE, method="cheque")
        )
        payment_ids.append(record["Id"])
        invoice.amount_paid, invoice.balance = amount, invoice.total - amount
        invoice.status = "partially_paid"
    Payment.objects.bulk_create(payments, batch_size=1000)
    Invoice.objects.bulk_update(invoices[:PAYMENTS], ["amount_paid", "balance", "status"], 1000)
    PaymentLink.objects.bulk_create(
        [
            PaymentLink(business=business, realm_id=realm_id, payment=payment, qbo_id=qbo_id)
            for payment, qbo_id in zip(payments, payment_ids, strict=True)
        ],
        batch_size=1000,
    )
    credits = seed_credits(
        (business, company, DATE, item, tax_code),
        invoices=invoices,
        links=links,
        contacts=contacts,
        customer_ids=customer_ids,
        counts={
            "payments": PAYMENTS,
            "credits": CREDITS,
            "applied": APPLIED,
            "receipts": RECEIPTS,
        },
    )
    return business, conn, company, invoices, links, payments, payment_ids, credits


def inject(conn, company, invoices, links, payments, payment_ids, credits) -> set:
    """25 differences; returns what a correct check finds: (kind, Plannit id or QBO id), or
    (kind, entity, Plannit id) for the credits and sales receipts."""
    from accounting import crypto
    from accounting.qbo import endpoints

    expected = set()
    token = crypto.decrypt(conn.access_token_encrypted)
    unpaid = range(PAYMENTS, INVOICES)
    step = len(unpaid) // (4 * PER_KIND)

    def pick(kind_index: int, k: int) -> int:
        return unpaid[(kind_index * PER_KIND + k) * step]

    for k in range(PER_KIND):
        n = pick(0, k)  # deleted
        company.delete("Invoice", links[n])
        expected.add(("missing", invoices[n].pk))
        n = pick(1, k)  # one cent more
        record = company.get("Invoice", links[n])
        line = record["Line"][0]
        amount = Decimal(str(line["Amount"])) + Decimal("0.01")
        line["Amount"] = str(amount)
        line["SalesItemLineDetail"]["UnitPrice"] = str(amount)
        company.save("Invoice", record)
        expected.add(("amount", invoices[n].pk))
        n = pick(2, k)  # a duplicate typed in QuickBooks
        body = {
            key: value
            for key, value in company.get("Invoice", links[n]).items()
            if key not in ("Id", "SyncToken", "MetaData")
        }
        for row in body["Line"]:
            row.pop("Id", None)
        answer = requests.post(
            f"{endpoints.api_base_url()}/company/{conn.realm_id}/invoice",
            params={"include": "allowduplicatedocnum", "minorversion": "75"},
            json=body,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=5,
        )
        assert answer.status_code == 200, answer.text
        expected.add(("duplicate", invoices[n].pk))
        n = k * (PAYMENTS // PER_KIND)  # a payment moved to an invoice of the same customer
        record = company.get("Payment", payment_ids[n])
        record["Line"][0]["LinkedTxn"][0]["TxnId"] = links[n + CUSTOMERS]
        company.save("Payment", record)
        expected.add(("other_invoice", payments[n].pk))
        n = pick(3, k)  # paid in QuickBooks only
        made = company.record_payment([(links[n], Decimal("20.00"))], TxnDate=DATE.isoformat())
        expected.add(("only_qbo", made["Id"]))
    return expected | inject_credits(company, credits)


def found(run) -> set:
    keys = set()
    for d in run.differences.all():
        if credit_key(d):
            keys.add(credit_key(d))
        elif d.kind == "only_qbo":
            keys.add((d.kind, d.qbo_id))
        elif d.entity == "Payment":
            keys.add((d.kind, d.payment_id))
        else:
            keys.add((d.kind, d.invoice_id or d.contact_id))
    return keys


def main() -> int:
    from accounting.reconcile.services import runs
    from qbo_emulator.config import EmulatorSettings
    from qbo_emulator.core import Emulator
    from qbo_emulator.seed import CA_REALM
    from qbo_emulator.transport_responses import install

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    emulator = Emulator(settings=EmulatorSettings(webhook_delivery="manual"))
    emulator.base_url = BASE
    responses.start()
    install(emulator, responses.mock, [BASE])
    try:
        started = time.perf_counter()
        business, conn, company, *documents = seed(emulator, CA_REALM)
        expected = inject(conn, company, *documents)
        seed_seconds = time.perf_counter() - started
        time.sleep(runs.OVERLAP.total_seconds() + 1)  # the seeding is older than the overlap
        started = time.perf_counter()
        run = runs.run_execute(run_id=runs.run_start(business_id=business.pk, realm_id=CA_REALM).pk)
        first_seconds = time.perf_counter() - started
        got = found(run)
        quiet = runs.run_execute(
            run_id=runs.run_start(business_id=business.pk, realm_id=CA_REALM).pk
        )
        print(
            json.dumps(
                {
                    "invoices": INVOICES,
                    "payments": PAYMENTS,
                    "credit_notes": CREDITS,
                    "sales_receipts": RECEIPTS,
                    "injected": len(expected),
                    "differences_found": run.difference_count,
                    "false_differences": len(got - expected),
                    "missed": len(expected - got),
                    "first_run_reads": run.reads,
                    "first_run_seconds": round(first_seconds, 2),
                    "quiet_day_reads": quiet.reads,
                    "quiet_day_differences": quiet.difference_count,
                    "seed_seconds": round(seed_seconds, 1),
                }
            )
        )
    finally:
        responses.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
