"""Client-side rate limit: at most ``max_calls`` App API calls per ``period_s`` per App key.

Customer.io allows 10 App API requests per second per key and answers 429 beyond that, counting
requests as they *arrive*. The client cannot see arrival times, so each call holds one of ``max_calls``
places from the moment it starts until ``period_s`` after its answer came back: the server received
a call before its answer left, so any server-side window of ``period_s`` sees at most ``max_calls``
of our requests, whatever the network jitter. (A plain token bucket lets a full bucket plus a refill
through in one second and trips the server's sliding window.)

No loop-bound objects: one instance is shared by every client that uses the same key, on any loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

POLL_S = 0.02  # how often to look again while every place is held by a call still in flight


class RateLimiter:
    """``async with limiter.slot(): <one request>``; or ``await acquire()`` … ``release()``."""

    def __init__(
        self,
        max_calls: int = 10,
        period_s: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.max_calls = max_calls
        self.period_s = period_s
        self._clock = clock
        self._sleep = sleep
        self._in_flight = 0
        self._cooling: deque[float] = deque()  # when each finished call frees its place, ascending
        self._lock = threading.Lock()

    def try_acquire(self) -> float:
        """Take a place and return 0, or return how long to wait before trying again."""
        with self._lock:
            now = self._clock()
            while self._cooling and self._cooling[0] <= now:
                self._cooling.popleft()
            if self._in_flight + len(self._cooling) < self.max_calls:
                self._in_flight += 1
                return 0.0
            if self._cooling:
                return max(self._cooling[0] - now, 0.001)
            return POLL_S

    async def acquire(self) -> float:
        """Wait for a place; returns the seconds waited."""
        waited = 0.0
        while True:
            delay = self.try_acquire()
            if delay == 0.0:
                return waited
            waited += delay
            await self._sleep(delay)

    def release(self) -> None:
        """The call that held a place got its answer (or failed): the place frees ``period_s`` later."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            free_at = self._clock() + self.period_s
            if self._cooling and free_at < self._cooling[-1]:
                free_at = self._cooling[-1]
            self._cooling.append(free_at)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[float]:
        waited = await self.acquire()
        try:
            yield waited
        finally:
            self.release()


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
