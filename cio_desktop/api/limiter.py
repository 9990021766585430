"""Client-side rate limit: at most ``max_calls`` App API calls per ``period_s`` per App key.

Customer.io allows 10 App API requests per second per key and answers 429 beyond that. A plain token
bucket lets a full bucket plus a refill through in one second, so this limiter is a sliding-window
bucket: a call takes the slot one period after the call ``max_calls`` places before it (plus a small
margin for network jitter). Reservations are computed without awaiting, so the limiter holds no
loop-bound objects and one instance can be shared by every client using the same key.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable


class RateLimiter:
    """Sliding-window limiter; ``await acquire()`` returns the seconds it waited."""

    def __init__(
        self,
        max_calls: int = 10,
        period_s: float = 1.0,
        *,
        margin_s: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.max_calls = max_calls
        self.period_s = period_s
        self.margin_s = margin_s
        self._clock = clock
        self._sleep = sleep
        self._slots: deque[float] = deque(maxlen=max_calls)
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take the next free slot and return how long to wait for it (0 = go now)."""
        with self._lock:
            now = self._clock()
            slot = now
            if len(self._slots) == self.max_calls:
                slot = max(now, self._slots[0] + self.period_s + self.margin_s)
            if self._slots and slot < self._slots[-1]:
                slot = self._slots[-1]
            self._slots.append(slot)
            return slot - now

    async def acquire(self) -> float:
        delay = self.reserve()
        if delay > 0:
            await self._sleep(delay)
        return delay


_registry: dict[str, RateLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for_key(key: str, *, max_calls: int = 10, period_s: float = 1.0) -> RateLimiter:
    """The shared limiter for an App API key (keyed by a hash; the key itself is not kept)."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    with _registry_lock:
        limiter = _registry.get(digest)
        if limiter is None:
            limiter = _registry[digest] = RateLimiter(max_calls, period_s)
        return limiter
