import pytest

from accounting.qbo import oauth


@pytest.fixture(autouse=True)
def _fresh_discovery_cache():
    """Each test sees its own emulator: never reuse another test's discovery document."""
    oauth.clear_discovery_cache()
    yield
    oauth.clear_discovery_cache()
