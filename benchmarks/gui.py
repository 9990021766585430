"""Qt pieces the GUI benchmarks share (imported only in child processes): the app and its asyncio loop,
and the 1 ms timer that measures how late the UI thread answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

T = TypeVar("T")


def qt_app() -> QApplication:
    app = QApplication.instance() or QApplication(["cio-bench"])
    assert isinstance(app, QApplication)
    return app


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` on a qasync loop inside Qt, as the app does."""
    import qasync

    app = qt_app()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(main())  # type: ignore[no-any-return]
    finally:
        loop.close()


class LatenessProbe:
    """A 1 ms precise Qt timer; each tick records how much later than 1 ms after the previous it came."""

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.samples: list[float] = []

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last:
            self.samples.append(max(0.0, (now - self._last) * 1000 - 1.0))
        self._last = now

    def start(self) -> None:
        self.samples = []
        self._last = 0.0
        self._timer.start()

    def stop(self) -> Stats:
        self._timer.stop()
        return Stats.of(self.samples)


@dataclass(frozen=True)
class Stats:
    p50: float
    p99: float
    max: float
    ticks: int

    @classmethod
    def of(cls, samples: list[float]) -> Stats:
        if not samples:
            return cls(0.0, 0.0, 0.0, 0)
        ordered = sorted(samples)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

        return cls(pct(50), pct(99), ordered[-1], len(ordered))

    def as_dict(self) -> dict[str, Any]:
        return {"p50": self.p50, "p99": self.p99, "max": self.max, "ticks": self.ticks}
