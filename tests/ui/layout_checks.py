"""Layout checks shared by GUI tests and the screenshot walk-through: what a user would see as broken.

``overlapping_siblings(root)`` lists visible sibling widgets that paint over each other (issue 12: a wizard
page left as a stray child drew its text over the form). Layouts never overlap siblings, so any overlap is a
widget outside every layout. Scroll areas' and stacked widgets' internals only show one child at a time, so
hidden children are skipped; popups and other top-level windows are not part of the root's picture.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def _label(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def overlapping_siblings(root: QWidget) -> list[str]:
    """Every pair of visible, overlapping siblings under ``root``, as ``parent: a × b`` lines."""
    found: list[str] = []

    def walk(parent: QWidget) -> None:
        kids = [
            child
            for child in parent.findChildren(QWidget)
            if child.parentWidget() is parent and child.isVisible() and not child.isWindow()
        ]
        for index, first in enumerate(kids):
            for second in kids[index + 1 :]:
                shared = first.geometry().intersected(second.geometry())
                if shared.width() > 0 and shared.height() > 0:
                    found.append(f"{_label(parent)}: {_label(first)} × {_label(second)}")
        for child in kids:
            walk(child)

    walk(root)
    return found


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
