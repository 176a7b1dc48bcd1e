"""Login throttling for the owner's console: per address, and overall.

- one address with `per_address` wrong passwords (5) within `window` (10 minutes) is
  refused (429) for `block` (10 minutes) from its last failure, whatever it sends, the
  right password included;
- all addresses together with `overall` wrong passwords (50) within `window`: every
  login attempt is refused for `block` (a guess spread over many addresses);
- only login attempts are throttled: an open session keeps working.

State is in memory (one webhook process); a restart forgets it, which costs an attacker
a restart they cannot cause. Time is a parameter (`clock`), so tests need no sleep.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass
class LoginThrottle:
    per_address: int = 5
    overall: int = 50
    window: float = 600.0
    block: float = 600.0
    clock: Clock = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _blocked_until: dict[str, float] = field(default_factory=dict, repr=False)
    _all: deque[float] = field(default_factory=deque, repr=False)
    _all_blocked_until: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def retry_after(self, address: str) -> float:
        """Seconds before `address` may try again; 0 when it may try now."""
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            wait = max(self._blocked_until.get(address, 0.0), self._all_blocked_until) - now
            return max(0.0, wait)

    def failed(self, address: str) -> None:
        """Count one wrong password from `address`."""
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            mine = self._failures.setdefault(address, deque())
            mine.append(now)
            self._all.append(now)
            if len(mine) >= self.per_address:
                self._blocked_until[address] = now + self.block
            if len(self._all) >= self.overall:
                self._all_blocked_until = now + self.block

    def succeeded(self, address: str) -> None:
        """A right password: that address's count starts again."""
        with self._lock:
            self._failures.pop(address, None)

    def _forget_old(self, now: float) -> None:
        horizon = now - self.window
        while self._all and self._all[0] < horizon:
            self._all.popleft()
        for address in list(self._failures):
            times = self._failures[address]
            while times and times[0] < horizon:
                times.popleft()
            if not times:
                del self._failures[address]
        for address, until in list(self._blocked_until.items()):
            if until <= now:
                del self._blocked_until[address]
