"""Slowing down password guessing: a name or an address that keeps failing waits.

After ``LIMIT`` failed logins within ``WINDOW`` seconds for the same user name, or from the
same address, further attempts are refused (429) until the window has passed. Kept in the
process's memory: a restart forgives, which is acceptable for a brake on guessing.
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

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(key, now)) >= self.limit for key in keys)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
