"""The add-workspace wizard's pages: what you need, paste the keys, test them.

Pages only collect and display; ``WorkspaceWizard`` runs the test and the save.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from cio_desktop.models import Region, SecretKind
from cio_desktop.operations.key_check import CheckReport, KeyCheck, KeyState
from cio_desktop.ui.theme import set_tone
from cio_desktop.ui.widgets.busy import BusyIndicator
from cio_desktop.ui.widgets.error_banner import ErrorBanner
from cio_desktop.ui.widgets.secret_field import SecretField

WHERE = "In Customer.io, open <b>Account Settings → API Credentials</b>."
INTRO = (
    "<p>cio-desktop talks to Customer.io with your workspace's API keys. You need one or both of:</p>"
    "<ul>"
    "<li><b>Site ID and Track API key</b> — used to <i>send</i> data: create or update people and send"
    " test events. Find them on the <b>Track API Keys</b> tab.</li>"
    "<li><b>App API key</b> — used to <i>look people up</i> (attributes, segments, activity). Create one on"
    " the <b>App API Keys</b> tab; Customer.io shows it only once, so copy it right away.</li>"
    "<li><b>Pipelines API key</b> (optional) — a source's <i>write key</i>, used to send through the"
    " Data Pipelines API. Find it under <b>Data Pipelines → Sources</b>, in the source's settings.</li>"
    "</ul>"
    f"<p>{WHERE} Ask a Customer.io admin if you cannot see that page.</p>"
    "<p>Your keys are stored in this computer's secure keyring, never in a file, and are never shown again"
    " unless you press <b>Reveal</b>.</p>"
)
REGION_CHOICES = (
    (Region.AUTO, "Detect automatically (recommended)"),
    (Region.US, "United States (US)"),
    (Region.EU, "European Union (EU)"),
)
GLYPH = {KeyState.WORKS: "✔", KeyState.REJECTED: "✖", KeyState.NOT_CHECKED: "?", KeyState.NOT_GIVEN: "–"}
KIND_LABEL = {
    SecretKind.TRACK_API_KEY: "Track API key",
    SecretKind.APP_API_KEY: "App API key",
    SecretKind.PIPELINES_KEY: "Pipelines API key",
}


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    set_tone(label, "muted")
    return label


class IntroPage(QWizardPage):
    """What each credential is for and where to find it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wizardIntroPage")
        self.setTitle("Connect a Customer.io workspace")
        self.setSubTitle("What you need, and where to find it")
        text = QLabel(INTRO, self)
        text.setObjectName("wizardIntroText")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addStretch(1)


class KeysPage(QWizardPage):
    """Name, Site ID, the two keys (masked, Reveal toggles) and the region.

    Signals:
        reveal_saved_requested(object): a SecretKind whose saved value should be revealed (edit mode).
    """

    reveal_saved_requested = Signal(object)
    oauth_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wizardKeysPage")
        self.setTitle("Paste your workspace details")
        self.setSubTitle(
            "Copy each value from Customer.io (Account Settings → API Credentials) and paste it here."
        )
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("workspaceNameEdit")
        self.name_edit.setAccessibleName("Name of the workspace")
        self.name_edit.setPlaceholderText("For example: Acme production")
        self.site_edit = QLineEdit(self)
        self.site_edit.setObjectName("siteIdEdit")
        self.site_edit.setAccessibleName("Site ID")
        self.site_edit.setPlaceholderText("Shown next to the Track API key")
        self.site_edit.textEdited.connect(lambda text: self._strip(self.site_edit, text))
        self.track_field = SecretField("Track API key", self, name="trackKeyField")
        self.app_field = SecretField("App API key", self, name="appKeyField")
        self.track_field.set_placeholder("Paste the Track API key (hidden as you paste)")
        self.app_field.set_placeholder("Paste the App API key (hidden as you paste)")
        self.pipelines_field = SecretField("Pipelines API key", self, name="pipelinesKeyField")
        self.pipelines_field.set_placeholder("Optional: a source's write key (hidden as you paste)")
        self.region_combo = QComboBox(self)
        self.region_combo.setObjectName("regionCombo")
        self.region_combo.setAccessibleName("Region")
        for region, text in REGION_CHOICES:
            self.region_combo.addItem(text, region)
        self.oauth_button = QPushButton("Sign in with OAuth instead…", self)
        self.oauth_button.setObjectName("wizardOAuthButton")
        self.oauth_button.setAccessibleName("Sign in with OAuth instead of an App API key")
        self.oauth_button.setToolTip(
            "For an OAuth app or a company gateway in front of Customer.io: "
            "the token is used for App API calls."
        )
        self.oauth_button.clicked.connect(self.oauth_requested)
        self.oauth_label = QLabel(self)
        self.oauth_label.setObjectName("wizardOAuthLabel")
        self.oauth_label.setWordWrap(True)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("keysProblemLabel")
        self.problem_label.setWordWrap(True)
        set_tone(self.problem_label, "error")

        form = QFormLayout(self)
        form.addRow("&Name:", self.name_edit)
        form.addRow("", _hint("Any name that helps you recognise this workspace.", self))
        form.addRow("&Site ID:", self.site_edit)
        form.addRow("&Track API key:", self.track_field)
        form.addRow("", _hint("From the Track API Keys tab, together with its Site ID. For sending.", self))
        form.addRow("&App API key:", self.app_field)
        form.addRow("", _hint("From the App API Keys tab. For looking people up.", self))
        form.addRow("&Pipelines API key:", self.pipelines_field)
        form.addRow("", _hint("Optional: a Data Pipelines source's write key. For the Pipelines API.", self))
        form.addRow("&Region:", self.region_combo)
        form.addRow("", _hint("Where your Customer.io data is stored. Leave on automatic if unsure.", self))
        form.addRow("", self.oauth_button)  # after the region: the Tab order follows creation order
        form.addRow("", self.oauth_label)
        form.addRow(self.problem_label)
        for widget in (self.name_edit, self.site_edit):
            widget.textChanged.connect(self.completeChanged)
        for field in (self.track_field, self.app_field, self.pipelines_field):
            field.changed.connect(lambda _v: self.completeChanged.emit())
        self.track_field.reveal_requested.connect(
            lambda: self.reveal_saved_requested.emit(SecretKind.TRACK_API_KEY)
        )
        self.app_field.reveal_requested.connect(
            lambda: self.reveal_saved_requested.emit(SecretKind.APP_API_KEY)
        )
        self.pipelines_field.reveal_requested.connect(
            lambda: self.reveal_saved_requested.emit(SecretKind.PIPELINES_KEY)
        )
        self.has_saved: dict[SecretKind, bool] = {}
        self.taken_names: set[str] = set()  # other workspaces' names (case-insensitive)

    @staticmethod
    def _strip(edit: QLineEdit, text: str) -> None:
        if text != text.strip():
            edit.setText(text.strip())

    def region(self) -> Region:
        return Region(self.region_combo.currentData())

    def set_region(self, region: Region) -> None:
        self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(region)))

    def problem(self) -> str:
        """Why the page cannot go on, in plain words ("" when it can)."""
        track = self.track_field.value() or self.has_saved.get(SecretKind.TRACK_API_KEY, False)
        app = (
            self.app_field.value()
            or self.has_saved.get(SecretKind.APP_API_KEY, False)
            or self.has_saved.get(SecretKind.OAUTH_SESSION, False)  # signed in with OAuth instead
        )
        pipelines = self.pipelines_field.value() or self.has_saved.get(SecretKind.PIPELINES_KEY, False)
        site = self.site_edit.text().strip()
        name = self.name_edit.text().strip()
        if not name:
            return "Give the workspace a name."
        if name.casefold() in self.taken_names:
            return f"There is already a workspace called “{name}”. Choose another name."
        if track and not site:
            return "A Track API key needs its Site ID: paste both from the Track API Keys tab."
        if site and not track:
            return "Paste the Track API key that goes with this Site ID."
        if not track and not app and not pipelines:
            return "Paste at least one key: the Site ID with its Track API key, or an App API key."
        return ""

    def isComplete(self) -> bool:
        problem = self.problem()
        # Do not nag about the name before anything was typed.
        self.problem_label.setText(problem if self.name_edit.text() or self.track_field.value() else "")
        return not problem


class TestPage(QWizardPage):
    """Runs the test (started by the wizard) and shows one line per key plus the region.

    Signals:
        retest_requested(): "Test again".
    """

    retest_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wizardTestPage")
        self.setTitle("Test the connection")
        self.setSubTitle("cio-desktop makes one harmless request with each key to see whether it works.")
        self.report: CheckReport | None = None
        self.busy = BusyIndicator(self, name="testBusy")
        self.result_labels = {
            SecretKind.TRACK_API_KEY: QLabel(self),
            SecretKind.APP_API_KEY: QLabel(self),
            SecretKind.PIPELINES_KEY: QLabel(self),
        }
        names = {
            SecretKind.TRACK_API_KEY: "trackResultLabel",
            SecretKind.APP_API_KEY: "appResultLabel",
            SecretKind.PIPELINES_KEY: "pipelinesResultLabel",
        }
        for kind, label in self.result_labels.items():
            label.setObjectName(names[kind])
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.region_label = QLabel(self)
        self.region_label.setObjectName("regionResultLabel")
        self.region_label.setWordWrap(True)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("testSummaryLabel")
        self.summary_label.setWordWrap(True)
        self.banner = ErrorBanner(self, name="testError")
        self.retest_button = QPushButton("Test again", self)
        self.retest_button.setObjectName("retestButton")
        self.retest_button.setAccessibleName("Test again (the keys)")
        self.retest_button.clicked.connect(self.retest_requested)
        # While a test runs, Cancel is the only action: "Test again" beside it read as a second choice.
        self.busy.busy_changed.connect(self.retest_button.setHidden)
        layout = QVBoxLayout(self)
        layout.addWidget(self.busy)
        for label in self.result_labels.values():
            layout.addWidget(label)
        layout.addWidget(self.region_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.retest_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def clear(self) -> None:
        self.report = None
        for label in self.result_labels.values():
            label.clear()
        self.region_label.clear()
        self.summary_label.clear()
        self.banner.clear()
        self.completeChanged.emit()

    def show_report(self, report: CheckReport) -> None:
        self.report = report
        for check in report.checks():
            self._show_check(check, "ok" if check.state is KeyState.WORKS else "error")
        self.region_label.setText(report.region_message)
        if not report.reached:
            self.banner.show_error(
                "Customer.io could not be reached, so the keys were not tested.",
                detail="\n".join(c.detail for c in report.checks() if c.detail),
                hint="Check your internet connection or the proxy in Settings, then press Test again. "
                "You can also save now and test later.",
            )
            self.summary_label.setText("Press Save workspace to keep the keys without testing them.")
        elif report.any_rejected:
            self.summary_label.setText(
                "Go Back to correct the rejected key (or clear it to keep only the working one)."
            )
        else:
            self.summary_label.setText("All set. Press Save workspace to store the keys in your keyring.")
        self.completeChanged.emit()

    def _show_check(self, check: KeyCheck, tone: str) -> None:
        label = self.result_labels[check.kind]
        label.setText(f"{GLYPH[check.state]} {KIND_LABEL[check.kind]}: {check.message}")
        label.setToolTip(check.detail)
        label.setAccessibleName(label.text())
        muted = check.state in (KeyState.NOT_GIVEN, KeyState.NOT_CHECKED)
        set_tone(label, "muted" if muted else tone)

    def isComplete(self) -> bool:
        report = self.report
        if report is None or self.busy.is_busy:
            return False
        return not report.reached or (report.any_works and not report.any_rejected)
