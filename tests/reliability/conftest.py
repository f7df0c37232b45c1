"""The reliability tests: the gate (run only on PostgreSQL and Redis, else deselected with one
line saying how to run them) is tests/reliability/_gate.py, shared by every module here."""

from ._gate import pytest_collection_modifyitems, pytest_terminal_summary  # noqa: F401
