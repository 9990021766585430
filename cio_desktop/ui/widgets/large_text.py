"""Putting a large text (megabytes of raw JSON) into a ``QPlainTextEdit`` without freezing the window.

``json.dumps(indent=2)`` of 5 MB takes ~0.3 s (the indenting encoder is pure Python),
``setPlainText`` ~50 ms, and a Python ``QSyntaxHighlighter`` colouring it ~0.5 s, all on the UI thread.
``LargeTextFill.fill_with`` makes the text in a worker thread (it gives the GIL back every few ms),
then sets the first piece and appends the rest piece by piece from the event loop (a few ms each), and
colours only texts small enough to colour quickly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QSyntaxHighlighter, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

PIECE_CHARS = 128 * 1024  # appended per event-loop turn
HIGHLIGHT_MAX_CHARS = 256 * 1024  # larger texts are shown without colours


class LargeTextFill(QObject):
    """Fills ``view`` with text in pieces; a new ``fill`` replaces one still in progress.

    Signals:
        finished(): the whole text is in the view.
    """

    finished = Signal()
    _made = Signal(int, str)  # from the worker thread: (generation, text)

    def __init__(self, view: QPlainTextEdit, highlighter: QSyntaxHighlighter | None = None) -> None:
        super().__init__(view)
        self._view = view
        self._highlighter = highlighter
        self._text = ""
        self._done = 0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_piece)
        self._generation = 0
        self._made.connect(self._on_made)

    def fill_with(self, make: Callable[[], str], *, placeholder: str = "") -> None:
        """Show ``placeholder``, run ``make()`` in a worker thread, then ``fill`` with its text (unless
        another fill came first)."""
        self._generation += 1
        self._timer.stop()
        self._view.setPlainText(placeholder)  # not "finished": the real text is still to come
        generation = self._generation

        def work() -> None:
            self._made.emit(generation, make())

        threading.Thread(target=work, name="cio-large-text", daemon=True).start()

    def _on_made(self, generation: int, text: str) -> None:
        if generation == self._generation:
            self.fill(text)

    @property
    def filling(self) -> bool:
        return self._timer.isActive()

    def fill(self, text: str) -> None:
        """Replace the view's text with ``text`` (the first piece now, the rest from the event loop)."""
        self._generation += 1
        self._timer.stop()
        if self._highlighter is not None:
            self._highlighter.setDocument(self._view.document() if len(text) <= HIGHLIGHT_MAX_CHARS else None)
        first = _cut(text, 0)
        self._view.setPlainText(text[:first])
        self._text, self._done = text, first
        if first < len(text):
            self._timer.start()
        else:
            self.finished.emit()

    def _next_piece(self) -> None:
        end = _cut(self._text, self._done)
        cursor = QTextCursor(self._view.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(self._text[self._done : end])
        self._done = end
        if end >= len(self._text):
            self._timer.stop()
            self._text = ""
            self.finished.emit()


def _cut(text: str, start: int) -> int:
    """Where the piece starting at ``start`` ends: after a line break near ``PIECE_CHARS`` on."""
    end = start + PIECE_CHARS
    if end >= len(text):
        return len(text)
    newline = text.find("\n", end)
    return len(text) if newline < 0 else newline + 1
