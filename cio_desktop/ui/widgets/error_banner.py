"""ErrorBanner: an inline message next to what failed, in plain words, technical detail one click away.

API::

    banner = ErrorBanner(parent, name="lookupError")   # objectName prefix; hidden until used
    layout.addWidget(banner)
    banner.show_error(exc)                 # a CioDesktopError: .message shown, .detail behind "Details"
    banner.show_error("Plain words.", detail="technical, secret-free", hint="What to do next.")
    banner.show_message("Saved.", level="success")   # level: "error" | "warning" | "info" | "success"
    banner.clear()                         # hide it again

Any other exception shows a generic sentence with its type name as the detail (never its message, which
might carry data). Signals: ``dismissed()`` when the user closes it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.errors import CioDesktopError
from cio_desktop.text_safety import safe_line
from cio_desktop.ui.theme import follow_theme, semantic

LEVEL_ICONS = {"error": "✖", "warning": "⚠", "info": "ℹ", "success": "✔"}  # glyphs, not letters
SUCCESS_DISMISS_MS = 6000  # long enough to read "Copied as curl." and its hint


def describe_exception(exc: BaseException) -> tuple[str, str]:
    """(plain message, technical detail) for any exception, without leaking its text unless it is ours."""
    if isinstance(exc, CioDesktopError):
        return exc.message, exc.detail
    return (
        "Something unexpected went wrong. Try again; if it keeps happening, copy the details for support.",
        f"{type(exc).__module__}.{type(exc).__qualname__}",
    )


class ErrorBanner(QFrame):
    """Inline, dismissable message with an optional "Details" expander.

    Signals:
        dismissed(): the user closed the banner.
        sign_in_requested(): the user pressed "Sign in again…", shown for errors whose fix is to sign in
            with OAuth again (the window connects it to the workspace's sign-in).
    """

    dismissed = Signal()
    sign_in_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, name: str = "errorBanner") -> None:
        super().__init__(parent)
        self._level = "error"
        self.setObjectName(name)
        self.setAccessibleName("Message")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        self.icon_label = QLabel(self)
        self.icon_label.setObjectName(f"{name}Icon")
        self.message_label = QLabel(self)
        self.message_label.setObjectName(f"{name}Message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName(f"{name}Hint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setTextFormat(Qt.TextFormat.PlainText)

        self.details_button = QPushButton("Show details", self)
        self.details_button.setObjectName(f"{name}DetailsButton")
        self.details_button.setAccessibleName("Show details (technical)")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._on_details_button_toggled)
        self.copy_button = QPushButton("Copy details", self)
        self.copy_button.setObjectName(f"{name}CopyButton")
        self.copy_button.setAccessibleName("Copy details (technical)")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.sign_in_button = QPushButton("Sign in again…", self)
        self.sign_in_button.setObjectName(f"{name}SignInButton")
        self.sign_in_button.setAccessibleName("Sign in again (OAuth)")
        self.sign_in_button.clicked.connect(self.sign_in_requested)
        self.sign_in_button.hide()
        self.close_button = QPushButton("Dismiss", self)
        self.close_button.setObjectName(f"{name}CloseButton")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.clicked.connect(self._on_close_button_clicked)

        self.details_edit = QPlainTextEdit(self)
        self.details_edit.setObjectName(f"{name}Details")
        self.details_edit.setAccessibleName("Technical details")
        self.details_edit.setReadOnly(True)
        self.details_edit.setMaximumHeight(120)
        self.details_edit.hide()
        # A success notice goes away by itself; errors, warnings and info wait for the user.
        self.auto_dismiss_ms = SUCCESS_DISMISS_MS
        self._dismiss_timer = QTimer(self)
        self._dismiss_timer.setSingleShot(True)
        self._dismiss_timer.timeout.connect(self.clear)

        top = QHBoxLayout()
        top.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(self.message_label)
        text.addWidget(self.hint_label)
        top.addLayout(text, 1)
        # Dismiss sits beside the text, so a short notice takes one line of height, not two (small windows).
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in_button)
        buttons.addWidget(self.details_button)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.details_edit)
        self.hide()
        follow_theme(self, self._restyle)

    # -- public API -------------------------------------------------------------------------------------

    def show_error(self, error: BaseException | str, *, detail: str = "", hint: str = "") -> None:
        """Show an error: an exception (ours: message + detail) or plain words with optional detail/hint."""
        if isinstance(error, BaseException):
            message, exc_detail = describe_exception(error)
            detail = detail or exc_detail
        else:
            message = error
        self._show("error", message, detail, hint)
        self.sign_in_button.setVisible(bool(getattr(error, "sign_in_again", False)))

    def show_message(self, message: str, *, level: str = "info", detail: str = "", hint: str = "") -> None:
        """Show a non-error message ("info", "success" or "warning")."""
        self._show(level, message, detail, hint)

    def clear(self) -> None:
        """Hide the banner and forget its text."""
        self._dismiss_timer.stop()
        self.message_label.clear()
        self.hint_label.clear()
        self.details_edit.clear()
        self.details_button.setChecked(False)
        self.hide()

    @property
    def level(self) -> str:
        return self._level

    def message(self) -> str:
        return self.message_label.text()

    def detail(self) -> str:
        return self.details_edit.toPlainText()

    # -- internals --------------------------------------------------------------------------------------

    def _show(self, level: str, message: str, detail: str, hint: str) -> None:
        self.sign_in_button.hide()
        self._level = level if level in LEVEL_ICONS else "info"
        self.icon_label.setText(LEVEL_ICONS[self._level])
        self.message_label.setText(safe_line(message))  # may quote a server's text
        self.hint_label.setText(safe_line(hint))
        self.hint_label.setVisible(bool(hint))
        self.details_edit.setPlainText(detail)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(detail))
        self.copy_button.setVisible(bool(detail))
        self.setAccessibleDescription(f"{message} {hint}".strip())
        self._restyle()
        self.show()
        if self._level == "success" and not detail:
            self._dismiss_timer.start(self.auto_dismiss_ms)
        else:
            self._dismiss_timer.stop()

    def _restyle(self) -> None:
        colours = semantic()
        fg, bg = {
            "error": (colours.error, colours.error_bg),
            "warning": (colours.warning, colours.warning_bg),
            "success": (colours.ok, colours.ok_bg),
        }.get(self._level, (colours.info, colours.info_bg))
        sheet = (
            f"QFrame#{self.objectName()} {{ background: {bg}; border: 1px solid {fg}; border-radius: 6px; }}"
            f" QLabel {{ color: {fg}; background: transparent; }}"
        )
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)

    def _on_details_button_toggled(self, checked: bool) -> None:
        self.details_edit.setVisible(checked)
        self.details_button.setText("Hide details" if checked else "Show details")
        self.details_button.setAccessibleName(f"{self.details_button.text()} (technical)")

    def _on_copy_button_clicked(self) -> None:
        QApplication.clipboard().setText(f"{self.message()}\n\n{self.detail()}".strip())

    def _on_close_button_clicked(self) -> None:
        self.clear()
        self.dismissed.emit()
