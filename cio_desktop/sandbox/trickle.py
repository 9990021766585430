"""A trickle of realistic activity (``--trickle SECONDS``), so a live activity stream has something to show.

Every ``interval`` seconds (with some jitter) one fictional person does something a real integration would
send: an event, a page view, a screen view, a plan change, or an email sent to them (which is later opened
and sometimes clicked). The well-known demo person takes part now and then, so their timeline grows too.
Runs on the sandbox's event loop; the activity is recorded exactly as a Track call would record it.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

from cio_desktop.sandbox.activity import record
from cio_desktop.sandbox.demo import WELL_KNOWN, add_message
from cio_desktop.sandbox.demo_catalog import EVENTS, PAGES, PLANS, SCREENS
from cio_desktop.sandbox.state import JsonDict, Person, Workspace

WELL_KNOWN_SHARE = 0.2  # how often the well-known person is the one acting


def _pick_person(ws: Workspace, rng: random.Random) -> Person | None:
    if rng.random() < WELL_KNOWN_SHARE:
        known = ws.by_id(WELL_KNOWN["customer_id"])
        if known is not None:
            return known
    people = [p for p in ws.people.values() if p.id or p.email]
    return rng.choice(people) if people else None


def step(ws: Workspace, rng: random.Random, now: int | None = None) -> JsonDict | None:
    """Record one realistic activity at ``now`` (default: the current time); returns it."""
    person = _pick_person(ws, rng)
    if person is None:
        return None
    ts = int(time.time()) if now is None else now
    roll = rng.random()
    if roll < 0.5:
        name = rng.choice(EVENTS)
        data: JsonDict = {"source": rng.choice(("web", "ios", "android"))}
        if name == "purchase":
            data.update(order_id=f"ORD-{rng.randrange(10000, 99999)}", total=round(rng.uniform(5, 300), 2))
        return record(ws, person, "event", name=name, data=data, timestamp=ts)
    if roll < 0.72:
        page = "https://shop.example.com" + rng.choice(PAGES)
        return record(ws, person, "page", name=page, data={"referrer": ""}, timestamp=ts)
    if roll < 0.8:
        return record(ws, person, "screen", name=rng.choice(SCREENS), data={}, timestamp=ts)
    if roll < 0.88:
        old = str(person.attributes.get("plan") or rng.choice(PLANS))
        new = rng.choice([p for p in PLANS if p != old])
        person.attributes["plan"] = new
        person.timestamps["plan"] = ts
        return record(ws, person, "attribute_change", data={"plan": {"from": old, "to": new}}, timestamp=ts)
    if not person.email:
        return record(ws, person, "event", name="logged_in", data={"source": "web"}, timestamp=ts)
    opened = ts + rng.randrange(30, 600) if rng.random() < 0.6 else None
    clicked = opened + rng.randrange(5, 120) if opened and rng.random() < 0.4 else None
    message = add_message(ws, rng, person, ts, opened=opened, clicked=clicked)
    data = {"delivery_id": message["id"], "delivered": ts + 5, "opened": opened, "clicked": clicked}
    return record(
        ws, person, "sent_email", data=data, timestamp=ts, delivery_id=message["id"], delivery_type="email"
    )


async def run(
    ws: Workspace, interval: float, *, seed: int = 1, on_change: Callable[[], None] = lambda: None
) -> None:
    """Record one activity every ``interval`` seconds (±30 %) until cancelled."""
    rng = random.Random(f"trickle-{seed}-{time.time_ns()}")
    while True:
        await asyncio.sleep(interval * rng.uniform(0.7, 1.3))
        if step(ws, rng) is not None:
            on_change()
