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
