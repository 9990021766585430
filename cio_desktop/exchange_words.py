"""Plain words about recorded calls that the inspector shows: timings that say what happened, retry chains.

No Qt. A call that never connected has no connection time and no waiting time; saying "0 ms (connection
reused)" and "Waiting for the answer: 3 ms" for it misleads (issue 12). Retries of one call are recorded as
separate exchanges (``attempt`` 1, 2, ...); ``retry_key`` ties them together so the inspector shows one row.
"""

from __future__ import annotations

from cio_desktop.api.exchange import Exchange

TIMING_KEYS = ("connect", "tls", "first_byte", "total")


def timing_text(exchange: Exchange, key: str) -> tuple[float, str]:
    """(milliseconds for the bar, words for it) for timing ``key`` of ``exchange``."""
    ms = float(exchange.timings.get(key, 0.0))
    answered = exchange.status is not None
    if key == "total":
        return ms, f"{ms:.0f} ms" + ("" if answered else " until it gave up")
    if key == "tls" and exchange.url.startswith("http://"):
        return 0.0, "not used: plain HTTP"
    if not answered:
        if key == "first_byte":
            return 0.0, "no answer came"
        return (ms, f"{ms:.0f} ms") if ms > 0 else (0.0, "no connection was made")
    if key in ("connect", "tls") and ms == 0:
        return 0.0, "0 ms (connection reused)"
    return ms, f"{ms:.0f} ms"


def retry_key(exchange: Exchange) -> tuple[str, str, str, str]:
    """What retries of one call share: workspace, operation, method and URL."""
    return (exchange.workspace, exchange.operation, exchange.method, exchange.url)


def tries_note(exchange: Exchange) -> str:
    """`` (4 tries)`` for the last of several attempts, else empty."""
    return f" ({exchange.attempt} tries)" if exchange.attempt > 1 else ""
