"""pytest plugin: the ``qbo_emulator`` fixture (a fresh seeded emulator behind ``responses``).

Register it with ``pytest_plugins = ["qbo_emulator.pytest_plugin"]`` in a conftest."""

from __future__ import annotations

import pytest
import responses

from .config import EmulatorSettings
from .core import Emulator
from .transport_responses import install

DEFAULT_BASE_URL = "http://qbo-emulator.test"


def configured_base_url() -> str:
    """``settings.QBO_EMULATOR_URL`` when Django is configured, else the default. Read lazily:
    this package never imports Django at module level."""
    try:
        from django.conf import settings
    except ImportError:
        return DEFAULT_BASE_URL
    if not settings.configured:
        return DEFAULT_BASE_URL
    return str(getattr(settings, "QBO_EMULATOR_URL", DEFAULT_BASE_URL)).rstrip("/")


@pytest.fixture
def qbo_emulator():
    """A fresh seeded emulator, reachable through ``requests`` at the configured base URL and at
    Intuit's host names. Webhooks are queued, not sent: use ``deliver_webhooks(target)``."""
    emulator = Emulator(settings=EmulatorSettings(webhook_delivery="manual"))
    emulator.base_url = configured_base_url()
    # The module-level mock, so a test may also call responses.add() for other URLs;
    # anything unregistered still fails loudly with ConnectionError.
    responses.start()
    try:
        install(emulator, responses.mock, [emulator.base_url])
        yield emulator
    finally:
        responses.stop()
        responses.reset()
