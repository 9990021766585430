"""``cio-desktop workspace add|list|show|rename|remove|test``: manage workspaces from the command line.

Secrets never come from argv: ``--track-key-stdin``/``--app-key-stdin`` read one line each (in that
order) from standard input, and on a terminal the command prompts without echo. keyring and filelock
are imported only when a command runs (see tests/test_import_rule.py).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cio_desktop.cli.common import (
    fail,
    guarded,
    open_store,
    read_secret,
    secret_store,
    stdin_is_tty,
    warn,
)
from cio_desktop.errors import CioDesktopError, SecretStoreError
from cio_desktop.models import Region, SecretKind, Workspace

if TYPE_CHECKING:
    from cio_desktop.secrets import SecretStore
    from cio_desktop.workspaces import WorkspaceStore

KEY_LABELS: dict[SecretKind, str] = {
    SecretKind.TRACK_API_KEY: "Track API key",
    SecretKind.APP_API_KEY: "App API key",
    SecretKind.PIPELINES_KEY: "Pipelines API key",
    SecretKind.OAUTH_ACCESS_TOKEN: "OAuth access token",
    SecretKind.OAUTH_REFRESH_TOKEN: "OAuth refresh token",
}
SHORT_LABELS: dict[SecretKind, str] = {
    SecretKind.TRACK_API_KEY: "track",
    SecretKind.APP_API_KEY: "app",
    SecretKind.PIPELINES_KEY: "pipelines",
    SecretKind.OAUTH_ACCESS_TOKEN: "oauth",
    SecretKind.OAUTH_REFRESH_TOKEN: "oauth-refresh",
}

_T = TypeVar("_T")


def _run_async(coro: Coroutine[Any, Any, _T]) -> _T:
    """``asyncio.run`` with asyncio imported on use: the GUI start-up builds this parser too."""
    import asyncio

    return asyncio.run(coro)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``workspace`` sub-command and its actions to ``sub``."""
    parser = sub.add_parser(
        "workspace",
        help="add, list, show, rename, remove or test workspaces",
        description="Manage Customer.io workspaces. Keys are kept in the system keyring, never in files.",
    )
    actions = parser.add_subparsers(dest="workspace_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a workspace (keys from stdin or a prompt, never argv)")
    add.add_argument("--name", required=True, help="a name you choose, unique (case-insensitive)")
    add.add_argument("--region", choices=[r.value for r in Region], default=Region.AUTO.value)
    add.add_argument("--site-id", metavar="ID", help="the workspace's Site ID (Track API)")
    add.add_argument("--track-url", metavar="URL", help="override the Track API address (https)")
    add.add_argument("--app-url", metavar="URL", help="override the App API address (https)")
    add.add_argument("--ca-file", metavar="PEM", help="extra CA certificates to trust for this workspace")
    add.add_argument(
        "--track-key-stdin", action="store_true", help="read the Track API key from standard input"
    )
    add.add_argument(
        "--app-key-stdin",
        action="store_true",
        help="read the App API key from standard input (the line after the Track key)",
    )
    add.set_defaults(func=guarded(_add))

    lst = actions.add_parser("list", help="list workspaces and which keys are stored (never the keys)")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.set_defaults(func=guarded(_list))

    show = actions.add_parser("show", help="show one workspace and which keys are stored")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=guarded(_show))

    rename = actions.add_parser("rename", help="rename a workspace (its keys stay with it)")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.set_defaults(func=guarded(_rename))

    remove = actions.add_parser("remove", help="remove a workspace and delete its keys")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(func=guarded(_remove))

    test = actions.add_parser("test", help="check that a workspace's keys and addresses work")
    test.add_argument("name", metavar="NAME")
    test.add_argument("--json", action="store_true", help="machine-readable output")
    test.set_defaults(func=guarded(_test))


# -- add -----------------------------------------------------------------------------------------


def _read_keys(args: argparse.Namespace) -> dict[SecretKind, str]:
    """The keys to store: from stdin when asked (an empty line is an error), else a silent prompt on a
    terminal (an empty answer means no key), else none."""
    wanted = [(SecretKind.TRACK_API_KEY, args.track_key_stdin), (SecretKind.APP_API_KEY, args.app_key_stdin)]
    keys: dict[SecretKind, str] = {}
    if args.track_key_stdin or args.app_key_stdin:
        for kind, flag in wanted:
            if not flag:
                continue
            value = _read_one(f"{KEY_LABELS[kind]}: ")
            if not value:
                raise CioDesktopError(
                    f"empty key: the {KEY_LABELS[kind]} read from standard input is empty; nothing was saved."
                )
            keys[kind] = value
    elif stdin_is_tty():
        for kind, _flag in wanted:
            value = _read_one(f"{KEY_LABELS[kind]} (leave empty for none): ")
            if value:
                keys[kind] = value
    return keys


def _read_one(prompt: str) -> str:
    try:
        return read_secret(prompt)
    except EOFError:
        return ""


async def _secure_or_fail(secrets: SecretStore, doing: str) -> None:
    status = await secrets.status()
    if not status.secure:
        raise SecretStoreError(f"cannot {doing}: {status.message} Nothing was saved.")


def _add(args: argparse.Namespace) -> int:
    store = open_store()
    ca_file = str(Path(args.ca_file).expanduser().absolute()) if args.ca_file else None
    candidate = Workspace(
        name=args.name,
        region=Region(args.region),
        site_id=args.site_id,
        track_url=args.track_url,
        app_url=args.app_url,
        ca_file=ca_file,
    )
    workspace = store.check_new(candidate)  # refuse bad input before asking for keys
    keys = _read_keys(args)
    if keys:
        _run_async(_add_with_keys(store, workspace, keys))
    else:
        store.add(workspace)
    stored = ", ".join(KEY_LABELS[k] for k in keys) if keys else "no keys"
    print(f"Added workspace '{workspace.name}' (region {workspace.region}; {stored} stored).")
    return 0


async def _add_with_keys(store: WorkspaceStore, workspace: Workspace, keys: dict[SecretKind, str]) -> None:
    secrets = secret_store()
    await _secure_or_fail(secrets, "save the keys")
    store.add(workspace)
    try:
        for kind, value in keys.items():
            await secrets.set(workspace.id, kind, value)
    except BaseException:
        # Leave nothing half-done: no workspace without its keys, no keys without a workspace.
        try:
            await secrets.delete_all(workspace.id)
        finally:
            _remove_by_id(store, workspace)
        raise


def _remove_by_id(store: WorkspaceStore, workspace: Workspace) -> None:
    try:
        current = store.get_by_id(workspace.id)
        store.remove(current.name)
    except CioDesktopError:
        pass  # already gone


# -- list / show ---------------------------------------------------------------------------------


async def _presence(
    workspaces: list[Workspace],
) -> tuple[dict[str, dict[SecretKind, bool]] | None, str | None]:
    """Which keys each workspace has, or ``None`` and the reason when the keyring cannot tell."""
    if not workspaces:
        return {}, None
    secrets = secret_store()
    status = await secrets.status()
    if not status.secure:
        return None, status.message
    try:
        found = {w.id: await secrets.present(w.id) for w in workspaces}
    except SecretStoreError as exc:
        return None, exc.message
    return found, None


def _as_json(workspace: Workspace, present: dict[SecretKind, bool] | None) -> dict[str, Any]:
    from cio_desktop.workspaces import to_json

    data = to_json(workspace)
    data["secrets"] = None if present is None else {k.value: v for k, v in present.items()}
    return data


def _secrets_text(present: dict[SecretKind, bool] | None) -> str:
    if present is None:
        return "unknown (keyring unavailable)"
    names = [SHORT_LABELS[k] for k, v in present.items() if v]
    return ", ".join(names) if names else "none"


def _list(args: argparse.Namespace) -> int:
    workspaces = open_store().list()
    presence, problem = _run_async(_presence(workspaces))
    if problem:
        warn(f"cannot tell which keys are stored: {problem}")

    def present(w: Workspace) -> dict[SecretKind, bool] | None:
        return None if presence is None else presence.get(w.id)

    if args.json:
        print(json.dumps([_as_json(w, present(w)) for w in workspaces], indent=2))
        return 0
    if not workspaces:
        print("No workspaces yet. Add one with: cio-desktop workspace add --name NAME")
        return 0
    rows = [("NAME", "REGION", "SITE ID", "KEYS")]
    rows += [(w.name, str(w.region), w.site_id or "-", _secrets_text(present(w))) for w in workspaces]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
    return 0


def _show(args: argparse.Namespace) -> int:
    workspace = open_store().get(args.name)
    presence, problem = _run_async(_presence([workspace]))
    if problem:
        warn(f"cannot tell which keys are stored: {problem}")
    present = None if presence is None else presence.get(workspace.id)
    if args.json:
        print(json.dumps(_as_json(workspace, present), indent=2))
        return 0
    lines = [
        ("Name", workspace.name),
        ("Id", workspace.id),
        ("Region", str(workspace.region)),
        ("Site ID", workspace.site_id or "-"),
        ("Track URL", workspace.track_url or "(the region's default)"),
        ("App URL", workspace.app_url or "(the region's default)"),
        ("CA file", workspace.ca_file or "-"),
    ]
    if workspace.demo:
        lines.append(("Demo", "yes (practice workspace)"))
    for kind in SecretKind:
        state = "unknown" if present is None else ("stored" if present.get(kind) else "not stored")
        lines.append((KEY_LABELS[kind], state))
    width = max(len(label) for label, _ in lines) + 1
    for label, value in lines:
        print(f"{(label + ':').ljust(width)} {value}")
    return 0


# -- rename / remove / test ----------------------------------------------------------------------


def _rename(args: argparse.Namespace) -> int:
    store = open_store()
    old = store.get(args.old)
    renamed = store.rename(args.old, args.new)
    print(f"Renamed workspace '{old.name}' to '{renamed.name}' (its keys stay with it).")
    return 0


async def _delete_secrets(workspace: Workspace) -> str | None:
    """Delete the workspace's keys; a warning to show if there was no keyring to delete them from."""
    from cio_desktop.secrets import BackendState

    secrets = secret_store()
    status = await secrets.status()
    if status.state is BackendState.SECURE:
        await secrets.delete_all(workspace.id)
        return None
    if status.state is BackendState.LOCKED:
        raise SecretStoreError(
            f"cannot remove '{workspace.name}' yet: its keys could not be deleted. {status.message} "
            "Nothing was changed."
        )
    return f"{status.message} Keys saved earlier for '{workspace.name}', if any, were not deleted."


def _remove(args: argparse.Namespace) -> int:
    store = open_store()
    workspace = store.get(args.name)
    problem = _run_async(_delete_secrets(workspace))
    store.remove(workspace.name)
    if problem:
        warn(problem)
    print(f"Removed workspace '{workspace.name}'" + (" and its keys." if not problem else "."))
    return 0


def _test(args: argparse.Namespace) -> int:
    import importlib

    name = "cio_desktop.cli.workspace_test"  # written by the API client's issue
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return fail("'workspace test' is not available yet in this version of cio-desktop.")
    code: int = module.run_test(args)
    return code
