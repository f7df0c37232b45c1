"""The data the benches that drive the whole stack work on: businesses connected to
QuickBooks companies of their own in the emulator, configured as the app leaves them, their
draft invoices, and what QuickBooks holds at the end (lost and duplicated invoices)."""

import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from _harness import Stack


def invoice_draft(business, contact, number: int):
    """A draft invoice of $150 before taxes (no job: a draft announces nothing)."""
    import datetime

    from invoicing.services import LineInput, invoice_create

    return invoice_create(
        business=business,
        contact=contact,
        issue_date=datetime.date(2026, 11, 1),
        terms="net_30",
        lines=[
            LineInput(
                description=f"Déneigement {number}",
                quantity=Decimal("2"),
                unit_price=Decimal("75.00"),
            )
        ],
    )


def connection_create(*, business, realm_id: str, tokens: dict, company_name: str):
    """The connection the OAuth callback leaves (tokens issued by the emulator)."""
    from django.utils import timezone

    from accounting import crypto
    from accounting.models import ConnectionStatus, QboConnection

    now = timezone.now()
    return QboConnection.objects.create(
        business=business,
        realm_id=realm_id,
        company_name=company_name,
        company_country="CA",
        company_currency="CAD",
        status=ConnectionStatus.CONNECTED,
        access_token_encrypted=crypto.encrypt(tokens["access_token"]),
        refresh_token_encrypted=crypto.encrypt(tokens["refresh_token"]),
        access_token_expires_at=now + timedelta(seconds=tokens["expires_in"]),
        refresh_token_expires_at=now + timedelta(days=100),
        connected_at=now,
    )


def companies_set_up(stack: Stack, count: int, *, prefix: str, log) -> list[dict]:
    """`count` businesses, each connected to a QuickBooks company of its own (created in the
    emulator), configured (tax codes, default item, deposit account) and with one contact
    linked to a QuickBooks customer, so that pushing its invoices needs no read.

    Set-up goes through the emulator's control API (not logged, not metered), as a company's
    existing data would be there before Plannit connects."""
    from django.test.utils import override_settings

    from accounting.models import AccountingSettings
    from accounting.sync.models import CustomerLink
    from businesses.services import business_sign_up
    from contacts.models import Contact
    from invoicing.services import ComponentInput, taxgroup_create

    def names(realm: str, entity: str) -> dict[str, str]:
        rows = stack.emulator("GET", f"/_emulator/companies/{realm}/entities/{entity}")[entity]
        return {row["Name"]: row["Id"] for row in rows if "Name" in row}

    companies = []
    clock = time.monotonic()
    # These owners never sign in: a fast hasher keeps 400 sign-ups from costing minutes.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for n in range(count):
            name = f"{prefix} {n}"
            realm = stack.emulator(
                "POST", "/_emulator/companies", {"name": name, "customers": 0, "items": 0}
            )["realm_id"]
            membership = business_sign_up(
                business_name=name,
                email=f"{prefix.lower().replace(' ', '-')}-{n}@example.com",
                password="bench-password-123",
            )
            business = membership.business
            # A Québec invoice of $30 or more with taxes needs both registration numbers.
            business.gst_hst_number, business.qst_number = "123456789RT0001", "1234567890TQ0001"
            business.save(update_fields=["gst_hst_number", "qst_number"])
            taxgroup_create(
                business=business,
                name="TPS + TVQ",
                components=[
                    ComponentInput(name="TPS", rate=Decimal("5")),
                    ComponentInput(name="TVQ", rate=Decimal("9.975")),
                ],
                is_default=True,
            )
            tokens = stack.emulator("POST", "/_emulator/tokens", {"realm_id": realm})
            connection_create(business=business, realm_id=realm, tokens=tokens, company_name=name)
            tax_codes = names(realm, "TaxCode")
            AccountingSettings.objects.create(
                business=business,
                taxable_tax_code_id=tax_codes["TPS/TVQ QC - 9,975"],
                non_taxable_tax_code_id=tax_codes["Exonéré"],
                default_item_id=names(realm, "Item")["Services"],
                deposit_account_id=names(realm, "Account")["Chèques"],
            )
            contact = Contact.objects.create(
                business=business, display_name=f"Client {n}", email=f"client{n}@example.com"
            )
            customer = stack.emulator(
                "POST",
                f"/_emulator/companies/{realm}/entities/Customer",
                {"DisplayName": contact.display_name},
            )["Customer"]
            CustomerLink.objects.create(
                business=business,
                realm_id=realm,
                contact=contact,
                qbo_id=customer["Id"],
                sync_token=customer["SyncToken"],
            )
            companies.append({"business": business, "realm_id": realm, "contact": contact})
            if (n + 1) % 100 == 0:
                log(f"{n + 1} companies set up ({time.monotonic() - clock:.0f} s)")
    return companies


def invoices_in_quickbooks(stack: Stack, realm_id: str) -> list[dict]:
    return stack.emulator("GET", f"/_emulator/companies/{realm_id}/entities/Invoice")["Invoice"]


def lost_and_duplicates(stack: Stack, invoice_ids: list[int]) -> dict:
    """Every invoice of `invoice_ids` (issued) against what its QuickBooks company holds:
    lost (absent from QuickBooks), duplicates (extra QuickBooks invoices with the DocNumber
    of another) and jobs_not_done."""
    from accounting.models import QboConnection
    from accounting.sync.models import SyncJob, SyncKind, SyncStatus
    from invoicing.models import Invoice

    expected: dict[str, set[str]] = {}
    realms = dict(QboConnection.objects.values_list("business_id", "realm_id"))
    for business_id, number in Invoice.objects.filter(pk__in=invoice_ids).values_list(
        "business_id", "number"
    ):
        expected.setdefault(realms[business_id], set()).add(number)
    lost = duplicates = 0
    for realm, numbers in expected.items():
        present = Counter(row.get("DocNumber") for row in invoices_in_quickbooks(stack, realm))
        lost += len(numbers - set(present))
        duplicates += sum(count - 1 for count in present.values() if count > 1)
    not_done = (
        SyncJob.objects.filter(kind=SyncKind.INVOICE, object_id__in=invoice_ids)
        .exclude(status=SyncStatus.DONE)
        .count()
    )
    return {"lost": lost, "duplicates": duplicates, "jobs_not_done": not_done}
