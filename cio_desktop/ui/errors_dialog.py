"""The unexpected-error dialog and the excepthook behind it: show, log (redacted), never kill the app.

``install_excepthook(parent)`` replaces ``sys.excepthook`` (``TaskKeeper`` sends the errors of the UI's tasks
there) and returns a function that restores the previous hook. The report holds the
exception type, the code location of each frame and versions, but never an exception's own text unless
it is one of ours (``CioDesktopError`` messages are written to be secret-free): a ``KeyError`` or an
httpx error can carry a key, an email or a response body.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cio_desktop import crash_report

log = logging.getLogger("cio_desktop.crash")
Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def build_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """A support report without data (see ``cio_desktop.crash_report``), with the Qt binding's version."""
    import PySide6

    return crash_report.build_report(exc, tb, versions=f" · PySide6 {PySide6.__version__}")


class UnexpectedErrorDialog(QDialog):
    """ "Something unexpected went wrong" with the redacted report to copy; the app keeps running."""

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unexpectedErrorDialog")
        self.setWindowTitle("Something unexpected went wrong")
        self.count = 1
        self.headline = QLabel("<b>Something unexpected went wrong.</b>", self)
        self.headline.setObjectName("errorHeadline")
        text = QLabel(
            "cio-desktop is still running and nothing you saved was lost. You can carry on; if it keeps"
            " happening, press Copy report and send it to whoever supports you. The report contains no keys,"
            " no customer data and no request contents.",
            self,
        )
        text.setObjectName("errorExplanation")
        text.setWordWrap(True)
        self.report_edit = QPlainTextEdit(report, self)
        self.report_edit.setObjectName("errorReport")
        self.report_edit.setAccessibleName("Error report")
        self.report_edit.setReadOnly(True)
        self.report_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(self)
        self.copy_button = buttons.addButton("Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copyErrorReportButton")
        self.copy_button.setAccessibleName("Copy report (the error report)")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeErrorDialogButton")
        self.close_button.setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(text)
        layout.addWidget(self.report_edit, 1)
        layout.addWidget(buttons)
        self.resize(620, 380)

    def report(self) -> str:
        return self.report_edit.toPlainText()

    def add_occurrence(self, report: str) -> None:
        """Another error while the dialog is open: count it, show the newest report."""
        self.count += 1
        self.headline.setText(f"<b>Something unexpected went wrong ({self.count} times).</b>")
        self.report_edit.setPlainText(report)

    def _on_copy_button_clicked(self) -> None:
        QApplication.clipboard().setText(self.report())
        self.copy_button.setText("Copied")
        self.copy_button.setAccessibleName("Copied (the error report)")


class ExceptHook:
    """Callable installed as ``sys.excepthook``; keeps the one open dialog."""

    def __init__(self, parent: Callable[[], QWidget | None], previous: Hook) -> None:
        self._parent = parent
        self.previous = previous
        self.dialog: UnexpectedErrorDialog | None = None

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            self.previous(exc_type, exc, tb)
            return
        try:
            report = build_report(exc_type, exc, tb)
            log.error("unexpected error\n%s", report)
            if self.dialog is not None and self.dialog.isVisible():
                self.dialog.add_occurrence(report)
                return
            self.dialog = UnexpectedErrorDialog(report, self._parent())
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
            self.dialog.open()
        except Exception:  # the hook itself must never raise: fall back to stderr, type only
            print(f"cio-desktop: unexpected error ({exc_type.__name__})", file=sys.stderr)


def install_excepthook(parent: Callable[[], QWidget | None]) -> Callable[[], None]:
    """Install the hook; returns a function that puts the previous hook back."""
    hook = ExceptHook(parent, sys.excepthook)
    sys.excepthook = hook

    def uninstall() -> None:
        if sys.excepthook is hook:
            sys.excepthook = hook.previous

    return uninstall
