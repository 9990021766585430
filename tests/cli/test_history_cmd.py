"""``cio-desktop history list|show|export|clear``: the history the other commands recorded, redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from tests.api.cli_helpers import run_cli, sandbox_workspace, secret_forms


@pytest.fixture
def recorded(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> ThreadedSandbox:
    """A sandbox workspace with three recorded requests: region lookup, identify, and a lookup of a missing
    person (its attributes: 404, so the other sections are not asked for)."""
    with sandbox_workspace(sandbox, secret_service):
        assert (
            run_cli(capsys, "send", "Sandbox", "identify", "--customer", "h-1", "--data", '{"a": 1}')[0] == 0
        )
        assert run_cli(capsys, "lookup", "Sandbox", "--id", "nobody-at-all")[0] == 1
    return sandbox


def test_list_shows_what_happened(capsys: pytest.CaptureFixture[str], recorded: ThreadedSandbox) -> None:
    code, out, _ = run_cli(capsys, "history", "list")
    assert code == 0
    lines = out.strip().splitlines()
    assert any(" PUT " in line and "/api/v1/customers/h-1" in line and " 200 " in line for line in lines)
    assert any(" 404 " in line and "nobody-at-all" in line for line in lines)
    code, out, _ = run_cli(capsys, "history", "list", "--json", "--limit", "2")
    items = json.loads(out)
    assert len(items) == 2
    assert {"id", "method", "url", "status", "total_ms", "workspace"} <= set(items[0])


def test_show_and_curl(capsys: pytest.CaptureFixture[str], recorded: ThreadedSandbox) -> None:
    _, out, _ = run_cli(capsys, "history", "list", "--json")
    put = next(i for i in json.loads(out) if i["method"] == "PUT")
    code, out, _ = run_cli(capsys, "history", "show", put["id"])
    assert code == 0
    assert "authorization: Basic [REDACTED]" in out
    assert '{"a": 1}' in out
    assert "Timings (ms): connect" in out
    code, out, _ = run_cli(capsys, "history", "show", put["id"][:20], "--curl")
    assert code == 0
    assert '-u "$CIO_SITE_ID:$CIO_TRACK_API_KEY"' in out
    code, out, _ = run_cli(capsys, "history", "show", put["id"], "--json")
    assert json.loads(out)["status"] == 200


def test_show_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "history", "show", "NOPE")
    assert code == 1
    assert "history list" in err


def test_export_har_and_clear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], recorded: ThreadedSandbox
) -> None:
    target = tmp_path / "session.har"
    code, out, _ = run_cli(capsys, "history", "export", "--har", str(target))
    assert code == 0
    assert "Wrote 3 request(s)" in out
    har = json.loads(target.read_text())
    assert har["log"]["version"] == "1.2"
    assert len(har["log"]["entries"]) == 3
    text = target.read_text()
    assert not any(s in text for s in secret_forms(recorded))
    code, out, _ = run_cli(capsys, "history", "clear")
    assert "Forgot 3" in out
    _, out, _ = run_cli(capsys, "history", "list")
    assert "No requests recorded yet." in out


def test_nothing_secret_in_any_output(
    capsys: pytest.CaptureFixture[str], recorded: ThreadedSandbox, cio_home: Path
) -> None:
    outputs = []
    _, out, _ = run_cli(capsys, "history", "list", "--json")
    outputs.append(out)
    for item in json.loads(out):
        for extra in ((), ("--json",), ("--curl",)):
            outputs.append("".join(run_cli(capsys, "history", "show", item["id"], *extra)[1:]))
    files = b"".join(p.read_bytes() for p in cio_home.rglob("*") if p.is_file())
    for secret in secret_forms(recorded):
        assert all(secret not in o for o in outputs)
        assert secret.encode() not in files
