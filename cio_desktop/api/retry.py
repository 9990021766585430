"""When a failed call may be repeated, and how long to wait: 408/429/5xx and network errors only.

Only calls marked idempotent are retried (reads, PUT/DELETE, events carrying a ULID ``id``); transactional
sends (``/v1/send/*``) and broadcast triggers never are, whatever the caller says. ``Retry-After`` is
honoured; the total wait per call is capped, and a wait that would pass the cap ends the retries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
NEVER_RETRY_PREFIXES = ("/v1/send/", "/v1/campaigns/")


def never_retry(path: str) -> bool:
    """True for paths whose repetition could deliver a message twice."""
    return any(prefix in path for prefix in NEVER_RETRY_PREFIXES)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter: ``base_delay_s * 2**(n-1)``, at most ``max_delay_s`` per wait and
    ``max_total_wait_s`` per call; ``max_attempts`` counts the first try."""

    max_attempts: int = 4
    base_delay_s: float = 0.2
    max_delay_s: float = 5.0
    max_total_wait_s: float = 20.0
    statuses: frozenset[int] = field(default=RETRY_STATUSES)
    jitter: bool = True

    def retryable_status(self, status: int) -> bool:
        return status in self.statuses

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based) without a server hint."""
        delay = min(self.max_delay_s, self.base_delay_s * (2.0 ** max(0, attempt - 1)))
        if self.jitter:
            delay *= 0.5 + (rng.random() if rng is not None else random.random()) / 2
        return delay

    def next_delay(
        self, attempt: int, waited_s: float, retry_after: float | None, rng: random.Random | None = None
    ) -> float | None:
        """How long to wait before attempt ``attempt + 1``, or None to stop retrying.

        ``Retry-After`` is used as given (never shortened); if it, or the backoff, would take the call's
        total wait past ``max_total_wait_s``, the answer is None.
        """
        if attempt >= self.max_attempts:
            return None
        delay = retry_after if retry_after is not None else self.backoff(attempt, rng)
        if waited_s + delay > self.max_total_wait_s:
            return None
        return delay


NO_RETRY = RetryPolicy(max_attempts=1)
