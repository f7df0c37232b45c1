"""Every Celery task of the project that takes an id, given business B's object id in
business A's context (however the task receives its business: an id and a realm, or a row of
A's that names B's object), does nothing to B's data and sends nothing of B's anywhere. The
list of tasks comes from the Celery app's registry: a new task taking an id fails
`test_every_task_taking_an_id_is_covered` until it has a case here.

Two tasks receive no business at all, only their own row (an invitation, an invoice's
delivery): there the case shows that the e-mail carries that row's business and nothing of
another one."""

import datetime
import inspect
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounting.imports.models import ImportRun
from accounting.inbound.models import CdcCheckpoint, InboundEvent
from accounting.models import AccountingSettings
from accounting.reconcile.models import ReconcileRun, ReconcileState
from accounting.sync.models import InvoiceLink, SyncJob
from contacts.models import Contact
from invoicing import services as invoicing
from invoicing.models import InvoiceDelivery
from plannit.celery import app
from tests.accounting.sync.conftest import CA_REALM, US_REALM, connect_business
from tests.core import builders

from .ownership import business_rows

pytestmark = pytest.mark.django_db

# Every mapping chosen, so that no job stops for want of one before reaching its object.
MAPPINGS = dict.fromkeys(
    ("taxable_tax_code_id", "non_taxable_tax_code_id", "default_item_id", "deposit_account_id"),
    "2",
)


def id_taking_tasks() -> dict[str, object]:
    """The project's tasks (Celery's own left out) with a parameter that is an id."""
    app.loader.import_default_modules()
    found = {}
    for name, task in app.tasks.items():
        if name.startswith("celery."):
            continue
        parameters = inspect.signature(task.run).parameters
        if any(p.endswith(("_id", "_ids")) for p in parameters):
            found[name] = task
    return found


@pytest.fixture
def world(qbo_emulator, business, other_business, django_capture_on_commit_callbacks):
    """A connected to Compagnie ABC (CA), B to the US company, each with an issued invoice
    pushed to its own QuickBooks company."""
    from tests.factories.invoicing import TaxGroupFactory

    worlds = {}
    for key, tenant, realm in (("A", business, CA_REALM), ("B", other_business, US_REALM)):
        TaxGroupFactory(business=tenant, is_default=True, components=[("TPS", "5")])
        connection = connect_business(qbo_emulator, tenant, realm_id=realm)
        AccountingSettings.objects.create(business=tenant, **MAPPINGS)
        worlds[key] = (tenant, connection)
    return worlds


def _writes_to(emulator, realm: str) -> list[str]:
    return [
        f"{entry['method']} {entry['path']}"
        for entry in emulator.requests_log
        if entry["method"] == "POST"
        and f"/company/{realm}/" in entry["path"]
        and not entry["path"].endswith("/query")
    ]


def _reads_of(emulator, realm: str) -> int:
    return sum(1 for entry in emulator.requests_log if f"/company/{realm}/" in entry["path"])


def _b_objects(b):
    """One object of B for each kind of sync job."""
    note = builders.credit_note(b)
    return {
        "customer": builders.contact(b).pk,
        "invoice": builders.issued_invoice(b).pk,
        "payment": builders.payment(b).pk,
        "credit": note.pk,
        "creditapp": builders.credit_application(b).pk,
        "receipt": invoicing.sales_receipt_create(
            business=b,
            contact=builders.contact(b),
            issue_date=datetime.date(2026, 11, 2),
            lines=[invoicing.LineInput(description="Tonte", unit_price=Decimal("45.00"))],
        ).pk,
    }


def case_sync_job(world, emulator, task):
    (a, _), (b, _) = world["A"], world["B"]
    objects = _b_objects(b)
    SyncJob.objects.all().delete()  # B's own jobs are not what is tried here
    before = business_rows(b)
    jobs = [
        SyncJob.objects.create(
            business=a, realm_id=CA_REALM, kind=kind, operation="create", object_id=object_id
        )
        for kind, object_id in objects.items()
    ]
    for job in jobs:
        task.run(job.pk)
    assert business_rows(b) == before
    assert _writes_to(emulator, CA_REALM) == []
    assert _writes_to(emulator, US_REALM) == []
    # to A's engine each of these objects is missing (deleted): nothing to send, done
    assert sorted(SyncJob.objects.filter(business=a).values_list("kind", "status")) == sorted(
        (kind, "done") for kind in objects
    )
    assert [table for table, rows in business_rows(a).items() if "link" in table and rows] == []


def case_sync_backlog(world, emulator, task):
    (a, _), (b, _) = world["A"], world["B"]
    invoice = builders.issued_invoice(b)
    assert SyncJob.objects.filter(business=b, object_id=invoice.pk).count() == 1
    before = business_rows(b)
    task.run(a.pk, US_REALM)
    assert business_rows(b) == before
    assert _writes_to(emulator, US_REALM) == []


def case_inbound_events(world, emulator, task):
    (a, _), (b, _) = world["A"], world["B"]
    invoice = builders.issued_invoice(b)
    InvoiceLink.objects.create(business=b, realm_id=US_REALM, invoice=invoice, qbo_id="130")
    before = business_rows(b)
    # A's company announces that its invoice 130 was voided, and a payment on it
    events = [
        InboundEvent.objects.create(
            key=f"k{n}",
            realm_id=CA_REALM,
            entity=entity,
            entity_id=entity_id,
            operation=operation,
            occurred_at=timezone.now(),
        )
        for n, (entity, entity_id, operation) in enumerate(
            [("Invoice", "130", "Void"), ("Invoice", "130", "Delete"), ("Payment", "1", "Create")]
        )
    ]
    task.run([event.pk for event in events])
    assert business_rows(b) == before
    assert set(InboundEvent.objects.values_list("business_id", flat=True)) <= {a.pk, None}
    assert _reads_of(emulator, US_REALM) == 0


def case_inbound_cdc(world, emulator, task):
    (a, _), (b, _) = world["A"], world["B"]
    CdcCheckpoint.objects.create(business=b, realm_id=US_REALM, changed_since=timezone.now())
    before = business_rows(b)
    assert task.run(a.pk, US_REALM) == {"read": 0, "applied": 0, "failed": 0}
    assert business_rows(b) == before
    assert _reads_of(emulator, US_REALM) == 0


def case_import_run(world, emulator, task):
    (a, _), (b, _) = world["A"], world["B"]
    us_names = {row["DisplayName"] for row in emulator.company(US_REALM).all("Customer")}
    before = business_rows(b)
    run = ImportRun.objects.create(business=a, kind="contacts", realm_id=US_REALM)
    task.run(run.pk)
    assert business_rows(b) == before
    assert _reads_of(emulator, US_REALM) == 0
    imported = set(Contact.objects.filter(business=a).values_list("display_name", flat=True))
    assert imported & us_names == set()
    run.refresh_from_db()
    assert (run.status, run.error_message) == (
        "failed",
        "This import was started for another QuickBooks company than the one connected now: "
        "start it again.",
    )


def case_reconcile_run(world, emulator, task):
    (a, _), (b, _) = world["A"], world["B"]
    builders.issued_invoice(b)
    ReconcileState.objects.create(business=b, realm_id=US_REALM)
    before = business_rows(b)
    run = ReconcileRun.objects.create(
        business=a, realm_id=US_REALM, trigger="owner", status="running"
    )
    task.run(run.pk)
    assert business_rows(b) == before
    assert _reads_of(emulator, US_REALM) == 0
    assert ReconcileRun.objects.get(pk=run.pk).differences.count() == 0


def case_invoice_delivery(world, emulator, task):
    (a, _), (b, _) = world["A"], world["B"]
    invoice = builders.issued_invoice(b)
    delivery = InvoiceDelivery.objects.create(
        business=b,
        invoice=invoice,
        recipients=["temoin@example.com"],
        subject=f"Facture {invoice.number}",
        language="fr-ca",
    )
    before = business_rows(a)
    task.run(delivery.pk)
    assert business_rows(a) == before
    assert [message.to for message in mail.outbox] == [["temoin@example.com"]]
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert a.name not in text and b.invoice_name in text


def case_invitation(world, emulator, task):
    (a, _), (b, _) = world["A"], world["B"]
    invitation = builders.invitation(b)
    before = business_rows(a)
    task.run(invitation.pk, "https://plannit.example")
    assert business_rows(a) == before
    assert [message.to for message in mail.outbox] == [[invitation.email]]
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert a.name not in text and b.invoice_name in text


CASES = {
    "accounting_sync.run_job": case_sync_job,
    "accounting_sync.run_backlog": case_sync_backlog,
    "accounting_inbound.apply_events": case_inbound_events,
    "accounting_inbound.cdc_run": case_inbound_cdc,
    "accounting_imports.run": case_import_run,
    "accounting_reconcile.run": case_reconcile_run,
    "invoicing.tasks.invoice_delivery_send": case_invoice_delivery,
    "businesses.tasks.invitation_send": case_invitation,
}


def test_every_task_taking_an_id_is_covered():
    assert sorted(id_taking_tasks()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_another_business_object_is_left_alone(name, world, qbo_emulator, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    CASES[name](world, qbo_emulator, id_taking_tasks()[name])
