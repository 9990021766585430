"""Light and dark themes: the Fusion palette, semantic colours for badges and banners, and theme switching.

``apply_theme(app, "system" | "light" | "dark")`` sets the palette; widgets ask ``semantic(widget)`` for
colours that stay readable on either background (status dots, banners, the practice-data badge).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

THEMES = ("system", "light", "dark")
THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


@dataclass(frozen=True, slots=True)
class Semantic:
    """Foreground/background pairs with enough contrast on the current theme."""

    ok: str
    ok_bg: str
    error: str
    error_bg: str
    warning: str
    warning_bg: str
    info: str
    info_bg: str
    muted: str
    practice: str
    practice_bg: str


LIGHT = Semantic(
    ok="#1b6e2a",
    ok_bg="#e3f4e6",
    error="#a4161a",
    error_bg="#fde8e8",
    warning="#7a4d00",
    warning_bg="#fff3d6",
    info="#124e8c",
    info_bg="#e6f0fb",
    muted="#5c6370",
    practice="#5b2a86",
    practice_bg="#efe4fa",
)
DARK = Semantic(
    ok="#7fd88f",
    ok_bg="#1d3623",
    error="#ff8a8a",
    error_bg="#4a1f22",
    warning="#ffd27a",
    warning_bg="#43361a",
    info="#8cc2ff",
    info_bg="#1c3148",
    muted="#a8adb7",
    practice="#d9b8ff",
    practice_bg="#3a2a4d",
)


def system_prefers_dark() -> bool:
    """What the OS says (Qt's colour-scheme hint); light when it does not say."""
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


def _palette(roles: dict[QPalette.ColorRole, QColor], disabled_text: QColor) -> QPalette:
    """A palette with ``roles`` set, and greyed text in the disabled group."""
    palette = QPalette()
    for role, colour in roles.items():
        palette.setColor(role, colour)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled_text)
    return palette


def _dark_palette() -> QPalette:
    window, base, text = QColor("#202329"), QColor("#16181c"), QColor("#e6e8eb")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#262a31"),
        QPalette.ColorRole.ToolTipBase: QColor("#2d3139"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8a909a"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#2b2f36"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Highlight: QColor("#3d7bd9"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#8cc2ff"),
        QPalette.ColorRole.Mid: QColor("#3a3f47"),
    }
    return _palette(roles, QColor("#7b808a"))


def _light_palette() -> QPalette:
    roles = {
        QPalette.ColorRole.Window: QColor("#f3f4f6"),
        QPalette.ColorRole.WindowText: QColor("#1c1e21"),
        QPalette.ColorRole.Base: QColor("#ffffff"),
        QPalette.ColorRole.AlternateBase: QColor("#f6f7f9"),
        QPalette.ColorRole.Text: QColor("#1c1e21"),
        QPalette.ColorRole.Button: QColor("#e9ebee"),
        QPalette.ColorRole.ButtonText: QColor("#1c1e21"),
        QPalette.ColorRole.PlaceholderText: QColor("#6b7280"),
        QPalette.ColorRole.Highlight: QColor("#2f6fd0"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#1a5fb4"),
        QPalette.ColorRole.ToolTipBase: QColor("#ffffff"),
        QPalette.ColorRole.ToolTipText: QColor("#1c1e21"),
    }
    palette = _palette(roles, QColor("#9aa0a8"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor("#eef0f2"))
    return palette


def apply_theme(app: QApplication, theme: str) -> bool:
    """Apply ``theme`` ("system", "light" or "dark") to the whole app; returns True when dark."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    dark = system_prefers_dark() if theme not in ("light", "dark") else theme == "dark"
    app.setPalette(_dark_palette() if dark else _light_palette())
    app.setProperty("cio_dark", dark)
    return dark


def is_dark(widget: QWidget | None = None) -> bool:
    """Whether the widget (or the app) is drawn on a dark background."""
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def semantic(widget: QWidget | None = None) -> Semantic:
    """The semantic colours for the widget's current background."""
    return DARK if is_dark(widget) else LIGHT
