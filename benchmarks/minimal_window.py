"""The yardstick: a bare PySide6 main window that quits at its first idle moment after being shown.

Run from source by ``benchmarks.startup`` and bundled by the same spec as the app (``CIO_MINIMAL=1``) by
``benchmarks.bundle``, so size and start-up are compared like with like.
"""

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication([])
window = QMainWindow()
window.resize(1100, 720)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
