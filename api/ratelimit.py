"""In-memory sliding-window rate limiter, one window per client (process-local by design)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """Allows ``limit`` events per ``window_s`` seconds per key; ``limit == 0`` allows everything."""

    def __init__(
        self, limit: int, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Record one event; returns 0 when allowed, else the seconds until the next slot frees."""
        if self.limit <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window_s:
                events.popleft()
            if len(events) >= self.limit:
                return max(events[0] + self.window_s - now, 0.001)
            events.append(now)
            self._prune(now)
            return 0.0

    def _prune(self, now: float) -> None:
        # Bound memory: drop clients whose newest event has left the window.
        if len(self._events) < 10_000:
            return
        stale = [k for k, ev in self._events.items() if not ev or ev[-1] <= now - self.window_s]
        for key in stale:
            del self._events[key]
