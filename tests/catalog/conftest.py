import pytest

from core import events
from invoicing.models import TaxComponent, TaxGroup


@pytest.fixture
def item_events():
    """Records every item_changed sent while the test runs: [(item pk, item name), ...]."""
    received = []

    def handler(*, item):
        received.append((item.pk, item.name))

    events.item_changed.subscribe(handler)
    yield received
    events.item_changed.unsubscribe(handler)


@pytest.fixture
def make_tax_group():
    def make(*, business, name="TPS + TVQ", is_active=True):
        group = TaxGroup.objects.create(business=business, name=name, is_active=is_active)
        TaxComponent.objects.create(tax_group=group, name="TPS", rate="5.000", position=0)
        TaxComponent.objects.create(tax_group=group, name="TVQ", rate="9.975", position=1)
        return group

    return make
