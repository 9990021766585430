"""The workspace list: non-secret workspace data in one JSON file (schema version, atomic, locked).

Not responsible for secrets (``secrets.py``) nor for talking to Customer.io (``api/``).
File layout: ``{"schema_version": 1, "workspaces": [{"id", "name", "region", ...}, ...]}``.
"""

from __future__ import annotations

import builtins
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cio_desktop import paths
from cio_desktop.errors import ConfigError, WorkspaceError
from cio_desktop.jsonfile import FileLock, ReadResult, move_aside, read_json, write_json_atomic
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.text_safety import unsafe_characters

SCHEMA_VERSION = 1
FILE_NAME = "workspaces.json"
MAX_NAME_LENGTH = 100


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What ``WorkspaceStore.load`` found: the workspaces, and where a corrupt file was moved, if it was."""

    workspaces: tuple[Workspace, ...]
    recovered_backup: Path | None = None
    problem: str | None = None  # plain words: what was wrong with the file, when it was moved aside


def is_loopback_host(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1): the only hosts allowed over plain http."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(url: str) -> str:
    """``url`` as an error may quote it: all before the last ``@`` (a pasted "site:key@host") is hidden."""
    if "@" not in url:
        return url
    scheme, sep, _rest = url.partition("://")
    prefix = f"{scheme}{sep}" if sep and "@" not in scheme else ""
    return f"{prefix}…@{url.rsplit('@', 1)[1]}"


def check_url(label: str, url: str) -> str:
    """``url`` if it is an acceptable endpoint override, else ``WorkspaceError`` in plain words (which
    never quote a user name or password pasted into the address)."""
    url = url.strip()
    unsafe = unsafe_characters(url)
    if unsafe:
        # urlsplit silently drops tabs and line breaks; a CR/LF could also forge lines where it is shown.
        raise WorkspaceError(
            f"The {label} contains control or invisible characters ({', '.join(unsafe)}); "
            "type the address again."
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  # raises ValueError on a bad port
    except ValueError as exc:
        raise WorkspaceError(
            f"The {label} '{_shown(url)}' is not a valid web address.", detail=type(exc).__name__
        ) from None
    if parts.scheme not in ("https", "http") or not host:
        raise WorkspaceError(
            f"The {label} must be a full https:// address, such as https://track.customer.io "
            f"(got '{_shown(url)}')."
        )
    if parts.username is not None or parts.password is not None:
        raise WorkspaceError(
            f"The {label} must not contain a user name or password; keys are stored separately."
        )
    if parts.scheme == "http" and not is_loopback_host(host):
        raise WorkspaceError(
            f"The {label} must use https:// (plain http is only allowed for this computer, "
            f"such as 127.0.0.1 or localhost); got '{url}'."
        )
    return url


def validate(workspace: Workspace) -> Workspace:
    """A cleaned copy of ``workspace`` (trimmed strings), or ``WorkspaceError`` saying what is wrong."""
    name = workspace.name.strip() if isinstance(workspace.name, str) else ""
    if not name:
        raise WorkspaceError("A workspace needs a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise WorkspaceError(f"A workspace name can be at most {MAX_NAME_LENGTH} characters long.")
    unsafe = unsafe_characters(name)
    if unsafe:
        raise WorkspaceError(
            "A workspace name cannot contain control characters, text-direction overrides or broken "
            f"characters (found {', '.join(unsafe)})."
        )
    try:
        region = Region(workspace.region)
    except ValueError as exc:
        raise WorkspaceError(f"Region must be one of us, eu or auto (got '{workspace.region}').") from exc
    if not isinstance(workspace.id, str) or not workspace.id.strip():
        raise WorkspaceError("A workspace needs an id.")
    site_id = (workspace.site_id.strip() or None) if workspace.site_id is not None else None
    track_url = check_url("Track API address", workspace.track_url) if workspace.track_url else None
    app_url = check_url("App API address", workspace.app_url) if workspace.app_url else None
    pipelines_url = (
        check_url("Pipelines API address", workspace.pipelines_url) if workspace.pipelines_url else None
    )
    ca_file = workspace.ca_file.strip() if workspace.ca_file else None
    if ca_file and not Path(ca_file).expanduser().is_file():
        raise WorkspaceError(f"The CA certificate file '{ca_file}' does not exist.")
    if workspace.workspace_id is not None and (
        not isinstance(workspace.workspace_id, int) or isinstance(workspace.workspace_id, bool)
    ):
        raise WorkspaceError("A workspace's Customer.io id must be a whole number.")
    return workspace.replace(
        name=name,
        region=region,
        site_id=site_id,
        track_url=track_url,
        app_url=app_url,
        pipelines_url=pipelines_url,
        ca_file=ca_file or None,
        demo=bool(workspace.demo),
    )


def to_json(workspace: Workspace) -> dict[str, Any]:
    """The JSON form of one workspace (holds no secret)."""
    return {
        "id": workspace.id,
        "name": workspace.name,
        "region": str(workspace.region),
        "site_id": workspace.site_id,
        "track_url": workspace.track_url,
        "app_url": workspace.app_url,
        "pipelines_url": workspace.pipelines_url,
        "ca_file": workspace.ca_file,
        "workspace_id": workspace.workspace_id,
        "demo": workspace.demo,
        "keyring_id": workspace.keyring_id,
        "stored_keys": None if workspace.stored_keys is None else [k.value for k in workspace.stored_keys],
        "key_dates": {kind.value: day for kind, day in sorted(workspace.key_dates.items())},
    }


def from_json(item: object) -> Workspace:
    """Parse one stored workspace; ``WorkspaceError`` if it is malformed. Unknown keys are ignored."""
    if not isinstance(item, dict):
        raise WorkspaceError("an entry is not an object")
    fields: dict[str, Any] = {}
    for key in ("name", "id", "region"):
        if not isinstance(item.get(key), str):
            raise WorkspaceError(f"an entry has no valid '{key}'")
        fields[key] = item[key]
    for key in ("site_id", "track_url", "app_url", "pipelines_url", "ca_file"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise WorkspaceError(f"'{key}' of '{fields['name']}' is not text")
        fields[key] = value
    fields["workspace_id"] = item.get("workspace_id")
    fields["demo"] = item.get("demo", False) is True
    keyring_id = item.get("keyring_id")
    fields["keyring_id"] = keyring_id if isinstance(keyring_id, str) and keyring_id else None
    fields["stored_keys"] = _stored_keys(item.get("stored_keys"))
    fields["key_dates"] = _key_dates(item.get("key_dates"))
    workspace = Workspace(**fields)
    # A CA file that has since disappeared is not a reason to drop the workspace on load.
    ca_file = workspace.ca_file
    return validate(workspace.replace(ca_file=None)).replace(ca_file=ca_file)


def _stored_keys(value: object) -> tuple[SecretKind, ...] | None:
    """The ``stored_keys`` mark: kinds this version knows, in file order; ``None`` when absent or broken."""
    if not isinstance(value, list):
        return None
    known = {kind.value for kind in SecretKind}
    return tuple(SecretKind(v) for v in value if isinstance(v, str) and v in known)


def _key_dates(value: object) -> dict[SecretKind, str]:
    """The ``key_dates`` mark: known kinds with valid ISO dates; anything else is dropped (never fatal)."""
    from datetime import date

    if not isinstance(value, dict):
        return {}
    known = {kind.value for kind in SecretKind}
    dates: dict[SecretKind, str] = {}
    for kind, day in value.items():
        if kind in known and isinstance(day, str):
            try:
                dates[SecretKind(kind)] = date.fromisoformat(day).isoformat()
            except ValueError:
                continue
    return dates


def _key(name: str) -> str:
    return name.strip().casefold()


class WorkspaceStore:
    """Reads and writes ``workspaces.json`` under the config dir. Blocking file I/O: call it from a
    thread (``asyncio.to_thread``) in the GUI. Every mutation locks the file, re-reads it, applies the
    change and writes atomically, so two processes editing at once lose nothing."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path if path is not None else paths.config_dir() / FILE_NAME
        self._lock = FileLock(self._path)

    @property
    def path(self) -> Path:
        return self._path

    def load(self) -> LoadReport:
        """The stored workspaces. A broken file is moved aside and reported, never fatal."""
        with self._lock.hold():
            report, _newer = self._read_locked()
        return report

    def list(self) -> list[Workspace]:
        return builtins.list(self.load().workspaces)

    def get(self, name: str) -> Workspace:
        """The workspace called ``name``; ``WorkspaceError`` if there is none."""
        return _find(self.load().workspaces, name)

    def get_by_id(self, workspace_id: str) -> Workspace:
        """The workspace with this ``id``; ``WorkspaceError`` if there is none."""
        for workspace in self.load().workspaces:
            if workspace.id == workspace_id:
                return workspace
        raise WorkspaceError("That workspace no longer exists.", detail=f"id {workspace_id}")

    def check_new(self, workspace: Workspace) -> Workspace:
        """Validate ``workspace`` as a new entry without saving it (the CLI asks before reading keys)."""
        clean = validate(workspace)
        _check_unique(self.load().workspaces, clean, is_new=True)
        return clean

    def add(self, workspace: Workspace) -> Workspace:
        """Add a new workspace; ``WorkspaceError`` on a duplicate name or invalid field."""
        clean = validate(workspace)

        def change(items: builtins.list[Workspace]) -> Workspace:
            _check_unique(items, clean, is_new=True)
            items.append(clean)
            return clean

        return self._mutate(change)

    def update(self, workspace: Workspace) -> Workspace:
        """Replace the workspace with the same ``id``."""
        clean = validate(workspace)

        def change(items: builtins.list[Workspace]) -> Workspace:
            index = _index_of_id(items, clean.id, clean.name)
            _check_unique(items, clean, is_new=False)
            items[index] = clean
            return clean

        return self._mutate(change)

    def rename(self, old: str, new: str) -> Workspace:
        def change(items: builtins.list[Workspace]) -> Workspace:
            current = _find(items, old)
            renamed = validate(current.replace(name=new))
            _check_unique(items, renamed, is_new=False)
            items[_index_of_id(items, current.id, current.name)] = renamed
            return renamed

        return self._mutate(change)

    def remove(self, name: str) -> Workspace:
        """Remove and return the workspace (the caller deletes its secrets)."""

        def change(items: builtins.list[Workspace]) -> Workspace:
            current = _find(items, name)
            del items[_index_of_id(items, current.id, current.name)]
            return current

        return self._mutate(change)

    # -- internals -------------------------------------------------------------------------------

    def _mutate(self, change: Callable[[builtins.list[Workspace]], Workspace]) -> Workspace:
        with self._lock.hold():
            report, newer = self._read_locked()
            if newer:
                raise ConfigError(
                    f"{self._path.name} was saved by a newer version of cio-desktop; "
                    "update cio-desktop before changing workspaces.",
                    detail=f"file: {self._path}",
                )
            items = builtins.list(report.workspaces)
            result = change(items)
            self._write_locked(items)
        return result

    def _write_locked(self, items: builtins.list[Workspace]) -> None:
        data = {"schema_version": SCHEMA_VERSION, "workspaces": [to_json(w) for w in items]}
        write_json_atomic(self._path, data)

    def _read_locked(self) -> tuple[LoadReport, bool]:
        """Read with the lock held; returns the report and whether the file is from a newer version."""
        result: ReadResult = read_json(self._path)
        if result.data is None:
            return LoadReport((), result.backup, result.problem), False
        data = result.data
        version = data.get("schema_version")
        entries = data.get("workspaces")
        if not isinstance(version, int) or isinstance(version, bool) or not isinstance(entries, list):
            return self._salvage([], "it has no schema_version or workspaces list"), False
        kept: builtins.list[Workspace] = []
        dropped: builtins.list[str] = []
        for item in entries:
            try:
                workspace = from_json(item)
                _check_unique(kept, workspace, is_new=True)
            except WorkspaceError as exc:
                dropped.append(exc.message)
                continue
            kept.append(workspace)
        newer = version > SCHEMA_VERSION
        if newer:
            problem = (
                f"{self._path.name} was saved by a newer version of cio-desktop; "
                "workspaces are read-only until you update."
            )
            return LoadReport(tuple(kept), None, problem), True
        if dropped:
            count = f"{len(dropped)} entry" if len(dropped) == 1 else f"{len(dropped)} entries"
            return self._salvage(kept, f"{count} could not be used: {dropped[0]}"), False
        return LoadReport(tuple(kept)), False

    def _salvage(self, kept: builtins.list[Workspace], reason: str) -> LoadReport:
        """Move the damaged file aside, save what could be kept, and say so in plain words."""
        backup = move_aside(self._path)
        self._write_locked(kept)
        problem = (
            f"{self._path.name} could not be fully read ({reason}). The original was moved aside to "
            f"{backup} so nothing is lost; {len(kept)} workspace(s) were kept."
        )
        return LoadReport(tuple(kept), backup, problem)


def _find(items: tuple[Workspace, ...] | builtins.list[Workspace], name: str) -> Workspace:
    for workspace in items:
        if workspace.name == name:
            return workspace
    for workspace in items:
        if _key(workspace.name) == _key(name):
            return workspace
    raise WorkspaceError(f"There is no workspace called '{name}'.")


def _index_of_id(items: builtins.list[Workspace], workspace_id: str, name: str) -> int:
    for index, workspace in enumerate(items):
        if workspace.id == workspace_id:
            return index
    raise WorkspaceError(f"There is no workspace called '{name}' any more.", detail=f"id {workspace_id}")


def _check_unique(
    items: tuple[Workspace, ...] | builtins.list[Workspace], candidate: Workspace, *, is_new: bool
) -> None:
    for workspace in items:
        if workspace.id == candidate.id:
            if is_new:
                raise WorkspaceError(
                    f"The workspace '{workspace.name}' is already in the list.", detail=f"id {candidate.id}"
                )
            continue
        if _key(workspace.name) == _key(candidate.name):
            raise WorkspaceError(f"A workspace called '{workspace.name}' already exists.")
