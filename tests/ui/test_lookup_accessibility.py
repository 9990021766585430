"""Every interactive widget of the work panels has an objectName and an accessible name; keys reach them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QWidget,
)

from cio_desktop.api.history import RequestHistory
from cio_desktop.operations.services import Services
from cio_desktop.ui.panels.event_panel import EventPanel
from cio_desktop.ui.panels.inspector_panel import InspectorPanel
from cio_desktop.ui.panels.lookup_panel import LookupPanel

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit)


def _Services() -> Services:
    return Services(history=RequestHistory(persist=False))


def _inside_qt_part(widget: QWidget, panel: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not panel:
        if isinstance(parent, QComboBox | QLineEdit | QTabBar | QAbstractItemView | QScrollBar):
            return True
        if type(parent).__name__.startswith("QComboBoxPrivate"):
            return True
        parent = parent.parentWidget()
    return isinstance(widget.parentWidget(), QTabBar)


def _unnamed(panel: QWidget) -> list[str]:
    missing = []
    for widget in panel.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.objectName().startswith("qt_"):
            continue
        if _inside_qt_part(widget, panel):
            continue  # Qt's own parts: a combo box's popup, a line edit's clear button, tab bar arrows
        if not widget.objectName() or not widget.accessibleName():
            missing.append(
                f"{type(widget).__name__}({widget.objectName()!r}, text={getattr(widget, 'text', str)()!r})"
            )
    return missing


@pytest.mark.parametrize("panel_class", [LookupPanel, EventPanel, InspectorPanel])
def test_every_interactive_widget_is_named(qtbot, panel_class: type[QWidget]) -> None:
    panel = panel_class(_Services())  # type: ignore[call-arg]
    qtbot.addWidget(panel)
    assert panel.panel_title  # type: ignore[attr-defined]
    assert _unnamed(panel) == []


def test_lookup_is_usable_from_the_keyboard(qtbot) -> None:
    panel = LookupPanel(_Services())
    qtbot.addWidget(panel)
    panel.show()
    panel.focus_input()
    qtbot.waitUntil(panel.query_edit.hasFocus, timeout=2000)
    qtbot.keyClicks(panel.query_edit, "ada@example.com")
    assert panel.kind_combo.itemText(0) == "Automatic (Email address)"
    qtbot.keyClick(panel.query_edit, Qt.Key.Key_Tab)
    assert panel.kind_combo.hasFocus()  # Tab moves on from the search field to "Search by"


def test_event_and_inspector_shortcuts(qtbot, qloop) -> None:
    event = EventPanel(_Services())
    qtbot.addWidget(event)
    with qtbot.waitActive(event):
        event.show()
        event.activateWindow()
    event.form.customer_edit.setText("demo-ada")
    event.form.customer_edit.setFocus()
    with qtbot.waitSignal(event.form.send_requested, timeout=2000):
        qtbot.keyClick(event.form.customer_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    inspector = InspectorPanel(_Services())
    qtbot.addWidget(inspector)
    with qtbot.waitActive(inspector):
        inspector.show()
        inspector.activateWindow()
    inspector.table.setFocus()
    qtbot.keyClick(inspector.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(inspector.search_edit.hasFocus, timeout=2000)
