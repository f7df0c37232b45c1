import ipaddress
import socket

import pytest

from tests.factories.businesses import BusinessFactory, MembershipFactory, UserFactory

# The reliability gate is registered here (the xdist controller collects nothing, hence never
# loads tests/reliability/conftest.py, and must print its line too).
pytest_plugins = ["qbo_emulator.pytest_plugin", "tests.reliability._gate"]

_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection
_real_getaddrinfo = socket.getaddrinfo


class NetworkBlockedError(ConnectionRefusedError):
    """Raised for any non-loopback connection in tests. An OSError, so that HTTP clients treat
    it like a real network failure (the app must show a clear error, never a 500)."""


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
            raise NetworkBlockedError(f"Test tried to reach the network: {address!r}")
        return _real_connect(sock, address)

    def guarded_create_connection(address, *args, **kwargs):
        if not _is_local(address):
            raise NetworkBlockedError(f"Test tried to reach the network: {address!r}")
        return _real_create_connection(address, *args, **kwargs)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not _is_local((host if isinstance(host, str) else "", 0)) and host not in (None, ""):
            raise socket.gaierror(socket.EAI_NONAME, f"Test tried to resolve {host!r}")
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


@pytest.fixture(autouse=True)
def _business_scoped_requests(monkeypatch):
    """Every request through the test client runs under the unscoped-query guard
    (tests/security/unscoped_queries.py): a query on a business-owned table that names no
    business fails the test."""
    from django.db import connection
    from django.test.client import ClientHandler

    from tests.security.unscoped_queries import Guard, report

    guard = Guard()
    original = ClientHandler.__call__

    def guarded(handler, environ):
        if environ.get("PATH_INFO", "").startswith("/admin/"):  # staff see every business
            return original(handler, environ)
        with connection.execute_wrapper(guard):
            return original(handler, environ)

    monkeypatch.setattr(ClientHandler, "__call__", guarded)
    yield guard
    report(guard)


@pytest.fixture(autouse=True)
def _isolated_limits(tmp_path):
    """Each test: a fresh per-company limiter and no company paused by an earlier test
    (every call to QuickBooks takes its slot there, whoever makes it)."""
    from django.core.cache import cache

    from accounting.sync import limiter

    cache.clear()
    limiter.set_limiter(limiter.FileLimiter(tmp_path / "limiter"))
    yield
    limiter.set_limiter(None)
    cache.clear()


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
