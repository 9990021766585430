"""Composition root: builds the services, the Qt application, the main window and the qasync loop; shuts down.

Start-up order (fast first paint): Qt + a peek at the settings file (theme and window size right from the
first frame) -> the main window is shown -> after the first paint, qasync's loop is attached to the
already running Qt loop (``already_running=True``), the excepthook and log file are installed and
``window_flows.start`` reads settings and workspaces in a thread; panels, httpx, keyring and the sandbox
load after that. Shut-down is the window's async ``closeEvent``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QApplication, QWidget

    from cio_desktop.ui.main_window import MainWindow


def setup_logging() -> None:
    """A small rotating log file under the logs folder (messages are redacted where they are made).

    Records are written by a background thread (``logging.handlers.QueueListener``), so a slow or full
    disk never blocks the UI thread; ``flush()`` on the installed handler waits until they are written.
    """
    import atexit
    import queue
    from logging.handlers import QueueHandler, QueueListener

    from cio_desktop.paths import log_dir
    from cio_desktop.private_files import PrivateRotatingFileHandler

    class BackgroundLogHandler(QueueHandler):
        """Hands records to a writer thread; ``flush`` waits for it, ``close`` stops it (idempotent)."""

        def __init__(self, target: logging.Handler) -> None:
            records: queue.Queue[logging.LogRecord] = queue.Queue()
            super().__init__(records)
            self.records = records
            self.target = target
            self.listener: QueueListener | None = QueueListener(records, target)
            self.listener.start()

        def flush(self) -> None:
            if self.listener is not None:
                self.records.join()  # the listener marks each record done once written

        def close(self) -> None:
            listener, self.listener = self.listener, None
            if listener is not None:
                logging.getLogger("cio_desktop").removeHandler(self)  # nothing may queue up unread
                listener.stop()  # writes what is queued, then ends the thread
                self.target.close()
            super().close()

    root = logging.getLogger("cio_desktop")
    if any(getattr(h, "cio_desktop_handler", False) for h in root.handlers):
        return
    file_handler = PrivateRotatingFileHandler(
        log_dir() / "cio-desktop.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler = BackgroundLogHandler(file_handler)
    handler.cio_desktop_handler = True  # type: ignore[attr-defined]  # marker against double install
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    atexit.register(handler.close)


def peek_window_settings() -> tuple[str, dict[str, str]]:
    """Theme and window state for the first frame, read straight from ``settings.json``.

    No lock and no validation module (its file lock costs start-up time): the file is replaced
    atomically, so a read needs no lock. The full, validated load (which also moves a broken file aside
    and says so) runs after the first paint.
    """
    import json

    from cio_desktop.paths import config_dir

    try:
        data = json.loads((config_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # the full load moves a broken file aside and says so
        return "system", {}
    if not isinstance(data, dict):
        return "system", {}
    theme = data.get("theme") if data.get("theme") in ("system", "light", "dark") else "system"
    raw = data.get("ui_state")
    state = (
        {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(raw, dict)
        else {}
    )
    return str(theme), state


_CLOSED_LOOPS: list[Any] = []


def _loop_exception_handler(_loop: object, context: dict[str, Any]) -> None:
    """asyncio errors outside our tasks (a failing callback) go to the excepthook's dialog as well."""
    exc = context.get("exception")
    if isinstance(exc, BaseException):
        sys.excepthook(type(exc), exc, exc.__traceback__)
    else:
        # The message may quote a task's result; log only its first words (no data).
        message = str(context.get("message", "asyncio problem")).split("<", 1)[0].strip()
        logging.getLogger("cio_desktop.loop").warning("asyncio: %s", message)


class Runtime:
    """Holds the app, window and loop for one run; ``after_first_paint`` attaches asyncio."""

    def __init__(self, app: QApplication, window: MainWindow, *, demo: bool, exit_when_ready: bool) -> None:
        self.app = app
        self.window = window
        self.demo = demo
        self.exit_when_ready = exit_when_ready
        self.loop: Any = None
        self._uninstall_hook: Any = None
        self._wake: Any = None

    def after_first_paint(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from PySide6 import QtCore  # noqa: F401  # PySide6 is loaded before qasync on purpose
        from qasync import QEventLoop

        from cio_desktop.ui import window_flows
        from cio_desktop.ui.errors_dialog import install_excepthook

        self.loop = QEventLoop(self.app, already_running=True)
        # qasync's default QThreadExecutor starts 10 threads up front; this pool starts them on demand.
        self.loop.set_default_executor(ThreadPoolExecutor(max_workers=4, thread_name_prefix="cio-io"))
        self._uninstall_hook = install_excepthook(lambda: self.window)
        self.loop.set_exception_handler(_loop_exception_handler)
        setup_logging()
        self._follow_system_theme()
        self._close_on_sigint()
        stop = self.exit_when_ready and not self.demo
        start = window_flows.start(self.window, demo=self.demo, stop_when_ready=stop)
        task = self.window.tasks.spawn(start, key="start")
        if self.exit_when_ready:
            task.add_done_callback(lambda _t: self.window.close())

    def _follow_system_theme(self) -> None:
        from PySide6.QtGui import QGuiApplication

        from cio_desktop.ui.theme import apply_theme

        def on_scheme_changed(_scheme: object) -> None:
            if self.window.services.settings.theme == "system":
                apply_theme(self.app, "system")

        QGuiApplication.styleHints().colorSchemeChanged.connect(on_scheme_changed)

    def _close_on_sigint(self) -> None:
        """Ctrl+C in the terminal closes the window cleanly (Python only sees the signal when it runs,
        so a cheap timer wakes it twice a second)."""
        import signal

        from PySide6.QtCore import QTimer

        signal.signal(signal.SIGINT, lambda _sig, _frame: QTimer.singleShot(0, self.window.close))
        self._wake = QTimer(self.window)
        self._wake.timeout.connect(lambda: None)
        self._wake.start(500)

    def close_loop(self) -> None:
        """After ``app.exec()`` returned: detach and close the asyncio loop."""
        if self._uninstall_hook is not None:
            self._uninstall_hook()
        if self.loop is None:
            return
        self.loop.stop()
        asyncio.events._set_running_loop(None)
        self.loop.close()
        # A keyring call may still be running in a daemon thread; when it ends it calls the loop's
        # call_soon_threadsafe, which in qasync emits a Qt signal: keep the loop (and that QObject)
        # alive until the process ends so the emit stays a harmless no-op.
        _CLOSED_LOOPS.append(self.loop)


def call_after_first_paint(window: QWidget, callback: Callable[[], None]) -> None:
    """Run ``callback`` once, on the first idle moment after ``window`` painted (or after 1 s at most:
    a window that starts minimised never paints)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    done = False

    def fire() -> None:
        nonlocal done
        if not done:
            done = True
            window.removeEventFilter(watcher)
            callback()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, fire)
            return False

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)
    QTimer.singleShot(1000, fire)


def run_gui(*, demo: bool = False, exit_when_ready: bool = False) -> int:
    """Open the main window; returns the process exit code."""
    from PySide6.QtWidgets import QApplication

    from cio_desktop.memory import cap_malloc_arenas

    cap_malloc_arenas()  # before Qt and the worker threads start: see cio_desktop.memory

    from cio_desktop.operations.services import Services
    from cio_desktop.resources import APP_ID
    from cio_desktop.ui.app_icon import app_icon
    from cio_desktop.ui.main_window import MainWindow
    from cio_desktop.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("cio-desktop")
    app.setApplicationDisplayName("cio-desktop")
    app.setDesktopFileName(APP_ID)  # matches the installed .desktop file (window-to-launcher match)
    app.setWindowIcon(app_icon())
    services = Services.create()
    theme, ui_state = peek_window_settings()
    apply_theme(app, theme)
    window = MainWindow(services)
    window.restore_state(ui_state)
    window.show()
    runtime = Runtime(app, window, demo=demo, exit_when_ready=exit_when_ready)
    call_after_first_paint(window, runtime.after_first_paint)
    try:
        return app.exec()
    finally:
        runtime.close_loop()


def run_qt_probe() -> int:
    """The Qt half of ``cio-desktop self-test`` (run in a child process): prints one JSON line."""
    from cio_desktop.ui.qt_probe import main

    return main()
