"""The lookup panel's simple pages: a centred message (empty state, no match) and the list of people who
share an email, to choose one from."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.operations.lookup import SeveralMatches


class MessagePage(QWidget):
    """A larger, selectable message in the middle of the page; ``label`` holds the text."""

    def __init__(self, parent: QWidget | None = None, *, name: str) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setObjectName(name)
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(360)
        self.label.setMaximumWidth(640)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.label.setFont(font)
        # No alignment flag on the label: with one, Qt ignores height-for-width and clips wrapped text.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.label, 3)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)


class MatchesView(QWidget):
    """Intro line, the list of people, and "Open this person".

    Signals:
        match_chosen(object)
    """

    match_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookupMatches")
        self.intro = QLabel(self)
        self.intro.setObjectName("lookupMatchesIntro")
        self.intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("lookupMatchesList")
        self.list.setAccessibleName("People with this email")
        self.list.itemActivated.connect(self._on_item_activated)
        self.open_button = QPushButton("Open this person", self)
        self.open_button.setObjectName("lookupOpenMatchButton")
        self.open_button.setAccessibleName("Open this person (the selected one)")
        self.open_button.clicked.connect(self._on_open_clicked)
        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addWidget(self.list, 1)
        column.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)

    def show_matches(self, outcome: SeveralMatches) -> None:
        """List everyone the email matched, the first one selected and focused."""
        self.intro.setText(
            f"{len(outcome.matches)} people share the email “{outcome.query.value}”. "
            "Choose one to open (double-click or Enter):"
        )
        self.list.clear()
        for match in outcome.matches:
            item = QListWidgetItem(match.label())
            item.setData(Qt.ItemDataRole.UserRole, match)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.setFocus()

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.match_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def _on_open_clicked(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._on_item_activated(item)
