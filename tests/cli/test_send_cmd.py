"""``cio-desktop send NAME KIND``: sends through the sandbox, prints the redacted request, the status and
the response, and ``--verify`` waits for the event to show up in the person's activities."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from tests.api.cli_helpers import run_cli, sandbox_workspace, secret_forms


def test_identify_prints_the_request_and_answer(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        code, out, err = run_cli(
            capsys, "send", "Sandbox", "identify", "--customer", "cli-1", "--data", '{"plan": "pro"}'
        )
    assert code == 0, err
    assert f"Request:  PUT {sandbox.info.track_url}/api/v1/customers/cli-1" in out
    assert '{"plan": "pro"}' in out
    assert "Status:   200" in out
    assert "Response: {}" in out
    assert sandbox.inspect(lambda ws: ws.by_id("cli-1").attributes["plan"]) == "pro"
    assert not any(s in out + err for s in secret_forms(sandbox))


def test_event_with_verify(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        code, out, err = run_cli(
            capsys, "send", "Sandbox", "event", "--customer", "cli-2", "--name", "trial started",
            "--data", '{"days": 14}', "--verify", "--timeout", "10",
        )  # fmt: skip
    assert code == 0, err
    assert "Arrived: it is in the person's activities" in out
    body = json.loads(out.split("\n")[1])
    assert body["name"] == "trial started"
    assert len(body["id"]) == 26  # a ULID


def test_page_and_screen_json(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        argv = ["send", "Sandbox", "page", "--customer", "cli-3", "--name", "https://example.com/a"]
        code, out, _ = run_cli(capsys, *argv, "--json", "--verify")
        assert code == 0
        doc = json.loads(out)
        assert doc["verified"] is True
        assert doc["status"] == 200
        assert json.loads(doc["request"]["body"])["type"] == "page"
        code, out, _ = run_cli(
            capsys, "send", "Sandbox", "screen", "--customer", "cli-3", "--name", "Home", "--json"
        )
    assert json.loads(json.loads(out)["request"]["body"])["type"] == "screen"


def test_anonymous_and_batch_from_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    ops = tmp_path / "ops.json"
    ops.write_text(json.dumps({"batch": [
        {"type": "person", "action": "identify", "identifiers": {"id": "b-1"}, "attributes": {"x": "1"}},
        {"type": "person", "action": "event", "identifiers": {"id": "b-1"}, "name": "batched"},
    ]}))  # fmt: skip
    with sandbox_workspace(sandbox, secret_service):
        code, out, _ = run_cli(
            capsys, "send", "Sandbox", "anonymous", "--name", "visited", "--anonymous-id", "anon-9"
        )
        assert code == 0
        assert '"anonymous_id": "anon-9"' in out
        code, out, _ = run_cli(capsys, "send", "Sandbox", "batch", "--data-file", str(ops))
    assert code == 0
    assert "/api/v2/batch" in out
    assert sandbox.inspect(lambda ws: ws.by_id("b-1") is not None)


def test_partial_batch_names_the_bad_item(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    data = json.dumps([
        {"type": "person", "action": "identify", "identifiers": {"id": "ok"}, "attributes": {}},
        {"type": "person", "action": "identify", "identifiers": {}, "attributes": {}},
    ])  # fmt: skip
    with sandbox_workspace(sandbox, secret_service):
        code, _, err = run_cli(capsys, "send", "Sandbox", "batch", "--data", data)
    assert code == 1
    assert "Some operations in the batch were rejected" in err
    assert "item 1:" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("event", "--name", "x"), "needs --customer"),
        (("event", "--customer", "c"), "needs --name (the event name)"),
        (("identify", "--customer", "c", "--data", "{nope"), "--data is not valid JSON"),
        (("identify", "--customer", "c", "--data", "[1]"), "--data must be a JSON object"),
        (("identify", "--customer", "c", "--verify"), "--verify works with event, page and screen"),
        (("batch",), "needs --data or --data-file"),
    ],
)
def test_usage_problems_are_explained(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run_cli(capsys, "send", "Sandbox", *argv)
    assert code == 1
    assert out == ""
    assert message in err


def test_verify_timeout_fails(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    sandbox.set_faults(["status=404@/v1/customers"])  # the activities never show the event
    with sandbox_workspace(sandbox, secret_service):
        code, out, _ = run_cli(
            capsys,
            "send",
            "Sandbox",
            "event",
            "--customer",
            "c-9",
            "--name",
            "lost",
            "--verify",
            "--timeout",
            "0.5",
        )
    assert code == 1
    assert "Not seen in the person's activities within 0.5 s" in out


def test_server_error_message(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    sandbox.set_faults(["status=400@/api/v1/customers"])
    with sandbox_workspace(sandbox, secret_service):
        code, out, err = run_cli(capsys, "send", "Sandbox", "identify", "--customer", "c", "--json")
    assert code == 1
    assert json.loads(out)["error"]["status"] == 400
    assert "did not accept the data" in err
