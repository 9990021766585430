"""What the API-backed CLI commands share: settings, history, a client for a named workspace, output.

Only the CLI imports this, and only inside a running command (it pulls in keyring and httpx).
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from cio_desktop.api.client import CioClient
from cio_desktop.api.errors import ApiError
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.models import Credentials, NetworkSettings
from cio_desktop.models import Workspace


def load_app_settings() -> Any:
    """The saved settings; a broken file is moved aside and the command says so on stderr."""
    from cio_desktop.cli.common import warn
    from cio_desktop.settings import SettingsStore

    store = SettingsStore()
    settings = store.load()
    if store.problem:
        warn(store.problem)
    return settings


def open_history(settings: Any | None = None) -> RequestHistory:
    """The persisted history, loaded, with the user's size limit."""
    settings = settings if settings is not None else load_app_settings()
    history = RequestHistory(limit=int(getattr(settings, "history_limit", 1000) or 1000))
    history.load()
    if history.persist_error:
        print(f"cio-desktop: warning: {history.persist_error}", file=sys.stderr)
    if history.skipped_lines:
        print(
            f"cio-desktop: note: {history.skipped_lines} damaged line(s) of {history.path} were skipped.",
            file=sys.stderr,
        )
    return history


@asynccontextmanager
async def client_for(name: str) -> AsyncIterator[CioClient]:
    """A client for the workspace called ``name`` with its keyring credentials; a region detected on the
    way is saved to the workspace file when the block ends."""
    import asyncio

    from cio_desktop.cli.common import load_credentials, open_store

    store = await asyncio.to_thread(open_store)
    workspace = await asyncio.to_thread(store.get, name)
    credentials = Credentials.from_secrets(await load_credentials(workspace))
    settings = await asyncio.to_thread(load_app_settings)
    history = await asyncio.to_thread(open_history, settings)
    client = CioClient(
        workspace, credentials, history=history, settings=NetworkSettings.from_app_settings(settings)
    )
    from cio_desktop.text_safety import SafeStream

    for stream in (sys.stdout, sys.stderr):  # nothing printed from here on can show this client's keys
        if isinstance(stream, SafeStream):
            stream.add_redactor(client.redact)
    try:
        yield client
    finally:
        await client.aclose()
        if history.persist_error:
            print(f"cio-desktop: warning: {history.persist_error}", file=sys.stderr)
        await asyncio.to_thread(save_workspace_changes, workspace, client.workspace)


def save_workspace_changes(before: Workspace, after: Workspace) -> None:
    """Store a detected region / workspace id (nothing else changes)."""
    if after.region == before.region and after.workspace_id == before.workspace_id:
        return
    from cio_desktop.cli.common import open_store

    store = open_store()
    current = store.get(before.name)
    store.update(current.replace(region=after.region, workspace_id=after.workspace_id))


def print_json(value: Any) -> None:
    """Indented JSON on stdout; parts nested deeper than ``MAX_DEPTH`` are replaced by a note when the
    whole would exhaust the encoder's recursion limit (a server may answer with anything)."""
    from cio_desktop.json_check import MAX_DEPTH, clip_depth

    try:
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    except RecursionError:
        text = json.dumps(clip_depth(value, MAX_DEPTH), indent=2, ensure_ascii=False, default=str)
    from cio_desktop.text_safety import json_safe

    sys.stdout.write(json_safe(text) + "\n")


def error_json(exc: ApiError) -> dict[str, Any]:
    """A secret-free description of an error for ``--json`` output."""
    out: dict[str, Any] = {
        "kind": type(exc).__name__,
        "message": exc.message,
        "detail": exc.detail,
        "status": exc.status,
        "request_id": exc.request_id,
        "exchange_id": exc.exchange_id,
    }
    for attr in ("other_region_works", "retry_after", "correct_region"):
        if hasattr(exc, attr):
            out[attr] = getattr(exc, attr)
    fields = getattr(exc, "field_errors", None)
    if fields:
        out["field_errors"] = [
            {"field": f.field, "message": f.message, "batch_index": f.batch_index} for f in fields
        ]
    if exc.server_message:
        out["server_message"] = exc.server_message
    return out


def report_error(exc: ApiError, *, as_json: bool) -> int:
    """Print an API error (message on stderr, detail on a second line; JSON on stdout too). Returns 1."""
    from cio_desktop.cli.common import fail

    if as_json:
        print_json({"ok": False, "error": error_json(exc)})
    fail(exc.message)
    extra = [exc.detail]
    if exc.server_message:
        extra.append(f"server said: {exc.server_message}")
    for f in getattr(exc, "field_errors", None) or []:
        where = f"item {f.batch_index}: " if f.batch_index is not None else ""
        extra.append(f"{where}{f.field or 'request'}: {f.message}")
    for line in extra:
        if line:
            print(f"  {line}", file=sys.stderr)
    return 1
