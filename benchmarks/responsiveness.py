"""Responsiveness: how late a 1 ms Qt timer fires (p50, p99, max) while the app works.

Three workloads, each in its own child process with real widgets (offscreen):

- ``lookups``: 200 concurrent customer lookups (4 App API calls each) through the app's client, history
  on, the request inspector shown and fed live, against a sandbox process with 50–500 ms latency faults.
  The client's App rate limiter (10 calls/s, as Customer.io publishes) is lifted so all 800 calls are
  really in flight together: a harder test than the app ever meets.
- ``filter``: the inspector holding 2,000 history entries, a filter typed into its search box one
  character every 40 ms (a fast typist), then deleted again.
- ``raw``: a lookup answer of 5 MB shown in the profile view with its raw JSON tab open.

Each round measures the work, then the same length of idle time (the floor), interleaved. The
``blocking`` baselines do the same work synchronously on the UI thread (lookups with a blocking HTTP
client; the raw view filled in one go, as before it was made incremental), proving a stall is seen.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from benchmarks.common import (
    Options,
    Row,
    bench_main,
    child_env,
    median,
    python_child,
    sandbox_process,
    scratch_home,
)

LOOKUPS = 200
LATENCY = "latency=0.05-0.5"
PERSON = "demo-ada"
RAW_MB = 5
LEAD_IN_S = 0.05


# ---- the parent side ---------------------------------------------------------------------------------
def run(opts: Options) -> list[Row]:
    rounds = 1 if opts.quick else opts.runs
    quick = ["--quick"] if opts.quick else []
    rows: list[Row] = []
    with scratch_home() as home:
        env = child_env(home)
        with sandbox_process(LATENCY) as info:
            sandbox = json.dumps(info.to_json_dict())
            lookups = python_child("responsiveness", "lookups", str(rounds), sandbox, *quick, env=env).data
        rows += _rows(f"{LOOKUPS if not opts.quick else 10} concurrent lookups", lookups)
        filtering = python_child("responsiveness", "filter", str(rounds), *quick, env=env).data
        rows += _rows("inspector filter, 2,000 entries", filtering)
        raw = python_child("responsiveness", "raw", str(rounds), *quick, env=env).data
        rows += _rows(f"{RAW_MB if not opts.quick else 0.5} MB raw view", raw)
    return rows


def _rows(label: str, data: dict[str, Any]) -> list[Row]:
    ours, floor = data["ours"], data["floor"]
    n = f"median of {len(ours)} rounds"
    rows = [
        Row(f"timer lateness p50, {label}", "ms", _med(floor, "p50"), _med(ours, "p50"), "", n),
        Row(f"timer lateness p99, {label}", "ms", _med(floor, "p99"), _med(ours, "p99"), "ours<16", n),
        Row(f"timer lateness max, {label}", "ms", _med(floor, "max"), _med(ours, "max"), "ours<50", n),
    ]
    if "blocking" in data:
        blocking = data["blocking"]
        rows.append(
            Row(
                f"blocking baseline max, {label}",
                "ms",
                _med(floor, "max"),
                blocking["max"],
                "",
                "same work on the UI thread: must show a stall",
            )
        )
    return rows


def _med(stats: list[dict[str, float]], key: str) -> float:
    return median([s[key] for s in stats])


# ---- the child side ----------------------------------------------------------------------------------
async def _measured(work: Any, idle_s: float | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """Lateness during ``await work()``, then during as long an idle spell (the floor)."""
    from benchmarks.gui import LatenessProbe

    probe = LatenessProbe()
    probe.start()
    await asyncio.sleep(LEAD_IN_S)  # the timer ticks before the work starts, so a first stall counts
    start = time.perf_counter()
    await work()
    ours = probe.stop()
    spent = time.perf_counter() - start
    probe.start()
    await asyncio.sleep(LEAD_IN_S + (idle_s if idle_s is not None else spent))
    floor = probe.stop()
    return ours.as_dict(), floor.as_dict()


async def _blocking(work: Any) -> dict[str, float]:
    """Lateness while ``work()`` runs synchronously on the UI thread (then a short idle spell)."""

    async def stall() -> None:
        work()
        await asyncio.sleep(0.1)

    ours, _floor = await _measured(stall, idle_s=0.0)
    return ours


def child_lookups(rounds: int, sandbox_json: str, quick: bool) -> dict[str, Any]:
    import httpx

    from benchmarks.common import credentials_for, workspace_for
    from benchmarks.gui import qt_app, run_async
    from cio_desktop.api.client import CioClient
    from cio_desktop.api.history import RequestHistory
    from cio_desktop.api.limiter import RateLimiter
    from cio_desktop.lookup_query import IdentifierKind, LookupQuery
    from cio_desktop.operations import lookup as profiles
    from cio_desktop.operations.services import Services
    from cio_desktop.sandbox.options import SandboxInfo
    from cio_desktop.ui.panels.inspector_panel import InspectorPanel

    info = SandboxInfo.from_json_dict(json.loads(sandbox_json))
    count = 10 if quick else LOOKUPS
    qt_app()
    result: dict[str, Any] = {"ours": [], "floor": []}

    async def main() -> None:
        history = RequestHistory(limit=1000)
        panel = InspectorPanel(Services(history=history))
        panel.resize(1100, 720)
        panel.show()
        client = CioClient(workspace_for(info), credentials_for(info), history=history)
        client._engine._fixed_limiter = RateLimiter(max_calls=1_000_000, period_s=1.0)
        query = LookupQuery(PERSON, IdentifierKind.ID)

        async def work() -> None:
            await asyncio.gather(*(profiles.look_up(client, query) for _ in range(count)))

        async with client:
            await work()  # warm-up: connections, imports
            for _ in range(rounds):
                ours, floor = await _measured(work)
                result["ours"].append(ours)
                result["floor"].append(floor)
        base = info.app_url + "/v1/customers/" + PERSON
        with httpx.Client(headers={"Authorization": f"Bearer {info.app_api_key}"}) as sync:
            paths = ("/attributes", "/segments", "/activities?limit=25", "/messages?limit=25")

            def blocking_lookup() -> None:
                for path in paths[:1] if quick else paths:
                    sync.get(base + path)

            result["blocking"] = await _blocking(blocking_lookup)
        panel.close()

    run_async(main)
    return result


def child_filter(rounds: int, quick: bool) -> dict[str, Any]:
    from benchmarks.data import exchanges
    from benchmarks.gui import qt_app, run_async
    from cio_desktop.api.history import RequestHistory
    from cio_desktop.operations.services import Services
    from cio_desktop.ui.panels.inspector_panel import InspectorPanel

    qt_app()
    result: dict[str, Any] = {"ours": [], "floor": []}
    text = "person-12" if quick else "customers/person-12"

    async def main() -> None:
        history = RequestHistory(limit=2000, persist=False)
        for exchange in exchanges(2000):
            history.add(exchange)
        panel = InspectorPanel(Services(history=history))
        panel.resize(1100, 720)
        panel.show()
        await asyncio.sleep(0.2)
        edit = panel.search_edit

        async def work() -> None:
            for i in range(len(text)):
                edit.setText(text[: i + 1])
                await asyncio.sleep(0.04)
            for i in range(len(text) - 1, -1, -1):
                edit.setText(text[:i])
                await asyncio.sleep(0.04)
            await asyncio.sleep(0.1)  # let the last filter pass and paint

        for _ in range(rounds):
            ours, floor = await _measured(work)
            result["ours"].append(ours)
            result["floor"].append(floor)
        panel.close()

    run_async(main)
    return result


def big_profile(megabytes: float) -> Any:
    """A lookup answer of about ``megabytes`` MB: a person with 40 attributes holding long lists of
    records (an import gone wild), so the raw JSON is many short lines, as pretty-printed JSON is."""
    from cio_desktop.lookup_query import IdentifierKind, LookupQuery
    from cio_desktop.operations import lookup as profiles

    record = {"sku": "SKU-000000", "name": "lorem ipsum dolor", "price": 12.5, "tags": ["a", "b"]}
    per_record = 160  # bytes of pretty-printed JSON per record, about
    per_attribute = int(megabytes * 1024 * 1024 / 40 / per_record)
    attributes: dict[str, Any] = {
        f"orders_{i:02d}": [dict(record, sku=f"SKU-{i:02d}{n:04d}") for n in range(per_attribute)]
        for i in range(40)
    }
    attributes.update(id=PERSON, email="ada@example.com")
    customer = {"id": PERSON, "email": "ada@example.com", "attributes": attributes, "identifiers": {}}
    raw = {"attributes": {"customer": customer}}
    return profiles.CustomerProfile(query=LookupQuery(PERSON, IdentifierKind.ID), customer=customer, raw=raw)


def child_raw(rounds: int, quick: bool) -> dict[str, Any]:
    from benchmarks.gui import qt_app, run_async
    from cio_desktop.lookup_query import pretty_json
    from cio_desktop.ui.panels.lookup_profile_view import ProfileView

    qt_app()
    result: dict[str, Any] = {"ours": [], "floor": []}
    profile = big_profile(0.5 if quick else RAW_MB)
    view = ProfileView()
    view.resize(1100, 720)
    view.show()
    view.tabs.setCurrentIndex(view.tab_index("Raw JSON"))

    async def main() -> None:
        await asyncio.sleep(0.2)

        async def work() -> None:
            filled = asyncio.get_running_loop().create_future()
            fill = getattr(view, "_raw_fill", None)  # the view fills megabytes piece by piece
            if fill is not None:

                def done() -> None:
                    if not filled.done():
                        filled.set_result(None)

                fill.finished.connect(done)
            else:
                filled.set_result(None)
            view.show_profile(profile)
            await filled
            if fill is not None:
                fill.finished.disconnect()
            await asyncio.sleep(0.2)  # painting

        for _ in range(rounds):
            ours, floor = await _measured(work)
            result["ours"].append(ours)
            result["floor"].append(floor)
            view.raw_view.clear()

        def blocking_fill() -> None:  # what show_profile did before: all at once, coloured
            view._raw_highlighter.setDocument(view.raw_view.document())
            view.raw_view.setPlainText(pretty_json(profile.raw))

        result["blocking"] = await _blocking(blocking_fill)

    run_async(main)
    view.close()
    return result


def child_main(argv: list[str]) -> dict[str, Any]:
    kind, rounds, quick = argv[0], int(argv[1]), "--quick" in argv
    if kind == "lookups":
        return child_lookups(rounds, argv[2], quick)
    if kind == "filter":
        return child_filter(rounds, quick)
    return child_raw(rounds, quick)


if __name__ == "__main__":
    raise SystemExit(bench_main(run, __doc__, child_main))
