"""Intuit's throttles (reference §9, §15): per realm and app, requests per minute, requests in
flight and batch calls per minute; per realm across apps, batch calls per minute and, for a
sandbox, requests per second. The minute is ``settings.window_seconds``."""

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

    def _free(self, key: tuple, limit: int, now: float, span: float) -> float | None:
        """None when the window ``key`` has room; else the seconds until it has."""
        window = self.windows.setdefault(key, deque())
        while window and window[0] <= now - span:
            window.popleft()
        if limit <= 0:
            return span
        if len(window) >= limit:
            return max(0.0, window[0] + span - now)
        return None

    def enter(self, realm: str, client_id: str, is_batch: bool) -> float | None:
        """None when the request may run (the caller must then call ``leave``); else the
        seconds until the windows free a slot. A refused request takes no slot anywhere."""
        settings = self.settings
        now = self.clock.now()
        key = (realm, client_id)
        minute = settings.window_seconds
        windows = [(key, settings.requests_per_window, minute)]
        if is_batch:
            windows.append((key + ("batch",), settings.batch_per_window, minute))
            windows.append(((realm, "*", "batch"), settings.batch_per_window_per_company, minute))
        if settings.sandbox:
            windows.append(((realm, "*", "second"), settings.sandbox_requests_per_second, 1.0))
        with self.lock:
            if self.in_flight.get(key, 0) >= settings.max_in_flight:
                return 1.0
            for window_key, limit, span in windows:
                wait = self._free(window_key, limit, now, span)
                if wait is not None:
                    return wait
            for window_key, _limit, _span in windows:
                self.windows[window_key].append(now)
            self.in_flight[key] = self.in_flight.get(key, 0) + 1
        return None

    def leave(self, realm: str, client_id: str) -> None:
        with self.lock:
            key = (realm, client_id)
            self.in_flight[key] = max(0, self.in_flight.get(key, 0) - 1)
