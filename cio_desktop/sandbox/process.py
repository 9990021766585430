"""The sandbox as a child process (the GUI's demo mode) and the serving loop of ``cio-desktop sandbox``.

``start_sandbox_process`` runs ``python -m cio_desktop sandbox ...`` (or the frozen executable with
``sandbox ...``), reads its one JSON line and returns a ``SandboxProcess``; ``await proc.stop()`` sends
SIGTERM and waits. No aiohttp import here: the child loads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import threading
from collections import deque
from dataclasses import dataclass, field

from cio_desktop.errors import CioDesktopError
from cio_desktop.sandbox.options import SandboxInfo, SandboxOptions

START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0


class SandboxStartError(CioDesktopError):
    """The practice server could not be started (detail: its last error lines)."""


def own_command() -> list[str]:
    """The argv prefix that runs this program's ``cio-desktop`` command in a child process (the frozen
    executable itself in a bundle, ``python -m cio_desktop`` from source)."""
    return [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "cio_desktop"]


def sandbox_command(options: SandboxOptions) -> list[str]:
    """The argv that starts a sandbox with ``options`` in a child process."""
    base = [*own_command(), "sandbox"]
    args = ["--host", options.host, "--port", str(options.port), "--seed", str(options.seed)]
    args += ["--region", options.region, "--wrong-region", options.wrong_region]
    args += ["--rate-limit", str(options.rate_limit or 0), "--people", str(options.people)]
    if options.trickle:
        args += ["--trickle", f"{options.trickle:g}"]
    if options.key_seed is not None:
        args += ["--key-seed", str(options.key_seed)]
    if options.tls:
        args.append("--tls")
    if options.state_dir:
        args += ["--state-dir", options.state_dir]
    if options.allow_remote:
        args.append("--allow-remote")
    for spec in options.faults:
        args += ["--fault", spec]
    return [*base, *args, "--stop-on-stdin-close"]


@dataclass
class SandboxProcess:
    """A running sandbox child process."""

    info: SandboxInfo
    process: asyncio.subprocess.Process
    _stderr: deque[str] = field(default_factory=lambda: deque(maxlen=50))
    _drain: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr_tail(self) -> str:
        return "".join(self._stderr)

    async def stop(self, grace_s: float = STOP_TIMEOUT_S) -> int:
        """SIGTERM, wait (kill after ``grace_s``); returns the exit code."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), grace_s)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        if self._drain is not None:
            await self._drain
        return self.process.returncode if self.process.returncode is not None else -1


async def _collect(stream: asyncio.StreamReader, sink: deque[str]) -> None:
    while line := await stream.readline():
        sink.append(line.decode("utf-8", "replace"))


async def start_sandbox_process(
    options: SandboxOptions | None = None, *, start_timeout_s: float = START_TIMEOUT_S
) -> SandboxProcess:
    """Start ``cio-desktop sandbox`` as a child and wait for its JSON line."""
    options = options or SandboxOptions()
    proc = await asyncio.create_subprocess_exec(
        *sandbox_command(options),
        stdin=asyncio.subprocess.PIPE,  # the child stops when this closes, even if we die
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    handle = SandboxProcess(info=SandboxInfo("", "", "", "", "", "", 0), process=proc)
    handle._drain = asyncio.create_task(_collect(proc.stderr, handle._stderr))
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), start_timeout_s)
        info = SandboxInfo.from_json_dict(json.loads(line)) if line.strip() else None
    except (TimeoutError, ValueError):
        info = None
    if info is None:
        await handle.stop()
        raise SandboxStartError(
            "The practice server could not be started.", detail=handle.stderr_tail().strip()
        )
    handle.info = info
    return handle


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Block until stdin reaches end-of-file (the parent closed it or died), then ask to stop."""
    with contextlib.suppress(OSError, ValueError):  # raw reads: no buffer lock held at interpreter exit
        while os.read(sys.stdin.fileno(), 4096):
            pass
    with contextlib.suppress(RuntimeError):  # the loop may already be closed
        loop.call_soon_threadsafe(stop.set)


async def serve_forever(options: SandboxOptions, *, watch_stdin: bool = False) -> int:
    """Start the server, print the JSON line, serve until SIGINT/SIGTERM (or stdin closes, with
    ``watch_stdin``); returns the exit code."""
    from cio_desktop.sandbox.server import SandboxServer  # lazy: aiohttp

    server = SandboxServer(options)
    info = await server.start()
    sys.stdout.write(json.dumps(info.to_json_dict()) + "\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, AttributeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    if watch_stdin:
        threading.Thread(target=_watch_stdin, args=(loop, stop), name="stdin-watch", daemon=True).start()
    try:
        await stop.wait()
    finally:
        await server.stop()
    return 0
