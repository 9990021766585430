"""TaskKeeper: start coroutines from slots, keep their references, "latest wins" per key, cancel all on quit.

Slots stay thin::

    self.tasks = TaskKeeper()
    def _on_search_clicked(self) -> None:
        self.tasks.spawn(self.search(text), key="search")   # cancels the previous search

A task's uncaught exception goes to ``sys.excepthook`` (the app's hook shows the error dialog and logs a
redacted report); ``CancelledError`` is normal and ignored. Also ``run_dialog``: await a dialog's result
without a nested event loop (``open()`` + the ``finished`` signal instead of ``exec()``).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from PySide6.QtWidgets import QDialog

T = TypeVar("T")


class TaskKeeper:
    """Owns the tasks a widget started."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._keyed: dict[str, asyncio.Task[Any]] = {}

    def spawn(self, coro: Coroutine[Any, Any, T], *, key: str | None = None) -> asyncio.Task[T]:
        """Run ``coro`` as a task; with ``key``, cancel the running task with the same key first."""
        if key is not None:
            previous = self._keyed.get(key)
            if previous is not None and not previous.done():
                previous.cancel()
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        if key is not None:
            self._keyed[key] = task
        task.add_done_callback(self._on_task_done)
        return task

    def get(self, key: str) -> asyncio.Task[Any] | None:
        """The latest task started with ``key`` (maybe finished)."""
        return self._keyed.get(key)

    def running(self, key: str) -> bool:
        task = self._keyed.get(key)
        return task is not None and not task.done()

    @property
    def pending(self) -> list[asyncio.Task[Any]]:
        return [t for t in self._tasks if not t.done()]

    def cancel(self, key: str) -> None:
        task = self._keyed.get(key)
        if task is not None and not task.done():
            task.cancel()

    async def cancel_all(self, *, keep: asyncio.Future[Any] | None = None) -> None:
        """Cancel every task but the caller's (and ``keep``) and wait until they have all finished."""
        spared = {asyncio.current_task(), keep}
        pending = [t for t in self.pending if t not in spared]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    def _on_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            sys.excepthook(type(exc), exc, exc.__traceback__)


async def next_idle() -> None:
    """Resume after Qt has handled the events already queued (paints included)."""
    from PySide6.QtCore import QTimer

    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    QTimer.singleShot(0, lambda: None if future.done() else future.set_result(None))
    await future


async def run_dialog(dialog: QDialog) -> int:
    """Show ``dialog`` window-modal and wait for its result code without blocking the event loop."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        if not future.done():
            future.set_result(code)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await future
    finally:
        if dialog.isVisible():  # cancelled while open: close it
            dialog.reject()
