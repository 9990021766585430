"""A bar chart of calls per day, drawn with QPainter: each bar split into calls that worked, other errors,
401s (key rejected) and 429s (rate limited), with a legend in words.

Keyboard: Left/Right (Home/End) choose a day; the chosen day's numbers are in ``day_text`` (shown under the
chart and given to screen readers). Mouse: hover a bar for the same words. Colours come from the theme
at paint time, so a theme switch repaints correctly.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from cio_desktop.operations.usage import DayUsage
from cio_desktop.ui.theme import semantic
from cio_desktop.ui.widgets.focus_painted import FocusPaintedWidget

# (label, tone) bottom to top.
PARTS = (
    ("worked", "ok"),
    ("other errors", "error"),
    ("401 key rejected", "warning"),
    ("429 rate limited", "info"),
)


def parts_of(day: DayUsage) -> tuple[int, int, int, int]:
    """A day's calls split into worked / other errors / 401 / 429 (they add up to ``calls``)."""
    other = max(0, day.errors - day.unauthorized - day.rate_limited)
    return (max(0, day.calls - day.errors), other, day.unauthorized, day.rate_limited)


def describe(day: DayUsage) -> str:
    """'Tue 1 Dec: 12 calls — 10 worked, 1 other error, 1 rejected (401), 0 rate limited (429)'."""
    worked, other, unauthorized, limited = parts_of(day)
    when = f"{day.day.strftime('%a')} {day.day.day} {day.day.strftime('%b')}"
    if not day.calls:
        return f"{when}: no calls"
    calls = "1 call" if day.calls == 1 else f"{day.calls} calls"
    return (
        f"{when}: {calls} — {worked} worked, {other} other error{'s' if other != 1 else ''}, "
        f"{unauthorized} rejected (401), {limited} rate limited (429)"
    )


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value


class UsageChart(FocusPaintedWidget):
    """Bars per day for one workspace (or all). ``set_days`` fills it.

    Signals:
        day_changed(str): the chosen day's numbers in words.
    """

    day_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usageChart")
        self.setAccessibleName("Calls per day (Left and Right choose a day)")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.days: list[DayUsage] = []
        self.current = -1

    def sizeHint(self) -> QSize:
        return QSize(600, 140)  # grows with the window (a 1024×640 one must fit without scrolling)

    def set_days(self, days: Sequence[DayUsage]) -> None:
        self.days = list(days)
        self.current = len(self.days) - 1 if self.days else -1  # today
        self._announce()
        self.update()

    @property
    def day_text(self) -> str:
        return (
            describe(self.days[self.current]) if 0 <= self.current < len(self.days) else "No calls recorded."
        )

    # ---- geometry ---------------------------------------------------------------------------------
    def _plot(self) -> QRectF:
        metrics = self.fontMetrics()
        left = metrics.horizontalAdvance("00000") + 8
        top = metrics.height() * 2 + 6  # room for the legend
        bottom = metrics.height() * 2 + 6
        return QRectF(left, top, max(10, self.width() - left - 8), max(10, self.height() - top - bottom))

    def _bar_rect(self, index: int, plot: QRectF) -> QRectF:
        slot = plot.width() / max(1, len(self.days))
        width = max(2.0, slot * 0.65)
        return QRectF(plot.left() + index * slot + (slot - width) / 2, plot.top(), width, plot.height())

    def _index_at(self, point: QPoint) -> int:
        plot = self._plot()
        if not self.days or not plot.left() <= point.x() <= plot.right():
            return -1
        return min(len(self.days) - 1, int((point.x() - plot.left()) / (plot.width() / len(self.days))))

    # ---- painting ---------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        tones = semantic(self)
        text = self.palette().windowText().color()
        muted = QColor(tones.muted)
        metrics = self.fontMetrics()
        plot = self._plot()
        self._paint_legend(painter, tones, text)
        if not self.days:
            painter.setPen(muted)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No calls recorded yet.")
            return
        top_value = _nice_max(max(d.calls for d in self.days) or 1)
        painter.setPen(QPen(muted, 1, Qt.PenStyle.DotLine))
        for step in range(5):  # grid lines and their numbers
            y = plot.bottom() - plot.height() * step / 4
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(top_value * step // 4),
            )
        label_every = max(
            1, int(len(self.days) / max(1, plot.width() / (metrics.horizontalAdvance("Wed 30") + 6))) + 1
        )
        for index, day in enumerate(self.days):
            bar = self._bar_rect(index, plot)
            y = plot.bottom()
            for count, (_label, tone) in zip(parts_of(day), PARTS, strict=True):
                if not count:
                    continue
                height = plot.height() * count / top_value
                painter.fillRect(
                    QRectF(bar.left(), y - height, bar.width(), height), QColor(getattr(tones, tone))
                )
                y -= height
            if index == self.current:
                painter.setPen(QPen(QColor(tones.focus) if self.hasFocus() else text, 2))
                painter.drawRect(
                    QRectF(bar.left() - 3, plot.top(), bar.width() + 6, plot.height()).adjusted(0, 0, 0, 2)
                )
            if index % label_every == 0 or index == len(self.days) - 1:
                painter.setPen(text if index == self.current else muted)
                painter.drawText(
                    QRectF(bar.center().x() - 40, plot.bottom() + 4, 80, metrics.height() * 2),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    f"{day.day.strftime('%a')}\n{day.day.day} {day.day.strftime('%b')}",
                )

    def _paint_legend(self, painter: QPainter, tones: object, text: QColor) -> None:
        metrics = self.fontMetrics()
        x = 8.0
        box = metrics.height() * 0.8
        for label, tone in PARTS:
            painter.fillRect(
                QRectF(x, 4 + (metrics.height() - box) / 2, box, box), QColor(getattr(tones, tone))
            )
            x += box + 4
            painter.setPen(text)
            painter.drawText(QRectF(x, 4, metrics.horizontalAdvance(label) + 2, metrics.height()), 0, label)
            x += metrics.horizontalAdvance(label) + 16

    # ---- input ------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        if event.key() in moves and self.days:
            self.current = max(0, min(len(self.days) - 1, self.current + moves[Qt.Key(event.key())]))
        elif event.key() == Qt.Key.Key_Home and self.days:
            self.current = 0
        elif event.key() == Qt.Key.Key_End and self.days:
            self.current = len(self.days) - 1
        else:
            super().keyPressEvent(event)
            return
        self._announce()
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event.position().toPoint())
        if index >= 0:
            QToolTip.showText(event.globalPosition().toPoint(), describe(self.days[index]), self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event.position().toPoint())
        if index >= 0:
            self.current = index
            self._announce()
            self.update()
        super().mousePressEvent(event)

    def _announce(self) -> None:
        self.setAccessibleDescription(self.day_text)
        self.day_changed.emit(self.day_text)
