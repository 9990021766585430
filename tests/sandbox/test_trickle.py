"""The sandbox's trickle of realistic activity (``--trickle SECONDS``): what one step records, that a
running sandbox with the option keeps adding activity the App API shows, and the option's CLI spelling."""

from __future__ import annotations

import random
import time
from collections import Counter

from cio_desktop.sandbox import SandboxOptions
from cio_desktop.sandbox.demo import WELL_KNOWN, build_workspace
from cio_desktop.sandbox.process import sandbox_command
from cio_desktop.sandbox.trickle import step
from tests.fixtures.sandbox import MakeSandbox
from tests.sandbox.helpers import Api


def test_steps_record_a_realistic_mix_for_real_people() -> None:
    ws = build_workspace(seed=1, people=20)
    before = len(ws.activities)
    rng = random.Random(7)
    made = [step(ws, rng, now=1_800_000_000 + n) for n in range(300)]
    assert all(a is not None for a in made)
    kinds = Counter(a["type"] for a in made if a)
    assert {"event", "page", "screen", "attribute_change", "sent_email"} <= set(kinds)
    assert len(ws.activities) == before + 300
    assert all(a and a["_cio"] in ws.people for a in made)  # every one belongs to a person who exists
    ada = ws.by_id(WELL_KNOWN["customer_id"])
    assert ada is not None
    assert any(a and a["_cio"] == ada.cio_id for a in made)  # her timeline grows
    sent = [a for a in made if a and a["type"] == "sent_email"]
    ids = {m["id"] for m in ws.messages}
    assert all(a["delivery_id"] in ids for a in sent)  # each email is a message in the person's list


def test_a_running_sandbox_with_a_trickle_keeps_adding_activity(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(trickle=0.02, rate_limit=None, people=10)
    api = Api(sb)
    try:
        first = api.app("GET", "/v1/activities", params={"limit": 1}).json()["activities"][0]["id"]
        deadline = time.monotonic() + 30
        newest = first
        while newest == first and time.monotonic() < deadline:  # polls until something new arrived
            newest = api.app("GET", "/v1/activities", params={"limit": 1}).json()["activities"][0]["id"]
        assert newest != first
    finally:
        api.close()


def test_the_child_process_gets_the_option() -> None:
    cmd = sandbox_command(SandboxOptions(trickle=4))
    assert cmd[cmd.index("--trickle") + 1] == "4"
    assert "--trickle" not in sandbox_command(SandboxOptions())
