"""``cio-desktop account ...``: the Customer.io account, signed in through its MCP service.

``account login [--region us|eu] [--resource URL] [--no-browser]``, ``account status [--json]``,
``account workspaces [--import NAME ...] [--json]``, ``account get PATH [--param K=V ...]``,
``account logout``. An account admin must have switched on MCP access in Customer.io.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``account`` sub-command and its actions to ``sub``."""
    parser = sub.add_parser(
        "account",
        help="your Customer.io account: sign in (MCP service), status, workspaces, read-only API",
        description=(
            "Sign in to your Customer.io account through its MCP service (OAuth in the browser), see who "
            "is signed in, list and import the account's workspaces, and read its web-app API."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    login = actions.add_parser("login", help="sign in through the browser")
    login.add_argument("--region", choices=("us", "eu"), default="us", help="the account's region")
    login.add_argument("--resource", metavar="URL", help="the MCP address (default: the region's)")
    login.add_argument("--no-browser", action="store_true", help="print the address instead of opening it")
    login.set_defaults(func=_sync(_login))
    status = actions.add_parser("status", help="who is signed in")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=_sync(_status))
    workspaces = actions.add_parser("workspaces", help="list (and import) the account's workspaces")
    workspaces.add_argument(
        "--import",
        dest="imports",
        metavar="NAME",
        nargs="+",
        action="extend",
        default=[],
        help="add these workspaces (by name or id) to cio-desktop",
    )
    workspaces.add_argument("--json", action="store_true", help="machine-readable output")
    workspaces.set_defaults(func=_sync(_workspaces))
    get = actions.add_parser("get", help="GET a web-app API path through the MCP service (read-only)")
    get.add_argument("path", metavar="PATH", help="for example /v1/accounts/ID/environments")
    get.add_argument("--param", metavar="K=V", action="append", default=[], help="a query parameter")
    get.add_argument("--dry-run", action="store_true", help="show what would be requested")
    get.set_defaults(func=_sync(_get))
    logout = actions.add_parser("logout", help="sign out (revokes and deletes the tokens)")
    logout.set_defaults(func=_sync(_logout))


def _sync(handler: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        from cio_desktop.cli.common import guarded, run_async

        return guarded(lambda a: run_async(handler(a)))(args)

    return run


async def _login(args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import open_services
    from cio_desktop.cli.oauth_support import expiry_words, terminal_hooks
    from cio_desktop.oauth.signin import SignInTarget, account_resource, sign_in
    from cio_desktop.oauth.token_store import ACCOUNT_OWNER

    resource = account_resource(args.region, args.resource)
    async with open_services() as services:
        record = await sign_in(
            services.secrets,
            ACCOUNT_OWNER,
            SignInTarget(resource=resource),
            terminal_hooks(no_browser=args.no_browser),
            region=args.region,
        )
    print(f"Signed in to your Customer.io account at {resource} ({expiry_words(record.expires_at)}).")
    return 0


async def _status(args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import open_services
    from cio_desktop.cli.oauth_support import expiry_words
    from cio_desktop.cli.output import print_json
    from cio_desktop.oauth import account
    from cio_desktop.oauth.account_ops import account_client
    from cio_desktop.oauth.token_store import ACCOUNT_OWNER, TokenStore

    async with open_services(network=True) as services:
        async with account_client(services.secrets, recorder=services.history.arecord) as mcp:
            found = await account.status(mcp)
        stored = await TokenStore(services.secrets).load(ACCOUNT_OWNER)  # after the call: maybe renewed
    expires_at = stored.record.expires_at if stored is not None else None
    if args.json:
        print_json({"ok": True, "account": found.to_json_dict(), "expires_at": expires_at})
        return 0
    print(f"Account:    {found.account_id or '?'} (user {found.user_id or '?'})")
    print(f"Region:     {(found.region or '?').upper()}")
    print(f"Workspaces: {', '.join(found.allowed_workspace_ids) or 'none allowed'}")
    print(f"Sign-in:    {expiry_words(expires_at)}")
    return 0


async def _workspaces(args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import fail, open_services
    from cio_desktop.cli.output import print_json
    from cio_desktop.oauth import account
    from cio_desktop.oauth.account_ops import account_client, import_base, import_workspaces

    async with open_services(network=True) as services:
        try:
            async with account_client(services.secrets, recorder=services.history.arecord) as mcp:
                _, found = await account.workspaces(mcp)
                base = import_base(mcp.url)
        except account.UnexpectedShape as exc:
            print(account.pretty(exc.raw))
            return fail(exc.message)
        added = []
        if args.imports:
            wanted = {w.casefold() for w in args.imports}
            chosen = [w for w in found if w.name.casefold() in wanted or str(w.id) in wanted]
            missing = wanted - {w.name.casefold() for w in chosen} - {str(w.id) for w in chosen}
            if missing:
                return fail(f"not in the account: {', '.join(sorted(missing))}; nothing was imported.")
            added = await import_workspaces(services, chosen, base=base)
    if args.json:
        imported = [{"name": w.name, "workspace_id": w.workspace_id, "region": w.region} for w in added]
        print_json({"ok": True, "workspaces": [w.to_json_dict() for w in found], "imported": imported})
        return 0
    for item in found:
        print(f"{item.id!s:>10}  {(item.region or '?').upper():3} {item.name}")
    for ws in added:
        print(f"Imported '{ws.name}' ({ws.region.upper()}). Add its keys with: cio-desktop workspace add ...")
    return 0


async def _get(args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import fail, open_services
    from cio_desktop.cli.output import print_json
    from cio_desktop.oauth import account
    from cio_desktop.oauth.account_ops import account_client

    params: dict[str, str] = {}
    for pair in args.param:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            return fail(f"--param takes K=V, got '{pair[:100]}'")
        params[key] = value
    async with (
        open_services(network=True) as services,
        account_client(services.secrets, recorder=services.history.arecord) as mcp,
    ):
        data = await account.read_api(mcp, args.path, params, dry_run=args.dry_run)
    print_json(data)
    return 0


async def _logout(args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import open_services
    from cio_desktop.oauth.signin import sign_out
    from cio_desktop.oauth.token_store import ACCOUNT_OWNER

    async with open_services() as services:
        result = await sign_out(services.secrets, ACCOUNT_OWNER)
    print(f"Customer.io account: {result.message}")
    return 0
