"""One person's profile in tabs: identifiers, attributes, segments, devices, activities, messages.

Signals:
    load_more_requested(): the user wants the next page of activities.
    activity_type_changed(str): the activity type filter changed ("" = all types).

Shows a ``CustomerProfile``; fetching is the panel's job.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.lookup_query import pretty_json
from cio_desktop.operations.lookup import ActivityPage, CustomerProfile, activity_label, activity_summary
from cio_desktop.person_activity import Side, last_seen_line, person_name, side_of
from cio_desktop.text_safety import safe_line
from cio_desktop.ui.panels.json_editor import JsonHighlighter
from cio_desktop.ui.panels.lookup_tables import CopyableTable, cell
from cio_desktop.ui.panels.timeline_view import TimelineView
from cio_desktop.ui.widgets.clear_button import add_clear_button
from cio_desktop.ui.widgets.large_text import LargeTextFill

ACTIVITY_TYPES = (
    ("All types", ""),
    ("Events", "event"),
    ("Page views", "page"),
    ("Screen views", "screen"),
    ("Attribute changes", "attribute_change"),
    ("Emails sent", "sent_email"),
    ("Emails opened", "opened_email"),
    ("Devices", "device_change"),
)


WHO = {Side.THEIRS: "They did", Side.TO_THEM: "Sent to them", Side.PROFILE: "Profile"}
SIDE_ROLE = Qt.ItemDataRole.UserRole + 1


def _labelled(text: str, raw: Any) -> QTableWidgetItem:
    """A cell showing ``text`` (also on hover, where a long line can be read whole); "Copy raw value" copies
    the raw value. The raw JSON is not the tooltip: it held Unix timestamps nobody can read."""
    item = cell(raw)
    item.setText(text)
    item.setToolTip(text[:500])
    return item


def _message_status(message: dict[str, Any]) -> str:
    if message.get("failure_message"):
        return f"failed: {message['failure_message']}"
    metrics = message.get("metrics") if isinstance(message.get("metrics"), dict) else {}
    for key in ("converted", "clicked", "opened", "delivered", "sent", "drafted"):
        if metrics and metrics.get(key):
            return key
    return ""


class ProfileView(QWidget):
    """Header with the person's identifiers and one tab per section.

    Signals:
        load_more_requested()
        activity_type_changed(str)
    """

    load_more_requested = Signal()
    activity_type_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookupProfile")
        self.profile: CustomerProfile | None = None
        self._has_more = False

        self.header = QLabel(self)
        self.header.setObjectName("lookupProfileHeader")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.header.setFont(font)
        self.subheader = QLabel(self)
        self.subheader.setObjectName("lookupProfileIdentifiers")
        self.subheader.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subheader.setWordWrap(True)
        self.last_seen = QLabel(self)
        self.last_seen.setObjectName("lookupProfileLastSeen")
        self.last_seen.setAccessibleName("Last activity")
        self.last_seen.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_seen.setWordWrap(True)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("lookupTabs")
        self.tabs.setAccessibleName("Profile sections")
        self.identifiers_table = CopyableTable(
            ("Identifier", "Value"), self, name="lookupIdentifiersTable", label="Identifiers"
        )
        self.attributes_filter = QLineEdit(self)
        self.attributes_filter.setObjectName("lookupAttributesFilter")
        self.attributes_filter.setAccessibleName("Filter attributes")
        self.attributes_filter.setPlaceholderText("Filter attributes by name or value…")
        add_clear_button(self.attributes_filter)  # named "Clear"
        self.attributes_filter.textChanged.connect(self._on_attributes_filter_changed)
        self.attributes_table = CopyableTable(
            ("Attribute", "Value"), self, name="lookupAttributesTable", label="Attributes"
        )
        self.segments_table = CopyableTable(
            ("Segment", "ID", "Description"), self, name="lookupSegmentsTable", label="Segments"
        )
        self.devices_table = CopyableTable(
            ("Device", "Platform", "Last used"), self, name="lookupDevicesTable", label="Devices"
        )
        self.activity_type_combo = QComboBox(self)
        self.activity_type_combo.setObjectName("lookupActivityType")
        self.activity_type_combo.setAccessibleName("Show activities of type")
        for label, value in ACTIVITY_TYPES:
            self.activity_type_combo.addItem(label, value)
        self.activity_type_combo.currentIndexChanged.connect(self._on_activity_type_changed)
        self.activity_side_combo = QComboBox(self)
        self.activity_side_combo.setObjectName("lookupActivitySide")
        self.activity_side_combo.setAccessibleName("Whose activities to show")
        self.activity_side_combo.addItem("Everything", None)
        for side in Side:
            self.activity_side_combo.addItem(side.value, side)
        self.activity_side_combo.currentIndexChanged.connect(self._apply_side_filter)
        self.activities_table = CopyableTable(
            ("When", "Who", "Type", "Name", "Details"),
            self,
            name="lookupActivitiesTable",
            label="Recent activities",
        )
        self.load_more_button = QPushButton("Load more", self)
        self.load_more_button.setObjectName("lookupLoadMoreButton")
        self.load_more_button.setAccessibleName("Load more (older activities)")
        self.load_more_button.clicked.connect(self.load_more_requested)
        self.activities_note = QLabel(self)
        self.activities_note.setObjectName("lookupActivitiesNote")
        self.messages_table = CopyableTable(
            ("Created", "Type", "Subject", "Recipient", "Status"),
            self,
            name="lookupMessagesTable",
            label="Messages",
        )
        self.raw_view = QPlainTextEdit(self)
        self.raw_view.setObjectName("lookupRawJson")
        self.raw_view.setAccessibleName("Raw JSON answers")
        self.raw_view.setReadOnly(True)
        self.raw_view.setTabChangesFocus(True)
        self.raw_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._raw_highlighter = JsonHighlighter(self.raw_view.document())
        self._raw_fill = LargeTextFill(self.raw_view, self._raw_highlighter)

        self._add_tab("Identifiers", self.identifiers_table)
        self._add_tab("Attributes", self.attributes_filter, self.attributes_table)
        self._add_tab("Segments", self.segments_table)
        self._add_tab("Devices", self.devices_table)
        controls = QHBoxLayout()
        caption = QLabel("Show:", self)
        caption.setBuddy(self.activity_type_combo)
        controls.addWidget(caption)
        controls.addWidget(self.activity_type_combo)
        whose = QLabel("&Whose:", self)
        whose.setBuddy(self.activity_side_combo)
        controls.addWidget(whose)
        controls.addWidget(self.activity_side_combo)
        controls.addWidget(self.activities_note, 1)
        controls.addWidget(self.load_more_button)
        self._add_tab("Activities", controls, self.activities_table)
        # Tab follows reading order: "Load more" sits in the row above the table.
        QWidget.setTabOrder(self.activity_type_combo, self.activity_side_combo)
        QWidget.setTabOrder(self.activity_side_combo, self.load_more_button)
        QWidget.setTabOrder(self.load_more_button, self.activities_table)
        self._add_tab("Messages", self.messages_table)
        self.timeline = TimelineView(self)  # activities and messages on a time axis
        self.tabs.addTab(self.timeline, "Timeline")
        self._add_tab("Raw JSON", self.raw_view)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.subheader)
        layout.addWidget(self.last_seen)
        layout.addWidget(self.tabs, 1)

    def _add_tab(self, title: str, *parts: QWidget | QHBoxLayout) -> None:
        page = QWidget(self)
        column = QVBoxLayout(page)
        for part in parts:
            if isinstance(part, QHBoxLayout):
                column.addLayout(part)
            else:
                column.addWidget(part, 1 if isinstance(part, CopyableTable | QPlainTextEdit) else 0)
        self.tabs.addTab(page, title)

    # -- filling -----------------------------------------------------------------------------------

    def tab_index(self, title: str) -> int:
        return next(i for i in range(self.tabs.count()) if self.tabs.tabText(i).startswith(title))

    def show_profile(self, profile: CustomerProfile) -> None:
        """Fill every section from ``profile``."""
        self.profile = profile
        ids = profile.identifiers
        self.header.setText(safe_line(person_name(profile.attributes) or profile.display_name))
        parts = [f"{key}: {ids[key]}" for key in ("id", "email", "cio_id") if ids.get(key)]
        if profile.customer.get("unsubscribed"):
            parts.append("unsubscribed from all messages")
        self.subheader.setText(safe_line("   ·   ".join(parts)))
        rows = [[cell(key), cell(ids.get(key))] for key in ("id", "email", "cio_id")]
        self.identifiers_table.set_rows(rows)

        attributes = profile.attributes
        self.attributes_table.set_rows([[cell(k), cell(attributes[k], name=k)] for k in sorted(attributes)])
        self._on_attributes_filter_changed(self.attributes_filter.text())
        self.segments_table.set_rows(
            [[cell(s.get("name")), cell(s.get("id")), cell(s.get("description"))] for s in profile.segments]
        )
        self.devices_table.set_rows(
            [
                [cell(d.get("id")), cell(d.get("platform")), cell(d.get("last_used"), as_date=True)]
                for d in profile.devices
            ]
        )
        self.set_activities(profile.activities)
        self.messages_table.set_rows(
            [
                [
                    cell(m.get("created"), as_date=True),
                    cell(m.get("type")),
                    cell(m.get("subject")),
                    cell(m.get("recipient")),
                    cell(_message_status(m)),
                ]
                for m in profile.messages
            ]
        )
        raw = profile.raw  # made in a worker thread, filled in piece by piece: megabytes never freeze
        self._raw_fill.fill_with(lambda: pretty_json(raw), placeholder="Formatting the raw answers…")
        self.timeline.set_person(profile.activities.items, profile.messages)
        counts = {
            "Attributes": len(attributes),
            "Segments": len(profile.segments),
            "Devices": len(profile.devices),
            "Messages": len(profile.messages),
        }
        for title, count in counts.items():
            self.tabs.setTabText(self.tab_index(title), f"{title} ({count})")

    def set_activities(self, page: ActivityPage, *, append: bool = False) -> None:
        """Show a page of activities (newest first), replacing or appending; updates "Load more"."""
        rows = [
            [
                cell(a.get("timestamp"), as_date=True),
                self._who(str(a.get("type") or "")),
                _labelled(activity_label(str(a.get("type") or "")), a.get("type")),
                cell(a.get("name")),
                _labelled(activity_summary(a), a.get("data") or a.get("url")),
            ]
            for a in page.items
        ]
        if append:
            self.activities_table.append_rows(rows)
        else:
            self.activities_table.set_rows(rows)
        self._has_more = page.next is not None
        self.load_more_button.setEnabled(self._has_more)
        self._apply_side_filter()
        self.update_last_seen()
        if append and self.profile is not None:  # older activities loaded: the timeline gets them too
            self.timeline.set_person(self.profile.activities.items, self.profile.messages)

    def _who(self, kind: str) -> QTableWidgetItem:
        side = side_of(kind)
        item = cell(WHO[side])
        item.setData(SIDE_ROLE, side)
        item.setToolTip(side.value)
        return item

    def _apply_side_filter(self, _index: int = 0) -> None:
        """Hide the rows of other sides (the activities loaded stay; "Load more" brings older ones)."""
        wanted = self.activity_side_combo.currentData()
        table = self.activities_table
        shown = 0
        for row in range(table.rowCount()):
            item = table.item(row, 1)
            hidden = wanted is not None and (item is None or item.data(SIDE_ROLE) is not wanted)
            table.setRowHidden(row, hidden)
            shown += not hidden
        total = table.rowCount()
        end = "" if self._has_more else " (that is all)"
        if total == 0:
            self.activities_note.setText("No activities of this type in the last 30 days.")
        elif shown == total:
            self.activities_note.setText(f"{shown} shown, newest first{end}")
        else:
            self.activities_note.setText(f"{shown} of {total} loaded shown, newest first{end}")

    def update_last_seen(self) -> None:
        """The "Last activity · Last message to them" line from what is loaded."""
        profile = self.profile
        if profile is None:
            self.last_seen.setText("")
            return
        self.last_seen.setText(
            last_seen_line(
                profile.activities.items,
                profile.messages,
                label=activity_label,
                complete=not self.activity_type(),
            )
        )

    def redisplay(self) -> None:
        """Show the same person again (the time zone setting changed)."""
        if self.profile is not None:
            self.show_profile(self.profile)

    def activity_type(self) -> str:
        return str(self.activity_type_combo.currentData() or "")

    # -- slots -------------------------------------------------------------------------------------

    def _on_attributes_filter_changed(self, text: str) -> None:
        needle = text.strip().lower()
        table = self.attributes_table
        for row in range(table.rowCount()):
            name, value = table.item(row, 0), table.item(row, 1)
            haystack = " ".join(
                str(i.text()) + " " + str(i.data(Qt.ItemDataRole.UserRole))
                for i in (name, value)
                if i is not None
            ).lower()
            table.setRowHidden(row, bool(needle) and needle not in haystack)

    def _on_activity_type_changed(self, _index: int) -> None:
        self.activity_type_changed.emit(self.activity_type())
