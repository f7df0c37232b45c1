import datetime
from decimal import Decimal

from accounting.reconcile.models import Difference
from accounting.reconcile.services import runs
from accounting.sync.models import InvoiceLink, PaymentLink
from invoicing import services as invoicing
from tests.accounting.sync.conftest import (  # noqa: F401 - fixtures
    CA_REALM,
    US_REALM,
    backlogs_sent,
    connect_business,
    enqueued,
    issue_invoice,
    make_contact,
    qbo,
    run_due,
)


def check(world, **kwargs):
    """Start (or resume) the company's books check and run it to the end."""
    run = runs.run_start(business_id=world.business.pk, realm_id=world.connection.realm_id)
    return runs.run_execute(run_id=run.pk, **kwargs)


def differences(run) -> list[tuple]:
    return [
        (d.kind, d.entity, d.repair, d.params)
        for d in Difference.objects.filter(run=run).order_by("id")
    ]


def synced_books(world, *, invoices: int = 2, paid: int = 1):
    """Invoices issued and sent, the first `paid` of them partly paid in Plannit (sent too).
    Returns ([(invoice, QBO id)], [(payment, QBO id)])."""
    contact = make_contact(world.business)
    made = [issue_invoice(world.business, contact=contact) for _ in range(invoices)]
    payments = [
        invoicing.payment_record(
            invoice=invoice,
            amount=Decimal("100.00"),
            date=datetime.date(2026, 11, 25),
            method="cheque",
            reference=f"CHQ {1040 + n}",
        )
        for n, invoice in enumerate(made[:paid])
    ]
    assert set(run_due()) == {"done"}
    return (
        [(i, InvoiceLink.objects.get(invoice=i).qbo_id) for i in made],
        [(p, PaymentLink.objects.get(payment=p).qbo_id) for p in payments],
    )
