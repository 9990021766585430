"""The sandbox as a server under hostile or broken clients: bounded requests, no connection held forever.

- Request line and each header at most 8 KiB, at most 64 headers (aiohttp answers 400 past these);
  bodies at most 4 MiB after unpacking gzip (413), per API less (see ``limits.py``, ``pipelines.py``).
- A connection must deliver a complete request head within ``IDLE_TIMEOUT_S`` of opening (or of its
  previous answer): aiohttp arms its keep-alive timer at connection start and closes a connection
  whose head is still incomplete when it fires, so a slowloris client is cut off.
- A body must arrive within ``BODY_TIMEOUT_S`` (``replies.read_body``): a trickling body gets 408 and the
  connection is closed; an unread rest is drained for at most ``LINGER_S``.
- The listen backlog takes a burst of 1,000 loopback connections without refusing them.
"""

from __future__ import annotations

from typing import Any

IDLE_TIMEOUT_S = 10.0
BODY_TIMEOUT_S = 10.0
LINGER_S = 2.0
MAX_HEADERS = 64
MAX_LINE_BYTES = 8190
MAX_BODY_BYTES = 4 * 1024 * 1024
BACKLOG = 1024


def runner_args() -> dict[str, Any]:
    """Keyword arguments for ``aiohttp.web.AppRunner`` (handed on to each connection's handler)."""
    return {
        "keepalive_timeout": IDLE_TIMEOUT_S,
        "max_headers": MAX_HEADERS,
        "max_line_size": MAX_LINE_BYTES,
        "max_field_size": MAX_LINE_BYTES,
        "lingering_time": LINGER_S,
    }
