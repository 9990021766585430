"""One "latest wins" slot for a work panel's running operation, shown on a ``BusyIndicator``.

Starting a new operation cancels the one in flight; Cancel on the indicator cancels it too. The slot
never touches a widget that Qt has already deleted (a panel may close while a call is in flight).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import shiboken6
from PySide6.QtWidgets import QWidget

from cio_desktop.ui.widgets.busy import BusyIndicator


class LatestTask:
    """Runs one coroutine at a time for ``owner``; ``task`` is the current (or last) one."""

    def __init__(self, owner: QWidget, busy: BusyIndicator) -> None:
        self._owner = owner
        self._busy = busy
        self.task: asyncio.Task[None] | None = None
        busy.cancel_requested.connect(self.cancel)

    @property
    def alive(self) -> bool:
        """False once Qt deleted the owner or its indicator."""
        return shiboken6.isValid(self._owner) and shiboken6.isValid(self._busy)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def is_current(self) -> bool:
        """True inside the coroutine of the operation that is still the latest one."""
        return asyncio.current_task() is self.task

    def start(
        self,
        text: str,
        work: Callable[..., Awaitable[None]],
        *args: Any,
        cancellable: bool = True,
        **kwargs: Any,
    ) -> asyncio.Task[None]:
        """Cancel the running operation and start ``work(*args, **kwargs)`` with ``text`` on the indicator."""
        loop = asyncio.get_running_loop()  # first: a coroutine made without a loop would never be awaited
        self.cancel()
        task = loop.create_task(self._run(text, cancellable, work, args, kwargs))
        self.task = task
        return task

    def cancel(self) -> None:
        """Ask the running operation to stop (it says so itself, if it wants to)."""
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def abandon(self) -> None:
        """Cancel silently: the operation no longer counts as current, so it reports nothing (used when
        the workspace changes under it)."""
        task, self.task = self.task, None
        if task is not None and not task.done():
            task.cancel()
            if self.alive:
                self._busy.stop()

    async def aclose(self) -> None:
        """Cancel the running operation and wait until it has stopped."""
        task = self.task
        self.cancel()
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    async def _run(
        self,
        text: str,
        cancellable: bool,
        work: Callable[..., Awaitable[None]],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        if self.alive:
            self._busy.start(text, cancellable=cancellable)
        try:
            await work(*args, **kwargs)
        finally:
            if self.is_current() and self.alive:
                self._busy.stop()
