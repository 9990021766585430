"""Read-only tables for the lookup panel: copy with Ctrl+C or the context menu, dates shown with raw tooltips.

Not responsible for fetching anything; the profile view fills them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cio_desktop.lookup_query import as_timestamp, display_value, format_datetime
from cio_desktop.text_safety import safe_line
from cio_desktop.time_display import other_zone

SHOWN_CHARS = 1000  # a cell shows this much of a long value (measuring 100 kB of text stalls the table)


def cell(value: Any, *, name: str = "", as_date: bool = False) -> QTableWidgetItem:
    """A read-only cell; a unix timestamp (by ``name`` or ``as_date``) shows as a date with its zone, the same
    moment in the other zone on hover (never the raw number: "Copy raw value" gives that). A very long value
    is shown cut (with "…"); copying gives the whole value."""
    raw = safe_line(display_value(value))  # a value may hold ESC, CR or a bidi override: shown escaped
    moment = as_timestamp(name or ("timestamp" if as_date else ""), value) if (name or as_date) else None
    shown = raw if len(raw) <= SHOWN_CHARS else raw[:SHOWN_CHARS] + "…"
    item = QTableWidgetItem(format_datetime(moment) if moment else shown)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    item.setData(Qt.ItemDataRole.UserRole, raw)
    item.setToolTip(f"Same moment: {other_zone(moment)}" if moment else raw[:500])
    return item


class CopyableTable(QTableWidget):
    """A read-only table whose cells can be copied (Ctrl+C copies the selection, tab-separated)."""

    def __init__(
        self, headers: Sequence[str], parent: QWidget | None = None, *, name: str, label: str
    ) -> None:
        super().__init__(0, len(headers), parent)
        self.setObjectName(name)
        self.setAccessibleName(label)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.copy_action = QAction("Copy", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_selection)
        self.addAction(self.copy_action)

    def set_rows(self, rows: Sequence[Sequence[QTableWidgetItem]]) -> None:
        """Replace the content with ``rows`` of prepared cells."""
        self.setSortingEnabled(False)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, item in enumerate(row):
                self.setItem(r, c, item)
        self.resizeColumnsToContents()

    def append_rows(self, rows: Sequence[Sequence[QTableWidgetItem]]) -> None:
        start = self.rowCount()
        self.setRowCount(start + len(rows))
        for r, row in enumerate(rows, start):
            for c, item in enumerate(row):
                self.setItem(r, c, item)

    def selected_text(self, *, raw: bool = False) -> str:
        """The selected cells as text: rows by line, columns by tab (the raw value when ``raw``)."""
        cells = sorted((i.row(), i.column()) for i in self.selectedIndexes())
        if not cells and self.currentItem() is not None:
            cells = [(self.currentRow(), self.currentColumn())]
        lines: dict[int, list[str]] = {}
        for row, column in cells:
            item = self.item(row, column)
            if item is None:
                continue
            text = str(item.data(Qt.ItemDataRole.UserRole)) if raw else item.text()
            lines.setdefault(row, []).append(text)
        return "\n".join("\t".join(parts) for _, parts in sorted(lines.items()))

    def copy_selection(self, *, raw: bool = False) -> str:
        """Put the selection on the clipboard; returns what was copied."""
        text = self.selected_text(raw=raw)
        if text:
            QApplication.clipboard().setText(text)
        return text

    def _on_context_menu_requested(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.setObjectName(f"{self.objectName()}Menu")
        menu.addAction("Copy", self.copy_selection)
        menu.addAction("Copy raw value", lambda: self.copy_selection(raw=True))
        row = self.rowAt(pos.y())
        if row >= 0:
            menu.addAction("Copy whole row", lambda: self._copy_row(row))
        menu.exec(self.viewport().mapToGlobal(pos))

    def _copy_row(self, row: int) -> None:
        items = [self.item(row, c) for c in range(self.columnCount())]
        parts = [item.text() if item is not None else "" for item in items]
        QApplication.clipboard().setText("\t".join(parts))
