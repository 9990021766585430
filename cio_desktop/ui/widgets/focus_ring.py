"""FocusRing: a clearly visible keyboard focus indicator, a 2 px ring just outside the focused widget.

Fusion marks focus with a 1 px line in the highlight colour that looks like an ordinary border, and some
widgets show nothing at all. ``install_focus_ring(app)`` follows ``QApplication.focusChanged`` and draws one
ring per window, in the theme's ``focus`` colour (at least 3:1 against the window and fields, WCAG 1.4.11),
around whatever has focus: buttons, fields, tables, tab bars. The ring is a child of the window (so no
parent's margins clip it), passes mouse clicks through and follows the widget when it moves, is resized
or scrolls.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

from cio_desktop.ui.theme import follow_theme, semantic

WIDTH = 2  # the ring's line
GAP = 1  # between the widget and the ring
_MOVES = (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide)


def _target(widget: QWidget) -> QWidget:
    """The widget the user sees as focused (a spin box or combo box rather than its inner line edit)."""
    parent = widget.parentWidget()
    while parent is not None and not parent.isWindow():
        if isinstance(parent, QAbstractSpinBox | QComboBox):
            return parent
        parent = parent.parentWidget()
    return widget


class FocusRing(QWidget):
    """The ring of one window; ``FocusRing.of(window)`` finds it."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._target: QWidget | None = None
        self._watched: list[QWidget] = []
        self.hide()
        follow_theme(self, self.update)

    @staticmethod
    def of(window: QWidget) -> FocusRing | None:
        return next((c for c in window.children() if isinstance(c, FocusRing)), None)

    @property
    def target(self) -> QWidget | None:
        return self._target

    def shows(self, widget: QWidget) -> bool:
        """True when the ring is visible around ``widget`` (or the compound widget it belongs to)."""
        target = _target(widget)
        if target is not self._target or not self.isVisible():
            return False
        return self.geometry().contains(self._visible_rect(target))

    def attach(self, widget: QWidget) -> None:
        self._unwatch()
        self._target = _target(widget)
        chain: list[QWidget] = []
        current: QWidget | None = self._target
        while current is not None and current is not self.parentWidget():
            chain.append(current)
            current = current.parentWidget()
        for watched in chain:  # any ancestor moving (a scroll area scrolling) moves the target too
            watched.installEventFilter(self)
        self._watched = chain
        self.place()

    def detach(self) -> None:
        self._unwatch()
        self._target = None
        self.hide()

    def _unwatch(self) -> None:
        for watched in self._watched:
            if shiboken6.isValid(watched):
                watched.removeEventFilter(self)
        self._watched = []

    def _visible_rect(self, target: QWidget) -> QRect:
        """The part of ``target`` that is not scrolled or clipped away, in the window's coordinates."""
        visible = target.visibleRegion().boundingRect()
        if visible.isEmpty():
            visible = target.rect()
        window = self.parentWidget()
        assert window is not None  # the ring is a child of its window
        return QRect(target.mapTo(window, visible.topLeft()), visible.size())

    def place(self) -> None:
        target = self._target
        if target is None or not shiboken6.isValid(target) or not target.isVisible():
            self.hide()
            return
        margin = WIDTH + GAP
        self.setGeometry(self._visible_rect(target).adjusted(-margin, -margin, margin, margin))
        self.raise_()
        self.show()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _MOVES:
            self.place()
        return False

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(semantic().focus))
        pen.setWidth(WIDTH)
        painter.setPen(pen)
        half = WIDTH / 2
        painter.drawRoundedRect(self.rect().toRectF().adjusted(half, half, -half, -half), 3, 3)
        painter.end()


class _FocusRings(QObject):
    """Moves the ring of the focused widget's window when focus changes."""

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not shiboken6.isValid(new):
            return
        window = new.window()
        ring = FocusRing.of(window) or FocusRing(window)
        if new is window or new.focusPolicy() == Qt.FocusPolicy.NoFocus:
            ring.detach()
        else:
            ring.attach(new)


def install_focus_ring(app: QApplication) -> None:
    """Draw the focus ring in every window of ``app`` from now on (idempotent)."""
    if app.findChild(_FocusRings, "cioFocusRings") is None:
        rings = _FocusRings(app)
        rings.setObjectName("cioFocusRings")
        app.focusChanged.connect(rings._on_focus_changed)
