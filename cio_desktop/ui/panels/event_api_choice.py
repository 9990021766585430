"""The event form's API choice ("Track API" or "Pipelines API") and the Pipelines-only typed fields
(groupId, previousId). Dumb widgets: the form reads and shows them; which field a call needs comes from
``operations.pipelines_send``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from cio_desktop.ui.widgets.clear_button import add_clear_button

API_CHOICES = (("Track API", "track"), ("Pipelines API", "pipelines"))
API_HELP = {
    "track": "Track API: sent with the workspace's Site ID and Track API key.",
    "pipelines": "Pipelines API (Data Pipelines): sent with the source's write key, in strict mode.",
}


def api_combo(parent: QWidget) -> QComboBox:
    """The "Send with" chooser; its item data is the API name the drafts carry."""
    combo = QComboBox(parent)
    combo.setObjectName("eventApiCombo")
    combo.setAccessibleName("Send with (which API)")
    for text, api in API_CHOICES:
        combo.addItem(text, api)
    return combo


class PipelinesIdRows:
    """The groupId and previousId fields with their labels (added to the form's layout by the form)."""

    def __init__(self, parent: QWidget) -> None:
        self.group_edit = _edit(parent, "eventGroupId", "Group ID (groupId)", "e.g. acme")
        self.previous_edit = _edit(parent, "eventPreviousId", "Previous ID (previousId)", "e.g. visitor-1234")
        self.group_label = QLabel("&Group ID (groupId):", parent)
        self.previous_label = QLabel("&Previous ID (previousId):", parent)
        self.group_label.setBuddy(self.group_edit)
        self.previous_label.setBuddy(self.previous_edit)

    def rows(self) -> tuple[tuple[QLabel, QLineEdit], ...]:
        return ((self.group_label, self.group_edit), (self.previous_label, self.previous_edit))

    def show_for(self, *, group: bool, previous: bool) -> None:
        for widget in (self.group_label, self.group_edit):
            widget.setVisible(group)
        for widget in (self.previous_label, self.previous_edit):
            widget.setVisible(previous)


def _edit(parent: QWidget, name: str, accessible: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    add_clear_button(edit)
    return edit
