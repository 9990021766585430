"""Drive Customer.io's official Pipelines client (``customerio-cdp-analytics``), unchanged, against a
sandbox. Run by ``test_official_pipelines_client.py`` in a child interpreter whose ``sys.path`` starts
with the client's own folder, because its ``customerio`` package would replace the Track client's.

Usage: ``python official_cdp_client.py URL WRITE_KEY MODE`` with MODE ``sync``, ``async`` or
``strict-sync`` (X-Strict-Mode: 1 on the client's HTTP session); prints one JSON line of results.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def main() -> int:
    from customerio.analytics import Client, request  # the Pipelines client, not the Track one

    url, key, mode = sys.argv[1:4]
    if mode.startswith("strict"):
        request._session.headers["X-Strict-Mode"] = "1"
    errors: list[str] = []

    def on_error(exc: Exception, batch: Any) -> None:
        errors.append(f"{exc.__class__.__name__}: {exc}")

    client = Client(
        key,
        host=url,
        sync_mode=mode.endswith("sync"),
        gzip=True,
        max_retries=0,
        on_error=on_error,
        timeout=10,
    )
    user = f"official-{mode}"
    calls = [
        lambda: client.identify(user, {"email": f"{user}@example.com", "plan": "pro", "seats": 5}),
        lambda: client.track(user, "Course Started", {"title": "Intro"}),
        lambda: client.page(user, "Docs", "Home", {"url": "https://example.com/docs"}),
        lambda: client.screen(user, "App", "Settings"),
        lambda: client.group(user, "acme", {"name": "Acme"}),
        lambda: client.track(anonymous_id=f"anon-{mode}", event="Browsed"),
        lambda: client.alias(f"anon-{mode}", user),
    ]
    for call in calls:
        try:
            call()
        except Exception as exc:  # sync mode raises APIError straight away
            errors.append(f"{exc.__class__.__name__}: {exc}")
    if not mode.endswith("sync"):
        client.flush()  # waits until the consumer thread has posted the queue
        client.join()
    print(json.dumps({"errors": errors}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
