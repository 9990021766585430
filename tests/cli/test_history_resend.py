"""``cio-desktop history resend ID``: a send that failed is in the history marked failed, and resending it
sends the very same request (the same event id), so the event lands once even when the first try was
processed before its answer was lost."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from tests.api.cli_helpers import run_cli, sandbox_workspace


@pytest.mark.parametrize("fault", ["status=500", "truncate=1"])
def test_a_failed_send_is_resent_once(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any, fault: str
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        assert run_cli(capsys, "workspace", "test", "Sandbox")[0] == 0  # region known: one call per send
        sandbox.set_faults([fault])
        code, _, err = run_cli(capsys, "send", "Sandbox", "event", "--customer", "r-1", "--name", "resent",
                               "--data", "{}")  # fmt: skip
        assert code == 1, err
        sandbox.set_faults([])
        _, out, _ = run_cli(capsys, "history", "list", "--json")
        failed = [r for r in json.loads(out) if r["operation"] == "Event"]
        assert failed
        assert all(r["error"] for r in failed)
        code, out, err = run_cli(capsys, "history", "resend", failed[-1]["id"])
        assert code == 0, err
        assert "Resent POST" in out
        code, out, err = run_cli(capsys, "history", "resend", failed[-1]["id"])  # twice: still one event
        assert code == 0, err
    landed = sandbox.inspect(lambda ws: [a for a in ws.activities if a.get("name") == "resent"])
    assert len(landed) == 1


def test_a_lookup_cannot_be_resent(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        run_cli(capsys, "lookup", "Sandbox", "--id", "nobody")
        _, out, _ = run_cli(capsys, "history", "list", "--json")
        get = next(r for r in json.loads(out) if r["method"] == "GET")
        code, _, err = run_cli(capsys, "history", "resend", get["id"])
    assert code == 1
    assert "Only data sent with the Track API" in err
