"""Memory over a working day: 2,000 customer lookups and 2,000 event sends in one session.

One child process holds what the app holds: the request history (persisted, default limit of 1,000
records) feeding the request inspector's table, a profile view showing each looked-up person, and one
client per workspace, against a sandbox process. RSS is read after a warm-up of 20 lookups and sends (the
floor: imports, connections and caches in place) and again at the end after a garbage collection.
The App API rate limiter is lifted so the day fits in a minute.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from benchmarks.common import Options, Row, bench_main, child_env, python_child, sandbox_process, scratch_home

DAY = 2_000
WARM_UP = 20
AT_ONCE = 10


def run(opts: Options) -> list[Row]:
    count = 20 if opts.quick else DAY
    with scratch_home() as home, sandbox_process() as info:
        data = python_child("workday", str(count), json.dumps(info.to_json_dict()), env=child_env(home)).data
    return [
        Row(f"RSS after {count:,} lookups + {count:,} sends", "MB",
            data["start_mb"], data["end_mb"], "growth<20", f"{data['calls']:,} calls, start vs end"),
    ]  # fmt: skip


def child(count: int, sandbox_json: str) -> dict[str, Any]:
    import gc

    from benchmarks.common import credentials_for, current_rss_mb, workspace_for
    from benchmarks.gui import qt_app, run_async
    from cio_desktop.api.client import CioClient
    from cio_desktop.api.history import RequestHistory
    from cio_desktop.api.limiter import RateLimiter
    from cio_desktop.lookup_query import IdentifierKind, LookupQuery
    from cio_desktop.operations import lookup as profiles
    from cio_desktop.operations.services import Services
    from cio_desktop.sandbox.options import SandboxInfo
    from cio_desktop.ui.panels.inspector_panel import InspectorPanel
    from cio_desktop.ui.panels.lookup_profile_view import ProfileView

    info = SandboxInfo.from_json_dict(json.loads(sandbox_json))
    qt_app()
    out: dict[str, Any] = {}

    async def main() -> None:
        history = RequestHistory(limit=1000)
        panel = InspectorPanel(Services(history=history))
        panel.resize(1100, 720)
        panel.show()
        view = ProfileView()
        view.show()
        client = CioClient(workspace_for(info), credentials_for(info), history=history)
        client._engine._fixed_limiter = RateLimiter(max_calls=1_000_000, period_s=1.0)
        people = ["demo-ada", "demo-alan"]

        async def one(i: int) -> None:
            query = LookupQuery(people[i % len(people)], IdentifierKind.ID)
            outcome = await profiles.look_up(client, query)
            if isinstance(outcome, profiles.CustomerProfile):
                view.show_profile(outcome)
            await client.track.event(f"person-{i % 50}", "signed_up", {"plan": "pro", "n": i})

        async def batch(n: int) -> None:
            for start in range(0, n, AT_ONCE):
                await asyncio.gather(*(one(i) for i in range(start, min(n, start + AT_ONCE))))

        async with client:
            await batch(WARM_UP)
            gc.collect()
            await asyncio.sleep(0.2)
            out["start_mb"] = current_rss_mb()
            before = len(history)
            await batch(count)
            gc.collect()
            await asyncio.sleep(0.2)
            out["end_mb"] = current_rss_mb()
            out["calls"] = count * 5
            out["history_records"] = len(history) - before
        panel.close()
        view.close()

    run_async(main)
    return out


if __name__ == "__main__":
    raise SystemExit(bench_main(run, __doc__, lambda argv: child(int(argv[0]), argv[1])))
