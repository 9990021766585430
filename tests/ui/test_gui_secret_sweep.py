"""The whole window, driven like a user, shows and writes no key anywhere.

A workspace is added through the wizard (Track, App and Pipelines keys), a person looked up, an event
sent through Track and an identify through Pipelines, the inspector's details opened, each call copied as
curl (placeholders, export lines) and all exported as HAR, a rejected key met and an unexpected error
(whose message and local variables hold a key) reported. Then every widget's text, tooltip and accessible
text, every item model, every status-bar message, the curl copies, the HAR file, the error report, the log
file and every file under the app's home are searched for the keys: plain, base64, the Site ID:key and
key: Basic pairs, and URL-encoded.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from cio_desktop.app import setup_logging
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.services import Services
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.ui.errors_dialog import ExceptHook, install_excepthook
from cio_desktop.ui.tasks import TaskKeeper
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_app_logging import fresh_log  # noqa: F401  # a fixture: this test's own log file
from tests.ui.test_main_window import close_window, open_window
from tests.ui.test_wizard import FINISH, NEXT, click, fill_keys, run_test_step

WRONG_APP = "wrongappkey0123456789abcdef"
ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.StatusTipRole,
)


def _forms(site: str, *keys: str) -> list[str]:
    """Plain, base64, the Basic pairs (Track ``site:key``, Pipelines ``key:``) and URL-encoded."""
    out: list[str] = []
    for key in keys:
        out += [key, base64.b64encode(key.encode()).decode(), f"{site}:{key}"]
        out.append(base64.b64encode(f"{site}:{key}".encode()).decode())
        out.append(base64.b64encode(f"{key}:".encode()).decode())
        out += [quote(key, safe=""), quote(f"{site}:{key}", safe="")]
    return out


def _model_text(model: QAbstractItemModel) -> list[str]:
    """Every cell's display, tooltip and accessible text, and the column headers."""
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model keeps columnCount private
        columns = 1
    out: list[str] = []
    for row in range(model.rowCount(QModelIndex())):
        for column in range(columns):
            index = model.index(row, column)
            out += [str(model.data(index, role)) for role in ROLES]
    out += [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(columns)]
    return out


def _visible_text(widget: QWidget) -> list[str]:
    """What a person could read on ``widget`` (a masked field's content does not count)."""
    out = [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription(), widget.windowTitle()]
    out += [widget.statusTip(), widget.whatsThis()]
    if isinstance(widget, QLabel):
        out.append(widget.text())
    elif isinstance(widget, QLineEdit):
        out.append(widget.placeholderText())
        if widget.echoMode() == QLineEdit.EchoMode.Normal:
            out.append(widget.text())
    elif isinstance(widget, QPlainTextEdit | QTextEdit):
        out.append(widget.toPlainText())
    elif isinstance(widget, QComboBox):
        out += [widget.itemText(i) for i in range(widget.count())]
    elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
        out += _model_text(widget.model())
    text = getattr(widget, "text", None)
    if callable(text) and not isinstance(widget, QLineEdit):
        out.append(str(text()))
    return out


def test_no_key_on_screen_in_the_status_bar_the_error_report_or_any_file(
    qtbot: QtBot,
    qloop: QtAsyncLoop,
    services: Services,
    sandbox: Any,
    cio_home: Path,
    tmp_path: Path,
    fresh_log: None,  # noqa: F811
) -> None:
    info = sandbox.info
    setup_logging()
    window = open_window(qtbot, qloop, services)
    statuses: list[str] = []
    set_status = window.set_status
    window.set_status = lambda text: (statuses.append(text), set_status(text))  # type: ignore[method-assign]
    uninstall = install_excepthook(lambda: window)
    try:
        # 1. Add a workspace through the wizard (Ctrl+N), keys pasted, tested and saved.
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible())
        wizard = window.wizard
        assert wizard is not None
        click(qtbot, wizard, NEXT)
        fill_keys(
            qtbot, wizard, name="Acme", site=info.site_id, track=info.track_api_key, app=info.app_api_key
        )
        pipelines_edit = wizard.keys.pipelines_field.edit
        pipelines_edit.insert(info.pipelines_write_key)  # like a paste
        pipelines_edit.textEdited.emit(pipelines_edit.text())
        run_test_step(qtbot, wizard)
        click(qtbot, wizard, FINISH)
        qtbot.waitUntil(lambda: [ws.name for ws in window.sidebar.workspaces()] == ["Acme"], timeout=10000)
        assert not wizard.keys.track_field.is_revealed()
        assert not wizard.keys.app_field.is_revealed()

        # 2. Look a person up and send an event; open every call in the inspector.
        lookup = window.panels["lookup"]
        lookup.query_edit.setText(WELL_KNOWN["customer_id"])
        qloop.run(lookup.start_search(), timeout=15)
        event = window.panels["event"]
        event.form.customer_edit.setText(WELL_KNOWN["customer_id"])
        qtbot.mouseClick(event.form.send_button, Qt.MouseButton.LeftButton)
        assert event.current_task is not None
        qloop.run(event.current_task, timeout=15)
        # The same person through the Pipelines API (the workspace's optional third key).
        form = event.form
        form.api_combo.setCurrentIndex(form.api_combo.findData("pipelines"))
        form.type_combo.setCurrentIndex(form.type_combo.findData("identify"))
        form.customer_edit.setText(WELL_KNOWN["customer_id"])
        assert form.send_button.isEnabled(), form.send_hint.text()
        qtbot.mouseClick(form.send_button, Qt.MouseButton.LeftButton)
        assert event.current_task is not None
        qloop.run(event.current_task, timeout=15)
        inspector = window.panels["inspector"]
        qtbot.waitUntil(lambda: inspector.proxy.rowCount() >= 3)
        copies: list[str] = []  # every curl copy without the keys, and the HAR export
        for row in range(inspector.proxy.rowCount()):
            inspector.select_row(row)
            inspector.copy_curl()
            copies.append(QApplication.clipboard().text())
            inspector.copy_curl_with_exports()
            copies.append(QApplication.clipboard().text())
        assert any("/cdp/v1/identify" in copy for copy in copies)
        har = tmp_path / "gui.har"
        qloop.run(inspector.export_har(har))
        copies.append(har.read_text(encoding="utf-8"))

        # 3. A workspace whose App key is rejected.
        qloop.run(
            services.add_workspace(
                Workspace(name="Wrong", site_id=info.site_id, region=Region.US),
                {SecretKind.TRACK_API_KEY: info.track_api_key, SecretKind.APP_API_KEY: WRONG_APP},
            )
        )
        qtbot.waitUntil(lambda: len(window.sidebar.workspaces()) == 2)
        assert window.sidebar.select("Wrong")
        lookup.query_edit.setText(WELL_KNOWN["customer_id"])
        qloop.run(lookup.start_search(), timeout=15)
        assert lookup.banner.message()

        # 4. An unexpected error whose message and local variables hold a key.
        hook = __import__("sys").excepthook
        assert isinstance(hook, ExceptHook)

        async def broken(key: str) -> None:
            basic = base64.b64encode(f"{info.site_id}:{key}".encode()).decode()
            raise RuntimeError(f"Authorization: Basic {basic} key={key}")

        TaskKeeper().spawn(broken(info.track_api_key))
        qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=5000)
        assert hook.dialog is not None
        report = hook.dialog.report()
        assert "builtins.RuntimeError" in report

        # 5. Everything a person could read now, on every window and dialog.
        screen: list[str] = []
        for widget in QApplication.allWidgets():
            screen += _visible_text(widget)
        hook.dialog.close()
    finally:
        uninstall()
        for handler in logging.getLogger("cio_desktop").handlers:
            handler.flush()
    close_window(qtbot, window)
    log = (cio_home / "logs" / "cio-desktop.log").read_text(encoding="utf-8")
    assert "unexpected error" in log
    files = b"".join(p.read_bytes() for p in cio_home.rglob("*") if p.is_file())
    assert any("Lookup" in s for s in statuses)
    assert any(WELL_KNOWN["email"] in s for s in screen), "the sweep reads the profile shown"
    assert any("authorization" in s.lower() for s in screen), "the sweep reads the inspector's headers"
    for secret in _forms(
        info.site_id, info.track_api_key, info.app_api_key, info.pipelines_write_key, WRONG_APP
    ):
        assert not [c for c in copies if secret in c], "a key is in a curl copy or the HAR export"
        assert secret not in report, "a key is in the error report"
        assert secret not in log, "a key is in the log file"
        assert not [s for s in statuses if secret in s], "a key was shown in the status bar"
        assert not [s for s in screen if secret in s], "a key is readable on screen"
        assert secret.encode() not in files, "a key is in a file under the app's home"
