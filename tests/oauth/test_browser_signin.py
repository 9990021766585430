"""End to end with a real browser: Debian's Chromium (through Playwright, ``browser.py``) is the system
browser ``webbrowser`` opens (``BROWSER``), and clicks Approve or Deny on the sandbox's consent page. The
CLI runs as a real process with the real Secret Service.

Covers: the account sign-in, status, workspace import and console; a workspace's sign-in with an issuer
URL, a lookup with its token (no App API key stored) and sign-out; Deny in the browser.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.models import Region, Workspace
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.workspaces import WorkspaceStore
from tests.oauth.conftest import BROWSER_SCRIPT

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def cli(
    *argv: str, action: str = "approve", log: Path | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BROWSER=BROWSER_SCRIPT, CIO_TEST_BROWSER_ACTION=action)
    if log is not None:
        env["CIO_TEST_BROWSER_LOG"] = str(log)
    return subprocess.run(
        [sys.executable, "-m", "cio_desktop", *argv],
        capture_output=True, text=True, timeout=150, env=env, cwd=ROOT, input=stdin,
    )  # fmt: skip


def browser_pages(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_account_sign_in_status_import_and_console_with_chromium(
    oauth_sandbox: ThreadedSandbox, secret_service: Any, tmp_path: Path
) -> None:
    log = tmp_path / "browser.jsonl"
    info = oauth_sandbox.info
    try:
        login = cli("account", "login", "--resource", info.mcp_url, log=log)
        assert login.returncode == 0, login.stderr
        assert "Signed in to your Customer.io account" in login.stdout
        page = browser_pages(log)[-1]
        assert page["url"].startswith("http://127.0.0.1:")  # Chromium followed the redirect to the listener
        assert "return to cio-desktop" in page["text"]

        status = cli("account", "status", "--json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["account"]["account_id"] == "90210"

        imported = cli("account", "workspaces", "--import", "Sandbox EU", "--json")
        assert imported.returncode == 0, imported.stderr
        result = json.loads(imported.stdout)
        assert len(result["workspaces"]) == 2
        assert result["imported"] == [
            {"name": "Sandbox EU", "workspace_id": info.workspace_id + 1, "region": "eu"}
        ]
        listed = cli("workspace", "list", "--json")
        assert "Sandbox EU" in listed.stdout

        console = cli("account", "get", "/v1/accounts/90210/environments")
        assert console.returncode == 0, console.stderr
        assert json.loads(console.stdout)["environments"][1]["name"] == "Sandbox EU"
        for output in (login, status, imported, console):
            assert "sbx_at_" not in output.stdout + output.stderr  # no token ever printed
    finally:
        logout = cli("account", "logout")
    assert logout.returncode == 0, logout.stderr
    assert "server revoked" in logout.stdout
    after = cli("account", "status")
    assert after.returncode == 1
    assert "Not signed in" in after.stderr


def test_workspace_sign_in_then_lookup_with_the_token(
    oauth_sandbox: ThreadedSandbox, secret_service: Any, tmp_path: Path
) -> None:
    info = oauth_sandbox.info
    store = WorkspaceStore()
    store.load()
    store.add(Workspace(name="Gateway", region=Region.US, track_url=info.track_url, app_url=info.app_url))
    log = tmp_path / "browser.jsonl"
    try:
        login = cli("login", "Gateway", "--issuer", info.issuer_url, "--scope", "read", log=log)
        assert login.returncode == 0, login.stderr
        assert "Signed in 'Gateway'" in login.stdout
        found = cli("lookup", "Gateway", "--email", WELL_KNOWN["email"])
        assert found.returncode == 0, found.stderr
        assert f"id={WELL_KNOWN['customer_id']}" in found.stdout
    finally:
        logout = cli("logout", "Gateway")
    assert logout.returncode == 0, logout.stderr
    assert "server revoked" in logout.stdout
    again = cli("lookup", "Gateway", "--email", WELL_KNOWN["email"])
    assert again.returncode == 1


def test_workspace_sign_in_with_a_preregistered_client_and_secret(
    oauth_sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    from cio_desktop.sandbox.oauth_state import PRESET_CLIENT_ID, PRESET_CLIENT_SECRET

    info = oauth_sandbox.info
    store = WorkspaceStore()
    store.load()
    store.add(Workspace(name="Preset", region=Region.US, track_url=info.track_url, app_url=info.app_url))
    try:
        login = cli(
            "login", "Preset", "--issuer", info.issuer_url, "--client-id", PRESET_CLIENT_ID,
            "--client-secret-stdin", stdin=PRESET_CLIENT_SECRET + "\n",
        )  # fmt: skip
        assert login.returncode == 0, login.stderr
        assert PRESET_CLIENT_SECRET not in login.stdout + login.stderr
        assert oauth_sandbox.oauth(lambda s: s.registrations) == 0  # no dynamic registration needed
    finally:
        cli("logout", "Preset")


def test_deny_in_chromium(oauth_sandbox: ThreadedSandbox, secret_service: Any, tmp_path: Path) -> None:
    log = tmp_path / "browser.jsonl"
    denied = cli("account", "login", "--resource", oauth_sandbox.info.mcp_url, action="deny", log=log)
    assert denied.returncode == 1
    assert "Sign-in was cancelled in the browser." in denied.stderr
    assert "did not complete" in browser_pages(log)[-1]["text"]
    assert cli("account", "status").returncode == 1
