"""Slowing down password guessing: failures counted per key in a sliding window.

A held key's password is refused after ``LIMIT`` wrong ones within ``WINDOW`` seconds for
the same leader, until the window has passed; an address whose logins keep failing waits
(:mod:`web.lockout`). Kept in the process's memory: a restart forgives, which is
acceptable for a brake on guessing (the lock of an account is kept in the database).
"""

import threading
import time
from collections import defaultdict, deque

LIMIT = 5
WINDOW = 300.0


class LoginThrottle:
    """Failed logins per key (user name, address) in a sliding window."""

    def __init__(self, limit: int = LIMIT, window: float = WINDOW) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def recent(self, key: str) -> int:
        """How many failures ``key`` had within the window."""
        with self._lock:
            if key not in self._failures:
                return 0
            return len(self._recent(key, time.monotonic()))

    def blocked(self, *keys: str) -> bool:
        return any(self.recent(key) >= self.limit for key in keys)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
