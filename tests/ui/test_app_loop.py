"""The GUI test loop fixture (``qloop``): async slots, awaited coroutines and pytest-asyncio side by side."""

from __future__ import annotations

import asyncio
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from qasync import asyncSlot

from tests.ui.conftest import QtAsyncLoop


class _Clicker(QWidget):
    """A button whose async slot awaits work in a thread and shows the result in a label."""

    def __init__(self) -> None:
        super().__init__()
        self.button = QPushButton("Go", self)
        self.label = QLabel("idle", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.button)
        layout.addWidget(self.label)
        self.button.clicked.connect(self._on_button_clicked)

    @asyncSlot()
    async def _on_button_clicked(self) -> None:
        self.label.setText("working")
        name = await asyncio.to_thread(lambda: threading.current_thread().name)
        self.label.setText(f"done in {name}")


def test_clicking_an_async_button_updates_the_label(qtbot: QtBot, qloop: QtAsyncLoop) -> None:
    widget = _Clicker()
    qtbot.addWidget(widget)
    qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.label.text().startswith("done"), timeout=5000)
    assert "MainThread" not in widget.label.text()


def test_run_returns_the_result_and_times_out(qloop: QtAsyncLoop) -> None:
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert qloop.run(answer()) == 42
    never = asyncio.get_running_loop().create_future()
    with pytest.raises(TimeoutError):
        qloop.run(never, timeout=0.05)
    assert never.cancelled()


def test_pending_tasks_are_cancelled_at_teardown(qloop: QtAsyncLoop) -> None:
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    task = qloop.loop.create_task(forever())
    qloop.run(started.wait())
    assert not task.done()


async def test_pytest_asyncio_tests_still_use_their_own_loop() -> None:
    loop = asyncio.get_running_loop()
    assert type(loop).__module__.startswith("asyncio")
