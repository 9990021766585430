"""Every status and text colour of both themes against every background it is drawn on: >= 4.5:1 (WCAG AA).

The walk test (``test_a11y_walk.py``) measures what is painted; this one checks the colour tables
themselves, so a new tone or background is covered before any screen uses it.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from cio_desktop.ui.theme import DARK, LIGHT, SYNTAX_DARK, SYNTAX_LIGHT, TONES, contrast_ratio, palette_for

AA = 4.5
NON_TEXT = 3.0  # the focus ring (WCAG 1.4.11)
Role = QPalette.ColorRole
THEMES = [pytest.param(True, id="dark"), pytest.param(False, id="light")]


def _pairs(dark: bool) -> dict[str, tuple[QColor, QColor]]:
    palette = palette_for(dark)
    colours = DARK if dark else LIGHT
    backgrounds = {
        "window": palette.color(Role.Window),
        "base": palette.color(Role.Base),
        "alternate rows": palette.color(Role.AlternateBase),
        "selected workspace row": QColor(colours.info_bg),  # the sidebar's tint behind the status dots
    }
    pairs = {}
    for tone in TONES:
        for where, background in backgrounds.items():
            pairs[f"{tone} on {where}"] = (QColor(getattr(colours, tone)), background)
    for tone in ("ok", "error", "warning", "info", "practice"):  # banners and badges: text on their tint
        pairs[f"{tone} on its {tone}_bg"] = (
            QColor(getattr(colours, tone)),
            QColor(getattr(colours, f"{tone}_bg")),
        )
    for what, foreground, background in (
        ("window text", Role.WindowText, Role.Window),
        ("text", Role.Text, Role.Base),
        ("text on alternate rows", Role.Text, Role.AlternateBase),
        ("button text", Role.ButtonText, Role.Button),
        ("selected text", Role.HighlightedText, Role.Highlight),
        ("placeholder", Role.PlaceholderText, Role.Base),
        ("JSON line numbers", Role.PlaceholderText, Role.AlternateBase),
        ("tooltip", Role.ToolTipText, Role.ToolTipBase),
        ("link", Role.Link, Role.Base),
        ("link on window", Role.Link, Role.Window),
    ):
        pairs[what] = (palette.color(foreground), palette.color(background))
    for kind, colour in (SYNTAX_DARK if dark else SYNTAX_LIGHT).items():
        for where in ("base", "alternate rows"):
            pairs[f"JSON {kind} on {where}"] = (QColor(colour), backgrounds[where])
    return pairs


@pytest.mark.parametrize("dark", THEMES)
def test_every_text_colour_pair_reaches_aa(qapp: QApplication, dark: bool) -> None:
    low = {
        what: round(contrast_ratio(fg, bg), 2)
        for what, (fg, bg) in _pairs(dark).items()
        if contrast_ratio(fg, bg) < AA
    }
    assert low == {}


@pytest.mark.parametrize("dark", THEMES)
def test_the_focus_ring_stands_out(qapp: QApplication, dark: bool) -> None:
    palette = palette_for(dark)
    focus = QColor((DARK if dark else LIGHT).focus)
    for role in (Role.Window, Role.Base, Role.Button):
        assert contrast_ratio(focus, palette.color(role)) >= NON_TEXT, role


def test_contrast_ratio_matches_the_wcag_examples(qapp: QApplication) -> None:
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#ffffff"), QColor("#3d7bd9")) == pytest.approx(4.17, abs=0.01)  # issue 16
