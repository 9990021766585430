"""The panel contract: what the main window relies on in every work panel, as a typed ``Protocol``.

A panel is a ``QWidget`` built as ``Panel(services, parent)`` (cheap: no network, no blocking I/O) that
  * has ``panel_title`` (the tab text) and the signals ``busy_changed(bool)`` and ``status_message(str)``
    (the window shows them in the status bar);
  * takes ``set_workspace(workspace | None)`` whenever the selection changes: it returns at once and
    cancels work in flight for the old workspace ("latest wins");
  * ``focus_input()`` (Ctrl+L), ``refresh()`` (F5: re-run the current view) and ``async aclose()`` (awaited
    when the window closes, before the clients are closed: cancel and await your tasks there);
  * leaves the window's keys to the window (Ctrl+1..6, Ctrl+K, Ctrl+N, Ctrl+E, Ctrl+L, Ctrl+Q, F1, F2, F5).
Panels reach the rest of the app only through ``operations.services.Services``.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import SignalInstance

from cio_desktop.models import Workspace


class Panel(Protocol):
    """What ``MainWindow`` calls on a work panel (checked by mypy, not at run time)."""

    panel_title: str

    @property
    def busy_changed(self) -> SignalInstance: ...

    @property
    def status_message(self) -> SignalInstance: ...

    def set_workspace(self, workspace: Workspace | None) -> None: ...

    def focus_input(self) -> None: ...

    def refresh(self) -> object: ...

    async def aclose(self) -> None: ...
