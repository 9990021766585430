"""What the accessibility walk checks on one screen (a window, a dialog or a wizard page), as plain findings.

Each check returns a list of human-readable problems (empty when the screen is fine):

* ``name_problems``: an interactive widget whose accessible name (what ``QAccessible`` gives a screen
  reader) is empty or does not start with its visible label (WCAG 2.5.3 "label in name": the button's text,
  or the text of the label that names a field).
* ``contrast_problems``: a text colour under 4.5:1 against what is really painted behind it (WCAG 1.4.3).
  The text colour is the widget's palette colour (style sheets set it there); the background is the most
  common colour of the rendered widget, so tints, banners and selected rows count as they look. JSON syntax
  colours and table cell colours are checked against the editor's or table's base.
* ``overlap_problems``: two visible sibling widgets whose rectangles overlap (one is painted over the other).
* ``tab_walk``: the real Tab key from the first stop round the screen; ``tab_problems`` flags a stop
  above the previous one in the same column (a backward jump), an unnamed stop, and a stop without a visible
  focus ring.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from cio_desktop.ui.theme import contrast_ratio
from cio_desktop.ui.widgets.focus_ring import FocusRing

AA = 4.5
INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
)


def _norm(text: str) -> str:
    """Words only: no mnemonic '&', no punctuation or symbols, lower case ("< &Back" -> "back")."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def accessible_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None and iface.isValid() else ""


def _describe(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    shown = f", {text()[:30]!r}" if not widget.objectName() and callable(text) and text() else ""
    return f"{type(widget).__name__}({widget.objectName()!r}{shown})"


def _compound_part(widget: QWidget) -> bool:
    """A part Qt builds inside a compound widget (a spin box's editor, a combo box's list, tab bar arrows)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QTabBar | QScrollBar | QAbstractItemView):
            return True
        if type(parent).__name__.startswith("QComboBoxPrivate"):
            return True
        parent = parent.parentWidget()
    return False


def visible_label(widget: QWidget, root: QWidget) -> str:
    """The text a sighted user sees as the widget's label ("" when it has none)."""
    if isinstance(widget, QAbstractButton):
        return widget.text()
    for label in root.findChildren(QLabel):
        if label.buddy() is widget and label.isVisible():
            return label.text()
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    if isinstance(layout, QFormLayout):
        label = layout.labelForField(widget)
        if isinstance(label, QLabel) and label.isVisible():
            return label.text()
    return ""


def _interactive(root: QWidget) -> list[QWidget]:
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not root.window() or isinstance(widget, QHeaderView):
            continue
        if isinstance(widget, INTERACTIVE) and not _compound_part(widget):
            found.append(widget)
    return found


def name_problems(root: QWidget) -> list[str]:
    problems = []
    for widget in _interactive(root):
        # On Linux Qt gives a combo box its current text as the name (AT-SPI links the label instead);
        # other platforms read the accessible name the app sets.
        name = widget.accessibleName() if isinstance(widget, QComboBox) else accessible_name(widget)
        label = _norm(visible_label(widget, root))
        if not name.strip():
            problems.append(f"{_describe(widget)} has no accessible name")
        elif label and not _norm(name).startswith(label):
            problems.append(f"{_describe(widget)} is named {name!r}, its visible label is {label!r}")
    return problems


# ---- contrast -------------------------------------------------------------------------------------------


def _painted_background(image: QImage, rect: QRect) -> QColor:
    """The most common colour inside ``rect`` of ``image`` (text covers far less than its background)."""
    counts: Counter[int] = Counter()
    if rect.width() > 12 and rect.height() > 12:
        rect = rect.adjusted(3, 3, -3, -3)  # inside any border or outline: the fill is what text is on
    rect = rect.intersected(image.rect())
    step = max(1, min(rect.width(), rect.height()) // 12)
    for y in range(rect.top(), rect.bottom() + 1, step):
        for x in range(rect.left(), rect.right() + 1, step):
            counts[image.pixel(x, y) & 0xFFFFFF] += 1
    if not counts:
        return QColor()
    return QColor.fromRgb(counts.most_common(1)[0][0] | 0xFF000000)


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QLabel):
        return widget.text() if widget.pixmap().isNull() else ""
    if isinstance(widget, QAbstractButton | QLineEdit):
        return widget.text() or (widget.placeholderText() if isinstance(widget, QLineEdit) else "")
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    return ""


def _text_widgets(root: QWidget) -> list[QWidget]:
    kinds = QLabel | QAbstractButton | QLineEdit | QComboBox | QAbstractSpinBox
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, kinds)
        and w.isVisible()
        and w.isEnabled()
        and w.window() is root.window()
        and not isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox)
        and _text_of(w).strip()
        and w.width() > 2
        and w.height() > 2
        and not w.visibleRegion().isEmpty()  # scrolled out of view: nothing painted to judge
    ]


def _json_format_colours(edit: QPlainTextEdit | QTextEdit) -> set[str]:
    colours = set()
    block = edit.document().begin()
    while block.isValid():
        layout = block.layout()
        if layout is not None:
            for fmt_range in layout.formats():
                brush = fmt_range.format.foreground()
                if brush.style() != Qt.BrushStyle.NoBrush:
                    colours.add(brush.color().name())
        block = block.next()
    return colours


def contrast_problems(root: QWidget) -> list[str]:
    """Every visible text colour pair of ``root``'s window under 4.5:1 (disabled widgets are exempt)."""
    window = root.window()
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    problems = []
    for widget in _text_widgets(root):
        fg = widget.palette().color(widget.foregroundRole())
        shown = widget.visibleRegion().boundingRect()  # only what is painted (a scroll area clips the rest)
        bg = _painted_background(image, QRect(widget.mapTo(window, shown.topLeft()), shown.size()))
        ratio = contrast_ratio(fg, bg)
        if ratio < AA:
            problems.append(
                f"{_describe(widget)} {_text_of(widget)[:30]!r}: {fg.name()} on {bg.name()} is {ratio:.2f}:1"
            )
    for edit in root.findChildren(QPlainTextEdit) + root.findChildren(QTextEdit):
        if not edit.isVisible() or edit.window() is not window:
            continue
        base = edit.palette().color(QPalette.ColorRole.Base)
        for colour in {edit.palette().color(QPalette.ColorRole.Text).name()} | _json_format_colours(edit):
            ratio = contrast_ratio(QColor(colour), base)
            if ratio < AA:
                problems.append(f"{_describe(edit)} text {colour} on {base.name()} is {ratio:.2f}:1")
    for view in root.findChildren(QAbstractItemView):
        if not view.isVisible() or view.window() is not window or isinstance(view, QHeaderView):
            continue
        problems += _view_problems(view)
    return problems


def _is_list(model: object) -> bool:
    from PySide6.QtCore import QAbstractListModel

    return isinstance(model, QAbstractListModel)


def _view_problems(view: QAbstractItemView) -> list[str]:
    palette = view.palette()
    pairs = {
        "text": (palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)),
        "text on alternate rows": (
            palette.color(QPalette.ColorRole.Text),
            palette.color(QPalette.ColorRole.AlternateBase),
        ),
        "selected text": (
            palette.color(QPalette.ColorRole.HighlightedText),
            palette.color(QPalette.ColorRole.Highlight),
        ),
    }
    model = view.model()
    if model is not None:
        for row in range(min(model.rowCount(), 50)):
            for column in range(max(1, model.columnCount(QModelIndex()) if not _is_list(model) else 1)):
                value = model.index(row, column).data(Qt.ItemDataRole.ForegroundRole)
                if value is not None:
                    colour = value.color() if hasattr(value, "color") else QColor(value)
                    pairs[f"cell {row},{column}"] = (colour, palette.color(QPalette.ColorRole.Base))
    return [
        f"{_describe(view)} {what}: {fg.name()} on {bg.name()} is {contrast_ratio(fg, bg):.2f}:1"
        for what, (fg, bg) in pairs.items()
        if contrast_ratio(fg, bg) < AA
    ]


# ---- overlap --------------------------------------------------------------------------------------------


def overlap_problems(root: QWidget) -> list[str]:
    """Visible sibling widgets (same parent, inside ``root``'s window) whose rectangles overlap."""
    problems = []
    parents = [root, *root.findChildren(QWidget)]
    for parent in parents:
        if not parent.isVisible() or isinstance(parent, QAbstractScrollArea | QTabBar):
            continue  # a scroll area's viewport, bars and corner are Qt's own arrangement
        children = [
            c
            for c in parent.children()
            if isinstance(c, QWidget)
            and c.isVisible()
            and not c.isWindow()
            and not isinstance(c, FocusRing)
            and c.width() > 0
            and c.height() > 0
        ]
        for i, first in enumerate(children):
            for second in children[i + 1 :]:
                shared = first.geometry().intersected(second.geometry())
                if not shared.isEmpty():
                    problems.append(
                        f"{_describe(second)} is painted over {_describe(first)} in {_describe(parent)}"
                        f" ({shared.width()}x{shared.height()} px)"
                    )
    return problems


# ---- Tab order ------------------------------------------------------------------------------------------


def _rect_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _ringed(widget: QWidget, window: QWidget) -> bool:
    ring = FocusRing.of(window)
    return ring is not None and ring.shows(widget)


def tab_walk(qtbot: object, window: QWidget, first: QWidget, limit: int = 150) -> list[tuple[QWidget, bool]]:
    """Press Tab from ``first`` until focus comes back to it (or ``limit`` presses); returns each stop
    and whether the focus ring was visible around it then."""
    first.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    start = QApplication.focusWidget()
    stops = [(start, _ringed(start, window))]
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # type: ignore[attr-defined]
        QApplication.processEvents()
        now = QApplication.focusWidget()
        if now is None or now is start or now.window() is not window:
            break
        stops.append((now, _ringed(now, window)))
    return stops


def tab_problems(walk: list[tuple[QWidget, bool]], window: QWidget) -> list[str]:
    """Backward jumps within a column, unnamed stops, and stops without a visible focus ring."""
    problems = []
    stops = [stop for stop, _ringed in walk]
    # The walk is a cycle: exactly one jump goes back up, onto the stop that comes first in reading order.
    first = min(stops, key=lambda w: (_rect_in(w, window).top(), _rect_in(w, window).left()))
    for before, after in itertools.pairwise([*stops, stops[0]]):
        a, b = _rect_in(before, window), _rect_in(after, window)
        same_column = min(a.right(), b.right()) - max(a.left(), b.left()) > 0
        if same_column and b.bottom() < a.top() and after is not first:
            problems.append(f"Tab jumps back up from {_describe(before)} to {_describe(after)}")
    for stop, ringed in walk:
        if not accessible_name(stop).strip() and not isinstance(stop, QTabBar | QCheckBox | QRadioButton):
            problems.append(f"Tab stop {_describe(stop)} has no accessible name")
        if not ringed:
            problems.append(f"Tab stop {_describe(stop)} shows no focus ring")
    return problems
