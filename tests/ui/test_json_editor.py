"""The JSON editor: colours, inline validation with line and column, tidy-up."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cio_desktop.json_check import JsonCheck, JsonProblem, check_json
from cio_desktop.ui.panels.json_editor import JsonEditor


def test_invalid_json_names_line_and_column_and_valid_json_says_so(qtbot) -> None:
    editor = JsonEditor()
    qtbot.addWidget(editor)
    editor.set_text('{\n  "plan": "pro"\n}')
    assert editor.is_valid
    assert "Valid JSON" in editor.problem_label.text()
    with qtbot.waitSignal(editor.validity_changed) as blocker:
        editor.set_text('{\n  "plan": "pro"\n  "seats": 3\n}')
    assert blocker.args == [False]
    assert not editor.is_valid
    assert "Line 3, column 3" in editor.problem_label.text()
    assert "comma is missing" in editor.problem_label.text()
    assert len(editor.editor.extraSelections()) == 1  # the mistake is underlined
    assert editor.editor.error_line == 3  # and its line number is marked in the gutter
    assert editor.editor.viewportMargins().left() == editor.editor.gutter_width() > 0
    assert not editor.goto_button.isHidden()
    assert not editor.tidy_button.isEnabled()
    qtbot.mouseClick(editor.goto_button, Qt.MouseButton.LeftButton)
    assert editor.position_label.text() == "Line 3, column 3"


def test_typing_fixes_the_problem_and_tidy_reindents(qtbot) -> None:
    editor = JsonEditor()
    qtbot.addWidget(editor)
    editor.set_text('{"a": 1')
    assert not editor.is_valid
    editor.editor.moveCursor(editor.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.editor, "}")
    assert editor.is_valid
    assert editor.editor.extraSelections() == []
    assert editor.editor.error_line is None
    qtbot.mouseClick(editor.tidy_button, Qt.MouseButton.LeftButton)
    assert editor.text() == '{\n  "a": 1\n}'


def test_highlighter_colours_keys_and_values(qtbot) -> None:
    editor = JsonEditor()
    qtbot.addWidget(editor)
    editor.set_text('{"plan": "pro", "n": 3, "ok": true}')
    block = editor.editor.document().firstBlock()
    colours = {r.format.foreground().color().name() for r in block.layout().formats()}
    assert len(colours) >= 4  # keys, strings, numbers, literals (and punctuation) differ


def test_a_custom_checker_and_accessibility(qtbot) -> None:
    editor = JsonEditor(name="batchEditor")
    qtbot.addWidget(editor)
    assert editor.editor.objectName() == "batchEditorText"
    assert editor.editor.accessibleName()
    assert editor.tidy_button.accessibleName()
    assert editor.editor.tabChangesFocus()
    editor.set_text("{}")
    editor.set_checker(lambda text: check_json(text) if text.strip() != "{}" else _needs_batch())
    assert not editor.is_valid
    assert "batch" in editor.problem_label.text()


def _needs_batch() -> JsonCheck:
    return JsonCheck(problem=JsonProblem(1, 1, 0, 'the body needs a "batch" list'))
