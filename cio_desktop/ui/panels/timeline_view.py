"""The lookup panel's Timeline tab: a person's activities and messages on a time axis, drawn with QPainter.

One row per kind of mark (events, profile changes, messages sent / delivered / opened / clicked), each
with its own shape. Zoom from a day to a year (the combo, or + and - on the chart). Hover a mark for its
details; click it, or choose it with Left/Right and press Enter, for its JSON below. The marks come from
``operations.timeline`` (plain Python).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.operations.timeline import ZOOMS, Mark, MarkKind, in_window, marks_for, window, zoom_for
from cio_desktop.ui.panels.json_editor import json_viewer
from cio_desktop.ui.theme import semantic
from cio_desktop.ui.widgets.focus_painted import FocusPaintedWidget

ROWS = list(MarkKind)
TONES = {
    MarkKind.EVENT: "info",
    MarkKind.PROFILE: "practice",
    MarkKind.SENT: "muted",
    MarkKind.DELIVERED: "ok",
    MarkKind.OPENED: "warning",
    MarkKind.CLICKED: "error",
}
RADIUS = 5.0


def _shape(kind: MarkKind, centre: QPointF, r: float) -> QPainterPath:
    """A distinct shape per kind, so the marks differ without colour too."""
    path = QPainterPath()
    x, y = centre.x(), centre.y()
    if kind is MarkKind.EVENT:
        path.addEllipse(centre, r, r)
    elif kind is MarkKind.PROFILE:
        path.addPolygon(
            QPolygonF([QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)])
        )
        path.closeSubpath()
    elif kind in (MarkKind.SENT, MarkKind.DELIVERED):
        path.addRect(QRectF(x - r, y - r, 2 * r, 2 * r))
    elif kind is MarkKind.OPENED:
        path.addPolygon(QPolygonF([QPointF(x, y - r), QPointF(x + r, y + r), QPointF(x - r, y + r)]))
        path.closeSubpath()
    else:  # clicked: a plus
        w = r / 2.5
        path.addRect(QRectF(x - r, y - w, 2 * r, 2 * w))
        path.addRect(QRectF(x - w, y - r, 2 * w, 2 * r))
        path.setFillRule(Qt.FillRule.WindingFill)
    return path


class TimelineCanvas(FocusPaintedWidget):
    """The drawing. ``marks`` are all of them; ``shown`` those inside the zoom's window.

    Signals:
        mark_chosen(object): a mark was clicked or Enter was pressed on it.
        current_changed(str): the words for the mark under the keyboard (or "").
        zoom_requested(int): +1 wider, -1 closer (the + and - keys).
    """

    mark_chosen = Signal(object)
    current_changed = Signal(str)
    zoom_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineCanvas")
        self.setAccessibleName("Timeline (Left and Right choose a mark, Enter shows it, + and - zoom)")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumHeight(len(ROWS) * 14 + 28)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.start = datetime.now().astimezone() - timedelta(days=7)
        self.end = datetime.now().astimezone()
        self.shown: list[Mark] = []
        self.current = -1

    def sizeHint(self) -> QSize:
        return QSize(700, len(ROWS) * 14 + 28)  # grows with the window; a 1024×640 one must fit

    def set_window(self, start: datetime, end: datetime, shown: Sequence[Mark]) -> None:
        self.start, self.end, self.shown = start, end, list(shown)
        self.current = len(self.shown) - 1 if self.shown else -1
        self._announce()
        self.update()

    # ---- geometry ---------------------------------------------------------------------------------
    def _label_width(self) -> int:
        return max(self.fontMetrics().horizontalAdvance(k.value) for k in ROWS) + 22 + 12  # shape + gap

    def _row_y(self, kind: MarkKind) -> float:
        height = self.height() - self.fontMetrics().height() - 16
        return 8 + (ROWS.index(kind) + 0.5) * height / len(ROWS)

    def _x(self, when: datetime) -> float:
        left = self._label_width()
        width = max(10, self.width() - left - 12)
        span = (self.end - self.start).total_seconds() or 1
        return left + width * (when - self.start).total_seconds() / span

    def _centre(self, mark: Mark) -> QPointF:
        return QPointF(self._x(mark.when), self._row_y(mark.kind))

    def mark_at(self, point: QPointF) -> int:
        best, best_distance = -1, 10.0
        for index, mark in enumerate(self.shown):
            centre = self._centre(mark)
            distance = abs(centre.x() - point.x()) + abs(centre.y() - point.y())
            if distance < best_distance:
                best, best_distance = index, distance
        return best

    # ---- painting ---------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        tones = semantic(self)
        text = self.palette().windowText().color()
        muted = QColor(tones.muted)
        metrics = self.fontMetrics()
        left = self._label_width()
        right = self.width() - 12
        for kind in ROWS:  # row labels, their shape, and a faint line
            y = self._row_y(kind)
            colour = QColor(getattr(tones, TONES[kind]))
            painter.setPen(text)
            painter.drawText(QRectF(22, y - metrics.height() / 2, left, metrics.height()), 0, kind.value)
            painter.fillPath(_shape(kind, QPointF(11, y), 4.5), colour)
            painter.setPen(QPen(muted, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(left, y), QPointF(right, y))
        self._paint_axis(painter, muted, text)
        for index, mark in enumerate(self.shown):
            centre = self._centre(mark)
            colour = QColor(getattr(tones, TONES[mark.kind]))
            path = _shape(mark.kind, centre, RADIUS)
            if mark.kind is MarkKind.SENT:  # sent: an outline; delivered: the same square filled
                painter.setPen(QPen(colour, 2))
                painter.drawPath(path)
            else:
                painter.fillPath(path, colour)
            if index == self.current:
                painter.setPen(QPen(QColor(tones.focus) if self.hasFocus() else text, 2))
                painter.drawEllipse(centre, RADIUS + 4, RADIUS + 4)
        if not self.shown:
            painter.setPen(muted)
            painter.drawText(
                QRectF(left, 0, right - left, self.height()),
                Qt.AlignmentFlag.AlignCenter,
                "Nothing in this period. Zoom out (−) to see more.",
            )

    def _paint_axis(self, painter: QPainter, muted: QColor, text: QColor) -> None:
        metrics = self.fontMetrics()
        span = self.end - self.start
        baseline = self.height() - metrics.height() - 6
        painter.setPen(QPen(muted, 1))
        painter.drawLine(QPointF(self._label_width(), baseline), QPointF(self.width() - 12, baseline))
        local_start = self.start.astimezone()
        if span <= timedelta(days=1):
            step, tick = timedelta(hours=3), local_start.replace(minute=0, second=0, microsecond=0)
            label = "%H:%M"
        elif span <= timedelta(days=31):
            days = 1 if span <= timedelta(days=7) else 5
            step, tick = timedelta(days=days), local_start.replace(hour=0, minute=0, second=0, microsecond=0)
            label = "%d %b"
        else:
            step, tick = (
                timedelta(days=31),
                local_start.replace(day=1, hour=0, minute=0, second=0, microsecond=0),
            )
            label = "%b %Y" if span > timedelta(days=200) else "%d %b"
        last_right = -1e9
        while tick <= self.end:
            if tick >= local_start:
                x = self._x(tick)
                words = tick.strftime(label)
                width = metrics.horizontalAdvance(words)
                painter.setPen(QPen(muted, 1))
                painter.drawLine(QPointF(x, baseline - 3), QPointF(x, baseline + 3))
                if x - width / 2 > last_right + 6 and x + width / 2 < self.width():
                    painter.setPen(text)
                    painter.drawText(QPointF(x - width / 2, baseline + metrics.ascent() + 4), words)
                    last_right = x + width / 2
            tick = tick + step
            if step == timedelta(days=31):
                tick = tick.replace(day=1)

    # ---- input ------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self.shown:
            step = -1 if key == Qt.Key.Key_Left else 1
            self.current = max(0, min(len(self.shown) - 1, self.current + step))
            self._announce()
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and 0 <= self.current < len(
            self.shown
        ):
            self.mark_chosen.emit(self.shown[self.current])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_requested.emit(-1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_requested.emit(1)
        else:
            super().keyPressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.mark_at(event.position())
        if index >= 0:
            QToolTip.showText(event.globalPosition().toPoint(), self.shown[index].describe(), self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.mark_at(event.position())
        if index >= 0:
            self.current = index
            self._announce()
            self.update()
            self.mark_chosen.emit(self.shown[index])
        super().mousePressEvent(event)

    def _announce(self) -> None:
        words = self.shown[self.current].describe() if 0 <= self.current < len(self.shown) else ""
        self.setAccessibleDescription(words)
        self.current_changed.emit(words)


class TimelineView(QWidget):
    """Zoom combo, the canvas, the words for the current mark, and the chosen mark's JSON."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.marks: list[Mark] = []
        self.zoom_combo = QComboBox(self)
        self.zoom_combo.setObjectName("timelineZoom")
        self.zoom_combo.setAccessibleName("Zoom")
        for label, _span in ZOOMS:
            self.zoom_combo.addItem(label)
        self.zoom_combo.currentIndexChanged.connect(self._show_window)
        zoom_label = QLabel("&Zoom:", self)
        zoom_label.setBuddy(self.zoom_combo)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("timelineCount")
        head = QHBoxLayout()
        head.addWidget(zoom_label)
        head.addWidget(self.zoom_combo)
        head.addWidget(self.count_label, 1)
        self.canvas = TimelineCanvas(self)
        self.canvas.zoom_requested.connect(self._on_zoom_requested)
        self.canvas.mark_chosen.connect(self.show_mark)
        self.current_label = QLabel(self)
        self.current_label.setObjectName("timelineCurrent")
        # Two lines at most (what, then whose and the detail): no word wrap, so the page has a fixed
        # preferred height and the lookup fits small windows at 200% without scrolling.
        self.current_label.setMinimumHeight(self.current_label.fontMetrics().lineSpacing() * 2)
        self.canvas.current_changed.connect(self.current_label.setText)
        self.json_view = json_viewer(self, "timelineJson", "The chosen mark as JSON")
        # The JSON takes the room left over: its preferred height must not make the lookup scroll.
        self.json_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.json_view.setMinimumHeight(40)
        self.json_view.setPlaceholderText(
            "Click a mark (or choose one with Left/Right and press Enter) to see its JSON."
        )
        column = QVBoxLayout(self)
        column.addLayout(head)
        column.addWidget(self.canvas, 3)
        column.addWidget(self.current_label)
        column.addWidget(self.json_view, 2)

    def set_person(
        self, activities: Sequence[Mapping[str, Any]], messages: Sequence[Mapping[str, Any]]
    ) -> None:
        """Show a person's marks, zoomed so the newest ones are easy to tell apart."""
        self.marks = marks_for(activities, messages)
        self.json_view.clear()
        self.zoom_combo.blockSignals(True)
        self.zoom_combo.setCurrentIndex(zoom_for(self.marks))
        self.zoom_combo.blockSignals(False)
        self._show_window()

    def _show_window(self) -> None:
        _label, span = ZOOMS[max(0, self.zoom_combo.currentIndex())]
        start, end = window(span, self.marks)
        shown = in_window(self.marks, start, end)
        self.canvas.set_window(start.astimezone(), end.astimezone(), shown)
        self.count_label.setText(
            f"{len(shown)} of {len(self.marks)} marks in this {self.zoom_combo.currentText().lower()}"
            " (the loaded activities and all messages)"
        )

    def _on_zoom_requested(self, step: int) -> None:
        self.zoom_combo.setCurrentIndex(max(0, min(len(ZOOMS) - 1, self.zoom_combo.currentIndex() + step)))

    def show_mark(self, mark: Mark) -> None:
        self.json_view.setPlainText(json.dumps(dict(mark.raw), indent=2, ensure_ascii=False, sort_keys=True))
