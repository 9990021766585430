"""The one way the UI starts a coroutine: ``TaskKeeper.spawn`` (and ``LatestTask``, built on it, for a
panel's one running operation shown on a ``BusyIndicator``).

TaskKeeper keeps the tasks' references, runs "latest wins" per key and cancels all on quit.

Slots stay thin::

    self.tasks = TaskKeeper()
    def _on_search_clicked(self) -> None:
        self.tasks.spawn(self.search(text), key="search")   # cancels the previous search

A task's uncaught exception goes to ``sys.excepthook`` (the app's hook shows the error dialog and logs a
redacted report); ``CancelledError`` is normal and ignored. Also ``run_dialog``: await a dialog's result
without a nested event loop (``open()`` + the ``finished`` signal instead of ``exec()``); a slot never
runs a static blocking dialog (``QMessageBox.question``, ``QFileDialog.getSaveFileName``...) inside a task.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from cio_desktop.ui.widgets.busy import BusyIndicator

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

    async def finish_all(self) -> None:
        """Wait (without cancelling) until every task has finished, such as saves that must not be cut."""
        pending = [t for t in self.pending if t is not asyncio.current_task()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    def _on_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            sys.excepthook(type(exc), exc, exc.__traceback__)


class LatestTask:
    """One "latest wins" operation for ``owner``, shown on ``busy``; ``task`` is the current (or last) one.

    Starting a new operation cancels the one in flight; Cancel on the indicator cancels it too. The
    operation never touches a widget that Qt has already deleted (a panel may close while a call runs).
    Tasks are started by a ``TaskKeeper`` (key ``"latest"``), so errors reach the excepthook as anywhere.
    """

    KEY = "latest"

    def __init__(self, owner: QWidget, busy: BusyIndicator) -> None:
        self._owner = owner
        self._busy = busy
        self._keeper = TaskKeeper()
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
        asyncio.get_running_loop()  # first: a coroutine made without a loop would never be awaited
        self.task = self._keeper.spawn(self._run(text, cancellable, work, args, kwargs), key=self.KEY)
        return self.task

    def cancel(self) -> None:
        """Ask the running operation to stop (it says so itself, if it wants to)."""
        self._keeper.cancel(self.KEY)

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
        await self._keeper.cancel_all()

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
