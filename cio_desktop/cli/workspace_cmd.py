"""``cio-desktop workspace add|list|show|rename|remove|test|keys``: manage workspaces from the command line.

Secrets never come from argv: ``--track-key-stdin``/``--app-key-stdin``/``--pipelines-key-stdin`` read
one line each (in that order, only those asked for) from standard input, and on a terminal the command
prompts without echo. Every change goes through ``operations.services.Services`` (the same transactions as
the app); keyring and filelock are imported only when a command runs (see tests/test_import_rule.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cio_desktop.cli import workspace_keys, workspace_test
from cio_desktop.cli.common import guarded, open_services, read_secret, run_async, stdin_is_tty, warn
from cio_desktop.errors import CioDesktopError
from cio_desktop.models import WORKSPACE_KEY_KINDS, Region, SecretKind, Workspace

if TYPE_CHECKING:
    from cio_desktop.operations.services import Services

KEY_LABELS: dict[SecretKind, str] = {
    SecretKind.TRACK_API_KEY: "Track API key",
    SecretKind.APP_API_KEY: "App API key",
    SecretKind.PIPELINES_KEY: "Pipelines API key",
    SecretKind.OAUTH_ACCESS_TOKEN: "OAuth access token",
    SecretKind.OAUTH_REFRESH_TOKEN: "OAuth refresh token",
    SecretKind.OAUTH_SESSION: "OAuth sign-in record",
    SecretKind.OAUTH_CLIENT_SECRET: "OAuth client secret",
}
SHORT_LABELS: dict[SecretKind, str] = {
    SecretKind.TRACK_API_KEY: "track",
    SecretKind.APP_API_KEY: "app",
    SecretKind.PIPELINES_KEY: "pipelines",
    SecretKind.OAUTH_ACCESS_TOKEN: "oauth",
    SecretKind.OAUTH_REFRESH_TOKEN: "oauth-refresh",
    SecretKind.OAUTH_SESSION: "oauth-session",
    SecretKind.OAUTH_CLIENT_SECRET: "oauth-client-secret",
}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``workspace`` sub-command and its actions to ``sub``."""
    parser = sub.add_parser(
        "workspace",
        help="add, list, show, rename, remove, test workspaces or see their keys' ages",
        description="Manage Customer.io workspaces. Keys are kept in the system keyring, never in files.",
    )
    actions = parser.add_subparsers(dest="workspace_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a workspace (keys from stdin or a prompt, never argv)")
    add.add_argument("--name", required=True, help="a name you choose, unique (case-insensitive)")
    add.add_argument("--region", choices=[r.value for r in Region], default=Region.AUTO.value)
    add.add_argument("--site-id", metavar="ID", help="the workspace's Site ID (Track API)")
    add.add_argument("--track-url", metavar="URL", help="override the Track API address (https)")
    add.add_argument("--app-url", metavar="URL", help="override the App API address (https)")
    add.add_argument(
        "--pipelines-url", metavar="URL", help="override the Pipelines API address (https, without /v1)"
    )
    add.add_argument("--ca-file", metavar="PEM", help="extra CA certificates to trust for this workspace")
    add.add_argument(
        "--track-key-stdin", action="store_true", help="read the Track API key from standard input"
    )
    add.add_argument(
        "--app-key-stdin",
        action="store_true",
        help="read the App API key from standard input (the line after the Track key)",
    )
    add.add_argument(
        "--pipelines-key-stdin",
        action="store_true",
        help="read the Pipelines API key (a source's write key) from standard input (after the App key)",
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
    test.set_defaults(func=guarded(workspace_test.run_test))

    keys = actions.add_parser(
        "keys", help="how old each stored key is, and whether it works (never the keys)"
    )
    keys.add_argument("name", metavar="NAME")
    keys.add_argument("--json", action="store_true", help="machine-readable output")
    keys.set_defaults(func=guarded(workspace_keys.run_keys))


# -- add -----------------------------------------------------------------------------------------


def _read_keys(args: argparse.Namespace) -> dict[SecretKind, str]:
    """The keys to store: from stdin when asked (an empty line is an error), else a silent prompt on a
    terminal (an empty answer means no key), else none."""
    wanted = [
        (SecretKind.TRACK_API_KEY, args.track_key_stdin),
        (SecretKind.APP_API_KEY, args.app_key_stdin),
        (SecretKind.PIPELINES_KEY, args.pipelines_key_stdin),
    ]
    keys: dict[SecretKind, str] = {}
    if any(flag for _kind, flag in wanted):
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


def _add(args: argparse.Namespace) -> int:
    ca_file = str(Path(args.ca_file).expanduser().absolute()) if args.ca_file else None
    candidate = Workspace(
        name=args.name,
        region=Region(args.region),
        site_id=args.site_id,
        track_url=args.track_url,
        app_url=args.app_url,
        pipelines_url=args.pipelines_url,
        ca_file=ca_file,
    )
    run_async(_check_new(candidate))  # refuse bad input before asking for keys
    keys = _read_keys(args)
    workspace = run_async(_add_async(candidate, keys))
    stored = ", ".join(KEY_LABELS[k] for k in keys) if keys else "no keys"
    print(f"Added workspace '{workspace.name}' (region {workspace.region}; {stored} stored).")
    return 0


async def _check_new(candidate: Workspace) -> None:
    async with open_services() as services:
        await services.check_new_workspace(candidate)


async def _add_async(candidate: Workspace, keys: dict[SecretKind, str]) -> Workspace:
    async with open_services() as services:
        return await services.add_workspace(candidate, keys)


# -- list / show ---------------------------------------------------------------------------------


def _as_json(workspace: Workspace, present: dict[SecretKind, bool] | None) -> dict[str, Any]:
    from cio_desktop.operations.services import Services

    data: dict[str, Any] = Services.workspace_json(workspace)
    data["secrets"] = None if present is None else {k.value: v for k, v in present.items()}
    return data


def _secrets_text(present: dict[SecretKind, bool] | None) -> str:
    if present is None:
        return "unknown (keyring unavailable)"
    names = [SHORT_LABELS[k] for k, v in present.items() if v]
    return ", ".join(names) if names else "none"


async def _presence(
    services: Services, workspaces: list[Workspace]
) -> dict[str, dict[SecretKind, bool]] | None:
    presence, problem = await services.key_presence(workspaces)
    if problem:
        warn(f"cannot tell which keys are stored: {problem}")
    return presence


def _list(args: argparse.Namespace) -> int:
    return run_async(_list_async(args))


async def _list_async(args: argparse.Namespace) -> int:
    async with open_services() as services:
        repaired = await services.repair_keyring()  # keys left by an interrupted change go first
        for name, kinds in repaired.missing.items():
            gone = ", ".join(KEY_LABELS[k] for k in kinds)
            warn(f"the {gone} of '{name}' is no longer in the keyring; add it again.")
        workspaces = services.known_workspaces()
        presence = await _presence(services, workspaces)

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
    return run_async(_show_async(args))


async def _show_async(args: argparse.Namespace) -> int:
    async with open_services() as services:
        workspace = services.find_workspace(args.name)
        presence = await _presence(services, [workspace])
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
        ("Pipelines URL", workspace.pipelines_url or "(the region's default)"),
        ("CA file", workspace.ca_file or "-"),
    ]
    if workspace.demo:
        lines.append(("Demo", "yes (practice workspace)"))
    for kind in WORKSPACE_KEY_KINDS:
        state = "unknown" if present is None else ("stored" if present.get(kind) else "not stored")
        lines.append((KEY_LABELS[kind], state))
    width = max(len(label) for label, _ in lines) + 1
    for label, value in lines:
        print(f"{(label + ':').ljust(width)} {value}")
    return 0


# -- rename / remove -----------------------------------------------------------------------------


def _rename(args: argparse.Namespace) -> int:
    return run_async(_rename_async(args))


async def _rename_async(args: argparse.Namespace) -> int:
    async with open_services() as services:
        old = services.find_workspace(args.old)
        renamed = await services.rename_workspace(old, args.new)
    print(f"Renamed workspace '{old.name}' to '{renamed.name}' (its keys stay with it).")
    return 0


def _remove(args: argparse.Namespace) -> int:
    return run_async(_remove_async(args))


async def _remove_async(args: argparse.Namespace) -> int:
    async with open_services() as services:
        result = await services.remove_workspace(services.find_workspace(args.name))
    if result.keys_left:
        warn(result.keys_left)
    name = result.workspace.name
    print(f"Removed workspace '{name}'" + (" and its keys." if not result.keys_left else "."))
    return 0
