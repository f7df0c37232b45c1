"""Fixed-window counters in the shared cache (Redis in production): how many times a key was
used within the window. Used for password-reset requests, per e-mail address and per client
address (logins are counted by django-axes)."""

import hashlib
from datetime import timedelta

from django.core.cache import cache


def _cache_key(scope: str, key: str) -> str:
    # Hashed: the cache never holds an e-mail address in clear.
    return f"throttle:{scope}:{hashlib.sha256(key.strip().lower().encode()).hexdigest()}"


def throttle_allow(*, scope: str, key: str, limit: int, window: timedelta) -> bool:
    """Count one use of `key`; False when it was already used `limit` times in the window."""
    cache_key = _cache_key(scope, key)
    if cache.add(cache_key, 1, timeout=int(window.total_seconds())):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=int(window.total_seconds()))
        count = 1
    return count <= limit
