"""The Settings panel's "Keys of this workspace" box: each key's age, a badge when it is older than the
chosen number of days, the key test's result, and Replace… for each key (``ReplaceKeyDialog``).

Ages and results come from ``Services.key_ages`` and ``Services.test_saved_keys``; no key value is read
into this widget. The number of days is an app setting (``key_age_days``), saved as soon as it changes.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.errors import CioDesktopError
from cio_desktop.models import SecretKind, Workspace
from cio_desktop.operations.key_check import KeyState
from cio_desktop.operations.key_hygiene import REPLACEABLE, KeyAge, due_count
from cio_desktop.operations.services import Services
from cio_desktop.ui.tasks import TaskKeeper, run_dialog
from cio_desktop.ui.theme import set_tone
from cio_desktop.ui.widgets.intro_note import IntroNote

INTRO = (
    "Each API key is a password for your Customer.io data. Replacing keys now and then (and whenever "
    "someone who knew them leaves) limits the damage a leaked key can do. This box shows how old each key "
    "is and lets you swap in a new one safely: the new key is tested first, and the old one stays in use "
    "until the new one works."
)
RESULT_WORDS = {
    KeyState.WORKS: ("works", "ok"),
    KeyState.REJECTED: ("rejected", "error"),
    KeyState.NOT_CHECKED: ("could not be tested", "warning"),
    KeyState.NOT_GIVEN: ("not stored", "muted"),
}


class KeyHygieneBox(QGroupBox):
    """Key ages and replacement for the current workspace.

    Signals:
        busy_changed(bool): testing keys.
    """

    busy_changed = Signal(bool)
    services_changed = Signal(str)  # bridge from Services' notifications

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("Keys of this workspace", parent)
        self.setObjectName("keyHygieneBox")
        self._services = services
        self._workspace: Workspace | None = None
        self.tasks = TaskKeeper()
        self.ages: list[KeyAge] = []
        self.dialog: QDialog | None = None  # the open replace dialog, for tests
        self.intro = IntroNote(services, "keys", "Why key age matters.", INTRO, self)
        self.summary = QLabel("Choose a workspace on the left.", self)
        self.summary.setObjectName("keyHygieneSummary")
        self.summary.setWordWrap(True)
        self.grid = QGridLayout()
        self.rows: dict[SecretKind, tuple[QLabel, QLabel, QLabel, QPushButton]] = {}
        for row, kind in enumerate(REPLACEABLE):
            name = QLabel(self)
            age = QLabel(self)
            age.setWordWrap(True)
            result = QLabel(self)
            replace = QPushButton("Replace…", self)
            replace.setObjectName(f"replace_{kind.value}_button")
            replace.setAccessibleName(f"Replace… the {kind.value.replace('_', ' ')}")
            replace.clicked.connect(functools.partial(self.open_replace, kind))
            for index, widget in enumerate((name, age, result, replace)):
                self.grid.addWidget(widget, row, index)
            self.rows[kind] = (name, age, result, replace)
        self.grid.setColumnStretch(1, 1)
        self.days_spin = QSpinBox(self)
        self.days_spin.setObjectName("keyAgeDaysSpin")
        self.days_spin.setAccessibleName("Show a badge for keys older than (days)")
        self.days_spin.setRange(1, 3650)
        self.days_spin.setSuffix(" days")
        self.days_spin.setMaximumWidth(160)
        self.days_spin.setValue(services.settings.key_age_days)
        self.days_spin.editingFinished.connect(self._on_days_spin_finished)
        days_label = QLabel("Show a badge for keys older &than:", self)
        days_label.setBuddy(self.days_spin)
        self.test_button = QPushButton("T&est the keys", self)
        self.test_button.setObjectName("keyHygieneTestButton")
        self.test_button.setAccessibleName("Test the keys (ask Customer.io whether they work)")
        self.test_button.clicked.connect(self.test_keys)
        bottom = QHBoxLayout()
        bottom.addWidget(days_label)
        bottom.addWidget(self.days_spin)
        bottom.addStretch(1)
        bottom.addWidget(self.test_button)
        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addWidget(self.summary)
        column.addLayout(self.grid)
        column.addLayout(bottom)
        self._show_ages([])
        self.services_changed.connect(self._on_services_changed)
        unsubscribe = services.subscribe(self.services_changed.emit)
        self.destroyed.connect(lambda *_: unsubscribe())  # holds no reference to self

    def _on_services_changed(self, topic: str) -> None:
        if topic in ("workspaces", "settings"):  # keys replaced elsewhere (the wizard), or the days
            self.days_spin.setValue(self._services.settings.key_age_days)
            self.reload()

    # ---- workspace --------------------------------------------------------------------------------
    def set_workspace(self, workspace: Workspace | None) -> None:
        self._workspace = workspace
        self.tasks.cancel("test")
        for _name, _age, result, _button in self.rows.values():
            result.clear()
        self.reload()

    def reload(self) -> None:
        """Read the ages again (after a change of workspace, keys or the number of days)."""
        self.tasks.spawn(self._load(), key="ages")

    async def _load(self) -> None:
        workspace = self._workspace
        if workspace is None:
            self._show_ages([])
            return
        try:
            ages = await self._services.key_ages(workspace)
        except CioDesktopError as exc:
            self.summary.setText(f"The key ages could not be read: {exc.message}")
            set_tone(self.summary, "error")
            return
        if workspace is self._workspace:
            self._show_ages(ages)

    def _show_ages(self, ages: list[KeyAge]) -> None:
        self.ages = ages
        by_kind = {age.kind: age for age in ages}
        workspace = self._workspace
        self.setTitle(f"Keys of “{workspace.name}”" if workspace else "Keys of this workspace")
        days = self._services.settings.key_age_days
        due = due_count(ages)
        if workspace is None:
            self.summary.setText("Choose a workspace on the left to see how old its keys are.")
            set_tone(self.summary, "muted")
        elif due:
            keys = "1 key is" if due == 1 else f"{due} keys are"
            self.summary.setText(
                f"{keys} older than {days} days: consider replacing {'it' if due == 1 else 'them'}."
            )
            set_tone(self.summary, "warning", "font-weight: bold;")
        else:
            self.summary.setText(f"No key is older than {days} days.")
            set_tone(self.summary, "ok")
        for kind, (name, age_label, _result, button) in self.rows.items():
            age = by_kind.get(kind)
            badge = f"  ⚠ older than {days} days: replace it" if age and age.due else ""
            name.setText(f"<b>{age.label if age else ''}</b>")
            age_label.setText((age.age_text if age else "") + badge)
            set_tone(age_label, "warning" if age and age.due else None, "font-weight: bold;" if badge else "")
            label = age.label if age else kind.value
            button.setAccessibleName(f"Replace… the {label}")
            button.setEnabled(workspace is not None)
            for widget in (name, age_label, _result, button):
                widget.setVisible(workspace is not None)
        self.test_button.setEnabled(workspace is not None)

    # ---- actions ----------------------------------------------------------------------------------
    def test_keys(self) -> None:
        self.tasks.spawn(self._test(), key="test")

    async def _test(self) -> None:
        workspace = self._workspace
        if workspace is None:
            return
        self.busy_changed.emit(True)
        for _name, _age, result, _button in self.rows.values():
            result.setText("testing…")
            set_tone(result, "muted")
        try:
            report = await self._services.test_saved_keys(workspace)
        finally:
            self.busy_changed.emit(False)
        for check in report.checks():
            if check.kind in self.rows:
                words, tone = RESULT_WORDS[check.state]
                result = self.rows[check.kind][2]
                result.setText(words)
                result.setToolTip(check.message)
                set_tone(result, tone, "font-weight: bold;")

    def open_replace(self, kind: SecretKind) -> None:
        if self._workspace is not None:
            self.tasks.spawn(self._replace(self._workspace, kind), key="replace")

    async def _replace(self, workspace: Workspace, kind: SecretKind) -> None:
        from cio_desktop.ui.dialogs.replace_key_dialog import ReplaceKeyDialog

        dialog = ReplaceKeyDialog(self._services, workspace, kind, self.window())
        self.dialog = dialog
        try:
            await run_dialog(dialog)
        finally:
            self.dialog = None
            dialog.deleteLater()
        if dialog.outcome is not None and dialog.outcome.replaced:
            if self._workspace is not None and self._workspace.id == workspace.id:
                self._workspace = dialog.outcome.workspace
            self.reload()
            result = self.rows[kind][2]
            result.setText("works")
            set_tone(result, "ok", "font-weight: bold;")

    def _on_days_spin_finished(self) -> None:
        days = int(self.days_spin.value())
        if days != self._services.settings.key_age_days:
            self.tasks.spawn(self._save_days(days), key="days")

    async def _save_days(self, days: int) -> None:
        await self._services.save_settings(self._services.settings.replace(key_age_days=days))
        self.reload()

    def focus_first(self) -> None:
        """Keyboard path from the Workspace menu: the first Replace… button."""
        self.rows[REPLACEABLE[0]][3].setFocus(Qt.FocusReason.ShortcutFocusReason)
