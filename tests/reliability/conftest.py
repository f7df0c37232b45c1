"""The reliability tests: the gate (run only on PostgreSQL and Redis, else deselected with one
line saying why) is tests/reliability/_gate.py, registered once for the whole suite by
tests/conftest.py."""
