"""A JSON editor widget: syntax colours, the first mistake underlined and named by line and column.

Signals:
    validity_changed(bool): the text became valid (True) or invalid (False).
    text_edited(): the user changed the text.

The check itself is plain Python (``cio_desktop.json_check``); a caller may plug in a stricter one.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeySequence,
    QShortcut,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.json_check import JsonCheck, check_json
from cio_desktop.ui.panels.json_editor_text import JsonTextEdit
from cio_desktop.ui.theme import follow_theme, semantic, set_tone, syntax_colours

Checker = Callable[[str], JsonCheck]


def _format(colour: str, *, bold: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.DemiBold)
    return fmt


class JsonHighlighter(QSyntaxHighlighter):
    """Colours keys, strings, numbers, true/false/null and punctuation, line by line, in the current
    theme's syntax colours (re-coloured when the theme changes).

    ``after_blank_line``: colour only what follows the first empty line (an HTTP message's body).
    """

    def __init__(self, document: QTextDocument, *, after_blank_line: bool = False) -> None:
        super().__init__(document)
        self._after_blank_line = after_blank_line
        self._rules: list[tuple[QRegularExpression, QTextCharFormat]] = []
        follow_theme(self, self._recolour)

    def _recolour(self) -> None:
        colours = syntax_colours()
        string = r'"(?:[^"\\]|\\.)*"'
        self._rules = [
            (QRegularExpression(r"[{}\[\],:]"), _format(colours["punct"])),
            (QRegularExpression(r"-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b"), _format(colours["number"])),
            (QRegularExpression(r"\b(?:true|false|null)\b"), _format(colours["literal"], bold=True)),
            (QRegularExpression(string), _format(colours["string"])),
            (QRegularExpression(string + r"(?=\s*:)"), _format(colours["key"], bold=True)),
        ]
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # Qt override
        if self._after_blank_line:
            # Block state 1 = "in the body": set from the first empty line on, inherited afterwards.
            in_body = self.previousBlockState() == 1
            self.setCurrentBlockState(1 if in_body or not text.strip() else 0)
            if not in_body:
                return
        for pattern, fmt in self._rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), fmt)


class JsonEditor(QWidget):
    """A ``QPlainTextEdit`` for JSON with colours, inline validation and a "Tidy up" button.

    Signals:
        validity_changed(bool)
        text_edited()
    """

    validity_changed = Signal(bool)
    text_edited = Signal()

    def __init__(self, parent: QWidget | None = None, *, name: str = "jsonEditor") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._checker: Checker = check_json
        self._check = JsonCheck(value={})
        self._valid = True

        self.editor = JsonTextEdit(self)
        self.editor.setObjectName(f"{name}Text")
        self.editor.setAccessibleName("JSON text")
        self.editor.setAccessibleDescription("Type JSON here. Mistakes are named below the editor.")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # Tab moves focus on, so the editor never traps keyboard users (indent with spaces or "Tidy up").
        self.editor.setTabChangesFocus(True)
        self.highlighter = JsonHighlighter(self.editor.document())

        self.problem_label = QLabel(self)
        self.problem_label.setObjectName(f"{name}Problem")
        self.problem_label.setAccessibleName("JSON check result")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.position_label = QLabel(self)
        self.position_label.setObjectName(f"{name}Position")
        self.position_label.setAccessibleName("Cursor position")

        self.goto_button = QPushButton("Go to mistake", self)
        self.goto_button.setObjectName(f"{name}GoToButton")
        self.goto_button.setAccessibleName("Go to mistake (put the cursor on it)")
        self.goto_button.clicked.connect(self.go_to_problem)
        self.goto_button.hide()

        self.tidy_button = QPushButton("Tidy up", self)
        self.tidy_button.setObjectName(f"{name}TidyButton")
        self.tidy_button.setAccessibleName("Tidy up the JSON")
        self.tidy_button.setToolTip("Re-indent the JSON neatly (Ctrl+Shift+F)")
        self.tidy_button.clicked.connect(self.tidy)
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+F"), self.editor)
        shortcut.activated.connect(self.tidy)

        status = QHBoxLayout()
        status.setContentsMargins(0, 0, 0, 0)
        status.addWidget(self.position_label)
        status.addStretch(1)
        status.addWidget(self.goto_button)
        status.addWidget(self.tidy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.problem_label)
        layout.addLayout(status)

        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.editor.cursorPositionChanged.connect(self._on_editor_cursor_moved)
        self._on_editor_cursor_moved()
        self.revalidate()

    # -- public API --------------------------------------------------------------------------------

    @property
    def is_valid(self) -> bool:
        """True when the current text passes the check."""
        return self._valid

    @property
    def check(self) -> JsonCheck:
        """The latest check result (``.value`` is the parsed JSON when valid)."""
        return self._check

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text (undo-able) and re-check."""
        cursor = self.editor.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)

    def set_checker(self, checker: Checker) -> None:
        """Use ``checker`` instead of the plain JSON-object check (e.g. to require a batch list)."""
        self._checker = checker
        self.revalidate()

    def tidy(self) -> None:
        """Re-indent valid JSON with two spaces; leaves invalid text alone."""
        if self._valid and self._check.value is not None:
            self.set_text(json.dumps(self._check.value, indent=2, ensure_ascii=False))

    def revalidate(self) -> None:
        """Run the check on the current text and update the label, underline and validity."""
        self._check = self._checker(self.editor.toPlainText())
        problem = self._check.problem
        selections: list[QTextEdit.ExtraSelection] = []
        if problem is None:
            self.problem_label.setText("✓ Valid JSON")
            self.problem_label.setProperty("state", "ok")
            set_tone(self.problem_label, "ok")  # follows a live theme switch
        else:
            self.problem_label.setText(f"⚠ {problem.describe()}")
            self.problem_label.setProperty("state", "error")
            set_tone(self.problem_label, "error")
            selections.append(self._error_selection(problem.offset))
        self.editor.error_line = problem.line if problem is not None else None
        self.editor.setExtraSelections(selections)
        valid = problem is None
        self.goto_button.setVisible(not valid)
        self.tidy_button.setEnabled(valid)
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)

    def go_to_problem(self) -> None:
        """Put the cursor on the first mistake."""
        if self._check.problem is not None:
            cursor = self.editor.textCursor()
            cursor.setPosition(min(self._check.problem.offset, len(self.text())))
            self.editor.setTextCursor(cursor)
            self.editor.setFocus()

    # -- internals ---------------------------------------------------------------------------------

    def _error_selection(self, offset: int) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        error = QColor(semantic().error)
        fmt.setUnderlineColor(error)
        error.setAlpha(40)
        fmt.setBackground(error)
        selection.format = fmt
        cursor = QTextCursor(self.editor.document())
        length = len(self.text())
        start = max(0, min(offset, length))
        if start == length and start > 0:
            start -= 1  # the mistake is "the text ended too early": mark the last character
        cursor.setPosition(start)
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        return selection

    def _on_editor_text_changed(self) -> None:
        self.revalidate()
        self.text_edited.emit()

    def _on_editor_cursor_moved(self) -> None:
        cursor = self.editor.textCursor()
        self.position_label.setText(f"Line {cursor.blockNumber() + 1}, column {cursor.positionInBlock() + 1}")


def json_viewer(parent: QWidget, name: str, accessible_name: str) -> QPlainTextEdit:
    """A read-only, monospaced, highlighted JSON view that Tab leaves (the highlighter is its child)."""
    view = QPlainTextEdit(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible_name)
    view.setReadOnly(True)
    view.setTabChangesFocus(True)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    JsonHighlighter(view.document())  # parented to the document, so it lives as long as the view
    return view
