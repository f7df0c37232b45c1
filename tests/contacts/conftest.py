import pytest

from core import events
from tests.factories.contacts import ContactFactory, TagFactory


@pytest.fixture
def contact_factory(db):
    return ContactFactory


@pytest.fixture
def tag_factory(db):
    return TagFactory


@pytest.fixture
def contact_events():
    """Records every contact_changed event as the contact's (id, display name, active)."""
    received = []

    def handler(*, contact):
        received.append((contact.pk, contact.display_name, contact.is_active))

    events.contact_changed.subscribe(handler)
    yield received
    events.contact_changed.unsubscribe(handler)
