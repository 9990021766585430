"""Layout checks shared by GUI tests and the screenshot walk-through: what a user would see as broken.

``fully_visible(widget)``: shown and not cut off by any parent (a notice or a small window pushing a button
out of view, issue 12). Overlapping widgets are found by ``tests.ui.a11y_audit.overlap_problems``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def fully_visible(widget: QWidget) -> bool:
    """True when ``widget`` is shown and not cut off by any of its parents (e.g. pushed out by a banner)."""
    if not widget.isVisible():
        return False
    rect = widget.rect()
    ancestor = widget.parentWidget()
    while ancestor is not None:
        corners = (widget.mapTo(ancestor, rect.topLeft()), widget.mapTo(ancestor, rect.bottomRight()))
        if not all(ancestor.rect().contains(corner) for corner in corners):
            return False
        if ancestor.isWindow():
            return True
        ancestor = ancestor.parentWidget()
    return True
