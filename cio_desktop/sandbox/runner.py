"""``run_in_thread``: a sandbox on its own event loop in a background thread, for tests and sync code."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from cio_desktop.sandbox.options import SandboxInfo, SandboxOptions
from cio_desktop.sandbox.state import Workspace

T = TypeVar("T")
START_TIMEOUT_S = 30.0


class ThreadedSandbox:
    """A running sandbox: ``.info``, ``.set_faults([...])``, ``.inspect(fn)``, ``.stop()``."""

    def __init__(self, options: SandboxOptions) -> None:
        from cio_desktop.sandbox.server import SandboxServer  # lazy: aiohttp

        self.options = options
        self._server = SandboxServer(options)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._info: SandboxInfo | None = None
        self._thread = threading.Thread(target=self._run, name="cio-sandbox", daemon=True)
        self._stopped = False

    @property
    def info(self) -> SandboxInfo:
        assert self._info is not None, "the sandbox is not running"
        return self._info

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._info = self._loop.run_until_complete(self._server.start())
        except BaseException as exc:  # handed to the starting thread
            self._error = exc
            self._ready.set()
            self._loop.close()
            return
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._server.stop())
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    def start(self) -> SandboxInfo:
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S):
            raise TimeoutError("the sandbox did not start in time")
        if self._error is not None:
            raise self._error
        return self.info

    def _call(self, fn: Callable[[], T], timeout: float = 10.0) -> T:
        async def runner() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(runner(), self._loop).result(timeout)

    def set_faults(self, specs: Iterable[str]) -> None:
        """Replace the active fault list (see ``faults.py`` for the grammar); [] clears it."""
        from cio_desktop.sandbox.faults import parse_faults

        faults = parse_faults(list(specs))  # errors surface in the caller's thread
        self._call(lambda: self._server.context.faults.replace(faults))

    def inspect(self, fn: Callable[[Workspace], T]) -> T:
        """Run ``fn(workspace)`` on the server's loop and return its result (for tests)."""
        return self._call(lambda: fn(self._server.context.ws))

    def oauth(self, fn: Callable[[Any], T]) -> T:
        """Run ``fn(oauth_state)`` on the server's loop (the authorization server's knobs, for tests)."""
        return self._call(lambda: fn(self._server.oauth))

    def stop(self) -> None:
        """Stop serving and wait for the thread; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)


@contextmanager
def run_in_thread(options: SandboxOptions | None = None, **overrides: Any) -> Iterator[ThreadedSandbox]:
    """Start a sandbox in a background thread; stops it when the block ends."""
    opts = (options or SandboxOptions()).replace(**overrides) if overrides else (options or SandboxOptions())
    sandbox = ThreadedSandbox(opts)
    sandbox.start()
    try:
        yield sandbox
    finally:
        sandbox.stop()
