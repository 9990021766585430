"""Unexpected errors: a dialog with a redacted report, a log line, and the app keeps running."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from cio_desktop.app import setup_logging
from cio_desktop.errors import CioDesktopError
from cio_desktop.ui.errors_dialog import ExceptHook, build_report, install_excepthook
from cio_desktop.ui.tasks import TaskKeeper
from tests.ui.conftest import QtAsyncLoop

SECRET = "sk_live_0123456789abcdef"


def test_an_unexpected_error_shows_a_redacted_report_and_the_app_goes_on(
    qtbot: QtBot, qloop: QtAsyncLoop, cio_home: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    setup_logging()
    uninstall = install_excepthook(lambda: parent)
    try:
        import sys

        hook = sys.excepthook
        assert isinstance(hook, ExceptHook)
        tasks = TaskKeeper()

        async def broken() -> None:
            await asyncio.sleep(0)
            raise KeyError(f"Authorization: Bearer {SECRET}")

        tasks.spawn(broken())
        qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=5000)
        dialog = hook.dialog
        assert dialog is not None
        report = dialog.report()
        assert "builtins.KeyError" in report
        assert "message withheld" in report
        assert SECRET not in report
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert QApplication.clipboard().text() == report
        tasks.spawn(broken())
        qtbot.waitUntil(lambda: dialog.count == 2, timeout=5000)
        assert "2 times" in dialog.headline.text()
        assert qloop.run(asyncio.sleep(0, result="still running")) == "still running"
        dialog.close()
    finally:
        uninstall()
        for handler in logging.getLogger("cio_desktop").handlers:
            handler.flush()
    log = (cio_home / "logs" / "cio-desktop.log").read_text()
    assert "unexpected error" in log
    assert "builtins.KeyError" in log
    assert SECRET not in log


def test_our_own_errors_keep_their_plain_message_in_the_report() -> None:
    try:
        raise CioDesktopError("The workspace file could not be written.", detail="disk full")
    except CioDesktopError as exc:
        report = build_report(type(exc), exc, exc.__traceback__)
    assert "The workspace file could not be written." in report
    assert "detail: disk full" in report
    assert "test_app_errors.py" in report
