"""Signing in from the GUI against the sandbox's authorization server: the account from the welcome page
(the account section, importing workspaces, signing out), the waiting dialog's Copy link, Paste address and
Cancel, a workspace's "Sign in with OAuth" followed by a lookup with its token, and one run where real
Chromium clicks Approve."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.oauth.token_store import ACCOUNT_OWNER, TokenStore
from cio_desktop.operations.services import Services
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.ui.dialogs.signin_dialog import SignInDialog
from cio_desktop.ui.main_window import MainWindow
from tests.oauth.conftest import consent, scripted_user
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_main_window import open_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: ThreadedSandbox) -> MainWindow:
    win = open_window(qtbot, qloop, services)
    win.account_resource = sandbox.info.mcp_url
    yield win
    qloop.run(TokenStore(services.secrets).clear(ACCOUNT_OWNER))


def _dialog() -> SignInDialog | None:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, SignInDialog) and w.isVisible()]
    return found[0] if found else None


def test_account_sign_in_from_the_welcome_page_then_import_and_sign_out(
    qtbot: QtBot, qloop: QtAsyncLoop, window: MainWindow, sandbox: ThreadedSandbox
) -> None:
    window.browser_opener = scripted_user("approve")
    assert window.welcome.account_button.isVisible()
    qtbot.mouseClick(window.welcome.account_button, Qt.MouseButton.LeftButton)
    section = window.sidebar.account
    qtbot.waitUntil(lambda: "90210" in section.summary.text(), timeout=20000)
    assert "US" in section.summary.text()
    assert section.import_button.isVisible()

    qtbot.mouseClick(section.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.import_dialog is not None and window.import_dialog.isVisible(), timeout=20000
    )
    dialog = window.import_dialog
    assert dialog is not None
    dialog.list.item(1).setCheckState(Qt.CheckState.Checked)  # type: ignore[attr-defined]
    dialog.accept()
    qtbot.waitUntil(lambda: any(w.name == "Sandbox EU" for w in window.sidebar.workspaces()), timeout=20000)
    imported = next(w for w in window.sidebar.workspaces() if w.name == "Sandbox EU")
    assert imported.region is Region.EU
    qtbot.waitUntil(lambda: "Add each workspace's API keys" in window.banner.message(), timeout=20000)
    # The wizard opens on the imported workspace so its keys can be added.
    qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible(), timeout=20000)
    assert window.wizard.editing.name == "Sandbox EU"  # type: ignore[union-attr]
    window.wizard.reject()  # type: ignore[union-attr]

    qtbot.mouseClick(section.sign_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.sign_in_button.isVisible(), timeout=20000)
    assert "server revoked" in window.status_label.text()
    assert qloop.run(TokenStore(window.services.secrets).load(ACCOUNT_OWNER)) is None


def test_waiting_dialog_copy_link_paste_address_and_a_wrong_paste(
    qtbot: QtBot, qloop: QtAsyncLoop, window: MainWindow
) -> None:
    holder: dict[str, str] = {}
    approved = asyncio.Event()

    async def remote_browser(url: str) -> bool:  # a browser on another machine: it never reaches us
        async with httpx.AsyncClient(timeout=30) as http:
            holder["location"] = await consent(http, url, "approve")
        approved.set()
        return False

    window.browser_opener = remote_browser
    qtbot.mouseClick(window.sidebar.account.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _dialog() is not None and approved.is_set(), timeout=20000)
    dialog = _dialog()
    assert dialog is not None
    assert dialog.url_edit.text().startswith(window.account_resource.rsplit("/mcp", 1)[0])  # type: ignore[union-attr]
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.url_edit.text()

    QGuiApplication.clipboard().setText("http://127.0.0.1:1/oauth/callback?code=x&state=forged")
    qtbot.mouseClick(dialog.paste_button, Qt.MouseButton.LeftButton)
    assert "state differs" in dialog.status.text()
    assert dialog.isVisible()  # a wrong address does not end the sign-in

    QGuiApplication.clipboard().setText(holder["location"])
    qtbot.mouseClick(dialog.paste_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "90210" in window.sidebar.account.summary.text(), timeout=20000)
    assert _dialog() is None


def test_cancel_in_the_waiting_dialog(qtbot: QtBot, qloop: QtAsyncLoop, window: MainWindow) -> None:
    async def nobody(url: str) -> bool:
        return True

    window.browser_opener = nobody
    qtbot.mouseClick(window.sidebar.account.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _dialog() is not None and bool(_dialog().url_edit.text()), timeout=20000)  # type: ignore[union-attr]
    dialog = _dialog()
    assert dialog is not None
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.status_label.text() == "Sign-in cancelled.", timeout=20000)
    assert _dialog() is None
    assert window.sidebar.account.sign_in_button.isVisible()


@pytest.fixture
def gateway(qloop: QtAsyncLoop, services: Services, sandbox: ThreadedSandbox) -> Workspace:
    """A workspace on the sandbox with no key at all (a company gateway's users sign in instead)."""
    info = sandbox.info
    ws = Workspace(name="Gateway", region=Region.US, track_url=info.track_url, app_url=info.app_url)
    return qloop.run(services.add_workspace(ws, {}))


def test_workspace_sign_in_with_oauth_then_lookup_with_the_token(
    qtbot: QtBot,
    qloop: QtAsyncLoop,
    window: MainWindow,
    services: Services,
    sandbox: ThreadedSandbox,
    gateway: Workspace,
) -> None:
    info = sandbox.info
    workspace = gateway
    qloop.run(window_refresh(window, workspace.name))
    window.browser_opener = scripted_user("approve")
    window.sidebar.oauth_requested.emit(workspace)
    answer_issuer(qtbot, window, info.issuer_url)
    qtbot.waitUntil(lambda: "Signed in 'Gateway'" in window.status_label.text(), timeout=20000)

    async def lookup() -> Any:
        client = await services.client_for(workspace)
        return await client.app.find_by_email(WELL_KNOWN["email"])

    result = qloop.run(lookup(), timeout=30)
    assert result.status == 200
    assert result.exchange.request_headers["authorization"] == "Bearer [REDACTED]"


def answer_issuer(qtbot: QtBot, parent: QWidget, issuer: str) -> None:
    """Type ``issuer`` into the "Sign in with OAuth" issuer question and press OK."""
    dialogs: list[QInputDialog] = []

    def shown() -> bool:
        dialogs[:] = [d for d in parent.findChildren(QInputDialog, "issuerDialog") if d.isVisible()]
        return bool(dialogs)

    qtbot.waitUntil(shown, timeout=20000)
    dialogs[0].setTextValue(issuer)
    dialogs[0].accept()


def test_the_wizard_offers_oauth_instead_of_an_app_key(
    qtbot: QtBot, qloop: QtAsyncLoop, window: MainWindow, sandbox: ThreadedSandbox, gateway: Workspace
) -> None:
    from cio_desktop.ui import window_flows

    info = sandbox.info
    workspace = gateway
    window.browser_opener = scripted_user("approve")
    window.tasks.spawn(window_flows.edit_workspace(window, workspace), key="wizard")
    qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible(), timeout=20000)
    wizard = window.wizard
    keys = wizard.keys  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: SecretKind.OAUTH_SESSION in keys.has_saved, timeout=20000)
    assert keys.problem().startswith("Paste at least one key")
    assert keys.oauth_button.isVisible()
    qtbot.mouseClick(keys.oauth_button, Qt.MouseButton.LeftButton)
    answer_issuer(qtbot, wizard, info.issuer_url)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: "Signed in with OAuth at" in keys.oauth_label.text(), timeout=20000)
    assert keys.problem() == ""  # the sign-in stands in for the App API key
    wizard.reject()  # type: ignore[union-attr]


async def window_refresh(window: MainWindow, name: str) -> None:
    from cio_desktop.ui.window_flows import refresh_workspaces

    await refresh_workspaces(window, select=name)


@pytest.mark.slow
def test_account_sign_in_with_chromium(
    qtbot: QtBot, qloop: QtAsyncLoop, window: MainWindow, tmp_path: Path
) -> None:
    """Real Chromium as the system browser (the BROWSER command ``webbrowser`` would run)."""

    async def chromium(url: str) -> bool:
        proc = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "tests.oauth.browser", url],
            cwd=ROOT, timeout=120, capture_output=True, text=True,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return True

    window.browser_opener = chromium
    qtbot.mouseClick(window.welcome.account_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "90210" in window.sidebar.account.summary.text(), timeout=120000)
