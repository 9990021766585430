"""The Qt binding we ship keeps Python's reference counts intact (PySide6 6.12.0 did not, and aborted).

With PySide6-Essentials 6.12.0 every void call (``label.setText``) dropped a reference to ``None`` and every
``Signal.emit`` one to ``True``: after a few thousand calls the app died with "none_dealloc". The
dependency pin (``<6.12``) avoids it; this test catches any binding that brings it back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    changed = Signal(int)


def test_void_calls_and_emits_keep_none_and_true_alive(qapp: object) -> None:
    label, emitter = QLabel(), _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(3000):
        label.setText(str(i))
        emitter.changed.emit(i)
    # Immortal objects (Python >= 3.12) report a huge constant count; a leak shows as thousands less.
    assert sys.getrefcount(None) >= none_before - 100
    assert sys.getrefcount(True) >= true_before - 100
    assert label.text() == "2999"
