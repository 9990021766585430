"""Reading the request history for both doors: whose records are whose, and the name to show for them.

Records carry the workspace's stable id (``Exchange.workspace_id``) and its name at the time of the call.
A record belongs to a workspace by id, so renaming keeps its history together; records written before
the id was kept (``workspace_id`` empty) match by name. Plain Python, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from cio_desktop.models import Workspace

if TYPE_CHECKING:
    from cio_desktop.api.exchange import Exchange


def belongs_to(exchange: Exchange, workspace: Workspace) -> bool:
    """True when ``exchange`` was made for ``workspace`` (by id; by name for records without one)."""
    if exchange.workspace_id:
        return exchange.workspace_id == workspace.id
    return exchange.workspace.casefold() == workspace.name.casefold()


def workspace_label(exchange: Exchange, workspaces: Iterable[Workspace]) -> str:
    """The name to show for the record's workspace: its current name when it still exists, else the
    name it had when the call was made."""
    if exchange.workspace_id:
        for workspace in workspaces:
            if workspace.id == exchange.workspace_id:
                return workspace.name
    return exchange.workspace


def records_for(
    records: Sequence[Exchange], name: str | None, workspaces: Iterable[Workspace]
) -> list[Exchange]:
    """The records of the workspace called ``name`` (all of them for ``None``). A name no workspace has
    any more still finds the records made under it (a removed workspace's history)."""
    if not name:
        return list(records)
    wanted = name.casefold()
    known = next((w for w in workspaces if w.name.casefold() == wanted), None)
    if known is not None:
        return [r for r in records if belongs_to(r, known)]
    return [r for r in records if r.workspace.casefold() == wanted]
