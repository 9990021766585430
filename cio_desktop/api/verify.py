"""Verify arrival: poll a person's activities until an event shows up, or give up after a timeout."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cio_desktop.api.paths import IdType

if TYPE_CHECKING:
    from cio_desktop.api.client import CioClient


def _matches(activity: Any, name: str, types: tuple[str, ...], since_s: float) -> bool:
    if not isinstance(activity, dict):
        return False
    if types and activity.get("type") not in types:
        return False
    if name and name not in (activity.get("name"), activity.get("url")):
        return False
    ts = activity.get("timestamp")
    return not isinstance(ts, int | float) or ts >= since_s


async def wait_for_activity(
    client: CioClient,
    customer_id: str,
    name: str,
    *,
    since: datetime | float,
    timeout_s: float = 30.0,
    id_type: IdType = "id",
    types: tuple[str, ...] = ("event", "page", "screen"),
    poll_s: float = 1.0,
    skew_s: float = 5.0,
) -> dict[str, Any] | None:
    """The first activity of ``types`` named ``name`` with a timestamp at or after ``since`` (less
    ``skew_s`` for clock differences), or None if none appeared within ``timeout_s``.

    Polls ``GET /v1/customers/{id}/activities?name=...`` (newest first); API errors propagate, except a 404
    (the person may not exist yet), which counts as "not yet".
    """
    from cio_desktop.api.errors import NotFoundError

    since_s = since.timestamp() if isinstance(since, datetime) else float(since)
    since_s -= skew_s
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            page = await client.app.activities(customer_id, id_type=id_type, name=name, limit=20)
        except NotFoundError:
            page = None
        items = page.data.get("activities") if page is not None and isinstance(page.data, dict) else None
        for activity in items or []:
            if _matches(activity, name, types, since_s):
                return dict(activity)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        await asyncio.sleep(min(poll_s, remaining))
