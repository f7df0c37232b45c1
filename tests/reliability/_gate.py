"""The gate of the reliability tests (marker `reliability`): they drive the whole stack (real
Celery workers, Redis, PostgreSQL, the emulator as a process), so they run only when
DATABASE_URL points at PostgreSQL and REDIS_URL is set, as CI does. Otherwise they are
deselected at collection (not skipped) and the terminal summary says, in one line, how to
run them.

A pytest plugin: registered by the root conftest (so that the xdist controller, which
collects nothing, prints the line too) and imported by tests/reliability/conftest.py; it
acts once however many times it is registered."""

import os
from pathlib import Path

import pytest

MARKER = "reliability"
HERE = Path(__file__).resolve().parent
_DONE = pytest.StashKey[bool]()
_DESELECTED = pytest.StashKey[int]()
_PRINTED = pytest.StashKey[bool]()
HOW_TO_RUN = (
    "reliability tests deselected: they need PostgreSQL and Redis; run them with "
    "DATABASE_URL=postgres://USER@127.0.0.1:5432/NAME REDIS_URL=redis://127.0.0.1:6379/N "
    "pytest -m reliability (as CI does)"
)


def gate_open(environ=os.environ) -> bool:
    database = environ.get("DATABASE_URL", "")
    return database.startswith(("postgres://", "postgresql://")) and bool(environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config, items):
    if config.stash.get(_DONE, False):
        return
    config.stash[_DONE] = True
    if gate_open():
        return
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker(MARKER) else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
    config.stash[_DESELECTED] = len(deselected)


def _covers_this_directory(config) -> bool:
    """Whether the session's paths include tests/reliability (the xdist controller does not
    collect, so it cannot count)."""
    for arg in config.args or [str(config.rootpath)]:
        path = Path(str(arg).split("::")[0]).resolve()
        if path == HERE or path in HERE.parents or HERE in path.parents:
            return True
    return False


def pytest_terminal_summary(terminalreporter, config):
    if config.stash.get(_PRINTED, False) or gate_open():
        return
    config.stash[_PRINTED] = True
    counted = config.stash.get(_DESELECTED, None)
    if counted or (counted is None and _covers_this_directory(config)):
        terminalreporter.write_line(HOW_TO_RUN, yellow=True)
