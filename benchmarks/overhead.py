"""Call overhead: the app's client (history persisted, redaction on) against a bare ``httpx.AsyncClient``
sending the same Track event calls to the same sandbox process, sequentially and 50 at a time.

Sequential: each call is timed alone and the two clients take turns call by call (ours, floor, ours …),
so load on a shared machine hits both alike; the figure is the median call. Concurrent: batches of 50
calls at once take turns; a batch's wall time divided by 50 is one sample.
TCP connections are counted from httpcore's ``connection.connect_tcp`` trace events: for the app's
client from its recorded timings (``connect`` > 0 only on a new connection), for the bare client with a
trace hook on an extra, untimed batch.
"""

from __future__ import annotations

import asyncio
import base64
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    Options,
    Row,
    bench_main,
    credentials_for,
    median,
    sandbox_process,
    workspace_for,
)

SEQUENTIAL = 1000
CONCURRENT = 50


def run(opts: Options) -> list[Row]:
    with sandbox_process() as info:
        data = asyncio.run(_measure(info, opts))
    seq = 20 if opts.quick else SEQUENTIAL
    return [
        Row(f"per-call time, {seq} sequential Track calls", "µs",
            median(data["seq_floor"]), median(data["seq_ours"]), "ratio<=1.1", "median call"),
        Row(f"per-call time, {CONCURRENT}-way concurrent Track calls", "µs",
            median(data["con_floor"]), median(data["con_ours"]), "ratio<=1.1",
            f"median of {len(data['con_ours'])} batches"),
        Row(f"TCP connections, {seq} sequential calls, one workspace", "",
            data["conn_floor"], data["conn_ours"], "ours<=1", ""),
    ]  # fmt: skip


async def _measure(info: Any, opts: Options) -> dict[str, Any]:
    import httpx

    from cio_desktop.api.client import CioClient
    from cio_desktop.api.history import RequestHistory
    from cio_desktop.api.transport import user_agent

    seq = 20 if opts.quick else SEQUENTIAL
    batches = 1 if opts.quick else max(10, 2 * opts.runs)
    out: dict[str, Any] = {k: [] for k in ("seq_ours", "seq_floor", "con_ours", "con_floor")}
    url = info.track_url + "/api/v1/customers/person-1/events"
    basic = base64.b64encode(f"{info.site_id}:{info.track_api_key}".encode()).decode()
    headers = {
        "Authorization": f"Basic {basic}",
        "Content-Type": "application/json",
        "User-Agent": user_agent(),
        "Accept": "application/json",
    }
    body = {"plan": "pro", "seats": 3}

    with tempfile.TemporaryDirectory(prefix="cio-bench-") as tmp:
        history = RequestHistory(Path(tmp) / "history.jsonl", limit=1000)
        ours = CioClient(workspace_for(info), credentials_for(info), history=history)
        bare = httpx.AsyncClient(
            timeout=httpx.Timeout(30.0),
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0),
        )

        async def ours_call() -> None:
            await ours.track.event("person-1", "bench", body)

        async def bare_call(extensions: dict[str, Any] | None = None) -> None:
            from cio_desktop.api.ulid import new_ulid

            content = json.dumps({"name": "bench", "id": new_ulid(), "data": body}).encode()
            response = await bare.post(url, content=content, headers=headers, extensions=extensions or {})
            response.raise_for_status()
            response.json()

        async def one(call: Any) -> float:
            start = time.perf_counter()
            await call()
            return (time.perf_counter() - start) * 1e6

        async def concurrent(call: Any) -> float:
            start = time.perf_counter()
            await asyncio.gather(*(call() for _ in range(CONCURRENT)))
            return (time.perf_counter() - start) / CONCURRENT * 1e6

        async def sequential(call: Any) -> None:
            for _ in range(seq):
                await call()

        async with ours, bare:
            for _ in range(20):  # warm-up: imports, connections, caches
                await ours_call()
                await bare_call()
            for _ in range(seq):
                out["seq_ours"].append(await one(ours_call))
                out["seq_floor"].append(await one(bare_call))
            for _ in range(batches):
                out["con_ours"].append(await concurrent(ours_call))
                out["con_floor"].append(await concurrent(bare_call))

        # Connections opened by a sequential batch on fresh clients (untimed).
        history.clear()
        ours = CioClient(workspace_for(info), credentials_for(info), history=history)
        async with ours:
            await sequential(ours_call)
        out["conn_ours"] = sum(1 for e in history.records() if e.timings.get("connect", 0) > 0)
        opened = 0

        async def trace(event: str, _info: dict[str, Any]) -> None:
            nonlocal opened
            if event == "connection.connect_tcp.started":
                opened += 1

        bare = httpx.AsyncClient(timeout=httpx.Timeout(30.0))
        async with bare:
            for _ in range(seq):
                await bare_call({"trace": trace})
        out["conn_floor"] = opened
    return out


if __name__ == "__main__":
    raise SystemExit(bench_main(run, __doc__))
