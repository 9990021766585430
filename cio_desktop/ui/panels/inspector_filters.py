"""The request inspector's filter bar: workspace, status class and free text, plus the "N of M calls" count.

Drives an ``ExchangeFilterProxy`` directly; knows nothing about the history.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from cio_desktop.ui.models.exchange_table import ExchangeFilterProxy, StatusClass
from cio_desktop.ui.widgets.clear_button import add_clear_button

ALL_WORKSPACES = ""
SEARCH_PLACEHOLDER = "Search calls… (Ctrl+F)"


class InspectorFilterBar(QWidget):
    """Workspace and status drop-downs, a search field (Ctrl+F) and the count of calls shown."""

    def __init__(self, proxy: ExchangeFilterProxy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorFilters")
        self._proxy = proxy
        self.workspace_combo = QComboBox(self)
        self.workspace_combo.setObjectName("inspectorWorkspaceFilter")
        self.workspace_combo.setAccessibleName("Workspace of the calls shown")
        self.workspace_combo.addItem("All workspaces", ALL_WORKSPACES)
        self.workspace_combo.currentIndexChanged.connect(self._on_workspace_combo_changed)
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("inspectorStatusFilter")
        self.status_combo.setAccessibleName("Status of the calls shown")
        for value, label in StatusClass.LABELS:
            self.status_combo.addItem(label, value)
        for combo in (self.workspace_combo, self.status_combo):  # long names are elided, not widening the bar
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.status_combo.currentIndexChanged.connect(self._on_status_combo_changed)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("inspectorSearch")
        self.search_edit.setAccessibleName("Search calls")
        self.search_edit.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_edit.setToolTip("Finds calls by path, status, operation, workspace or error text")
        # Never squeezed to "Se…": room for the placeholder, whatever the window width.
        room = self.search_edit.fontMetrics().horizontalAdvance(SEARCH_PLACEHOLDER) + 40  # + clear button
        self.search_edit.setMinimumWidth(room)
        add_clear_button(self.search_edit)  # named "Clear"
        self.search_edit.textChanged.connect(self._proxy.set_text)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        self.retries_check = QCheckBox("Each &retry", self)
        self.retries_check.setObjectName("inspectorShowRetries")
        self.retries_check.setAccessibleName("Each retry as its own row")
        self.retries_check.setToolTip(
            "A call that was retried shows as one row, e.g. “No answer (4 tries)”. Tick to see every try."
        )
        self.retries_check.toggled.connect(lambda shown: self._proxy.set_group_retries(not shown))
        self.count_label = QLabel(self)
        self.count_label.setObjectName("inspectorCount")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for caption, widget in (("&Workspace:", self.workspace_combo), ("S&tatus:", self.status_combo)):
            buddy = QLabel(caption, self)
            buddy.setBuddy(widget)
            layout.addWidget(buddy)
            layout.addWidget(widget)
        layout.addWidget(self.search_edit, 1)
        layout.addWidget(self.retries_check)

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def add_workspace(self, name: str) -> None:
        """Offer ``name`` in the workspace drop-down (once)."""
        if name and self.workspace_combo.findData(name) < 0:
            self.workspace_combo.addItem(name, name)

    def show_count(self, shown: int, total: int) -> None:
        self.count_label.setText(f"{shown} of {total} calls" if shown != total else f"{total} calls")

    def _on_workspace_combo_changed(self, _index: int) -> None:
        self._proxy.set_workspace(self.workspace_combo.currentData() or None)

    def _on_status_combo_changed(self, _index: int) -> None:
        self._proxy.set_status_class(self.status_combo.currentData())
