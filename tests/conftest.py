import ipaddress
import socket

import pytest

from tests.factories.businesses import BusinessFactory, MembershipFactory, UserFactory

_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # unix socket path
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """No test touches the network: outbound connections other than loopback (PostgreSQL,
    Redis, the test's own servers) fail at once. QuickBooks is the in-process emulator."""

    def guarded_connect(sock, address):
        if not _is_local(address):
            raise RuntimeError(f"Test tried to reach the network: {address!r}")
        return _real_connect(sock, address)

    def guarded_create_connection(address, *args, **kwargs):
        if not _is_local(address):
            raise RuntimeError(f"Test tried to reach the network: {address!r}")
        return _real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def business(db):
    return BusinessFactory()


@pytest.fixture
def owner(business):
    return MembershipFactory(business=business, role="owner").user


@pytest.fixture
def staff_user(business):
    return MembershipFactory(business=business, role="staff").user


@pytest.fixture
def other_business(db):
    other = BusinessFactory(name="Déneigement XYZ")
    MembershipFactory(business=other, role="owner")
    return other


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def user_factory(db):
    return UserFactory
