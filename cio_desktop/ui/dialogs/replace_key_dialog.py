"""Replace one API key: paste the new key, test it against Customer.io, and only then swap it in.

The work is ``Services.replace_key`` (tested first; the keyring transaction keeps the old key in use until
the new one passed). The dialog holds the pasted key in a masked field only, and forgets it when closed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from cio_desktop.errors import CioDesktopError
from cio_desktop.models import SecretKind, Workspace
from cio_desktop.operations.key_hygiene import KIND_LABELS, ReplaceOutcome
from cio_desktop.operations.services import Services
from cio_desktop.ui.tasks import TaskKeeper
from cio_desktop.ui.theme import set_tone
from cio_desktop.ui.widgets.busy import BusyIndicator
from cio_desktop.ui.widgets.secret_field import SecretField

WHERE = {
    SecretKind.TRACK_API_KEY: "Customer.io: Settings → Workspace Settings → API and webhook credentials → "
    "Tracking API keys (create a new key, keep the old one until this test passes)",
    SecretKind.APP_API_KEY: "Customer.io: Settings → Account Settings → API credentials → App API keys "
    "(create a new key, keep the old one until this test passes)",
    SecretKind.PIPELINES_KEY: "Customer.io: Data Pipelines → your source → Settings → API key",
}


class ReplaceKeyDialog(QDialog):
    """Paste → Test and replace → done (or why not). ``outcome`` holds the last result, for tests."""

    def __init__(
        self, services: Services, workspace: Workspace, kind: SecretKind, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._workspace = workspace
        self._kind = kind
        self.tasks = TaskKeeper()
        self.outcome: ReplaceOutcome | None = None
        label = KIND_LABELS[kind]
        self.setObjectName("replaceKeyDialog")
        self.setWindowTitle(f"Replace the {label} — {workspace.name}")
        intro = QLabel(
            f"Paste the new {label}. It is tested against Customer.io first; only when it works does it "
            f"replace the old one in the keyring. Until then the old key stays in use.\n\nWhere to get one: "
            f"{WHERE.get(kind, 'your Customer.io account settings')}.",
            self,
        )
        intro.setObjectName("replaceKeyIntro")
        intro.setWordWrap(True)
        self.field = SecretField(f"New {label}", self, name="replaceKeyField")
        self.field.changed.connect(self._on_field_changed)
        self.second_button = QPushButton("Use the practice workspace's second key", self)
        self.second_button.setObjectName("replaceKeyUseSecond")
        self.second_button.setAccessibleName("Use the practice workspace's second key")
        self.second_button.setToolTip(
            "The practice server accepts a second, fictional key: fill it in to try the whole flow"
        )
        self.second_button.clicked.connect(self._on_second_button_clicked)
        self.second_button.setVisible(services.practice_second_key(kind) is not None and workspace.demo)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("replaceKeyResult")
        self.result_label.setWordWrap(True)
        self.busy = BusyIndicator(self, name="replaceKeyBusy")
        self.buttons = QDialogButtonBox(self)
        self.replace_button = self.buttons.addButton(
            "&Test and replace", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.replace_button.setObjectName("replaceKeyButton")
        self.replace_button.setAccessibleName("Test and replace")
        self.replace_button.setEnabled(False)
        self.replace_button.setDefault(True)
        self.replace_button.clicked.connect(self._on_replace_button_clicked)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("replaceKeyClose")
        self.close_button.setAccessibleName("Close")
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addWidget(self.field)
        column.addWidget(self.second_button)
        column.addWidget(self.busy)
        column.addWidget(self.result_label)
        column.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def _on_field_changed(self, value: str) -> None:
        self.replace_button.setEnabled(bool(value.strip()))
        self.result_label.clear()

    def _on_second_button_clicked(self) -> None:
        second = self._services.practice_second_key(self._kind)
        if second:
            self.field.set_value(second)
            self.replace_button.setFocus()

    def _on_replace_button_clicked(self) -> None:
        self.tasks.spawn(self.replace(), key="replace")

    async def replace(self) -> ReplaceOutcome | None:
        """Test the pasted key and swap it in when it works; says what happened."""
        self.replace_button.setEnabled(False)
        self.busy.start("Testing the new key with Customer.io…", cancellable=False)
        try:
            outcome = await self._services.replace_key(self._workspace, self._kind, self.field.value())
        except CioDesktopError as exc:
            self._say(exc.message, "error")
            self.replace_button.setEnabled(True)
            return None
        finally:
            self.busy.stop()
        self.outcome = outcome
        if outcome.replaced:
            self.field.set_value("")  # the key is in the keyring now; nothing of it stays in the window
            self.close_button.setFocus()
        else:
            self.replace_button.setEnabled(True)
        self._say(outcome.message, "ok" if outcome.replaced else "error")  # after: an edit clears it
        return outcome

    def _say(self, text: str, tone: str) -> None:
        self.result_label.setText(text)
        set_tone(self.result_label, tone, "font-weight: bold;")

    def done(self, result: int) -> None:
        self.field.set_value("")  # forget the pasted key
        super().done(result)
