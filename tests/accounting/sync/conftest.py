import datetime
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounting import crypto
from accounting.models import AccountingSettings, ConnectionStatus, QboConnection
from accounting.sync.models import SyncJob, SyncStatus
from accounting.sync.services import push, wake
from contacts.models import Contact
from invoicing import services as invoicing
from tests.factories.catalog import ItemFactory
from tests.factories.contacts import ContactFactory
from tests.factories.invoicing import TaxGroupFactory

CA_REALM = "9130357766900456"
US_REALM = "9130357766900457"


@pytest.fixture
def enqueued(monkeypatch):
    """Jobs sent to the broker (by id), instead of a real broker."""
    sent: list[tuple[int, float | None]] = []
    monkeypatch.setattr(
        wake, "_send_task", lambda job_id, countdown=None: sent.append((job_id, countdown))
    )
    return sent


@pytest.fixture(autouse=True)
def backlogs_sent(monkeypatch):
    """Backlog tasks sent to the broker, as (business id, realm id, countdown)."""
    sent: list[tuple[int, str, float | None]] = []
    monkeypatch.setattr(
        wake,
        "_send_backlog_task",
        lambda business_id, realm_id, countdown: sent.append((business_id, realm_id, countdown)),
    )
    return sent


@dataclass
class Qbo:
    emulator: object
    business: object
    connection: QboConnection
    settings: AccountingSettings
    tax_group: object

    @property
    def company(self):
        return self.emulator.company(self.connection.realm_id)

    def invoices(self) -> list[dict]:
        return self.company.all("Invoice")

    def payments(self) -> list[dict]:
        return self.company.all("Payment")

    def customers(self) -> list[dict]:
        return self.company.all("Customer")

    def calls(self, method: str = "POST", path_part: str = "") -> list[dict]:
        return [
            entry
            for entry in self.emulator.requests_log
            if entry["method"] == method and path_part in entry["path"]
        ]


def _id_of(company, entity: str, name: str) -> str:
    return next(row["Id"] for row in company.all(entity) if row.get("Name") == name)


def connect_business(
    emulator, business, *, realm_id: str = CA_REALM, connected_at=None
) -> QboConnection:
    tokens = emulator.issue_tokens(realm_id=realm_id)
    now = timezone.now()
    return QboConnection.objects.create(
        business=business,
        realm_id=realm_id,
        company_name="Compagnie ABC",
        company_country="US" if realm_id == US_REALM else "CA",
        company_currency="USD" if realm_id == US_REALM else "CAD",
        status=ConnectionStatus.CONNECTED,
        access_token_encrypted=crypto.encrypt(tokens["access_token"]),
        refresh_token_encrypted=crypto.encrypt(tokens["refresh_token"]),
        access_token_expires_at=now + timedelta(seconds=tokens["expires_in"]),
        refresh_token_expires_at=now + timedelta(days=100),
        connected_at=connected_at or now - timedelta(minutes=1),
    )


@pytest.fixture
def qbo(qbo_emulator, business, enqueued):
    """A business connected to "Compagnie ABC" and fully configured."""
    tax_group = TaxGroupFactory(
        business=business,
        name="TPS + TVQ",
        is_default=True,
        components=[("TPS", "5"), ("TVQ", "9.975")],
    )
    connection = connect_business(qbo_emulator, business)
    company = qbo_emulator.company(CA_REALM)
    settings_row = AccountingSettings.objects.create(
        business=business,
        taxable_tax_code_id=_id_of(company, "TaxCode", "TPS/TVQ QC - 9,975"),
        non_taxable_tax_code_id=_id_of(company, "TaxCode", "Exonéré"),
        default_item_id=_id_of(company, "Item", "Services"),
        deposit_account_id=_id_of(company, "Account", "Chèques"),
    )
    return Qbo(
        emulator=qbo_emulator,
        business=business,
        connection=connection,
        settings=settings_row,
        tax_group=tax_group,
    )


def linked_item(qbo, name: str, **values):
    """An item of the business linked to the emulator's QBO item of the same name."""
    from accounting.sync.models import ItemLink

    qbo_item = next(row for row in qbo.company.all("Item") if row["Name"] == name)
    item = ItemFactory(business=qbo.business, name=name, **values)
    ItemLink.objects.create(
        business=qbo.business,
        realm_id=qbo.connection.realm_id,
        item=item,
        qbo_id=qbo_item["Id"],
        qbo_name=qbo_item["Name"],
    )
    return item, qbo_item


def make_contact(business, **values) -> Contact:
    values.setdefault("first_name", "Gabrielle")
    values.setdefault("last_name", "Lavoie")
    values.setdefault("display_name", "Gabrielle Lavoie")
    values.setdefault("email", "gabrielle.lavoie@example.com")
    return ContactFactory(business=business, **values)


def issue_invoice(business, *, contact=None, lines=None, issue_date=None):
    contact = contact or make_contact(business)
    lines = lines or [
        invoicing.LineInput(
            description="Déneigement entrée", quantity=Decimal("2"), unit_price=Decimal("75.00")
        )
    ]
    invoice = invoicing.invoice_create(
        business=business,
        contact=contact,
        issue_date=issue_date or datetime.date(2026, 11, 20),
        lines=lines,
        terms="net_30",
    )
    return invoicing.invoice_issue(invoice=invoice)


def edit_invoice(
    invoice, *, quantity: str = "3", unit_price: str = "75.00", description="Déneigement entrée"
):
    """The owner changes the invoice's one line (the contact, dates and terms stay)."""
    from invoicing.models import Invoice

    invoice = Invoice.objects.get(pk=invoice.pk)
    return invoicing.invoice_update(
        invoice=invoice,
        contact=invoice.contact,
        issue_date=invoice.issue_date,
        terms=invoice.terms,
        lines=[
            invoicing.LineInput(
                description=description,
                quantity=Decimal(quantity),
                unit_price=Decimal(unit_price),
            )
        ],
    )


def run_due(*, limit: int = 50) -> list[str]:
    """A worker draining the outbox: run every due job (and those it makes due) until none
    is left. Returns the outcomes in order."""
    outcomes = []
    for _round in range(limit):
        due = list(
            SyncJob.objects.filter(
                status__in=(SyncStatus.PENDING, SyncStatus.WAITING),
                next_attempt_at__lte=timezone.now(),
            )
            .order_by("id")
            .values_list("pk", flat=True)
        )
        ran = [push.job_run(job_id=job_id, owner="test-worker") for job_id in due]
        ran = [outcome for outcome in ran if outcome != "skipped"]
        outcomes.extend(ran)
        if not any(outcome in ("done",) for outcome in ran):
            break
    return outcomes


def make_due(job: SyncJob) -> None:
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())


__all__ = [
    "CA_REALM",
    "ItemFactory",
    "US_REALM",
    "connect_business",
    "edit_invoice",
    "issue_invoice",
    "make_contact",
    "make_due",
    "run_due",
]
