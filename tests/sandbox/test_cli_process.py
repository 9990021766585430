"""``cio-desktop sandbox`` as a real child process, and ``start_sandbox_process`` for the GUI."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cio_desktop.sandbox import SandboxOptions
from cio_desktop.sandbox.process import SandboxStartError, sandbox_command, start_sandbox_process

EXPECTED_KEYS = {
    "track_url",
    "app_url",
    "site_id",
    "track_api_key",
    "app_api_key",
    "region",
    "workspace_id",
    "ca_file",
    "pipelines_url",
    "pipelines_write_key",
}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """``cio-desktop sandbox ARGS`` to the end (30 s at most), output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "cio_desktop", "sandbox", *args], capture_output=True, text=True, timeout=30
    )


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cio_desktop", "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_prints_one_json_line_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = _spawn("--tls", "--seed", "7", "--state-dir", str(tmp_path))
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert set(info) >= EXPECTED_KEYS
        assert info["ca_file"] == str(tmp_path / "ca.pem")
        auth = (info["site_id"], info["track_api_key"])
        with httpx.Client(verify=__import__("ssl").create_default_context(cafile=info["ca_file"])) as client:
            r = client.get(info["track_url"] + "/api/v1/accounts/region", auth=auth)
        assert r.json()["environment_id"] == info["workspace_id"]
        assert time.monotonic() - started < 10
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert out == ""  # nothing after the JSON line
    # attacker finding: the state file holds the keys and was 0644
    assert (tmp_path / "sandbox-state.json").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "ca.pem").stat().st_mode & 0o777 == 0o600
    assert tmp_path.stat().st_mode & 0o777 == 0o700


def test_cli_refuses_non_loopback_host_without_allow_remote() -> None:
    r = _run("--host", "0.0.0.0")
    assert r.returncode == 2
    assert r.stdout == ""
    assert "refusing to listen on 0.0.0.0" in r.stderr
    assert "--allow-remote" in r.stderr


def test_cli_warns_when_allowed_to_listen_beyond_this_computer() -> None:
    """Attacker finding: --allow-remote --host 0.0.0.0 said nothing. (A bad option stops the run right
    after the warning, so no test binds a non-loopback address.)"""
    r = _run("--allow-remote", "--host", "0.0.0.0", "--people", "-1")
    assert "warning: the sandbox listens on 0.0.0.0" in r.stderr
    assert r.returncode == 2
    assert "warning" not in _run("--host", "127.0.0.1", "--people", "-1").stderr


def test_cli_keys_repeat_only_with_a_key_seed(tmp_path: Path) -> None:
    lines = []
    for args in (("--key-seed", "4"), ("--key-seed", "4"), ()):
        proc = _spawn("--people", "0", *args)
        try:
            assert proc.stdout is not None
            lines.append(json.loads(proc.stdout.readline()))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=15)
    keys = ("site_id", "track_api_key", "app_api_key", "pipelines_write_key")
    assert [lines[0][k] for k in keys] == [lines[1][k] for k in keys]
    assert all(lines[0][k] != lines[2][k] for k in keys)


def test_cli_rejects_a_bad_fault_spec() -> None:
    r = _run("--fault", "latency=soon")
    assert r.returncode == 2
    assert "not a number" in r.stderr


def test_cli_reports_a_busy_port(sandbox: object) -> None:
    port = int(sandbox.info.track_url.rsplit(":", 1)[1])  # type: ignore[attr-defined]
    r = _run("--port", str(port))
    assert r.returncode == 1
    assert "could not listen" in r.stderr


def test_sandbox_command_uses_module_or_frozen_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    opts = SandboxOptions(tls=True, faults=("latency=1",), state_dir="/tmp/x")
    cmd = sandbox_command(opts)
    assert cmd[:4] == [sys.executable, "-m", "cio_desktop", "sandbox"]
    assert cmd.count("--fault") == 1
    assert "--tls" in cmd
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert sandbox_command(opts)[:2] == [sys.executable, "sandbox"]


async def test_start_sandbox_process_gives_working_info_and_stops_cleanly() -> None:
    proc = await start_sandbox_process(SandboxOptions(seed=3, people=20))
    try:
        async with httpx.AsyncClient() as client:
            r = await client.get(
                proc.info.app_url + "/v1/workspaces",
                headers={"Authorization": f"Bearer {proc.info.app_api_key}"},
            )
        assert r.status_code == 200
        assert r.json()["workspaces"][0]["id"] == proc.info.workspace_id
    finally:
        code = await proc.stop()
    assert code == 0


async def test_start_sandbox_process_failure_is_a_plain_error() -> None:
    with pytest.raises(SandboxStartError) as info:
        await start_sandbox_process(SandboxOptions(host="192.0.2.1"))
    assert info.value.message == "The practice server could not be started."
    assert "refusing to listen" in info.value.detail


def test_child_started_for_the_app_stops_when_its_stdin_closes() -> None:
    proc = subprocess.Popen(
        sandbox_command(SandboxOptions(people=5)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdin is not None
    assert json.loads(proc.stdout.readline())["track_url"].startswith("http://127.0.0.1:")
    proc.stdin.close()  # what the OS does when the parent app dies
    assert proc.wait(timeout=15) == 0
    proc.stdout.close()
    assert proc.stderr is not None
    proc.stderr.close()


def test_cli_help_documents_the_fault_grammar() -> None:
    r = _run("--help")
    assert r.returncode == 0
    assert "burst429=N" in r.stdout
    assert "--allow-remote" in r.stdout


def test_cli_reports_a_damaged_state_file(tmp_path: Path) -> None:
    (tmp_path / "sandbox-state.json").write_text('{"version": 1, "people": []}')
    r = _run("--state-dir", str(tmp_path))
    assert r.returncode == 1
    assert "state file" in r.stderr
    assert "damaged" in r.stderr
    assert "Traceback" not in r.stderr
