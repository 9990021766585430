"""Data nested hundreds of levels deep (attacker finding: about 500 levels made the redactor hit the
recursion limit, the CLI reported a crash, and every later lookup of that person crashed too)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from cio_desktop.api.client import CioClient
from cio_desktop.api.exchange import Exchange
from cio_desktop.api.redact import REDACTED, Redactor
from cio_desktop.json_check import MAX_DEPTH, check_json, clip_depth, nesting_depth
from cio_desktop.lookup_query import display_value, pretty_json
from cio_desktop.sandbox import ThreadedSandbox
from tests.api.cli_helpers import run_cli, sandbox_workspace
from tests.api.conftest import credentials_for, workspace_for

DEPTHS = (500, 990, 5_000, 100_000)


def _nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def _nested_text(depth: int, leaf: str = "1") -> str:
    return '{"a":' * depth + leaf + "}" * depth


@pytest.mark.parametrize("depth", DEPTHS)
def test_redactor_survives_any_depth(depth: int) -> None:
    r = Redactor(["canary-secret-1234"])
    body = _nested_text(depth, '{"api_key": "x", "note": "canary-secret-1234"}')
    out = r.body(body, "application/json")
    assert out is not None
    assert "canary-secret-1234" not in out
    value = r.json_value(_nested(depth, {"token": "abc", "t": "canary-secret-1234"}))
    assert nesting_depth(value) == depth + 1
    leaf = value
    for _ in range(depth):
        leaf = leaf["a"]
    assert leaf == {"token": REDACTED, "t": REDACTED}


@pytest.mark.parametrize("depth", DEPTHS)
def test_rendering_survives_any_depth(depth: int) -> None:
    value = _nested(depth)
    assert display_value(value).startswith('{"a": {"a":')
    assert pretty_json(value).startswith("{")
    clipped = clip_depth(value, 3)
    assert clipped == {"a": {"a": {"a": "(nested too deeply to show)"}}}


def test_editor_and_cli_refuse_absurd_depth(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_json(_nested_text(MAX_DEPTH))
    assert ok.ok
    for depth in (MAX_DEPTH + 1, 500, 100_000):
        check = check_json(_nested_text(depth))
        assert check.problem is not None
        assert f"more than {MAX_DEPTH} levels" in check.problem.describe()
    code, _, err = run_cli(capsys, "send", "W", "event", "--customer", "x", "--name", "e",
                           "--data", _nested_text(500))  # fmt: skip
    assert code == 2 or code == 1
    assert f"more than {MAX_DEPTH} levels deep" in err
    assert "crash" not in err


def test_a_person_with_deep_event_data_can_still_be_looked_up(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    """Sent through the API (which does not refuse it), then looked up with the CLI, text and JSON."""

    async def send() -> Exchange:
        async with CioClient(workspace_for(sandbox), credentials_for(sandbox)) as client:
            return (await client.track.event("deep-1", "deep_event", _nested(500))).exchange

    exchange = asyncio.run(send())
    assert exchange.ok
    assert exchange.request_body is not None
    with sandbox_workspace(sandbox, secret_service):
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--id", "deep-1")
        assert code == 0, err
        assert "deep_event" in out
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--id", "deep-1", "--json")
        assert code == 0, err
        assert json.loads(out)["ok"] is True
