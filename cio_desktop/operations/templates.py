"""Event templates and the last sent payloads, kept per workspace in one JSON file under the data folder.

Sync, blocking file I/O: the GUI calls it through ``asyncio.to_thread``. Not responsible for sending.
A damaged file is moved aside (``jsonfile``) and an empty store is used: it never stops the event panel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cio_desktop import jsonfile, paths
from cio_desktop.time_display import format_moment

FILE_NAME = "event_templates.json"
SCHEMA_VERSION = 1
DEFAULT_SENT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class EventDraft:
    """Everything the event panel needs to send one call: type, the plain fields and the JSON text."""

    call_type: str
    body: str
    customer_id: str = ""
    event_name: str = ""
    anonymous_id: str = ""
    api: str = "track"  # "track" or "pipelines": which API ``call_type`` belongs to
    group_id: str = ""  # Pipelines group
    previous_id: str = ""  # Pipelines alias

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> EventDraft:
        """Build from a stored dict, ignoring unknown keys."""
        return cls(
            call_type=str(raw.get("call_type", "")),
            body=str(raw.get("body", "")),
            customer_id=str(raw.get("customer_id", "")),
            event_name=str(raw.get("event_name", "")),
            anonymous_id=str(raw.get("anonymous_id", "")),
            api="pipelines" if raw.get("api") == "pipelines" else "track",
            group_id=str(raw.get("group_id", "")),
            previous_id=str(raw.get("previous_id", "")),
        )


@dataclass(frozen=True, slots=True)
class EventTemplate:
    """A named draft the user saved."""

    name: str
    draft: EventDraft


@dataclass(frozen=True, slots=True)
class SentPayload:
    """A draft that was sent, and when (UTC)."""

    sent_at: datetime
    draft: EventDraft

    def label(self) -> str:
        """One line for the history drop-down: ``12:03:04 · Person event · signed_up``."""
        local = format_moment(self.sent_at)
        what = self.draft.event_name or self.draft.customer_id or self.draft.anonymous_id
        kind = f"pipelines {self.draft.call_type}" if self.draft.api == "pipelines" else self.draft.call_type
        return f"{local} · {kind}" + (f" · {what}" if what else "")


@dataclass(slots=True)
class WorkspaceTemplates:
    """The templates and sent payloads of one workspace (newest sent first)."""

    templates: list[EventTemplate] = field(default_factory=list)
    sent: list[SentPayload] = field(default_factory=list)


class TemplateStore:
    """Per-workspace templates and sent history in ``data_dir()/event_templates.json``."""

    def __init__(self, path: Path | None = None, *, sent_limit: int = DEFAULT_SENT_LIMIT) -> None:
        self._path = path
        self._sent_limit = sent_limit

    @property
    def path(self) -> Path:
        """The JSON file (resolved lazily so ``CIO_DESKTOP_HOME`` set later still counts)."""
        return self._path if self._path is not None else paths.data_dir() / FILE_NAME

    def load(self, workspace_id: str) -> WorkspaceTemplates:
        """The templates and sent payloads of ``workspace_id`` (empty when none)."""
        raw = self._read().get("workspaces", {}).get(workspace_id, {})
        result = WorkspaceTemplates()
        for item in raw.get("templates", []):
            if isinstance(item, dict) and isinstance(item.get("draft"), dict) and item.get("name"):
                result.templates.append(
                    EventTemplate(name=str(item["name"]), draft=EventDraft.from_dict(item["draft"]))
                )
        for item in raw.get("sent", []):
            if isinstance(item, dict) and isinstance(item.get("draft"), dict):
                try:
                    moment = datetime.fromisoformat(str(item.get("sent_at")))
                except ValueError:
                    continue
                result.sent.append(SentPayload(sent_at=moment, draft=EventDraft.from_dict(item["draft"])))
        return result

    def save_template(self, workspace_id: str, name: str, draft: EventDraft) -> WorkspaceTemplates:
        """Add or replace the template called ``name``; returns the workspace's new state."""
        name = name.strip()
        if not name:
            raise ValueError("A template needs a name.")
        current = self.load(workspace_id)
        current.templates = [t for t in current.templates if t.name != name]
        current.templates.append(EventTemplate(name=name, draft=draft))
        current.templates.sort(key=lambda t: t.name.lower())
        self._write_workspace(workspace_id, current)
        return current

    def delete_template(self, workspace_id: str, name: str) -> WorkspaceTemplates:
        """Remove the template called ``name`` (no error if it is gone)."""
        current = self.load(workspace_id)
        current.templates = [t for t in current.templates if t.name != name]
        self._write_workspace(workspace_id, current)
        return current

    def record_sent(
        self, workspace_id: str, draft: EventDraft, *, when: datetime | None = None
    ) -> WorkspaceTemplates:
        """Remember ``draft`` as the newest sent payload, keeping the last ``sent_limit``."""
        current = self.load(workspace_id)
        entry = SentPayload(sent_at=when or datetime.now(UTC), draft=draft)
        current.sent = [entry, *(s for s in current.sent if s.draft != draft)][: self._sent_limit]
        self._write_workspace(workspace_id, current)
        return current

    # -- file handling -------------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        # A damaged file is moved aside by read_json and we start empty: templates are a convenience.
        data = jsonfile.read_json(self.path).data or {}
        if not isinstance(data.get("workspaces", {}), dict):
            data = {}
        return data

    def _write_workspace(self, workspace_id: str, state: WorkspaceTemplates) -> None:
        with jsonfile.FileLock(self.path).hold():
            data = self._read()
            workspaces = data.setdefault("workspaces", {})
            workspaces[workspace_id] = {
                "templates": [{"name": t.name, "draft": asdict(t.draft)} for t in state.templates],
                "sent": [{"sent_at": s.sent_at.isoformat(), "draft": asdict(s.draft)} for s in state.sent],
            }
            data["version"] = SCHEMA_VERSION
            jsonfile.write_json_atomic(self.path, data)
