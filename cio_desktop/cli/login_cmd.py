"""``cio-desktop login NAME`` and ``cio-desktop logout NAME``: a workspace's OAuth sign-in.

``login NAME [--issuer URL] [--client-id ID] [--client-secret-stdin] [--scope S ...] [--no-browser]
[--device]`` signs the workspace in to an authorization server through the system browser and a loopback
redirect (or a device code); the tokens go to the keyring and App API calls use the access token as
Bearer. ``logout NAME`` revokes (when the server offers it) and deletes the tokens.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``login`` and ``logout`` sub-commands to ``sub``."""
    login = sub.add_parser(
        "login",
        help="sign a workspace in with OAuth (system browser, loopback redirect)",
        description=(
            "Sign a workspace in to an OAuth authorization server. The access token is sent as Bearer to "
            "the workspace's App API address. Tokens are kept in the system keyring only."
        ),
    )
    login.add_argument("name", metavar="NAME", help="the workspace name")
    login.add_argument("--issuer", metavar="URL", help="the authorization server's issuer URL")
    login.add_argument("--client-id", metavar="ID", help="a client id registered for cio-desktop")
    login.add_argument(
        "--client-secret-stdin", action="store_true", help="read that client's secret from standard input"
    )
    login.add_argument(
        "--scope", metavar="S", nargs="+", action="extend", default=[], help="scopes to ask for"
    )
    login.add_argument("--no-browser", action="store_true", help="print the address instead of opening it")
    login.add_argument("--device", action="store_true", help="sign in with a device code instead")
    login.set_defaults(func=run_login)

    logout = sub.add_parser("logout", help="sign a workspace out (revokes and deletes its tokens)")
    logout.add_argument("name", metavar="NAME", help="the workspace name")
    logout.set_defaults(func=run_logout)


def run_login(args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import guarded, run_async

    return guarded(lambda a: run_async(_login(a)))(args)


def run_logout(args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import guarded, run_async

    return guarded(lambda a: run_async(_logout(a)))(args)


async def _login(args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import fail, open_services, read_secret
    from cio_desktop.cli.oauth_support import expiry_words, terminal_hooks
    from cio_desktop.oauth.signin import SignInTarget, sign_in
    from cio_desktop.oauth.token_store import TokenStore, oauth_owner

    async with open_services() as services:
        workspace = services.find_workspace(args.name)
        owner = oauth_owner(workspace.id)
        secret = None
        if args.client_secret_stdin:
            if not args.client_id:
                return fail("--client-secret-stdin needs --client-id (the secret belongs to that client).")
            secret = read_secret("Client secret: ")
            if not secret:
                return fail("empty client secret on standard input; nothing was changed.")
        issuer = args.issuer
        if not issuer:
            previous = await TokenStore(services.secrets).load(owner)
            issuer = previous.record.issuer if previous is not None else None
        if not issuer:
            return fail(
                "Give the authorization server with --issuer URL (for example the sandbox's issuer_url)."
            )
        target = SignInTarget(
            issuer=issuer,
            scopes=tuple(args.scope),
            client_id=args.client_id,
            client_secret=secret,
            device=args.device,
        )
        record = await sign_in(services.secrets, owner, target, terminal_hooks(no_browser=args.no_browser))
    scope = f", scope {record.scope}" if record.scope else ""
    print(
        f"Signed in '{workspace.name}' at {record.issuer}{scope} ({expiry_words(record.expires_at)}). "
        "The tokens are in the system keyring; App API calls use them when no App API key is stored."
    )
    return 0


async def _logout(args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import open_services
    from cio_desktop.oauth.signin import sign_out
    from cio_desktop.oauth.token_store import oauth_owner

    async with open_services() as services:
        workspace = services.find_workspace(args.name)
        result = await sign_out(services.secrets, oauth_owner(workspace.id))
    print(f"{workspace.name}: {result.message}")
    return 0
