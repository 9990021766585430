"""A hostile or damaged ``history.jsonl``: every bad line is skipped and counted, the good ones load, and
``history``, ``send`` and ``lookup`` keep working (attacker finding: one bad byte broke all of them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.api.exchange import Exchange
from cio_desktop.api.history import RequestHistory, default_history_path
from cio_desktop.sandbox import ThreadedSandbox
from tests.api.cli_helpers import run_cli, sandbox_workspace

GOOD = Exchange(
    id="good-1", workspace="W", method="GET", url="https://api.customer.io/v1/x",
    started_at=datetime(2026, 1, 1, tzinfo=UTC), status=200,
)  # fmt: skip


def _good_line(**changes: Any) -> bytes:
    data = GOOD.to_json_dict()
    data.update(changes)
    return json.dumps(data).encode()


#: One of each kind of bad line the attacker tried, plus more wrong-typed fields.
BAD_LINES: list[bytes] = [
    b"\xff\xfe not utf-8",
    _good_line()[:-5] + b"\x80\x81}",
    b"[1, 2, 3]",
    b'"just a string"',
    b"42",
    b"null",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b"{not json",
    _good_line(id=7),
    _good_line(url=None),
    _good_line(started_at=12345),
    _good_line(started_at="2026-01-01T00:00:00"),  # no zone: would break sorting against aware times
    _good_line(started_at="yesterday"),
    _good_line(status="200"),
    _good_line(timings=[1, 2]),
    _good_line(timings={"total": "fast"}),
    _good_line(timings={"total": {"nested": 1}}),
    _good_line(request_headers=["a"]),
    _good_line(request_headers={"a": {"b": 1}}),
    _good_line(truncated="yes"),
    _good_line(attempt=1.5),
    _good_line(request_body=["x"]),
]


def _write(path: Path, lines: list[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_each_bad_line_is_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    _write(path, [*BAD_LINES, _good_line()])
    history = RequestHistory(path)
    assert history.load() == 1
    assert history.records() == [GOOD]
    assert history.skipped_lines == len(BAD_LINES)
    print(f"history hostile lines tried: {len(BAD_LINES)}, all skipped")


@pytest.mark.parametrize("bad", BAD_LINES, ids=range(len(BAD_LINES)))
def test_record_after_a_bad_line(tmp_path: Path, bad: bytes) -> None:
    """Appending and compacting over a bad line works; the bad line is dropped by compaction."""
    path = tmp_path / "history.jsonl"
    _write(path, [bad])
    history = RequestHistory(path, limit=2)
    assert history.load() == 0
    assert history.skipped_lines == 1
    for n in range(30):
        history.record(Exchange(id=f"n{n}", workspace="W", method="GET", url="https://x/"))
    reopened = RequestHistory(path, limit=2)
    assert [e.id for e in (reopened.load(), reopened.records())[1]] == ["n28", "n29"]


def test_cli_commands_work_over_a_damaged_history(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    _write(default_history_path(), [*BAD_LINES, _good_line()])
    code, out, err = run_cli(capsys, "history", "list")
    assert code == 0, err
    assert "good-1" in out
    assert f"{len(BAD_LINES)} damaged line(s)" in err
    with sandbox_workspace(sandbox, secret_service):
        code, _, err = run_cli(capsys, "send", "Sandbox", "identify", "--customer", "hh-1", "--data", "{}")
        assert code == 0, err
        code, _, err = run_cli(capsys, "lookup", "Sandbox", "--id", "hh-1")
        assert code == 0, err
    assert "something unexpected" not in err
