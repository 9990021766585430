"""The request inspector's table: one row per recorded exchange, newest first, plus its filter proxy.

Not responsible for fetching history (the panel subscribes to ``RequestHistory``) or for details.

Speed at 100,000 rows: the table model sorts its own Python list (one key per row, sorted in C) and the
proxy only filters; a proxy that sorted would call back into Python ``data()`` n·log n times. The text
a filter searches is built once per exchange and kept.
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
        self._haystacks: dict[str, tuple[str, str]] = {}  # id -> (workspace label, filter text)
        self._retried: set[str] = set()  # ids of attempts that a later attempt of the same call followed
        self.max_rows = max(1, max_rows)
        self._sort_column = COL_TIME
        self._descending = True
        # The workspace name shown for a record; the panel sets the layer's (current name after a rename).
        self.workspace_label: Callable[[Exchange], str] = lambda exchange: exchange.workspace

    def set_exchanges(self, exchanges: list[Exchange]) -> None:
        """Replace every row (in the current sort order, newest first by default)."""
        self.beginResetModel()
        self._rows = self._sorted(exchanges)
        self._ids = {e.id for e in self._rows}
        self._haystacks = {}
        self._retried = set()
        by_time = (
            self._rows if self._sort_column == COL_TIME and self._descending else self._by_time(exchanges)
        )
        for position, exchange in enumerate(by_time):  # retries are found in time order, newest first
            self._mark_retried(exchange, position + 1, by_time)
        self.endResetModel()

    @staticmethod
    def _by_time(exchanges: list[Exchange]) -> list[Exchange]:
        return sorted(exchanges, key=lambda e: e.started_at, reverse=True)

    def _sorted(self, exchanges: list[Exchange]) -> list[Exchange]:
        column = self._sort_column
        # Ties keep time order (newest first), as the time column would show them.
        by_time = self._by_time(exchanges)
        if column == COL_TIME:
            return by_time if self._descending else by_time[::-1]
        return sorted(by_time, key=lambda e: self._sort_key(e, column), reverse=self._descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows in Python (one key per row); the selection follows its rows."""
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        old = self._rows
        self._rows = self._sorted(old)
        persistent = self.persistentIndexList()
        if persistent:
            where = {id(e): row for row, e in enumerate(self._rows)}
            self.changePersistentIndexList(
                persistent,
                [self.index(where[id(old[i.row()])], i.column()) for i in persistent],
            )
        self.layoutChanged.emit()

    def _mark_retried(self, exchange: Exchange, start: int, rows: list[Exchange] | None = None) -> int:
        """Remember the attempt (at ``start`` or later in ``rows``, newest first; by default the rows
        as shown, searched from the top) that ``exchange``, a retry, followed; its position."""
        if exchange.attempt <= 1:
            return -1
        rows = self._rows if rows is None else rows
        key = retry_key(exchange)
        for row in range(start, len(rows)):
            earlier = rows[row]
            if earlier.attempt == exchange.attempt - 1 and retry_key(earlier) == key:
                self._retried.add(earlier.id)
                return row
        return -1

    def is_retried(self, row: int) -> bool:
        """True when a later attempt of the same call exists (the proxy can fold this row into it)."""
        return self._rows[row].id in self._retried

    def add_exchange(self, exchange: Exchange) -> None:
        """Insert one new exchange where the sort order puts it (the top, by default); a known id
        replaces its row."""
        if exchange.id in self._ids:
            for row, existing in enumerate(self._rows):
                if existing.id == exchange.id:
                    self._rows[row] = exchange
                    self._haystacks.pop(exchange.id, None)
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                    return
        followed = self._mark_retried(exchange, 0)
        row = self._insert_position(exchange)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, exchange)
        self._ids.add(exchange.id)
        self.endInsertRows()
        if followed >= 0:  # the earlier try may have moved down one row; the proxy re-filters (folds) it
            followed += 1 if row <= followed else 0
            self.dataChanged.emit(self.index(followed, 0), self.index(followed, len(COLUMNS) - 1))
        while len(self._rows) > self.max_rows:  # the history forgets its oldest records too
            if self._sort_column == COL_TIME:
                oldest = len(self._rows) - 1 if self._descending else 0
            else:
                oldest = min(range(len(self._rows)), key=lambda r: self._rows[r].started_at)
            self.beginRemoveRows(QModelIndex(), oldest, oldest)
            dropped = self._rows.pop(oldest)
            self._ids.discard(dropped.id)
            self._retried.discard(dropped.id)
            self._haystacks.pop(dropped.id, None)
            self.endRemoveRows()

    def _insert_position(self, exchange: Exchange) -> int:
        key = self._sort_key(exchange, self._sort_column)
        for row, existing in enumerate(self._rows):
            other = self._sort_key(existing, self._sort_column)
            if (key > other) if self._descending else (key < other):
                return row
            if key == other and exchange.started_at >= existing.started_at:
                return row
        return len(self._rows)

    def haystack(self, row: int) -> str:
        """What the free-text filter searches in this row, lower-cased (built once per exchange and
        workspace name)."""
        exchange = self._rows[row]
        label = self.workspace_label(exchange)
        found = self._haystacks.get(exchange.id)
        if found is None or found[0] != label:
            text = " ".join(
                (
                    exchange.method,
                    exchange.url,
                    exchange.operation,
                    label,
                    status_text(exchange),
                    exchange.error or "",
                )
            ).lower()
            found = self._haystacks[exchange.id] = (label, text)
        return found[1]

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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The table model sorts itself (fast); the proxy keeps its order and only filters."""
        model = self.sourceModel()
        if isinstance(model, ExchangeTableModel):
            model.sort(column, order)
        else:
            super().sort(column, order)

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
            return self._text in model.haystack(source_row)
        return True
