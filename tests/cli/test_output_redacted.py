"""A server that echoes the key back cannot get it printed (attacker finding: ``send --json`` printed the
server's answer unredacted). Every CLI output stream redacts the workspace's secrets at write time."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.secrets import SecretStore
from cio_desktop.workspaces import WorkspaceStore
from tests.api.cli_helpers import route_track_to, run_cli, sandbox_workspace
from tests.fixtures.keyring import forget_keys
from tests.fixtures.recorder import Recorder, http_reply, serving_in_thread


def _forms(sandbox: ThreadedSandbox) -> list[str]:
    info = sandbox.info
    basic = f"{info.site_id}:{info.track_api_key}"
    return [
        info.track_api_key, info.app_api_key, quote(info.track_api_key, safe=""),
        base64.b64encode(basic.encode()).decode(), base64.b64encode(info.app_api_key.encode()).decode(),
    ]  # fmt: skip


@pytest.fixture
def echo_server(sandbox: ThreadedSandbox) -> Iterator[Recorder]:
    """Answers 200 with a body holding the keys in every form, under innocent and secret-like names."""
    forms = _forms(sandbox)
    body = json.dumps({"echo": forms, "note": f"your key is {forms[0]}", "api_key": forms[1]}).encode()
    with serving_in_thread(Recorder("127.0.0.1", reply=http_reply("200 OK", body))) as server:
        yield server


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_send_never_prints_an_echoed_key(
    capsys: pytest.CaptureFixture[str],
    sandbox: ThreadedSandbox,
    secret_service: Any,
    echo_server: Recorder,
    as_json: bool,
) -> None:
    with sandbox_workspace(sandbox, secret_service) as ws:
        route_track_to(ws, echo_server.url)
        argv = ["send", "Sandbox", "identify", "--customer", "e", "--data", "{}"]
        code, out, err = run_cli(capsys, *argv, *(["--json"] if as_json else []))
    assert code == 0, err
    assert echo_server.connections >= 1
    for form in _forms(sandbox):
        assert form not in out
        assert form not in err
    assert "[REDACTED]" in out
    if as_json:
        assert json.loads(out)["ok"] is True


def test_an_echoed_pipelines_credential_is_never_printed_or_kept(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any, cio_home: Path
) -> None:
    """A source's write key travels as the Basic user name with no password (``key:``): an answer that
    echoes that header (or the key URL-encoded with its colon) reaches neither the output nor any file."""
    key = sandbox.info.pipelines_write_key
    forms = [key, base64.b64encode(f"{key}:".encode()).decode(), quote(f"{key}:", safe="")]
    body = json.dumps({"echo": f"Authorization: Basic {forms[1]}", "user": forms[2]}).encode()
    with serving_in_thread(Recorder("127.0.0.1", reply=http_reply("200 OK", body))) as server:
        workspace = WorkspaceStore().add(Workspace(name="Pipes", region=Region.US, pipelines_url=server.url))
        asyncio.run(SecretStore().set(workspace.secrets_id, SecretKind.PIPELINES_KEY, key))
        try:
            argv = ["send", "Pipes", "identify", "--api", "pipelines", "--customer", "e", "--json"]
            code, out, err = run_cli(capsys, *argv)
        finally:
            forget_keys(secret_service, workspace.secrets_id)
    assert code == 0, err
    assert server.connections >= 1
    kept = b"".join(p.read_bytes() for p in cio_home.rglob("*") if p.is_file())
    for form in forms:
        assert form not in out
        assert form not in err
        assert form.encode() not in kept
    assert "[REDACTED]" in out
