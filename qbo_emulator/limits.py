"""Intuit's throttles, per realm and app (reference §9): requests per minute, requests in
flight, batch calls per minute. The minute is ``settings.window_seconds``."""

from __future__ import annotations

import threading
from collections import deque


class Limiter:
    def __init__(self, settings, clock) -> None:
        self.settings = settings
        self.clock = clock
        self.lock = threading.Lock()
        self.windows: dict[tuple, deque] = {}
        self.in_flight: dict[tuple, int] = {}

    def reset(self) -> None:
        with self.lock:
            self.windows.clear()
            self.in_flight.clear()

    def _take(self, key: tuple, limit: int, now: float) -> float | None:
        window = self.windows.setdefault(key, deque())
        horizon = now - self.settings.window_seconds
        while window and window[0] <= horizon:
            window.popleft()
        if limit <= 0:
            return self.settings.window_seconds
        if len(window) >= limit:
            return max(0.0, window[0] + self.settings.window_seconds - now)
        window.append(now)
        return None

    def enter(self, realm: str, client_id: str, is_batch: bool) -> float | None:
        """None when the request may run (the caller must then call ``leave``); else the
        seconds until the window frees a slot."""
        now = self.clock.now()
        key = (realm, client_id)
        with self.lock:
            if self.in_flight.get(key, 0) >= self.settings.max_in_flight:
                return 1.0
            if is_batch:
                wait = self._take(key + ("batch",), self.settings.batch_per_window, now)
                if wait is not None:
                    return wait
            wait = self._take(key, self.settings.requests_per_window, now)
            if wait is not None:
                return wait
            self.in_flight[key] = self.in_flight.get(key, 0) + 1
        return None

    def leave(self, realm: str, client_id: str) -> None:
        with self.lock:
            key = (realm, client_id)
            self.in_flight[key] = max(0, self.in_flight.get(key, 0) - 1)
