"""The history at scale: loading and compaction read the file backwards and stop at the limit, so a huge
file costs what the history keeps; compaction copies the newest good lines and stays correct while
another process (the CLI) appends to the same file."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cio_desktop.api import history as history_module
from cio_desktop.api.exchange import Exchange
from cio_desktop.api.history import RequestHistory


def _exchange(n: int, prefix: str = "ex") -> Exchange:
    return Exchange(
        id=f"{prefix}{n:06d}", workspace="W", method="GET", url=f"https://api.customer.io/v1/x/{n}",
        started_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=n), status=200,
    )  # fmt: skip


def _write_lines(path: Path, count: int) -> int:
    """A history file of ``count`` records written directly (as an old, uncapped file would be)."""
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            fh.write(json.dumps(_exchange(n).to_json_dict(), separators=(",", ":")) + "\n")
    path.chmod(0o600)
    return path.stat().st_size


@pytest.mark.slow
def test_loading_a_huge_file_reads_only_its_newest_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "history.jsonl"
    size = _write_lines(path, 50_000)
    read_bytes: list[int] = []
    parsed: list[bytes] = []
    real_pread, real_parse = os.pread, history_module._parse_line

    def counting_pread(fd: int, n: int, offset: int) -> bytes:  # a spy: the real read, counted
        data = real_pread(fd, n, offset)
        read_bytes.append(len(data))
        return data

    def counting_parse(line: bytes) -> Exchange | None:
        parsed.append(line)
        return real_parse(line)

    monkeypatch.setattr(history_module.os, "pread", counting_pread)
    monkeypatch.setattr(history_module, "_parse_line", counting_parse)
    history = RequestHistory(path, limit=100)
    assert history.load() == 100
    assert [e.id for e in history.records()] == [f"ex{n:06d}" for n in range(49_900, 50_000)]
    assert len(parsed) == 100  # never parses more than it keeps
    assert sum(read_bytes) < size / 100  # a few blocks from the end, not the 50,000-line file

    # The old lines are compacted away at the next append, copying bytes, not re-serialising.
    parsed.clear()
    history.record(_exchange(50_000))
    lines = path.read_bytes().splitlines()
    assert len(lines) == 100
    assert json.loads(lines[-1])["id"] == "ex050000"
    assert len(parsed) <= 101


def test_a_line_longer_than_a_read_block_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    big = dataclasses.replace(_exchange(1), response_body="x" * 300_000)  # several 64 KiB blocks
    lines = [json.dumps(e.to_json_dict()) for e in (_exchange(0), big, _exchange(2))]
    path.write_text("\n".join(lines) + "\n")  # no trailing-newline assumption either way
    history = RequestHistory(path, limit=10)
    assert history.load() == 3
    assert history.get("ex000001") is not None
    assert history.get("ex000001").response_body == "x" * 300_000  # type: ignore[union-attr]
    assert history.skipped_lines == 0


def test_compaction_skips_and_counts_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    good = [json.dumps(_exchange(n).to_json_dict()) for n in range(30)]
    path.write_text("\n".join([*good[:25], "{torn", *good[25:], "[1]"]) + "\n")
    history = RequestHistory(path, limit=20)
    history.load()
    assert history.skipped_lines == 2
    history.record(_exchange(30))  # more lines than the limit allows: compacts
    kept = [json.loads(line)["id"] for line in path.read_text().splitlines()]
    assert kept == [f"ex{n:06d}" for n in range(11, 31)]
    assert path.stat().st_mode & 0o777 == 0o600


_WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from cio_desktop.api.exchange import Exchange
from cio_desktop.api.history import RequestHistory
history = RequestHistory(Path(sys.argv[1]), limit=int(sys.argv[2]))
print("ready", flush=True)
sys.stdin.readline()
for n in range(int(sys.argv[3])):
    history.record(Exchange(id=f"cli{n:06d}", workspace="W", method="GET", url="https://x/",
                            started_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=n), status=200))
assert history.persist_error is None, history.persist_error
"""


@pytest.mark.slow
def test_compaction_under_a_concurrent_writer_process_loses_no_newer_record(tmp_path: Path) -> None:
    path, limit, count = tmp_path / "history.jsonl", 50, 600
    with subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), str(limit), str(count)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    ) as writer:  # fmt: skip
        assert writer.stdout is not None
        assert writer.stdin is not None
        assert writer.stdout.readline().strip() == "ready"
        writer.stdin.write("go\n")
        writer.stdin.flush()
        history = RequestHistory(path, limit=limit)
        for n in range(count):  # both processes append and compact the same file under the shared lock
            history.record(_exchange(n, prefix="gui"))
        assert writer.wait(timeout=120) == 0
    assert history.persist_error is None

    ids = [json.loads(line)["id"] for line in path.read_text().splitlines()]
    assert len(ids) == len(set(ids)) <= limit + max(20, limit // 5) + 1
    for prefix in ("gui", "cli"):
        mine = [int(i[3:]) for i in ids if i.startswith(prefix)]
        # Each writer's kept lines are an unbroken run ending with its last record: a compaction never
        # dropped a line appended after it had started, nor kept an old one while losing a newer one.
        assert mine == list(range(count - len(mine), count)), prefix
    reloaded = RequestHistory(path, limit=limit)
    assert reloaded.load() == limit
    assert reloaded.skipped_lines == 0
