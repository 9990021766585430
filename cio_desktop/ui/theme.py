"""Light and dark themes: the Fusion palette, semantic colours for badges and banners, and theme switching.

``apply_theme(app, "system" | "light" | "dark")`` sets the palette; widgets ask ``semantic(widget)`` for
colours that stay readable on either background (status dots, banners, the practice-data badge).

A theme can change while the window is open (Settings applies it as soon as it is chosen), so a widget that
paints with a semantic colour registers how to restyle itself: ``set_tone(label, "ok")`` for a coloured
label, ``follow_theme(obj, restyle)`` for anything else. Every text colour here is at least 4.5:1 against
the background it is drawn on (WCAG AA); ``tests/ui/test_theme_contrast.py`` computes each pair.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
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
    focus: str  # the keyboard focus ring: at least 3:1 against the window and fields (WCAG 1.4.11)


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
    focus="#1a5fb4",
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
    focus="#8cc2ff",
)

# JSON syntax colours (editors, raw JSON, request and response views), by theme; each >= 4.5:1 on the
# theme's Base and AlternateBase.
SYNTAX_LIGHT = {
    "key": "#1f5a99",
    "string": "#1e6b3d",
    "number": "#8a4a10",
    "literal": "#7a2f99",
    "punct": "#5c6370",
}
SYNTAX_DARK = {
    "key": "#8cc2ff",
    "string": "#8fd694",
    "number": "#f0b070",
    "literal": "#d6a4ff",
    "punct": "#a8adb7",
}


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
        QPalette.ColorRole.PlaceholderText: QColor("#9096a0"),  # line numbers on AlternateBase: 4.8:1
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#2b2f36"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Highlight: QColor("#2f6ccc"),  # white on it: 5.1:1
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


def palette_for(dark: bool) -> QPalette:
    """The dark or light palette."""
    return _dark_palette() if dark else _light_palette()


def apply_theme(app: QApplication, theme: str) -> bool:
    """Apply ``theme`` ("system", "light" or "dark") to the whole app; returns True when dark."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    dark = system_prefers_dark() if theme not in ("light", "dark") else theme == "dark"
    app.setPalette(palette_for(dark))
    app.setProperty("cio_dark", dark)
    _notifier().changed.emit()
    return dark


def is_dark(widget: QWidget | None = None) -> bool:
    """Whether the widget (or the app) is drawn on a dark background."""
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def semantic(widget: QWidget | None = None) -> Semantic:
    """The semantic colours for the widget's current background."""
    return DARK if is_dark(widget) else LIGHT


def syntax_colours(widget: QWidget | None = None) -> dict[str, str]:
    """The JSON syntax colours for the widget's current background."""
    return SYNTAX_DARK if is_dark(widget) else SYNTAX_LIGHT


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1.0 to 21.0)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        red, green, blue = channel(colour.redF()), channel(colour.greenF()), channel(colour.blueF())
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# ---- following a live theme switch -----------------------------------------------------------------------


class _ThemeNotifier(QObject):
    changed = Signal()


_NOTIFIER: list[_ThemeNotifier] = []


def _notifier() -> _ThemeNotifier:
    if not _NOTIFIER:
        _NOTIFIER.append(_ThemeNotifier())
    return _NOTIFIER[0]


class _Follower(QObject):
    """Re-styles its parent after every ``apply_theme``; a child of the styled object, so it dies with it
    (and Qt drops the connection then).

    A bound ``restyle`` is kept as a weak reference plus its name, and a tone follower keeps no callable at
    all, so no reference cycle keeps a closed widget's Python side alive.
    """

    def __init__(self, owner: QObject, restyle: Callable[[], None] | None) -> None:
        super().__init__(owner)
        self.setObjectName("cioThemeFollower")
        bound = getattr(restyle, "__self__", None)
        self._target = weakref.ref(bound) if bound is not None else None
        self._name = getattr(restyle, "__name__", "")
        self._restyle = restyle if bound is None else None
        _notifier().changed.connect(self._on_theme_changed)

    def _on_theme_changed(self) -> None:
        if self._target is not None:
            target = self._target()
            if target is not None:
                getattr(target, self._name)()
        elif self._restyle is not None:
            self._restyle()
        elif isinstance(owner := self.parent(), QWidget):
            _apply_tone(owner)


def follow_theme(owner: QObject, restyle: Callable[[], None]) -> None:
    """Call ``restyle()`` now and again whenever the theme changes, as long as ``owner`` lives."""
    restyle()
    _Follower(owner, restyle)


TONES = ("ok", "error", "warning", "info", "muted", "practice")


def set_tone(widget: QWidget, tone: str | None, css: str = "") -> None:
    """Colour ``widget``'s text with a semantic tone ("ok", "error", "warning", "info", "muted",
    "practice"; None for the normal text colour) plus extra ``css`` (e.g. "font-weight: bold;"), now and
    after every theme switch."""
    first = widget.property("cioTone") is None
    widget.setProperty("cioTone", tone or "")
    widget.setProperty("cioToneCss", css)
    _apply_tone(widget)
    if first:
        _Follower(widget, None)


def _apply_tone(widget: QWidget) -> None:
    tone = str(widget.property("cioTone") or "")
    css = str(widget.property("cioToneCss") or "")
    colour = f"color: {getattr(semantic(), tone)}; " if tone in TONES else ""
    sheet = f"{colour}{css}".strip()
    if sheet != widget.styleSheet():
        widget.setStyleSheet(sheet)
