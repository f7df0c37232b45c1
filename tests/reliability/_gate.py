"""The `reliability` marker: tests that start the whole stack (the QBO emulator, Celery
workers and beat as processes) against PostgreSQL and Redis. They run when DATABASE_URL points
at PostgreSQL and REDIS_URL is set, as in CI; otherwise they are deselected at collection (not
skipped: there is nothing to skip, the services are not there) and the terminal summary says
so in one line.

Registered from tests/conftest.py (`pytest_plugins`), so that every module can use it."""

import os

import pytest

MARKER = "reliability"
REASON = "they need DATABASE_URL on PostgreSQL and REDIS_URL (as CI sets them)"
_deselected = pytest.StashKey[int]()


def gate_open() -> bool:
    database_url = os.environ.get("DATABASE_URL", "")
    return database_url.startswith(("postgres://", "postgresql://")) and bool(
        os.environ.get("REDIS_URL")
    )


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}: starts the emulator, workers and beat as processes; runs only on "
        "PostgreSQL and Redis (tests/reliability/_gate.py)",
    )


def pytest_collection_modifyitems(config, items) -> None:
    if gate_open():
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker(MARKER) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    config.stash[_deselected] = len(dropped)


def _covers_reliability(config) -> bool:
    """Under pytest-xdist the controller collects nothing: were reliability tests asked for?"""
    folder = os.path.join("tests", "reliability")
    arguments = config.args or list(config.getini("testpaths"))
    return any(
        folder.startswith(os.path.normpath(argument.split("::")[0]))
        or os.path.normpath(argument).startswith(folder)
        for argument in arguments
    )


def pytest_terminal_summary(terminalreporter, config) -> None:
    if gate_open():
        return
    count = config.stash.get(_deselected, None)
    if count:
        terminalreporter.write_line(f"{count} reliability test(s) deselected: {REASON}.")
    elif count is None and not hasattr(config, "workerinput") and _covers_reliability(config):
        terminalreporter.write_line(f"reliability tests deselected: {REASON}.")
