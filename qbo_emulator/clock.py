"""A clock tests can move: token and code expiry are checked against it, never against
time.time() directly, so a test expires a token with ``clock.advance(3601)``."""

from __future__ import annotations

import threading
import time


class Clock:
    def __init__(self, start: float | None = None) -> None:
        self._offset = 0.0 if start is None else start - time.time()
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += float(seconds)
        return self.now()

    def sleep(self, seconds: float) -> None:
        """Real waiting (injected latency, hangs): the wall clock has to pass for the client."""
        if seconds > 0:
            time.sleep(seconds)
