"""The request history: every exchange recorded with timings and sizes, persisted (bounded, newest
kept) so it survives a restart, subscribers told, and exported as HAR 1.2 and curl."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cio_desktop.api.client import CioClient
from cio_desktop.api.curl import to_curl
from cio_desktop.api.exchange import Exchange
from cio_desktop.api.har import write_har
from cio_desktop.api.history import RequestHistory, default_history_path
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.conftest import MakeClient, credentials_for


def _exchange(n: int, **kw: object) -> Exchange:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return Exchange(
        id=f"ex{n:04d}", workspace="W", method="GET", url=f"https://api.customer.io/v1/x/{n}",
        started_at=base + timedelta(seconds=n), status=200, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


async def test_history_survives_a_restart(
    cio_home: Path, sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    history = RequestHistory()
    client = make_client(sandbox, history=history)
    await client.track.identify("persisted", {"a": 1})
    await client.app.attributes("persisted")
    assert history.path == default_history_path()
    assert history.path.is_relative_to(cio_home)
    await history.aflush()  # the call does not wait for the disk; closing the client would flush too

    reopened = RequestHistory()
    assert reopened.load() == 2
    assert reopened.records() == history.records()
    first = reopened.records()[0]
    assert (first.method, first.status, first.operation) == ("PUT", 200, "Identify")
    assert set(first.timings) == {"connect", "tls", "first_byte", "total"}
    assert first.request_size == len('{"a": 1}')
    assert first.response_size == len(first.response_body or "") > 0
    assert oct(history.path.stat().st_mode & 0o777) == "0o600"


def test_bounded_newest_kept(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    history = RequestHistory(path, limit=5)
    for n in range(40):
        history.record(_exchange(n))
    assert [e.id for e in history.records()] == [f"ex{n:04d}" for n in range(35, 40)]
    lines = path.read_text().splitlines()
    assert len(lines) <= 5 + 20  # compacted now and then, never unbounded
    reopened = RequestHistory(path, limit=5)
    reopened.load()
    assert [e.id for e in reopened.records()] == [f"ex{n:04d}" for n in range(35, 40)]


def test_corrupt_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    history = RequestHistory(path)
    history.record(_exchange(1))
    with path.open("a") as fh:
        fh.write('{"id": "torn", "workspa\n')
    history.record(_exchange(2))
    reopened = RequestHistory(path)
    assert reopened.load() == 2
    assert [e.id for e in reopened.records()] == ["ex0001", "ex0002"]


def test_subscribe_unsubscribe_and_clear(tmp_path: Path) -> None:
    history = RequestHistory(tmp_path / "h.jsonl")
    seen: list[str] = []
    cleared: list[bool] = []
    unsubscribe = history.subscribe(lambda e: seen.append(e.id), lambda: cleared.append(True))
    history.record(_exchange(1))
    unsubscribe()
    history.record(_exchange(2))
    assert seen == ["ex0001"]
    history.clear()
    assert history.records() == []
    assert not (tmp_path / "h.jsonl").exists()
    assert cleared == []  # unsubscribed before the clear


def test_get_by_id_or_unique_prefix() -> None:
    history = RequestHistory(persist=False)
    history.add(_exchange(1))
    history.add(_exchange(12))
    assert history.get("ex0012") is not None
    assert history.get("ex00") is None  # ambiguous prefix
    assert history.get("ex001") is not None  # unique prefix
    assert history.get("ex0001") is not None


async def test_har_export_is_valid_har_1_2(
    tmp_path: Path, client: CioClient, sandbox: ThreadedSandbox
) -> None:
    await client.track.identify("har-person", {"plan": "pro"})
    await client.app.activities(WELL_KNOWN["customer_id"], limit=2)
    path = tmp_path / "out.har"
    assert write_har(client.history.records(), path) == 2  # type: ignore[union-attr]
    doc = json.loads(path.read_text())
    log = doc["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] == "cio-desktop"
    put, get = log["entries"]
    assert put["request"]["method"] == "PUT"
    assert put["request"]["postData"]["text"] == '{"plan": "pro"}'
    assert put["response"]["status"] == 200
    assert {"name": "limit", "value": "2"} in get["request"]["queryString"]
    for entry in log["entries"]:
        assert set(entry) >= {"startedDateTime", "time", "request", "response", "cache", "timings"}
        assert entry["timings"]["wait"] >= 0
        assert entry["time"] >= entry["timings"]["wait"]
        datetime.fromisoformat(entry["startedDateTime"])


async def test_curl_repeats_the_call_with_placeholders(client: CioClient, sandbox: ThreadedSandbox) -> None:
    track = await client.track.identify("curl-person", {"note": "it's"})
    app = await client.app.attributes("curl-person")
    track_curl = to_curl(track.exchange)
    assert track_curl.startswith(f"curl -X PUT {sandbox.info.track_url}/api/v1/customers/curl-person")
    assert '-u "$CIO_SITE_ID:$CIO_TRACK_API_KEY"' in track_curl
    app_curl = to_curl(app.exchange)
    assert '-H "Authorization: Bearer $CIO_APP_API_KEY"' in app_curl
    # It really works: run it with the secrets in the environment only.
    env = {
        "PATH": "/usr/bin:/bin",
        "CIO_SITE_ID": sandbox.info.site_id,
        "CIO_TRACK_API_KEY": sandbox.info.track_api_key,
        "CIO_APP_API_KEY": sandbox.info.app_api_key,
    }
    creds = credentials_for(sandbox)
    with_secret = to_curl(track.exchange, secrets=creds, site_id=sandbox.info.site_id)
    assert sandbox.info.track_api_key in with_secret  # only when the user asks for it
    assert "$CIO_TRACK_API_KEY" not in with_secret
    commands = [track_curl, to_curl(track.exchange, basic_auth_as_header=True), app_curl, with_secret]
    commands.append(to_curl(app.exchange, secrets=creds))
    for command in commands:
        proc = await asyncio.create_subprocess_exec(
            "sh",
            "-c",
            command + " -s -o /dev/null -w '%{http_code}'",
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        stdout, _ = await asyncio.wait_for(proc.communicate(), timeout=20)
        assert stdout.decode() == "200", command


async def test_huge_bodies_are_cut_in_the_history(client: CioClient) -> None:
    attributes = {f"field_{n}": "x" * 900 for n in range(100)}  # about 90 KB
    result = await client.track.identify("big-person", attributes)
    assert result.status == 200
    ex = result.exchange
    assert ex.truncated
    assert ex.request_size > 90_000
    assert len(ex.request_body or "") < 70_000
    assert (ex.request_body or "").endswith("more characters]")


async def test_an_unwritable_history_never_fails_the_call(
    tmp_path: Path, sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the history folder should be")
    history = RequestHistory(blocked / "history.jsonl")
    client = make_client(sandbox, history=history)
    result = await client.app.workspaces()
    assert result.status == 200
    assert history.records()[-1] == result.exchange
    await history.aflush()
    assert history.persist_error is not None
    assert "could not be saved" in history.persist_error


async def test_records_reach_the_file_in_batches_and_closing_the_client_flushes(
    tmp_path: Path, sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    # A call never waits for the disk: records made together are appended in one batch by one writer.
    path = tmp_path / "h.jsonl"
    history = RequestHistory(path)
    await asyncio.gather(*(history.arecord(_exchange(n)) for n in range(50)))
    assert len(history) == 50  # in memory (and told to subscribers) at once
    await history.aflush()
    assert len(path.read_text().splitlines()) == 50
    assert RequestHistory(path).load() == 50

    client = make_client(sandbox, history=history)
    await asyncio.gather(*(client.track.identify(f"batch-{n}", {"n": n}) for n in range(10)))
    await client.aclose()  # the CLI relies on this: the records of its calls are on disk afterwards
    assert RequestHistory(path).load() == 60


async def test_clear_waits_for_a_batch_being_written(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    history = RequestHistory(path)
    for n in range(5):
        await history.arecord(_exchange(n))
    await history.aclear()
    assert not path.exists()
    assert RequestHistory(path).load() == 0


async def test_a_sends_record_is_on_disk_when_the_call_returns(
    sandbox: ThreadedSandbox, make_client: MakeClient, tmp_path: Path
) -> None:
    """A process killed right after an event was delivered must still have its record (issue 14); reads
    may be appended in batches a moment later."""
    path = tmp_path / "history.jsonl"
    client = make_client(sandbox, history=RequestHistory(path))
    result = await client.track.event(WELL_KNOWN["customer_id"], "durable_check")
    on_disk = path.read_text(encoding="utf-8")  # no aflush: what a SIGKILL now would leave
    assert result.exchange.id in on_disk
