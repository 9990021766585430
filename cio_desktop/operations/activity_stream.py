"""The live activity stream: polls the App API's workspace-wide activity log and hands over what is new.

``GET /v1/activities`` answers newest first. Each poll reads the first page and, while every item on it is
new, follows ``next`` (a few pages at most) until it meets an activity it has already seen. The pace stays
far inside the App API's limit of 10 requests a second per key: one poll every ``interval_s`` (5 s by
default, at most 1 + ``max_catch_up_pages`` requests a poll). A 429 doubles the interval (up to a minute)
and honours ``Retry-After``; calm answers bring it back. ``pause()``/``resume()`` stop and restart polling
(the panel pauses while hidden or minimised). No Qt; the panel subscribes through callbacks.

The ceiling holds whatever the caller does: the interval is never below ``min_interval_s`` (so that even a
poll of ``max_pages`` requests uses at most a quarter of the limit), and ``poll_now`` cannot start polls
closer together than that.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cio_desktop.api.core import background_calls
from cio_desktop.api.errors import ApiError, RateLimitedError

APP_LIMIT_PER_S = 10
MAX_INTERVAL_S = 60.0
LIMIT_SHARE = 0.25  # the stream may use at most this share of the App API's limit, in its worst second


class ActivityReader(Protocol):
    """What the stream needs from a client's App API (``CioClient.app``)."""

    def workspace_activities(
        self, *, start: str | None = None, limit: int | None = None
    ) -> Awaitable[Any]: ...


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """What the panel shows next to the pause button."""

    running: bool
    interval_s: float
    requests: int
    error: str | None = None

    @property
    def pace_text(self) -> str:
        if not self.running:
            return "Paused"
        per_min = 60 / self.interval_s
        return (
            f"Checking every {self.interval_s:g} s (about {per_min:.0f} requests a minute; "
            f"the App API allows {APP_LIMIT_PER_S} a second)"
        )


class ActivityStream:
    """Polls one client's workspace activity; ``on_items`` gets new activities, oldest first."""

    def __init__(
        self,
        app: ActivityReader,
        on_items: Callable[[list[dict[str, Any]]], None],
        on_status: Callable[[StreamStatus], None] = lambda _s: None,
        *,
        interval_s: float = 5.0,
        page_size: int = 50,
        max_catch_up_pages: int = 2,
    ) -> None:
        self._app = app
        self._on_items = on_items
        self._on_status = on_status
        self._page_size = page_size
        self._max_pages = 1 + max_catch_up_pages
        self.min_interval_s = self._max_pages / (APP_LIMIT_PER_S * LIMIT_SHARE)
        self.base_interval_s = max(interval_s, self.min_interval_s)
        self.interval_s = self.base_interval_s
        self._last_poll = -float("inf")  # monotonic start of the last poll by the loop
        self._seen: deque[str] = deque(maxlen=5000)
        self._seen_set: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.requests = 0
        self.error: str | None = None

    # ---- control ----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def resume(self) -> None:
        """Start polling now (the first poll fills the list with the newest page)."""
        if not self.running:
            self._task = asyncio.ensure_future(self._run())
        self._status()

    async def pause(self) -> None:
        """Stop polling; a call in flight is cancelled."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._status()

    def poll_now(self) -> None:
        """Skip the rest of the current wait."""
        self._wake.set()

    # ---- polling ----------------------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            # Never closer than min_interval_s, even after poll_now or a resume right after a pause.
            gap = self._last_poll + self.min_interval_s - time.monotonic()
            if gap > 0:
                await asyncio.sleep(gap)
            self._last_poll = time.monotonic()
            await self.poll_once()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval_s)

    async def poll_once(self) -> list[dict[str, Any]]:
        """One poll: read pages until an activity already seen; hand over the new ones (oldest first)."""
        fresh: list[dict[str, Any]] = []
        start: str | None = None
        try:
            for _ in range(self._max_pages):
                self.requests += 1
                with background_calls():  # a poll is kept in the request history only when it fails
                    result = await self._app.workspace_activities(start=start, limit=self._page_size)
                items = [a for a in (result.get("activities") or []) if isinstance(a, dict)]
                new = []
                for item in items:
                    key = str(item.get("id") or "")
                    if key and key in self._seen_set:
                        break
                    new.append(item)
                fresh.extend(new)
                cursor = result.get("next")
                if len(new) < len(items) or not cursor or not self._seen:
                    break  # met a known activity, reached the end, or the first fill (newest page only)
                start = str(cursor)
        except RateLimitedError as exc:
            self.interval_s = min(MAX_INTERVAL_S, max(self.interval_s * 2, exc.retry_after or 0))
            self.error = f"Customer.io asked to slow down (429): now checking every {self.interval_s:g} s."
            self._status()
            return []
        except ApiError as exc:
            self.error = exc.message
            self._status()
            return []
        self.interval_s = max(self.base_interval_s, self.interval_s * 0.75)  # calm: drift back
        self.error = None
        for item in fresh:
            key = str(item.get("id") or "")
            if key:
                if len(self._seen) == self._seen.maxlen:
                    self._seen_set.discard(self._seen[0])
                self._seen.append(key)
                self._seen_set.add(key)
        fresh.reverse()
        if fresh:
            self._on_items(fresh)
        self._status()
        return fresh

    def _status(self) -> None:
        self._on_status(StreamStatus(self.running, self.interval_s, self.requests, self.error))
