"""SettingsPanel: keyring status in words, proxy, CA bundle, timeouts, theme, history size, where files live.

Follows the panel contract in ``cio_desktop/ui/main_window.py``. Saving validates through
``SettingsStore`` (plain-language errors inline); the theme applies at once.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cio_desktop import paths
from cio_desktop.errors import CioDesktopError
from cio_desktop.models import Workspace
from cio_desktop.operations.services import BackendState, BackendStatus, Services
from cio_desktop.time_display import zone_name
from cio_desktop.ui.panels.key_hygiene_box import KeyHygieneBox
from cio_desktop.ui.tasks import TaskKeeper
from cio_desktop.ui.theme import THEME_LABELS, THEMES, apply_theme, set_tone
from cio_desktop.ui.widgets.error_banner import ErrorBanner

STATE_WORDS = {
    BackendState.SECURE: "Secure",
    BackendState.INSECURE: "Not secure (refused)",
    BackendState.LOCKED: "Locked or not answering",
    BackendState.MISSING: "Not available",
    BackendState.SESSION_ONLY: "This session only (memory)",
}


class SettingsPanel(QWidget):
    """App settings (not per workspace).

    Signals:
        busy_changed(bool): saving or checking the keyring.
        status_message(str): one line for the status bar.
    """

    busy_changed = Signal(bool)
    status_message = Signal(str)
    panel_title = "Settings"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = TaskKeeper()
        self.setObjectName("settingsPanel")
        self.banner = ErrorBanner(self, name="settingsBanner")

        self.keyring_state = QLabel("Checking…", self)
        self.keyring_state.setObjectName("keyringStateLabel")
        self.keyring_state.setAccessibleName("Keyring status")
        self.keyring_detail = QLabel(self)
        self.keyring_detail.setObjectName("keyringDetailLabel")
        self.keyring_detail.setWordWrap(True)
        self.keyring_button = QPushButton("Check again", self)
        self.keyring_button.setObjectName("checkKeyringButton")
        self.keyring_button.setAccessibleName("Check again (the keyring)")
        self.keyring_button.clicked.connect(self.refresh)
        keyring_box = QGroupBox("Where your API keys are kept", self)
        keyring_form = QFormLayout(keyring_box)
        keyring_form.addRow("Status:", self.keyring_state)
        keyring_form.addRow(self.keyring_detail)
        keyring_form.addRow(self.keyring_button)
        keyring_form.setAlignment(self.keyring_button, Qt.AlignmentFlag.AlignLeft)

        self.proxy_edit = QLineEdit(self)
        self.proxy_edit.setObjectName("proxyEdit")
        self.proxy_edit.setAccessibleName("Proxy address")
        self.proxy_edit.setPlaceholderText(
            "Leave empty unless your network needs one, e.g. http://proxy.example.com:3128"
        )
        self.ca_edit = QLineEdit(self)
        self.ca_edit.setObjectName("caFileEdit")
        self.ca_edit.setAccessibleName("Extra CA certificates file")
        self.ca_edit.setPlaceholderText("Only if your company inspects HTTPS traffic (a .pem file)")
        self.ca_button = QPushButton("Choose…", self)
        self.ca_button.setObjectName("chooseCaFileButton")
        self.ca_button.setAccessibleName("Choose a CA certificate file")
        self.ca_button.clicked.connect(self._on_ca_button_clicked)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_button)
        self.timeout_spin = self._seconds("requestTimeoutSpin", "Wait for an answer up to (request timeout)")
        self.connect_spin = self._seconds(
            "connectTimeoutSpin", "Wait for a connection up to (connection timeout)"
        )
        network_box = QGroupBox("Network", self)
        network_form = QFormLayout(network_box)
        network_form.addRow("&Proxy:", self.proxy_edit)
        ca_label = QLabel("Extra &CA certificates:", self)
        ca_label.setBuddy(self.ca_edit)
        network_form.addRow(ca_label, ca_row)
        network_form.addRow("&Wait for an answer up to:", self.timeout_spin)
        network_form.addRow("Wait for a c&onnection up to:", self.connect_spin)

        self.theme_combo = QComboBox(self)
        self.theme_combo.setObjectName("themeCombo")
        self.theme_combo.setAccessibleName("Theme")
        for theme in THEMES:
            self.theme_combo.addItem(THEME_LABELS[theme], theme)
        self.theme_combo.setToolTip("Applies at once; Save settings keeps it for the next start")
        self.theme_combo.activated.connect(self._on_theme_combo_activated)
        self.zone_combo = QComboBox(self)
        self.zone_combo.setObjectName("timeZoneCombo")
        self.zone_combo.setAccessibleName("Show times in")
        here = zone_name(datetime.now().astimezone())
        self.zone_combo.addItem(f"This computer's time zone ({here})", "local")
        self.zone_combo.addItem("UTC (as Customer.io stores them)", "utc")
        self.zone_combo.setMaximumWidth(320)
        self.history_spin = QSpinBox(self)
        self.history_spin.setObjectName("historyLimitSpin")
        self.history_spin.setAccessibleName("Keep the last (number of requests kept in the inspector)")
        self.history_spin.setRange(10, 100_000)
        self.history_spin.setSuffix(" requests")
        self.history_spin.setMaximumWidth(220)
        self.theme_combo.setMaximumWidth(220)
        app_box = QGroupBox("Appearance and history", self)
        app_form = QFormLayout(app_box)
        app_form.addRow("&Theme:", self.theme_combo)
        app_form.addRow("Show times &in:", self.zone_combo)
        app_form.addRow("&Keep the last:", self.history_spin)

        self.save_button = QPushButton("Save settings", self)
        self.save_button.setObjectName("saveSettingsButton")
        self.save_button.setAccessibleName("Save settings")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._on_save_button_clicked)

        files_box = QGroupBox("Where files live", self)
        files_form = QFormLayout(files_box)
        self.path_labels: dict[str, QLabel] = {}
        for key, text in (
            ("config", "Settings and workspace list"),
            ("data", "Request history and templates"),
            ("logs", "Log files"),
        ):
            label = QLabel(self)
            label.setObjectName(f"{key}PathLabel")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.path_labels[key] = label
            files_form.addRow(f"{text}:", label)
        files_form.addRow(QLabel("API keys are never in these folders: they are in the keyring.", self))

        body = QWidget(self)
        column = QVBoxLayout(body)
        column.addWidget(self.banner)
        self.key_box = KeyHygieneBox(services, self)  # the current workspace's key ages and Replace…
        self.key_box.busy_changed.connect(self.busy_changed)
        column.addWidget(self.key_box)
        column.addWidget(keyring_box)
        column.addWidget(network_box)
        column.addWidget(app_box)
        column.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(files_box)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("settingsScroll")
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop: the fields inside are
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.show_settings()
        self.refresh()

    def _seconds(self, name: str, words: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setObjectName(name)
        spin.setAccessibleName(words)
        spin.setRange(1, 600)
        spin.setDecimals(0)
        spin.setSuffix(" seconds")
        spin.setMaximumWidth(220)
        return spin

    # ---- panel contract -----------------------------------------------------------------------------
    def set_workspace(self, workspace: Workspace | None) -> None:
        """Settings are app-wide, but the key box shows the current workspace's keys."""
        self.key_box.set_workspace(workspace)

    def focus_input(self) -> None:
        """Ctrl+L: the first field."""
        self.focusNextChild()

    def refresh(self) -> None:
        """Check the keyring again (F5)."""
        self.tasks.spawn(self.check_keyring(), key="keyring")

    async def aclose(self) -> None:
        await self.tasks.cancel_all()
        await self.key_box.tasks.cancel_all()

    # ---- showing ------------------------------------------------------------------------------------
    def show_settings(self) -> None:
        settings = self.services.settings
        self.proxy_edit.setText(settings.proxy or "")
        self.ca_edit.setText(settings.ca_file or "")
        self.timeout_spin.setValue(settings.timeout_s)
        self.connect_spin.setValue(settings.connect_timeout_s)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(settings.theme)))
        self.history_spin.setValue(settings.history_limit)
        self.zone_combo.setCurrentIndex(max(0, self.zone_combo.findData(settings.time_zone)))
        for key, label in self.path_labels.items():
            label.setText(str(getattr(paths, f"{'log' if key == 'logs' else key}_dir")()))

    def show_status(self, status: BackendStatus) -> None:
        good = status.state is BackendState.SECURE
        words = STATE_WORDS.get(status.state, status.state.value)
        backend = "" if status.state is BackendState.SESSION_ONLY else f" — {status.name}"
        self.keyring_state.setText(f"{words}{backend}")
        set_tone(self.keyring_state, "ok" if good else "warning", "font-weight: bold;")
        self.keyring_detail.setText(status.message)

    async def check_keyring(self) -> None:
        self.busy_changed.emit(True)
        try:
            self.show_status(await self.services.keyring_status())
        finally:
            self.busy_changed.emit(False)

    # ---- saving -------------------------------------------------------------------------------------
    def _on_save_button_clicked(self) -> None:
        self.tasks.spawn(self.save(), key="save")

    async def save(self) -> bool:
        theme = str(self.theme_combo.currentData())
        settings = self.services.settings.replace(
            proxy=self.proxy_edit.text().strip() or None,
            ca_file=self.ca_edit.text().strip() or None,
            timeout_s=float(self.timeout_spin.value()),
            connect_timeout_s=float(self.connect_spin.value()),
            theme=theme,
            time_zone=str(self.zone_combo.currentData()),
            history_limit=int(self.history_spin.value()),
        )
        self.busy_changed.emit(True)
        try:
            await self.services.save_settings(settings)
        except CioDesktopError as exc:
            self.banner.show_error(exc, hint="Nothing was saved. Correct the setting and press Save again.")
            return False
        finally:
            self.busy_changed.emit(False)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self.banner.show_message("Settings saved. New requests use them right away.", level="success")
        self.status_message.emit("Settings saved")
        return True

    def _on_theme_combo_activated(self, _index: int) -> None:
        """A chosen theme applies at once (every themed colour follows); Save settings keeps it."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, str(self.theme_combo.currentData()))

    def _on_ca_button_clicked(self) -> None:
        dialog = QFileDialog(
            self, "Choose a CA certificate file", "", "Certificates (*.pem *.crt);;All files (*)"
        )
        dialog.setObjectName("caFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.ca_edit.setText)
        dialog.open()
