"""Megabytes of raw JSON reach the lookup's raw view piece by piece, made off the UI thread."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from cio_desktop.ui.panels.json_editor import JsonHighlighter
from cio_desktop.ui.widgets.large_text import HIGHLIGHT_MAX_CHARS, PIECE_CHARS, LargeTextFill


def test_a_large_text_arrives_whole_in_pieces_and_uncoloured(qtbot: QtBot) -> None:
    view = QPlainTextEdit()
    qtbot.addWidget(view)
    highlighter = JsonHighlighter(view.document())
    fill = LargeTextFill(view, highlighter)
    text = "".join(f'  "line_{n:06d}": "{"x" * 40}",\n' for n in range(20_000))  # ~1 MB
    assert len(text) > 4 * PIECE_CHARS
    assert len(text) > HIGHLIGHT_MAX_CHARS

    with qtbot.waitSignal(fill.finished, timeout=20_000):
        fill.fill_with(lambda: text, placeholder="Formatting…")
        assert view.toPlainText() == "Formatting…"
    assert view.toPlainText() == text
    assert highlighter.document() is None  # too large to colour quickly

    with qtbot.waitSignal(fill.finished, timeout=5_000):
        fill.fill('{"small": true}')
    assert view.toPlainText() == '{"small": true}'
    assert highlighter.document() is view.document()


def test_a_newer_fill_wins_over_one_still_being_made(qtbot: QtBot) -> None:
    view = QPlainTextEdit()
    qtbot.addWidget(view)
    fill = LargeTextFill(view)
    release = threading.Event()

    def slow() -> str:
        release.wait(10)
        return "old"

    fill.fill_with(slow)
    fill.fill("new")
    with qtbot.waitSignal(fill._made, timeout=10_000):  # the worker's late answer arrives …
        release.set()
    assert view.toPlainText() == "new"  # … and is dropped
