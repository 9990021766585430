"""GUI test fixtures: one session-wide QApplication and a fresh qasync loop per test (``qloop``).

pytest-qt has no qasync integration (pytest-dev/pytest-qt#448), so this module provides it:

* ``qapp`` (pytest-qt) is the session-wide ``QApplication``.
* ``qloop`` creates a ``qasync.QEventLoop`` for the test and marks it as *the running asyncio loop*
  for the whole test, exactly as it is while ``app.exec()`` runs in the real app. Anything that spins
  Qt events therefore also runs asyncio callbacks: ``qtbot.waitUntil``, ``qtbot.waitSignal``,
  ``qtbot.mouseClick`` on a button with an ``@asyncSlot``, dialogs' ``exec``...
* ``qloop.run(awaitable, timeout=10)`` drives one coroutine (or task) to completion and returns its
  result; a timeout cancels it and raises ``TimeoutError``. Use it instead of
  ``loop.run_until_complete`` (that one would unset the running loop when it returns).
* ``qloop.loop`` is the loop; ``qloop.errors`` lists the contexts the loop's exception handler saw
  ("Task exception was never retrieved" and the like). A test with such errors fails at teardown.
* At teardown every task still pending is cancelled and awaited, the loop is closed and unset.
* ``keep_widget(widget)`` (instead of ``qtbot.addWidget``) for widgets that own tasks: at teardown, while
  the loop still runs, it awaits ``widget.aclose()`` if present, then closes and deletes the widget.
  (pytest-qt deletes its widgets before fixtures tear down, so a task finishing later would touch a
  deleted widget.)
* ``services``: real ``Services`` (files in the test's CIO_DESKTOP_HOME, the real Secret Service) whose
  US/EU hosts are the ``sandbox`` fixture's two faces; ``sandbox_hosts(sb)`` builds that table.

How to write a GUI test (D1 and D2 both follow this):

    def test_lookup(qtbot, qloop, sandbox):          # a plain *sync* test, never ``async def``
        panel = LookupPanel(services)
        qtbot.addWidget(panel)
        qtbot.keyClicks(panel.query_edit, "alice@example.com")
        qtbot.mouseClick(panel.search_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.result_table.rowCount() == 1, timeout=5000)
        result = qloop.run(services.some_coroutine())  # or await a coroutine directly

Coexistence with pytest-asyncio (``asyncio_mode = "auto"``): ``async def`` tests keep running in
pytest-asyncio's own (non-Qt) loop and must not use ``qloop``; GUI tests are sync tests with ``qloop``.
The fixture restores "no running loop, no current loop" afterwards, so the two never share a loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Order matters: PySide6 before qasync, or qasync may bind to another Qt binding.
from PySide6 import QtCore
from PySide6.QtWidgets import QApplication, QWidget
from qasync import QEventLoop

T = TypeVar("T")
W = TypeVar("W", bound=QWidget)


_CLOSED_LOOPS: list[asyncio.AbstractEventLoop] = []


class QtAsyncLoop:
    """A qasync loop that is the running asyncio loop for one test; see the module docstring."""

    def __init__(self, app: QApplication) -> None:
        self.loop: asyncio.AbstractEventLoop = QEventLoop(app)
        self.errors: list[dict[str, Any]] = []
        self.loop.set_exception_handler(self._on_loop_error)

    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        self.errors.append(context)

    def start(self) -> None:
        asyncio.set_event_loop(self.loop)
        asyncio.events._set_running_loop(self.loop)

    def run(self, awaitable: Awaitable[T], timeout: float = 10.0) -> T:
        """Spin Qt (and so asyncio) until ``awaitable`` is done; return its result or raise its error."""
        future = asyncio.ensure_future(awaitable, loop=self.loop)
        if not future.done():
            waiter = QtCore.QEventLoop()
            future.add_done_callback(lambda _f: waiter.quit())
            timer = QtCore.QTimer()
            timer.setSingleShot(True)
            timer.timeout.connect(waiter.quit)
            timer.start(int(timeout * 1000))
            waiter.exec()
            timer.stop()
        if not future.done():
            future.cancel()
            self._drain([future])
            raise TimeoutError(f"coroutine did not finish within {timeout} s")
        return future.result()

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Spin the loop until ``predicate()`` is true (Qt-timer driven, like ``qtbot.waitUntil``)."""
        deadline = QtCore.QDeadlineTimer(int(timeout * 1000))
        while not predicate():
            if deadline.hasExpired():
                raise TimeoutError(f"condition not met within {timeout} s")
            QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)

    def _drain(self, tasks: list[asyncio.Future[Any]]) -> None:
        pending = [t for t in tasks if not t.done()]
        if not pending:
            return
        gathered = asyncio.gather(*pending, return_exceptions=True)
        waiter = QtCore.QEventLoop()
        gathered.add_done_callback(lambda _f: waiter.quit())
        QtCore.QTimer.singleShot(5000, waiter.quit)
        waiter.exec()

    def close(self) -> None:
        tasks = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for task in tasks:
            task.cancel()
        self._drain(list(tasks))
        if self.loop.is_running():  # someone called run_until_complete/run_forever meanwhile
            self.loop.stop()
        asyncio.events._set_running_loop(None)
        # Async generators and the default (QThread) executor are shut down by close().
        self.loop.close()
        asyncio.set_event_loop(None)
        # A keyring call still running in a daemon thread may later call ``call_soon_threadsafe``,
        # which in qasync emits a Qt signal: keep the closed loop (and its signalling QObject) alive so
        # that emit is a harmless no-op instead of a crash in a later test.
        _CLOSED_LOOPS.append(self.loop)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[QtAsyncLoop]:
    """A fresh qasync loop, running for the whole (sync) test; fails the test on unretrieved task errors."""
    runner = QtAsyncLoop(qapp)
    runner.start()
    try:
        yield runner
    finally:
        runner.close()
    messages = [str(ctx.get("message", "")) + " " + repr(ctx.get("exception")) for ctx in runner.errors]
    assert not messages, f"asyncio reported errors during the test: {messages}"


@pytest.fixture
def keep_widget(qloop: QtAsyncLoop) -> Iterator[Callable[[W], W]]:
    """``keep_widget(panel)`` shows nothing by itself; at teardown (while ``qloop`` still runs) it awaits
    the widget's ``aclose()`` if it has one, then closes and deletes it. Use it instead of
    ``qtbot.addWidget`` for widgets that own tasks: pytest-qt deletes its widgets *before* fixtures
    tear down, so a task finishing later would touch a deleted widget."""
    import shiboken6

    kept: list[QWidget] = []

    def keep(widget: W) -> W:
        kept.append(widget)
        return widget

    yield keep
    for widget in reversed(kept):
        if not shiboken6.isValid(widget):
            continue
        aclose = getattr(widget, "aclose", None)
        if callable(aclose):
            qloop.run(aclose())
        widget.close()
        widget.deleteLater()


# ---- app fixtures: real services against a sandbox, and the main window ---------------------------------


def sandbox_hosts(sandbox: Any) -> dict[Any, Any]:
    """Region -> hosts table pointing US at the sandbox's own face and EU at its "other region" face."""
    from cio_desktop.api.regions import Endpoints
    from cio_desktop.models import Region

    info = sandbox.info
    # Pipelines too: an empty entry would fall back to Customer.io's real host.
    own = Endpoints(track=info.track_url, app=info.app_url, pipelines=info.pipelines_url)
    other = Endpoints(
        track=info.track_url_other, app=info.app_url_other, pipelines=f"{info.track_url_other}/cdp"
    )
    return {Region(info.region): own, Region(info.other_region): other}


@pytest.fixture
def services(qloop: QtAsyncLoop, sandbox: Any, secret_service: Any) -> Iterator[Any]:
    """Real ``Services`` (files under the test's CIO_DESKTOP_HOME, the real Secret Service) whose US/EU
    hosts are the test sandbox's two faces. Keys saved by the test are deleted at teardown."""
    from cio_desktop.operations.services import Services

    svc = Services(hosts=sandbox_hosts(sandbox))
    yield svc
    qloop.run(svc.aclose())
    from cio_desktop.errors import SecretStoreError

    for workspace in svc.workspaces.list():
        with contextlib.suppress(SecretStoreError):  # a test may have swapped in a failing keyring
            qloop.run(svc.secrets.delete_all(workspace.id))


@pytest.fixture
def theme_restored(qapp: QApplication) -> Iterator[QApplication]:
    """For tests that call ``apply_theme``: the focus ring is installed, and the session's palette and style
    are put back afterwards so the other tests see the default look."""
    from cio_desktop.ui.widgets.focus_ring import install_focus_ring

    palette, style = qapp.palette(), qapp.style().name()
    install_focus_ring(qapp)
    yield qapp
    qapp.setPalette(palette)
    qapp.setStyle(style)
    qapp.setProperty("cio_dark", None)
