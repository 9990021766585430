"""Accessibility: every interactive widget (shell and panels) has an objectName and an accessible name."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QScrollBar,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from cio_desktop.operations.services import Services
from cio_desktop.ui.dialogs.workspace_wizard import WorkspaceWizard
from cio_desktop.ui.errors_dialog import UnexpectedErrorDialog
from cio_desktop.ui.main_window import MainWindow
from tests.ui.a11y_audit import INTERACTIVE  # QHeaderView is an item view too, but a part of its table
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_main_window import close_window, open_window


def _inside_combo_box(widget: QWidget) -> bool:
    """True inside a combo box (its pop-up list is Qt's)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def unnamed(root: QWidget) -> list[str]:
    """Interactive widgets we created without an objectName or accessible name (Qt internals skipped)."""
    missing = []
    for widget in root.findChildren(QWidget):
        if (
            not isinstance(widget, INTERACTIVE)
            or isinstance(widget, QHeaderView)
            or _inside_combo_box(widget)
        ):
            continue
        parent = widget.parentWidget()
        compound = QAbstractSpinBox | QComboBox | QTabBar | QScrollBar | QLineEdit | QAbstractItemView
        if isinstance(parent, compound) or isinstance(widget, QScrollBar):
            continue  # parts of a compound Qt widget (a line edit's clear button, a table's corner)
        if widget.objectName().startswith(("qt_", "__qt__")):
            continue  # Qt's own helpers (the menu bar's extension button)
        if not widget.objectName() or not widget.accessibleName():
            missing.append(
                f"{type(widget).__name__}({widget.objectName()!r}, "
                f"text={getattr(widget, 'text', lambda: '')()!r})"
            )
    return missing


def test_every_interactive_widget_is_named(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    window: MainWindow = open_window(qtbot, qloop, services)
    assert unnamed(window) == []
    wizard = WorkspaceWizard(services, window)
    wizard.show()
    assert unnamed(wizard) == []
    wizard.reject()
    dialog = UnexpectedErrorDialog("report", window)
    assert unnamed(dialog) == []
    close_window(qtbot, window)
