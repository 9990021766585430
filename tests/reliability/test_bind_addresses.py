"""What the app listens on (issue 14, item 5): only loopback unless the user asked.

The listening sockets of a process are read from the kernel (``/proc/PID/fd`` socket inodes matched in
``/proc/net/tcp`` and ``tcp6``), so the test sees what was bound, not what the code meant to bind: the
practice workspace's sandbox child (started as the app starts it), a ``cio-desktop sandbox`` child for
each loopback way of naming the host, and a sandbox inside this process. Any other host is refused
before a socket exists, in the server and on the command line. The OAuth loopback listener of a real
``cio-desktop login`` process is read while it waits for the browser.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.models import Region, Workspace
from cio_desktop.operations.practice import PracticeWorkspace
from cio_desktop.sandbox import SandboxOptions, run_in_thread
from cio_desktop.sandbox.process import start_sandbox_process
from cio_desktop.sandbox.server import RemoteRefused, SandboxServer
from cio_desktop.workspaces import WorkspaceStore
from tests.fixtures.sandbox import MakeSandbox
from tests.oauth.conftest import scripted_user
from tests.reliability.conftest import Tally

SUITE = "bind addresses"
LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp


def _address(hex_address: str, family: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    raw = bytes.fromhex(hex_address)
    if family == "tcp":
        return ipaddress.IPv4Address(raw[::-1])  # one little-endian 32-bit word
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))  # four of them
    return ipaddress.IPv6Address(words)


def listening_addresses(pid: int) -> list[tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]]:
    """(address, port) of every TCP socket ``pid`` listens on, as the kernel reports them."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = []
    for family in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{family}").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == LISTEN and inode in inodes:
                address, port = local.split(":")
                found.append((_address(address, family), int(port, 16)))
    return found


def assert_loopback_only(pid: int, label: str, tally: Tally) -> None:
    addresses = listening_addresses(pid)
    assert addresses, f"{label} listens on nothing the test can see"
    for address, port in addresses:
        assert address.is_loopback, f"{label} listens on {address}:{port}"
    tally(SUITE, "loopback only", len(addresses))


async def test_the_practice_sandbox_child_listens_on_loopback_only(tally: Tally) -> None:
    practice = PracticeWorkspace()
    await practice.ensure()
    try:
        assert practice.process is not None
        assert_loopback_only(practice.process.pid, "the practice sandbox", tally)
    finally:
        await practice.stop()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
async def test_a_sandbox_child_listens_where_it_was_told_on_loopback(host: str, tally: Tally) -> None:
    process = await start_sandbox_process(SandboxOptions(host=host, people=20))
    try:
        assert_loopback_only(process.pid, f"sandbox --host {host}", tally)
    finally:
        await process.stop()


def test_a_sandbox_in_this_process_listens_on_loopback_only(tally: Tally) -> None:
    with run_in_thread(SandboxOptions(people=20)) as sb:
        ports = {port for _address, port in listening_addresses(os.getpid())}
        assert int(sb.info.track_url.rsplit(":", 1)[1].split("/")[0]) in ports
        assert_loopback_only(os.getpid(), "this process with a sandbox", tally)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.0.2.1", "0", "example.com", "[::1]"])
def test_any_other_host_is_refused_before_a_socket_exists(host: str, tally: Tally) -> None:
    with pytest.raises(RemoteRefused, match="--allow-remote"):
        SandboxServer(SandboxOptions(host=host))
    tally(SUITE, "other hosts refused (server)")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_the_sandbox_command_refuses_other_hosts(host: str, tally: Tally) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cio_desktop", "sandbox", "--host", host],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    assert "--allow-remote" in proc.stderr
    assert "Traceback" not in proc.stderr
    tally(SUITE, "other hosts refused (command)")


def test_the_reader_decodes_the_kernel_format() -> None:
    assert str(_address("0100007F", "tcp")) == "127.0.0.1"
    assert str(_address("00000000000000000000000001000000", "tcp6")) == "::1"
    assert not _address("00000000", "tcp").is_loopback


@pytest.mark.slow
def test_the_oauth_loopback_listener_listens_on_loopback_only(
    make_sandbox: MakeSandbox, secret_service: Any, tmp_path: Path, tally: Tally
) -> None:
    """A real ``cio-desktop login`` process, read while it waits for the browser: its BROWSER command
    writes the sign-in address into a FIFO this test reads (so the listener is up), then the test plays
    the user (consent and the loopback redirect) and the sign-in completes through that listener."""
    sb = make_sandbox(rate_limit=None)
    info = sb.info
    WorkspaceStore().add(
        Workspace(name="Bind", region=Region.US, track_url=info.track_url, app_url=info.app_url)
    )
    fifo = tmp_path / "browser.fifo"
    os.mkfifo(fifo)
    env = dict(os.environ, BROWSER=f"sh -c 'echo \"$0\" > {fifo}' %s")  # webbrowser puts the URL at %s
    login = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cio_desktop",
            "login",
            "Bind",
            "--issuer",
            info.issuer_url,
            "--scope",
            "read",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = fifo.read_text(encoding="utf-8").strip()  # blocks until the app "opened the browser"
        assert_loopback_only(login.pid, "the OAuth loopback listener", tally)
        asyncio.run(scripted_user()(url))
        out, err = login.communicate(timeout=60)
        assert login.returncode == 0, err
        assert "Signed in 'Bind'" in out
    finally:
        if login.poll() is None:
            login.kill()
            login.communicate()
        subprocess.run(
            [sys.executable, "-m", "cio_desktop", "logout", "Bind"], capture_output=True, check=False
        )
