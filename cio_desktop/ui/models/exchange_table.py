"""The request inspector's table: one row per recorded exchange, newest first, plus its filter proxy.

Not responsible for fetching history (the panel subscribes to ``RequestHistory``) or for details.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from cio_desktop.api.exchange import Exchange
from cio_desktop.exchange_words import retry_key, tries_note
from cio_desktop.time_display import format_clock
from cio_desktop.ui.theme import semantic

COLUMNS = ("Time", "Workspace", "What", "Method", "Path", "Status", "Duration")
COL_TIME, COL_WORKSPACE, COL_WHAT, COL_METHOD, COL_PATH, COL_STATUS, COL_DURATION = range(len(COLUMNS))
ExchangeRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class StatusClass:
    """Filter values for the status column."""

    ALL = "all"
    SUCCESS = "2xx"
    CLIENT = "4xx"
    SERVER = "5xx"
    FAILED = "failed"

    LABELS = (
        (ALL, "Any status"),
        (SUCCESS, "Succeeded (2xx)"),
        (CLIENT, "Refused (4xx)"),
        (SERVER, "Server trouble (5xx)"),
        (FAILED, "No answer (network, timeout, cancelled)"),
    )


def status_class(exchange: Exchange) -> str:
    """Which ``StatusClass`` an exchange belongs to."""
    status = exchange.status
    if status is None:
        return StatusClass.FAILED
    if 200 <= status < 300:
        return StatusClass.SUCCESS
    if 400 <= status < 500:
        return StatusClass.CLIENT
    if status >= 500:
        return StatusClass.SERVER
    return StatusClass.ALL


def path_of(exchange: Exchange) -> str:
    """The URL's path and query, what people recognise in the table."""
    parts = urlsplit(exchange.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def status_phrase(exchange: Exchange) -> str:
    """``200 OK``, ``404 Not Found``; the failure in words when no answer came."""
    from http import HTTPStatus

    if exchange.status is None:
        return exchange.error or "no answer"
    try:
        return f"{exchange.status} {HTTPStatus(exchange.status).phrase}"
    except ValueError:
        return str(exchange.status)


def status_text(exchange: Exchange) -> str:
    """``200``, or "No answer" when none came (the reason is in the tooltip and the details)."""
    if exchange.status is not None:
        return f"{exchange.status}{tries_note(exchange)}"
    return f"No answer{tries_note(exchange)}"


class ExchangeTableModel(QAbstractTableModel):
    """Exchanges as rows (newest first); ``ExchangeRole`` gives the ``Exchange`` itself."""

    def __init__(self, parent: QObject | None = None, *, max_rows: int = 1000) -> None:
        super().__init__(parent)
        self._rows: list[Exchange] = []
        self._ids: set[str] = set()
        self._retried: set[str] = set()  # ids of attempts that a later attempt of the same call followed
        self.max_rows = max(1, max_rows)
        # The workspace name shown for a record; the panel sets the layer's (current name after a rename).
        self.workspace_label: Callable[[Exchange], str] = lambda exchange: exchange.workspace

    def set_exchanges(self, exchanges: list[Exchange]) -> None:
        """Replace every row (newest first)."""
        self.beginResetModel()
        self._rows = sorted(exchanges, key=lambda e: e.started_at, reverse=True)
        self._ids = {e.id for e in self._rows}
        self._retried = set()
        for position, exchange in enumerate(self._rows):
            self._mark_retried(exchange, position + 1)
        self.endResetModel()

    def _mark_retried(self, exchange: Exchange, start: int) -> int:
        """Remember the attempt (at row ``start`` or older) that ``exchange``, a retry, followed; its row."""
        if exchange.attempt <= 1:
            return -1
        key = retry_key(exchange)
        for row in range(start, len(self._rows)):
            earlier = self._rows[row]
            if earlier.attempt == exchange.attempt - 1 and retry_key(earlier) == key:
                self._retried.add(earlier.id)
                return row
        return -1

    def is_retried(self, row: int) -> bool:
        """True when a later attempt of the same call exists (the proxy can fold this row into it)."""
        return self._rows[row].id in self._retried

    def add_exchange(self, exchange: Exchange) -> None:
        """Insert one new exchange at the top (a known id replaces its row)."""
        if exchange.id in self._ids:
            for row, existing in enumerate(self._rows):
                if existing.id == exchange.id:
                    self._rows[row] = exchange
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                    return
        followed = self._mark_retried(exchange, 0)
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, exchange)
        self._ids.add(exchange.id)
        self.endInsertRows()
        if followed >= 0:  # the earlier try moved down one row; the proxy re-filters it (folds it in)
            self.dataChanged.emit(self.index(followed + 1, 0), self.index(followed + 1, len(COLUMNS) - 1))
        if len(self._rows) > self.max_rows:  # the history forgets its oldest records too
            first = self.max_rows
            self.beginRemoveRows(QModelIndex(), first, len(self._rows) - 1)
            for dropped in self._rows[first:]:
                self._ids.discard(dropped.id)
                self._retried.discard(dropped.id)
            del self._rows[first:]
            self.endRemoveRows()

    def exchanges(self) -> list[Exchange]:
        return list(self._rows)

    def workspaces(self) -> list[str]:
        return sorted({label for e in self._rows if (label := self.workspace_label(e))})

    def exchange_at(self, row: int) -> Exchange:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  # Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  # Qt signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        exchange = self._rows[index.row()]
        column = index.column()
        if role == ExchangeRole:
            return exchange
        if column == COL_WORKSPACE and role in (Qt.ItemDataRole.DisplayRole, SortRole):
            return self.workspace_label(exchange)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(exchange, column)
        if role == SortRole:
            return self._sort_key(exchange, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_TIME:
                return exchange.started_at.isoformat()
            if column == COL_PATH:
                return exchange.url
            if column == COL_STATUS:
                return exchange.error or status_phrase(exchange)
            return exchange.operation or None
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            cls = status_class(exchange)
            if cls == StatusClass.SUCCESS:
                return QColor(semantic().ok)
            if cls in (StatusClass.CLIENT, StatusClass.SERVER, StatusClass.FAILED):
                return QColor(semantic().error)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_DURATION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(exchange: Exchange, column: int) -> str:
        if column == COL_TIME:
            return format_clock(exchange.started_at)
        if column == COL_WORKSPACE:
            return exchange.workspace
        if column == COL_WHAT:
            return exchange.operation
        if column == COL_METHOD:
            return exchange.method
        if column == COL_PATH:
            return path_of(exchange)
        if column == COL_STATUS:
            return status_text(exchange)
        return f"{exchange.total_ms:.0f} ms"

    @staticmethod
    def _sort_key(exchange: Exchange, column: int) -> Any:
        if column == COL_TIME:
            return exchange.started_at.timestamp()
        if column == COL_STATUS:
            return exchange.status if exchange.status is not None else -1
        if column == COL_DURATION:
            return exchange.total_ms
        return ExchangeTableModel._display(exchange, column)


class ExchangeFilterProxy(QSortFilterProxyModel):
    """Filters rows by workspace name, status class and free text (URL, operation, status, error)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace: str | None = None
        self._status = StatusClass.ALL
        self._text = ""
        self._group_retries = True
        self.setSortRole(SortRole)

    def set_group_retries(self, group: bool) -> None:
        """Show one row per call (its last attempt, "No answer (4 tries)") or every attempt."""
        self.beginFilterChange()
        self._group_retries = group
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_workspace(self, name: str | None) -> None:
        self.beginFilterChange()
        self._workspace = name or None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_status_class(self, value: str) -> None:
        self.beginFilterChange()
        self._status = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ExchangeTableModel):
            return True
        exchange = model.exchange_at(source_row)
        if self._group_retries and model.is_retried(source_row):
            return False
        if self._workspace and model.workspace_label(exchange) != self._workspace:
            return False
        if self._status != StatusClass.ALL and status_class(exchange) != self._status:
            return False
        if self._text:
            haystack = " ".join(
                (
                    exchange.method,
                    exchange.url,
                    exchange.operation,
                    model.workspace_label(exchange),
                    status_text(exchange),
                    exchange.error or "",
                )
            ).lower()
            return self._text in haystack
        return True
