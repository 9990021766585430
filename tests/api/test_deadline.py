"""Every call has a total deadline (attacker finding: the 30 s timeout was per read, so an answer trickling
in kept ``send`` for 122 s and ``workspace test`` past 200 s). The sandbox's ``trickle`` fault sends each
answer in 20 small pieces, each well inside the per-read timeout."""

from __future__ import annotations

import time
from typing import Any

import pytest

from cio_desktop.api.errors import ApiTimeoutError
from cio_desktop.api.models import NetworkSettings
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.settings import SettingsStore
from tests.api.cli_helpers import run_cli, sandbox_workspace
from tests.api.conftest import MakeClient
from tests.fixtures.sandbox import MakeSandbox

TIMEOUT_S = 1.0
TRICKLE_S = 8.0  # 0.4 s between pieces: never a read timeout, far past the deadline
SLACK_S = 3.0  # a loaded 2-core CI box


@pytest.mark.slow
@pytest.mark.parametrize("call", ["attributes", "identify", "event"])
async def test_a_trickling_answer_ends_at_the_deadline(
    make_sandbox: MakeSandbox, make_client: MakeClient, call: str
) -> None:
    sb = make_sandbox(faults=[f"trickle={TRICKLE_S}"])
    client = make_client(sb, settings=NetworkSettings(timeout_s=TIMEOUT_S, connect_timeout_s=TIMEOUT_S))
    calls = {
        "attributes": lambda: client.app.attributes("x"),
        "identify": lambda: client.track.identify("x", {"a": 1}),
        "event": lambda: client.track.event("x", "e", {"a": 1}),
    }
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError) as caught:
        await calls[call]()
    elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT_S + SLACK_S, elapsed
    assert f"within {TIMEOUT_S:g} seconds" in caught.value.message
    assert "total deadline" in (caught.value.detail or "")


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["send", "Sandbox", "identify", "--customer", "t-1", "--data", "{}"],
                                  ["workspace", "test", "Sandbox"],
                                  ["lookup", "Sandbox", "--id", "t-1"]])  # fmt: skip
def test_cli_commands_end_near_the_deadline(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any, argv: list[str]
) -> None:
    SettingsStore().update(timeout_s=TIMEOUT_S, connect_timeout_s=TIMEOUT_S)
    with sandbox_workspace(sandbox, secret_service):
        sandbox.set_faults([f"trickle={TRICKLE_S}"])
        started = time.monotonic()
        code, _, err = run_cli(capsys, *argv)
        elapsed = time.monotonic() - started
        sandbox.set_faults([])
    assert code == 1
    assert "something unexpected" not in err
    assert elapsed < 4 * (TIMEOUT_S + SLACK_S), elapsed  # a few calls at most, each bounded
    print(f"{' '.join(argv[:2])}: ended after {elapsed:.1f} s (deadline {TIMEOUT_S:g} s per call)")
