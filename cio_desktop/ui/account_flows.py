"""The main window's sign-in coroutines: the Customer.io account (sign in, show, import, sign out) and a
workspace's OAuth sign-in. Each is awaited by one task the window keeps; the work itself is in
``cio_desktop.oauth`` (Qt-free), these only ask, call and show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cio_desktop.errors import CioDesktopError
from cio_desktop.models import Workspace
from cio_desktop.oauth.flow import system_browser
from cio_desktop.oauth.signin import SignInTarget, account_resource, sign_out
from cio_desktop.oauth.token_store import ACCOUNT_OWNER, TokenStore, oauth_owner
from cio_desktop.ui.dialogs.signin_dialog import sign_in_with_dialog
from cio_desktop.ui.tasks import run_dialog
from cio_desktop.ui.window_flows import edit_workspace, refresh_workspaces

if TYPE_CHECKING:
    from cio_desktop.ui.main_window import MainWindow


def _expiry(expires_at: float | None) -> str:
    if expires_at is None:
        return "no expiry given"
    import time
    from datetime import datetime

    when = datetime.fromtimestamp(expires_at).astimezone().strftime("%H:%M")
    return f"renews {when}" if expires_at > time.time() else "renews on next use"


async def refresh_account(window: MainWindow) -> None:
    """Show the account sign-in in the sidebar (asks the MCP service who is signed in)."""
    from cio_desktop.oauth import account
    from cio_desktop.oauth.account_ops import account_client

    section = window.sidebar.account
    secrets = window.services.secrets
    try:
        stored = await TokenStore(secrets).load(ACCOUNT_OWNER)
    except CioDesktopError:
        section.set_signed_out("The keyring cannot be read, so the account sign-in is unknown.")
        return
    if stored is None:
        section.set_signed_out()
        return
    try:
        async with account_client(secrets, recorder=window.services.history.arecord) as mcp:
            status = await account.status(mcp)
    except CioDesktopError as exc:
        section.set_problem(exc.message)
        return
    stored = await TokenStore(secrets).load(ACCOUNT_OWNER)
    expires_at = stored.record.expires_at if stored is not None else None
    section.set_signed_in(status.account_id or "?", status.region, _expiry(expires_at))


async def account_sign_in(window: MainWindow) -> None:
    """ "Sign in to your Customer.io account": the browser, the waiting dialog, then the account shown."""
    resource = account_resource("us", window.account_resource)
    try:
        record = await sign_in_with_dialog(
            window,
            window.services,
            ACCOUNT_OWNER,
            SignInTarget(resource=resource),
            title="Sign in to your Customer.io account",
            region="us",
            opener=window.browser_opener or system_browser,
        )
    except CioDesktopError as exc:
        window.banner.show_error(
            exc, hint="An account admin must have switched on MCP access in Customer.io."
        )
        return
    window.services.token_sources.forget(ACCOUNT_OWNER)
    if record is None:
        window.set_status("Sign-in cancelled.")
        return
    window.set_status("Signed in to your Customer.io account.")
    await refresh_account(window)


async def import_workspaces(window: MainWindow) -> list[Workspace]:
    """List the account's workspaces, let the user pick, add them, and open the first one's settings."""
    from cio_desktop.oauth import account
    from cio_desktop.oauth.account_ops import account_client, import_base
    from cio_desktop.oauth.account_ops import import_workspaces as add_them
    from cio_desktop.ui.dialogs.import_dialog import ImportWorkspacesDialog

    services = window.services
    try:
        async with account_client(services.secrets, recorder=services.history.arecord) as mcp:
            _, found = await account.workspaces(mcp)
            base = import_base(mcp.url)
    except account.UnexpectedShape as exc:
        window.banner.show_message(exc.message, level="warning", detail=account.pretty(exc.raw)[:4000])
        return []
    except CioDesktopError as exc:
        window.banner.show_error(exc)
        return []
    dialog = ImportWorkspacesDialog(found, window)
    window.import_dialog = dialog
    if await run_dialog(dialog) != ImportWorkspacesDialog.DialogCode.Accepted:
        return []
    chosen = dialog.chosen()
    if not chosen:
        return []
    try:
        added = await add_them(services, chosen, base=base)
    except CioDesktopError as exc:
        window.banner.show_error(exc)
        return []
    await refresh_workspaces(window, select=added[0].name)
    names = ", ".join(w.name for w in added)
    window.banner.show_message(
        f"Imported {names}. Add each workspace's API keys with Edit… to look people up and send events.",
        level="info",
    )
    await edit_workspace(window, added[0])  # the wizard, prefilled, to add the first one's keys
    return added


async def account_sign_out(window: MainWindow) -> None:
    try:
        result = await sign_out(window.services.secrets, ACCOUNT_OWNER)
    except CioDesktopError as exc:
        window.banner.show_error(exc)
        return
    window.services.token_sources.forget(ACCOUNT_OWNER)
    window.sidebar.account.set_signed_out()
    window.set_status(result.message)


async def workspace_sign_in(window: MainWindow, workspace: Workspace) -> None:
    """ "Sign in with OAuth" from the workspace's menu; the App API then uses the token."""
    from cio_desktop.ui.dialogs.signin_dialog import sign_in_workspace

    services = window.services
    try:
        record = await sign_in_workspace(window, services, workspace, opener=window.browser_opener)
    except CioDesktopError as exc:
        window.banner.show_error(exc)
        return
    services.token_sources.forget(oauth_owner(workspace.id))
    if record is None:
        window.set_status("Sign-in cancelled.")
        return
    window.set_status(f"Signed in '{workspace.name}' with OAuth; App API calls use the token.")
