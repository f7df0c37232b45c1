"""The reliability gate: open on PostgreSQL with Redis only."""

import pytest

from tests.reliability import _gate


@pytest.mark.parametrize(
    ("database_url", "redis_url", "expected"),
    [
        ("postgres://postgres@127.0.0.1:5432/test", "redis://127.0.0.1:6379/0", True),
        ("postgresql://postgres@127.0.0.1:5432/test", "redis://127.0.0.1:6379/0", True),
        ("postgres://postgres@127.0.0.1:5432/test", "", False),
        ("sqlite:///var/plannit.sqlite3", "redis://127.0.0.1:6379/0", False),
        ("", "", False),
    ],
)
def test_gate_opens_on_postgresql_with_redis_only(monkeypatch, database_url, redis_url, expected):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert _gate.gate_open() is expected


class _Item:
    def __init__(self, marked: bool) -> None:
        self.marked = marked

    def get_closest_marker(self, name):
        return name if self.marked and name == _gate.MARKER else None


class _Config:
    def __init__(self) -> None:
        self.stash = {}
        self.deselected = []
        self.hook = self

    def pytest_deselected(self, *, items):
        self.deselected += items


def test_closed_gate_deselects_the_marked_tests_and_counts_them(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = _Config()
    marked, plain = _Item(True), _Item(False)
    items = [plain, marked]

    _gate.pytest_collection_modifyitems(config, items)

    assert items == [plain]
    assert config.deselected == [marked]
    assert list(config.stash.values()) == [1]
