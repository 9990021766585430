"""Composition root: builds the real objects, starts Qt and the qasync loop, and shuts down cleanly.

Placeholder until issue #5 lands the GUI.
"""

from __future__ import annotations


def run_gui(*, demo: bool = False, exit_when_ready: bool = False) -> int:
    """Open the main window; returns the process exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.setWindowTitle("cio-desktop")
    window.show()
    if exit_when_ready:
        QTimer.singleShot(0, app.quit)
    return app.exec()
