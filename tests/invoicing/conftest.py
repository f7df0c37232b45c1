import datetime
from decimal import Decimal

import pytest

from invoicing import services
from invoicing.services import LineInput
from tests.factories.catalog import ItemFactory
from tests.factories.contacts import ContactFactory
from tests.factories.invoicing import TaxGroupFactory

ISSUE_DATE = datetime.date(2026, 3, 2)


@pytest.fixture
def qc_group(business):
    """The Québec default: TPS 5 % + TVQ 9.975 %."""
    return TaxGroupFactory(
        business=business,
        name="TPS + TVQ",
        is_default=True,
        components=[("TPS", "5"), ("TVQ", "9.975")],
    )


@pytest.fixture
def contact(business):
    return ContactFactory(
        business=business,
        display_name="Marie Tremblay",
        address_line1="123 rue Principale",
        city="Montréal",
        postal_code="H2X 1Y4",
    )


@pytest.fixture
def item(business):
    return ItemFactory(business=business, name="Tonte", unit_price=Decimal("45.00"))


@pytest.fixture
def make_invoice(business, contact, qc_group):
    """A draft through the service; `lines` are (quantity, unit price[, taxable])."""

    def make(*, lines=(("1", "100.00"),), issue=False, **kwargs):
        invoice = services.invoice_create(
            business=kwargs.pop("business", business),
            contact=kwargs.pop("contact", contact),
            issue_date=kwargs.pop("issue_date", ISSUE_DATE),
            terms=kwargs.pop("terms", "net_30"),
            lines=[
                LineInput(
                    description=f"Ligne {n}",
                    quantity=Decimal(line[0]),
                    unit_price=Decimal(line[1]),
                    is_taxable=line[2] if len(line) > 2 else True,
                )
                for n, line in enumerate(lines, start=1)
            ],
            **kwargs,
        )
        if issue:
            invoice = services.invoice_issue(invoice=invoice)
        return invoice

    return make


@pytest.fixture
def recorded_events():
    """Subscribe a recording handler to every domain event for the test's duration."""
    from core import events

    calls = []
    handlers = {}
    for name, event in events.ALL_EVENTS.items():

        def handler(_name=name, **payload):
            calls.append((_name, payload))

        handlers[name] = handler
        event.subscribe(handler)
    yield calls
    for name, event in events.ALL_EVENTS.items():
        event.unsubscribe(handlers[name])
