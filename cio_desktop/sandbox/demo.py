"""Seeded demo workspace: a few hundred fictional people with attributes, segments, devices, messages
and activities, the same for the same seed, plus the fixed ``WELL_KNOWN`` people tests and the UI rely on.

Timestamps are relative to an anchor (the ``clock`` option, else the start of the current UTC day), so
the data always looks recent; everything else depends only on the seed. All emails use example domains.
"""

from __future__ import annotations

import random
import time
from typing import Any

from cio_desktop.sandbox.activity import record
from cio_desktop.sandbox.demo_catalog import (
    CITIES,
    DOMAINS,
    EVENTS,
    FIRST,
    LAST,
    PAGES,
    PLANS,
    SCREENS,
    SEGMENTS,
    SUBJECTS,
    TOPICS,
)
from cio_desktop.sandbox.state import JsonDict, Person, Workspace

DAY = 24 * 3600

#: Fixed demo data (the same for every seed). Values are strings; segment ids are numeric strings.
WELL_KNOWN: dict[str, str] = {
    "customer_id": "demo-ada",
    "email": "ada.lovelace@example.com",
    "cio_id": "a3000001",
    "first_name": "Ada",
    "device_id": "ada-iphone-token-0001",
    "shared_email": "household@example.net",
    "shared_customer_id_1": "demo-household-1",
    "shared_customer_id_2": "demo-household-2",
    "email_only_email": "grace.hopper@example.com",
    "unsubscribed_customer_id": "demo-alan",
    "missing_email": "nobody@example.invalid",
    "missing_customer_id": "no-such-person",
    "anonymous_id": "anon-demo-visitor",
    "manual_segment_id": "3",
    "segment_id": "4",
    "event_name": "purchase",
}


def credentials(seed: int, key_seed: int | None = None) -> dict[str, Any]:
    """Fake credentials: the workspace id follows ``seed``; the keys are random (from the OS) unless a
    ``key_seed`` asks for repeatable ones, so two machines' sandboxes never share keys by default."""
    seeded = key_seed is not None
    rng = random.Random(f"credentials-{key_seed}") if seeded else random.SystemRandom()
    return {
        "workspace_id": 100000 + seed % 900000,
        "site_id": f"sbx{rng.getrandbits(64):016x}"[:20],
        "track_api_key": f"{rng.getrandbits(80):020x}",
        "app_api_key": f"sbx_app_{rng.getrandbits(128):032x}",
        "pipelines_write_key": f"sbxcdp{rng.getrandbits(128):032x}",
    }


def second_key(key: str) -> str:
    """The workspace's second key of the same kind (as a real workspace can have several): the sandbox
    accepts it too, so replacing a key can be practised. Derived from the first, so nothing is stored."""
    import hashlib

    digest = hashlib.sha256(f"second-key:{key}".encode()).hexdigest()
    return f"{key.split('_')[0]}_{digest[:32]}" if key.startswith("sbx_") else digest[: len(key)]


def anchor_time(clock: int | None) -> int:
    now = int(time.time()) if clock is None else int(clock)
    return now - now % DAY if clock is None else now


def build_workspace(
    seed: int = 1, people: int = 300, clock: int | None = None, key_seed: int | None = None
) -> Workspace:
    """A fresh demo workspace: the ``WELL_KNOWN`` people first, then ``people`` random ones. The data
    follows ``seed``; the keys are random unless ``key_seed`` is given."""
    now = anchor_time(clock)
    ws = Workspace(name=f"Sandbox demo (seed {seed})", **credentials(seed, key_seed))
    ws.seed_rng(seed)
    rng = random.Random(seed)
    ws.topics = [dict(t) for t in TOPICS]
    for sid, name, desc, kind in SEGMENTS:
        created = now - 400 * DAY + sid * DAY
        ws.segments[sid] = {
            "id": sid,
            "deduplicate_id": f"{sid}:{created}",
            "name": name,
            "description": desc,
            "state": "finished",
            "progress": None,
            "type": kind,
            "tags": None,
            "created_at": created,
            "updated_at": now - sid * 3600,
        }
    _well_known(ws, rng, now)
    for n in range(people):
        _random_person(ws, rng, now, n)
    ws.event_ids.clear()
    return ws


def _add(ws: Workspace, *, id: str | None, email: str | None, created: int, **attrs: Any) -> Person:
    person = Person(cio_id=ws.new_cio_id(), id=id, email=email, created=created)
    person.attributes = {"created_at": created, **attrs}
    if email:
        person.attributes["email"] = email
    person.timestamps = {name: created for name in person.attributes}
    person.timestamps["cio_id"] = created
    person.segments.add(1)
    ws.add_person(person)
    record(ws, person, "profile_create", timestamp=created)
    return person


def add_message(
    ws: Workspace,
    rng: random.Random,
    person: Person,
    created: int,
    *,
    opened: int | None,
    clicked: int | None = None,
) -> JsonDict:
    """Append one email sent to ``person`` at ``created`` (delivered 5 s later) and return it."""
    delivery_id = ws.new_delivery_id()
    subject = rng.choice(SUBJECTS).format(plan=person.attributes.get("plan", "pro"))
    metrics: JsonDict = {"sent": created, "delivered": created + 5}
    if opened:
        metrics["opened"] = opened
    if clicked:
        metrics["clicked"] = clicked
    message: JsonDict = {
        "id": delivery_id,
        "deduplicate_id": f"{delivery_id}:{created}",
        "msg_template_id": None,
        "customer_id": person.id,
        "customer_identifiers": person.identifiers(),
        "campaign_id": rng.choice((1, 2, 3, None)),
        "action_id": rng.randrange(1, 40),
        "recipient": person.email,
        "subject": subject,
        "metrics": metrics,
        "created": created,
        "failure_message": None,
        "newsletter_id": None,
        "content_id": None,
        "broadcast_id": None,
        "type": "email",
        "forgotten": False,
        "_cio": person.cio_id,
    }
    ws.messages.append(message)
    return message


def _messages(ws: Workspace, rng: random.Random, person: Person, now: int, count: int) -> None:
    for _ in range(count):
        created = now - rng.randrange(1, 120 * DAY)
        opened = created + rng.randrange(60, 7200) if rng.random() < 0.6 else None
        delivery_id = add_message(ws, rng, person, created, opened=opened)["id"]
        if created > now - 25 * DAY:
            data = {"delivery_id": delivery_id, "delivered": created + 5, "opened": opened}
            record(
                ws,
                person,
                "sent_email",
                data=data,
                timestamp=created,
                delivery_id=delivery_id,
                delivery_type="email",
            )


def _activities(ws: Workspace, rng: random.Random, person: Person, now: int, count: int) -> None:
    for _ in range(count):
        ts = now - rng.randrange(60, 25 * DAY)
        roll = rng.random()
        if roll < 0.55:
            name = rng.choice(EVENTS)
            data: JsonDict = {"source": rng.choice(("web", "ios", "android"))}
            if name == "purchase":
                data.update(
                    order_id=f"ORD-{rng.randrange(10000, 99999)}", total=round(rng.uniform(5, 300), 2)
                )
            record(ws, person, "event", name=name, data=data, timestamp=ts)
        elif roll < 0.8:
            page = "https://shop.example.com" + rng.choice(PAGES)
            record(ws, person, "page", name=page, data={"referrer": ""}, timestamp=ts)
        elif roll < 0.9:
            record(ws, person, "screen", name=rng.choice(SCREENS), data={}, timestamp=ts)
        else:
            old, new = rng.sample(PLANS, 2)
            record(ws, person, "attribute_change", data={"plan": {"from": old, "to": new}}, timestamp=ts)


def _segments_for(person: Person, rng: random.Random) -> None:
    plan = person.attributes.get("plan")
    if plan == "trial":
        person.segments.add(2)
    if plan in ("basic", "pro", "enterprise"):
        person.segments.add(4)
    if person.topics.get("topic_1", True) and not person.unsubscribed:
        person.segments.add(5)
    if float(person.attributes.get("lifetime_value", 0)) > 1000:
        person.segments.add(6)
    if rng.random() < 0.12:
        person.segments.add(7)
    if person.devices:
        person.segments.add(8)
    if rng.random() < 0.05:
        person.segments.add(3)


def _device(rng: random.Random, token: str, now: int) -> JsonDict:
    ios = rng.random() < 0.5
    return {
        "id": token,
        "platform": "ios" if ios else "android",
        "last_used": now - rng.randrange(DAY, 20 * DAY),
        "attributes": {
            "device_os": "17.4" if ios else "14",
            "app_version": f"2.{rng.randrange(0, 9)}.0",
            "device_model": "iPhone15,2" if ios else "Pixel 8",
            "push_enabled": "true",
        },
    }


def _well_known(ws: Workspace, rng: random.Random, now: int) -> None:
    k = WELL_KNOWN
    ada = _add(
        ws,
        id=k["customer_id"],
        email=k["email"],
        created=now - 300 * DAY,
        first_name="Ada",
        last_name="Lovelace",
        plan="enterprise",
        city="London",
        country="GB",
        language="en",
        lifetime_value=4200.5,
        company="Analytical Engines Ltd",
        phone="+447700900001",
        vip=True,
    )
    ada.devices[k["device_id"]] = {
        "id": k["device_id"],
        "platform": "ios",
        "last_used": now - 3600,
        "attributes": {
            "device_os": "17.4",
            "app_version": "2.4.0",
            "device_model": "iPhone15,2",
            "push_enabled": "true",
        },
    }
    ada.segments.update({3, 4, 5, 6, 8})
    _messages(ws, rng, ada, now, 120)
    _activities(ws, rng, ada, now, 60)
    for n in (1, 2):
        p = _add(
            ws,
            id=k[f"shared_customer_id_{n}"],
            email=k["shared_email"],
            created=now - (200 - n) * DAY,
            first_name=("Sam", "Alex")[n - 1],
            last_name="Rivera",
            plan="basic",
            city="Dublin",
            country="IE",
            language="en",
        )
        _segments_for(p, rng)
        _activities(ws, rng, p, now, 5)
    grace = _add(
        ws,
        id=None,
        email=k["email_only_email"],
        created=now - 90 * DAY,
        first_name="Grace",
        last_name="Hopper",
        plan="trial",
        city="Austin",
        country="US",
        language="en",
    )
    _segments_for(grace, rng)
    _activities(ws, rng, grace, now, 4)
    alan = _add(
        ws,
        id=k["unsubscribed_customer_id"],
        email="alan.turing@example.org",
        created=now - 150 * DAY,
        first_name="Alan",
        last_name="Turing",
        plan="free",
        city="Manchester",
        country="GB",
        language="en",
    )
    alan.unsubscribed = True
    alan.attributes["unsubscribed"] = True
    alan.topics = {"topic_1": False, "topic_2": False}
    _segments_for(alan, rng)
    _messages(ws, rng, alan, now, 3)
    for n, page in enumerate(("/", "/pricing", "/products/blue-mug")):
        record(
            ws,
            None,
            "page",
            name="https://shop.example.com" + page,
            data={},
            timestamp=now - 3600 * (3 - n),
            anonymous_id=k["anonymous_id"],
        )


def _random_person(ws: Workspace, rng: random.Random, now: int, n: int) -> None:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, country, language = rng.choice(CITIES)
    handle = f"{first}.{last}".lower().replace("'", "").replace("ü", "u")
    email = f"{handle}{n}@{rng.choice(DOMAINS)}"
    created = now - rng.randrange(2 * DAY, 700 * DAY)
    attrs: JsonDict = {
        "first_name": first,
        "last_name": last,
        "plan": rng.choice(PLANS),
        "city": city,
        "country": country,
        "language": language,
        "lifetime_value": round(rng.expovariate(1 / 400), 2),
        "last_login": now - rng.randrange(0, 40 * DAY),
    }
    if rng.random() < 0.4:
        attrs["phone"] = f"+447700900{rng.randrange(100, 999)}"  # Ofcom drama range
    if rng.random() < 0.3:
        attrs["company"] = f"{last} {rng.choice(('Labs', 'GmbH', 'Studio', 'Co', 'Group'))}"
    person = _add(
        ws, id=f"cust-{n + 1:05d}", email=email if rng.random() < 0.97 else None, created=created, **attrs
    )
    if rng.random() < 0.08:
        person.unsubscribed = True
        person.attributes["unsubscribed"] = True
    if rng.random() < 0.2:
        person.topics["topic_3"] = True
    if rng.random() < 0.4:
        token = f"{rng.getrandbits(128):032x}"
        person.devices[token] = _device(rng, token, now)
    _segments_for(person, rng)
    _messages(ws, rng, person, now, rng.randrange(0, 8))
    _activities(ws, rng, person, now, rng.randrange(2, 10))
