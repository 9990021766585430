"""The CLI's fallbacks as real processes. Paste: ``--no-browser`` prints the address, the "remote" browser
(httpx here: the browser is not the subject) approves, and the address it ended on is typed on stdin.
A wrong address first is refused and the sign-in goes on waiting. Device code: ``login NAME --device``
prints the code and the address; the person approves on the other device (httpx here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from cio_desktop.sandbox import ThreadedSandbox

ROOT = Path(__file__).resolve().parents[2]


def _reap(proc: subprocess.Popen[str]) -> None:
    """A sign-in process that is still waiting after a failed check is stopped, not left behind."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _sign_out(*argv: str) -> None:
    logout = subprocess.run(
        [sys.executable, "-m", "cio_desktop", *argv],
        capture_output=True, text=True, timeout=60, cwd=ROOT, env=dict(os.environ),
    )  # fmt: skip
    assert logout.returncode == 0, logout.stderr


@pytest.mark.slow
def test_account_login_no_browser_with_a_pasted_address(
    oauth_sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cio_desktop", "account", "login", "--no-browser",
         "--resource", oauth_sandbox.info.mcp_url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, BROWSER="false"),
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        assert proc.stdin is not None
        url = None
        for line in proc.stderr:
            match = re.match(r"\s+(http://\S+/oauth2/authorize\?\S+)", line)
            if match:
                url = match.group(1)
                break
        assert url is not None
        with httpx.Client(timeout=30) as http:
            page = http.get(url)
            request_id = re.search(r'name="request" value="([^"]+)"', page.text)
            assert request_id is not None
            answer = http.post(
                url.split("/oauth2/")[0] + "/oauth2/authorize/decision",
                data={"request": request_id.group(1), "decision": "approve"},
            )
        location = answer.headers["Location"]
        proc.stdin.write("http://127.0.0.1:1/oauth/callback?code=x&state=wrong\n")
        proc.stdin.write(location + "\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=120)
    finally:
        _reap(proc)
    assert proc.returncode == 0, err
    assert "state differs" in err  # the wrong address was refused, and the flow went on
    assert "Signed in to your Customer.io account" in out
    _sign_out("account", "logout")


@pytest.mark.slow
def test_login_with_a_device_code(oauth_sandbox: ThreadedSandbox, secret_service: Any) -> None:
    from cio_desktop.models import Region, Workspace
    from cio_desktop.workspaces import WorkspaceStore

    info = oauth_sandbox.info
    oauth_sandbox.oauth(lambda s: setattr(s, "device_interval", 1))
    store = WorkspaceStore()
    store.load()
    store.add(Workspace(name="Kiosk", region=Region.US, track_url=info.track_url, app_url=info.app_url))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cio_desktop", "login", "Kiosk", "--issuer", info.issuer_url, "--device"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, BROWSER="false"),
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        complete = code = None
        for line in proc.stderr:
            found = re.search(r"enter the code (\S+)", line)
            code = found.group(1) if found else code
            link = re.search(r"\(or open (\S+)\)", line)
            if link:
                complete = link.group(1)
                break
        assert code is not None
        assert complete is not None
        with httpx.Client(timeout=30) as http:  # the person on the other device approves
            assert code in http.get(complete).text
            approved = http.post(complete.split("?")[0], data={"user_code": code, "decision": "approve"})
            assert approved.status_code == 200
        out, err = proc.communicate(timeout=120)
    finally:
        _reap(proc)
    assert proc.returncode == 0, err
    assert "Signed in 'Kiosk'" in out
    _sign_out("logout", "Kiosk")
