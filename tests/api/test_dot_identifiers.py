"""Identifiers ``.`` and ``..`` stay one path segment (attacker finding: httpx collapsed the dot segments,
so ``send … event --customer ..`` posted an anonymous event and ``--verify`` said "Arrived", and
``delete_device(id, "..")`` would have deleted the person). Empty identifiers are refused in words."""

from __future__ import annotations

from typing import Any

import pytest

from cio_desktop.api.errors import ApiError
from cio_desktop.api.paths import segment
from cio_desktop.sandbox import ThreadedSandbox
from tests.api.cli_helpers import run_cli, sandbox_workspace
from tests.api.conftest import MakeClient


@pytest.mark.parametrize(
    ("value", "encoded"), [(".", "%2E"), ("..", "%2E%2E"), ("...", "..."), ("a/..", "a%2F..")]
)
def test_dot_segments_are_encoded(value: str, encoded: str) -> None:
    assert segment(value) == encoded


@pytest.mark.parametrize("value", ["", " ", "\t"])
def test_empty_identifiers_are_refused(value: str) -> None:
    with pytest.raises(ApiError, match="identifier is required"):
        segment(value)


@pytest.mark.parametrize("ident", [".", ".."])
async def test_dot_identifiers_reach_their_own_person(
    sandbox: ThreadedSandbox, make_client: MakeClient, ident: str
) -> None:
    client = make_client(sandbox)
    result = await client.track.event(ident, "dot_event", {"n": 1})
    assert f"/customers/{'%2E' * len(ident)}/events" in str(result.exchange.url)
    anon = await client.track.identify("dot-owner", {"x": 1})
    assert anon.exchange.ok
    # The device call on a dotted id targets the device, never the person behind it.
    await client.track.add_device("dot-owner", ident, "ios")
    deleted = await client.track.delete_device("dot-owner", ident)
    assert deleted.exchange.url.endswith(f"/devices/{'%2E' * len(ident)}")
    still_there = await client.app.attributes("dot-owner")
    assert still_there.data["customer"]["id"] == "dot-owner"


def test_cli_send_to_dotdot_is_not_anonymous(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        code, out, err = run_cli(capsys, "send", "Sandbox", "event", "--customer", "..", "--name", "dd",
                                 "--data", "{}")  # fmt: skip
        assert code == 0, err
        assert "/customers/%2E%2E/events" in out
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--id", "")
        assert code != 0
        assert "something unexpected" not in err
        assert "empty" in err or "required" in err
