"""The keyboard focus ring: 2 px in the theme's focus colour just outside the focused widget, in both themes,
following a theme switch and the widget itself (issue 12: focus was a faint 1 px line, or nowhere)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from cio_desktop.ui.theme import DARK, LIGHT, apply_theme
from cio_desktop.ui.widgets.focus_ring import FocusRing


def _pixel(window: QWidget, x: int, y: int) -> str:
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return QColor(image.pixel(x, y)).name()


def test_the_ring_is_two_pixels_in_the_focus_colour_and_follows_a_theme_switch(
    qtbot: QtBot, theme_restored: QApplication
) -> None:
    qapp = theme_restored
    apply_theme(qapp, "light")
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.setContentsMargins(20, 20, 20, 20)
    button, field = QPushButton("Search", window), QLineEdit(window)
    layout.addWidget(button)
    layout.addWidget(field)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: FocusRing.of(window) is not None and FocusRing.of(window).isVisible())

    def ring_pixels(widget: QWidget) -> list[str]:
        y = widget.y() + widget.height() // 2
        return [_pixel(window, widget.x() - offset, y) for offset in (3, 2)]  # 2 px, 1 px gap inside

    assert ring_pixels(button) == [LIGHT.focus, LIGHT.focus]
    apply_theme(qapp, "dark")
    assert ring_pixels(button) == [DARK.focus, DARK.focus]
    qtbot.keyClick(button, Qt.Key.Key_Tab)
    assert field.hasFocus()
    assert ring_pixels(field) == [DARK.focus, DARK.focus]
    assert ring_pixels(button) != [DARK.focus, DARK.focus]  # one ring, moved with the focus
    window.resize(window.width() + 80, window.height())
    qtbot.waitUntil(lambda: FocusRing.of(window).shows(field))  # type: ignore[union-attr]
    assert ring_pixels(field) == [DARK.focus, DARK.focus]
